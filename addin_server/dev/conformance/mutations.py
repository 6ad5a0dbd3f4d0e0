"""Every single-field forgery of a signed request, with the reason the simulator must give.

A mutation changes one thing an attacker holding a captured request could change: the
method (its case, or another method), the path, the query, the Host, the Date, the Digest,
the body, the key id, the merchant id, each JWT claim, the signature, the algorithm; it
adds the other scheme's header; or (JWT) sends the same token again. ``expected`` is a
piece of the simulator's ``x-simulator-auth-failure`` header that names the right check,
so a forgery refused for the wrong reason (say, only because its ``jti`` was seen) counts
as a failure. A body is only mutated where it is signed (POST and PUT): a GET's body is
not part of what Cybersource checks.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from addin_server.dev.conformance.recording import WireRequest

OTHER_METHOD = {"GET": "DELETE", "DELETE": "GET", "POST": "PUT", "PUT": "POST"}
FORGED_HOST = "api.cybersource.com.evil.example"
_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Mutation:
    kind: str  # what was changed, e.g. "method", "claim iat"
    request: WireRequest
    expected: str  # a piece of the reason the refusal must give


def scheme_of(request: WireRequest) -> str:
    return "jwt" if (request.header("authorization") or "").startswith("Bearer ") else "signature"


def mutations(request: WireRequest, other_merchant: str) -> list[Mutation]:
    """Every single-field mutation of ``request`` (an accepted original)."""
    common = _common(request)
    specific = (
        _jwt(request, other_merchant)
        if scheme_of(request) == "jwt"
        else _signature(request, other_merchant)
    )
    return [*common, *specific]


def _common(request: WireRequest) -> Iterator[Mutation]:
    jwt = scheme_of(request) == "jwt"
    yield Mutation("method case", replace(request, method=request.method.lower()), "upper case")
    other = replace(request, method=OTHER_METHOD[request.method])
    yield Mutation("method", other, "request-method" if jwt else "signature does not match")
    path, _, query = request.target.partition("?")
    changed_path = replace(request, target=f"{path}x" + (f"?{query}" if query else ""))
    yield Mutation(
        "path", changed_path, "request-resource-path" if jwt else "signature does not match"
    )
    changed_query = f"{path}?{query}x" if query else f"{path}?offset=1"
    yield Mutation(
        "query",
        replace(request, target=changed_query),
        "request-resource-path" if jwt else "signature does not match",
    )
    host = request.with_header("host", FORGED_HOST)
    yield Mutation("host", host, "signed request-host" if jwt else "not the Cybersource host")
    if request.method in ("POST", "PUT"):
        body = request.with_body(request.body + b" ")
        yield Mutation("body", body, "claim 'digest'" if jwt else "Digest does not match")


def _signature(request: WireRequest, other_merchant: str) -> Iterator[Mutation]:
    signature = request.header("signature") or ""
    params = dict(_PARAM.findall(signature))

    def with_param(name: str, value: str) -> WireRequest:
        params_changed = {**params, name: value}
        text = ", ".join(f'{key}="{val}"' for key, val in params_changed.items())
        return request.with_header("signature", text)

    sent = parsedate_to_datetime(request.header("date") or "").timestamp()
    later = request.with_header("date", formatdate(sent + 1, usegmt=True))
    yield Mutation("date", later, "signature does not match")
    if request.header("digest") is not None:
        digest = "SHA-256=" + base64.b64encode(b"\0" * 32).decode()
        yield Mutation("digest", request.with_header("digest", digest), "Digest does not match")
    yield Mutation("key id", with_param("keyid", params["keyid"] + "0"), "keyid does not belong")
    merchant = request.with_header("v-c-merchant-id", other_merchant)
    yield Mutation("merchant id", merchant, "keyid does not belong")
    yield Mutation(
        "signature", with_param("signature", _flipped(params["signature"])), "does not match"
    )
    yield Mutation("algorithm", with_param("algorithm", "HmacSHA512"), "algorithm must be")
    bearer = request.with_header("authorization", "Bearer e30.e30.")
    yield Mutation("both schemes", bearer, "both a Bearer token and a Signature")


def _jwt(request: WireRequest, other_merchant: str) -> Iterator[Mutation]:
    token = (request.header("authorization") or "").removeprefix("Bearer ")
    header_b64, payload_b64, signature_b64 = token.split(".")
    header, claims = decoded_segment(header_b64), decoded_segment(payload_b64)

    def with_token(head: dict[str, Any], body: dict[str, Any], sig: str) -> WireRequest:
        forged = ".".join((_encoded(head), _encoded(body), sig))
        return request.with_header("authorization", f"Bearer {forged}")

    kid_reason = "unknown key id" if header["alg"] == "HS256" else "no certificate"
    kid = {**header, "kid": str(header["kid"]) + "0"}
    yield Mutation("key id", with_token(kid, claims, signature_b64), kid_reason)
    merchant = request.with_header("v-c-merchant-id", other_merchant)
    yield Mutation("merchant id", merchant, "names another merchant")
    for name, value in claims.items():
        forged = with_token(header, {**claims, name: _changed(value)}, signature_b64)
        yield Mutation(f"claim {name}", forged, "bad JWT signature")
    yield Mutation("signature", with_token(header, claims, _flipped(signature_b64)), "bad JWT")
    for algorithm in ("none", "HS512"):
        forged = with_token({**header, "alg": algorithm}, claims, signature_b64)
        yield Mutation(f"algorithm {algorithm}", forged, "unsupported JWT alg")
    yield Mutation("replayed jti", request, "jti was already used")
    both = request.with_header("signature", 'keyid="x", algorithm="HmacSHA256"')
    yield Mutation("both schemes", both, "both a Bearer token and a Signature")


def decoded_segment(segment: str) -> dict[str, Any]:
    """A JWT header or claims segment (base64url JSON)."""
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return data


def _encoded(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _changed(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return "x"
    return value + 1 if isinstance(value, int) else value + "x"


def _flipped(text: str) -> str:
    """The same text with its first character changed (still valid base64 either way)."""
    return ("B" if text[0] == "A" else "A") + text[1:]

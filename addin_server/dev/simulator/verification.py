"""Strict checks of the three authentication schemes, as the simulator applies them.

Independent of the client's signers: JWTs are checked with PyJWT, the HTTP Signature is
rebuilt from the received headers. Every failure is an ``AuthRejected`` whose ``why`` the
simulator reports in a test-only header; Cybersource's body just says "Authentication Failed".

Choices where Cybersource's rules are not documented exactly:
* JWT: ``iat`` may be at most ``jwt_max_age`` (120 s) old and 5 s in the future, ``exp``
  must equal ``iat + 120`` and not have passed; a ``jti`` is accepted once.
* HTTP Signature: ``Date`` may differ from the simulator's clock by at most
  ``date_skew`` (300 s); ``(request-target)`` with parentheses is refused.
* The signed host must be one of ``hosts`` when configured (e.g. ``apitest.cybersource.com``
  behind a proxy), else the request's Host header. Under JWT the Host header must be the
  signed host too (or, with ``hosts``, the simulator's own address: the test connects
  directly where a proxy would have rewritten it).
* The signed path may be the raw request target or its percent-decoded form: the official
  SDK signs an invoice id with a space or a non-ASCII letter unencoded and sends it
  encoded (notes §9).
* Refused whatever the signature: a method not in upper case on the request line, both an
  ``Authorization: Bearer`` and a ``Signature`` header, under JWT a ``v-c-merchant-id``
  header naming another merchant than the token, and any key of a revoked merchant.
"""

from __future__ import annotations

import base64
import hmac
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from addin_server.cybersource.auth import (
    BODY_METHODS,
    JWT_LIFETIME_SECONDS,
    MethodCase,
    SignatureDateHeader,
    body_digest,
)

JWT_FUTURE_TOLERANCE = 5
_SIGNATURE_PARAM = re.compile(r'(\w+)="([^"]*)"')


class AuthRejected(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class SimulatorMerchant:
    """What Cybersource knows of a merchant: its REST key and its certificates' public keys.

    ``certificates`` maps the certificate subject's serialNumber (the JWT ``kid``) to the key.
    """

    merchant_id: str
    key_id: str
    shared_secret_b64: str = field(repr=False)
    certificates: Mapping[str, RSAPublicKey] = field(default_factory=dict)

    @property
    def secret(self) -> bytes:
        return base64.b64decode(self.shared_secret_b64)


@dataclass(frozen=True)
class AuthPolicy:
    """The one strict reading the simulator applies (configurable, see module docstring)."""

    hosts: tuple[str, ...] = ()
    jwt_method_case: MethodCase = MethodCase.UPPER
    jwt_path_with_query: bool = True
    jwt_max_age: float = JWT_LIFETIME_SECONDS
    date_skew: float = 300.0
    signature_date_header: SignatureDateHeader = SignatureDateHeader.DATE
    reject_replayed_jti: bool = True


@dataclass(frozen=True)
class ReceivedRequest:
    method: str  # as on the request line
    path: str  # as on the wire, with query
    host_header: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    own_address: str = ""  # host:port the simulator listens on

    @property
    def signable_paths(self) -> tuple[str, ...]:
        """The raw target and its percent-decoded form (what the SDK signs, notes §9)."""
        return (self.path, unquote(self.path))


class AuthVerifier:
    def __init__(
        self,
        merchants: Mapping[str, SimulatorMerchant],
        policy: AuthPolicy,
        clock: Callable[[], float],
    ) -> None:
        self._merchants = merchants
        self._policy = policy
        self._clock = clock
        self._seen_jti: dict[str, float] = {}
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    @property
    def merchant_ids(self) -> list[str]:
        return list(self._merchants)

    def set_revoked(self, merchant_id: str, revoked: bool) -> None:
        with self._lock:
            (self._revoked.add if revoked else self._revoked.discard)(merchant_id)

    def verify(self, request: ReceivedRequest) -> SimulatorMerchant:
        """The authenticated merchant, or ``AuthRejected``."""
        if request.method != request.method.upper():
            raise AuthRejected(f"method {request.method!r} is not in upper case")
        authorization = request.headers.get("authorization", "")
        bearer = authorization.startswith("Bearer ")
        if bearer and "signature" in request.headers:
            raise AuthRejected("both a Bearer token and a Signature header")
        if bearer:
            merchant = self._verify_jwt(request, authorization.removeprefix("Bearer "))
        elif "signature" in request.headers:
            merchant = self._verify_http_signature(request)
        else:
            raise AuthRejected("no Authorization bearer token and no Signature header")
        with self._lock:
            if merchant.merchant_id in self._revoked:
                raise AuthRejected("the merchant's key was revoked")
        return merchant

    def _accepts_host(self, signed_host: object, request: ReceivedRequest) -> bool:
        return signed_host in (self._policy.hosts or (request.host_header,))

    def _check_jwt_host(self, signed_host: object, request: ReceivedRequest) -> None:
        direct = (request.own_address,) if self._policy.hosts else ()
        if request.host_header not in (signed_host, *direct):
            raise AuthRejected(f"Host {request.host_header!r} is not the signed request-host")
        if not self._accepts_host(signed_host, request):
            raise AuthRejected(f"claim 'request-host' {signed_host!r} is not ours")

    def _verify_jwt(self, request: ReceivedRequest, token: str) -> SimulatorMerchant:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthRejected(f"malformed JWT: {exc}") from exc
        algorithm, kid = header.get("alg"), str(header.get("kid") or "")
        key: Any
        if algorithm == "HS256":
            merchant = self._merchant_where(lambda m: m.key_id == kid, f"unknown key id {kid!r}")
            key = merchant.secret
        elif algorithm == "RS256":
            merchant = self._merchant_where(
                lambda m: kid in m.certificates, f"no certificate with serialNumber {kid!r}"
            )
            key = merchant.certificates[kid]
        else:
            raise AuthRejected(f"unsupported JWT alg {algorithm!r}")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError as exc:
            raise AuthRejected(f"bad JWT signature: {exc}") from exc
        self._check_claims(request, claims, merchant)
        return merchant

    def _check_claims(
        self, request: ReceivedRequest, claims: Mapping[str, Any], merchant: SimulatorMerchant
    ) -> None:
        policy = self._policy
        method = (
            request.method.lower() if policy.jwt_method_case is MethodCase.LOWER else request.method
        )
        header_merchant = request.headers.get("v-c-merchant-id", merchant.merchant_id)
        if header_merchant != merchant.merchant_id:
            raise AuthRejected("v-c-merchant-id header names another merchant than the JWT")
        expected = {
            "v-c-jwt-version": "2",
            "v-c-merchant-id": merchant.merchant_id,
            "iss": merchant.merchant_id,
            "request-method": method,
        }
        if request.method in BODY_METHODS:
            expected["digest"] = body_digest(request.body)
            expected["digestAlgorithm"] = "SHA-256"
        for name, value in expected.items():
            if claims.get(name) != value:
                raise AuthRejected(f"claim {name!r} is {claims.get(name)!r}, expected {value!r}")
        paths = [
            path if policy.jwt_path_with_query else path.split("?", 1)[0]
            for path in request.signable_paths
        ]
        if claims.get("request-resource-path") not in paths:
            raise AuthRejected(f"claim 'request-resource-path' is not {paths[0]!r}")
        self._check_jwt_host(claims.get("request-host"), request)
        now = self._clock()
        issued_at, expires = claims.get("iat"), claims.get("exp")
        if not isinstance(issued_at, int) or not isinstance(expires, int):
            raise AuthRejected("iat and exp must be integers")
        if expires != issued_at + JWT_LIFETIME_SECONDS:
            raise AuthRejected(f"exp must be iat + {JWT_LIFETIME_SECONDS}")
        if issued_at > now + JWT_FUTURE_TOLERANCE:
            raise AuthRejected("iat is in the future")
        if now - issued_at > policy.jwt_max_age or expires < now:
            raise AuthRejected("the JWT is stale")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise AuthRejected("jti is missing")
        if policy.reject_replayed_jti:
            self._remember_jti(jti, expires, now)

    def _remember_jti(self, jti: str, expires: float, now: float) -> None:
        with self._lock:
            for old in [j for j, until in self._seen_jti.items() if until < now]:
                del self._seen_jti[old]
            if jti in self._seen_jti:
                raise AuthRejected("jti was already used")
            self._seen_jti[jti] = expires

    def _verify_http_signature(self, request: ReceivedRequest) -> SimulatorMerchant:
        params = dict(_SIGNATURE_PARAM.findall(request.headers["signature"]))
        merchant_id = request.headers.get("v-c-merchant-id", "")
        merchant = self._merchants.get(merchant_id)
        if merchant is None:
            raise AuthRejected(f"unknown merchant {merchant_id!r}")
        if params.get("keyid") != merchant.key_id:
            raise AuthRejected("keyid does not belong to v-c-merchant-id")
        if params.get("algorithm") != "HmacSHA256":
            raise AuthRejected("algorithm must be HmacSHA256")
        names = params.get("headers", "").split()
        if "(request-target)" in names:
            raise AuthRejected("(request-target) with parentheses is no longer accepted")
        date_header = self._policy.signature_date_header.value
        wanted = ["host", date_header, "request-target", "v-c-merchant-id"]
        if request.method in BODY_METHODS:
            wanted.insert(3, "digest")
        if names != wanted:
            raise AuthRejected(f"signed headers must be {' '.join(wanted)!r}")
        if not self._accepts_host(request.host_header, request):
            raise AuthRejected("Host is not the Cybersource host")
        self._check_date(request.headers.get(date_header, ""))
        digest = request.headers.get("digest")
        if request.method in BODY_METHODS and digest != f"SHA-256={body_digest(request.body)}":
            raise AuthRejected("Digest does not match the body")
        values = {
            "host": request.host_header,
            date_header: request.headers.get(date_header, ""),
            "digest": request.headers.get("digest", ""),
            "v-c-merchant-id": merchant_id,
        }
        for path in request.signable_paths:
            values["request-target"] = f"{request.method.lower()} {path}"
            signing_string = "\n".join(f"{name}: {values[name]}" for name in names)
            expected = base64.b64encode(
                hmac.digest(merchant.secret, signing_string.encode(), "sha256")
            ).decode()
            if hmac.compare_digest(expected, params.get("signature", "")):
                return merchant
        raise AuthRejected("signature does not match")

    def _check_date(self, date_header: str) -> None:
        try:
            sent = parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError) as exc:
            raise AuthRejected("Date is missing or malformed") from exc
        if abs(self._clock() - sent) > self._policy.date_skew:
            raise AuthRejected("Date is too far from the current time")

    def _merchant_where(
        self, matches: Callable[[SimulatorMerchant], bool], why: str
    ) -> SimulatorMerchant:
        for merchant in self._merchants.values():
            if matches(merchant):
                return merchant
        raise AuthRejected(why)

"""The requestor: serialises a call once, signs those exact bytes, sends them, maps errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from addin_server.cybersource.auth import (
    BODY_METHODS,
    Authenticator,
    SignableRequest,
    encode_json,
)
from addin_server.cybersource.errors import (
    ActionNotAllowedError,
    AuthenticationFailedError,
    CybersourceError,
    DuplicateInvoiceError,
    FieldIssue,
    NotFoundError,
    RateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
)
from addin_server.cybersource.transport import Transport, retry_after_seconds

CORRELATION_HEADER = "v-c-correlation-id"
JSON_CONTENT_TYPE = "application/json;charset=utf-8"
USER_AGENT = "addin-server-cybersource/1"
EMPTY_BODY = b"{}"  # body-less POSTs send and sign "{}", as Cybersource's SDKs do

_VALIDATION_REASONS = frozenset(
    {"VALIDATION_ERROR", "VALIDATION_ERRORS", "INVALID_DATA", "MISSING_FIELD", "INVALID_IMAGE"}
)
_TIMEOUT_REASONS = frozenset({"SERVER_TIMEOUT", "SERVICE_TIMEOUT"})


@dataclass(frozen=True)
class ApiResponse:
    status: int
    data: dict[str, Any]
    correlation_id: str | None


class Requestor:
    """Calls one merchant's Cybersource API at ``base_url``.

    ``signing_host`` is the host signed into every request; it defaults to the host of
    ``base_url`` and must be set to the Cybersource host when ``base_url`` is a proxy.
    """

    def __init__(
        self,
        auth: Authenticator,
        base_url: str,
        transport: Transport,
        *,
        signing_host: str | None = None,
    ) -> None:
        self.auth = auth
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.signing_host = signing_host or urlsplit(self.base_url).netloc

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str | int] | None = None,
        json_body: Any = None,
    ) -> ApiResponse:
        method = method.upper()
        target = f"{path}?{urlencode(query)}" if query else path
        body: bytes | None = None
        if method in BODY_METHODS:
            body = EMPTY_BODY if json_body is None else encode_json(json_body)
        signable = SignableRequest(method, self.signing_host, target, body)

        def headers_for_attempt() -> dict[str, str]:
            headers = {"Accept": "application/hal+json;charset=utf-8", "User-Agent": USER_AGENT}
            if body is not None:
                headers["Content-Type"] = JSON_CONTENT_TYPE
            headers.update(self.auth.headers(signable))
            return headers

        raw = self.transport.send(
            method, self.base_url + target, body, headers_for_attempt, retryable=method == "GET"
        )
        data = _decode(raw.body)
        correlation_id = raw.headers.get(CORRELATION_HEADER)
        if raw.status >= 300:
            retry_after = retry_after_seconds(raw.headers.get("Retry-After"))
            raise error_from_response(raw.status, data, correlation_id, retry_after=retry_after)
        if not isinstance(data, dict):
            raise CybersourceError(
                "Cybersource answered without a JSON object",
                status=raw.status,
                correlation_id=correlation_id,
                body=data,
            )
        return ApiResponse(raw.status, data, correlation_id)


def _decode(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def error_from_response(
    status: int, data: Any, correlation_id: str | None, *, retry_after: float | None = None
) -> CybersourceError:
    """The typed error for a non-2xx answer, keeping status, reason, details, body and the
    ``Retry-After`` wait in seconds."""
    body = data if isinstance(data, Mapping) else {}
    reason = str(body.get("reason") or "") or None
    message = str(body.get("message") or "") or _rmsg(body) or f"HTTP {status}"
    details = tuple(
        FieldIssue(str(item.get("field") or ""), str(item.get("reason") or ""))
        for item in body.get("details") or ()
        if isinstance(item, Mapping)
    )
    error_class: type[CybersourceError] = CybersourceError
    if status in (401, 403):
        error_class = AuthenticationFailedError
    elif status == 404:
        error_class = NotFoundError
    elif status == 429:
        error_class = RateLimitedError
    elif status == 400 and reason == "DUPLICATE_RECORD":
        error_class = DuplicateInvoiceError
    elif status == 400 and reason == "ACTION_NOT_ALLOWED":
        error_class = ActionNotAllowedError
    elif status == 400 and (reason in _VALIDATION_REASONS or details):
        error_class = ValidationFailedError
    elif status == 504 or (status >= 500 and reason in _TIMEOUT_REASONS):
        error_class = UpstreamTimeoutError
    elif status >= 500:
        error_class = UpstreamUnavailableError
    return error_class(
        message,
        status=status,
        reason=reason,
        details=details,
        correlation_id=correlation_id,
        body=data,
        retry_after=retry_after,
    )


def _rmsg(body: Mapping[str, Any]) -> str:
    """401 bodies look like ``{"response": {"rmsg": "Authentication Failed"}}``."""
    response = body.get("response")
    return str(response.get("rmsg") or "") if isinstance(response, Mapping) else ""

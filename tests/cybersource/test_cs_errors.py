"""Cybersource answers mapped to typed errors; bounded backoff."""

from __future__ import annotations

from typing import Any

import pytest

from addin_server.cybersource import (
    ActionNotAllowedError,
    AuthenticationFailedError,
    CybersourceError,
    DuplicateInvoiceError,
    NotFoundError,
    RateLimitedError,
    RetryPolicy,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
)
from addin_server.cybersource.requestor import error_from_response
from addin_server.cybersource.transport import retry_after_seconds


def body(status: str, reason: str, message: str = "m", **extra: Any) -> dict[str, Any]:
    return {
        "submitTimeUtc": "2019-07-01T21:40:10Z",
        "status": status,
        "reason": reason,
        "message": message,
        **extra,
    }


@pytest.mark.parametrize(
    ("status", "data", "error_class"),
    [
        (401, {"response": {"rmsg": "Authentication Failed"}}, AuthenticationFailedError),
        (403, None, AuthenticationFailedError),
        (404, body("NOTFOUND", "NOT_FOUND"), NotFoundError),
        (400, body("BADREQUEST", "DUPLICATE_RECORD"), DuplicateInvoiceError),
        (400, body("BADREQUEST", "ACTION_NOT_ALLOWED"), ActionNotAllowedError),
        (400, body("BADREQUEST", "VALIDATION_ERRORS"), ValidationFailedError),
        (400, body("BADREQUEST", "VALIDATION_ERROR"), ValidationFailedError),
        (400, body("BADREQUEST", "SOMETHING_NEW"), CybersourceError),
        (502, body("SERVER_ERROR", "SYSTEM_ERROR"), UpstreamUnavailableError),
        (502, body("SERVER_ERROR", "SERVICE_TIMEOUT"), UpstreamTimeoutError),
        (504, "<html>gateway timeout</html>", UpstreamTimeoutError),
        (409, None, CybersourceError),
        (429, None, RateLimitedError),
    ],
)
def test_answers_map_to_typed_errors(
    status: int, data: Any, error_class: type[CybersourceError]
) -> None:
    error = error_from_response(status, data, "corr-1")
    assert type(error) is error_class
    assert error.status == status
    assert error.correlation_id == "corr-1"
    assert error.body == data


def test_error_keeps_reason_message_and_details() -> None:
    data = body(
        "BADREQUEST",
        "VALIDATION_ERROR",
        "Field validation errors.",
        details=[{"field": "customerInformation.email", "reason": "Invalid email"}],
    )
    error = error_from_response(400, data, None)
    assert error.reason == "VALIDATION_ERROR"
    assert error.message == "Field validation errors."
    assert [(d.field, d.reason) for d in error.details] == [
        ("customerInformation.email", "Invalid email")
    ]
    assert "customerInformation.email: Invalid email" in str(error)


def test_authentication_message_comes_from_rmsg() -> None:
    error = error_from_response(401, {"response": {"rmsg": "Authentication Failed"}}, None)
    assert error.message == "Authentication Failed"


def test_backoff_is_exponential_bounded_and_jittered() -> None:
    policy = RetryPolicy(base_delay=0.25, max_delay=1.0)
    assert [policy.delay(n, 1.0) for n in range(5)] == [0.25, 0.5, 1.0, 1.0, 1.0]
    assert policy.delay(3, 0.5) == 0.5
    assert policy.delay(0, 0.0) == 0.0


def test_rate_limit_is_not_an_unknown_outcome() -> None:
    """A 429 was not carried out: it must not look like a lost answer to creators."""
    error = error_from_response(429, None, None, retry_after=30.0)
    assert not isinstance(error, UpstreamUnavailableError)
    assert error.retry_after == 30.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Wed, 21 Oct 2026 07:28:10 GMT", 10.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # already past
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    now = 1_792_567_680.0  # Wed, 21 Oct 2026 07:28:00 GMT
    assert retry_after_seconds(header, now=lambda: now) == seconds

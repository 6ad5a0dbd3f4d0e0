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
    RetryPolicy,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
)
from addin_server.cybersource.requestor import error_from_response


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

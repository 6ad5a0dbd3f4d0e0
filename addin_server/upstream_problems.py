"""Cybersource errors as problem responses: the one place upstream failures meet HTTP.

Services let ``CybersourceError`` rise; the handler registered here answers with a problem
whose ``type`` is a stable URI, and ``cybersource`` says what Cybersource answered (for
support: its status, reason, message and correlation id). Field errors name the caller's
fields when the caller said what they are called (``cybersource.naming_fields``), and a
snake_case form of Cybersource's path otherwise (``location`` ``cybersource``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, Response

from addin_server.cybersource import (
    ActionNotAllowedError,
    AuthenticationFailedError,
    CybersourceError,
    DuplicateInvoiceError,
    FieldIssue,
    FieldNames,
    InvalidCredentialsError,
    NotFoundError,
    RateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
    generic_field_name,
)
from addin_server.problems import ApiProblem, FieldError, problem_response

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 5  # seconds, when Cybersource did not say
MAX_RETRY_AFTER = 300
UNAVAILABLE_TYPE = "/problems/upstream-unavailable"
_REASON_SENTENCES = {"MISSING_FIELD": "Required.", "INVALID_DATA": "Not valid."}


def register_upstream_problems(app: Flask) -> None:
    app.register_error_handler(CybersourceError, upstream_problem_response)


def upstream_problem_response(error: CybersourceError) -> Response:
    problem = upstream_problem(error)
    log.warning(
        "cybersource call failed",
        extra={
            "error_type": type(error).__name__,
            "upstream_status": error.status,
            "upstream_reason": error.reason,
            "correlation_id": error.correlation_id,
            "problem_status": problem.status,
        },
    )
    return problem_response(problem)


@dataclass(frozen=True)
class _Kind:
    """How one kind of Cybersource failure is reported."""

    error_class: type[CybersourceError] | tuple[type[CybersourceError], ...]
    status: int
    title: str
    problem_type: str
    detail: str
    retry: bool = False


# First match wins: subclasses before their parents.
_KINDS = (
    _Kind(
        (AuthenticationFailedError, InvalidCredentialsError),
        502,
        "Merchant credentials rejected",
        "/problems/merchant-credentials-rejected",
        "Cybersource rejected this merchant profile's credentials. "
        "Ask an admin to re-verify the merchant profile.",
    ),
    _Kind(
        RateLimitedError,
        503,
        "Cybersource rate limit",
        "/problems/upstream-rate-limited",
        "Cybersource is limiting requests for this merchant right now. Try again shortly.",
        retry=True,
    ),
    _Kind(
        UpstreamTimeoutError,
        504,
        "Cybersource timed out",
        UNAVAILABLE_TYPE,
        "Cybersource did not answer in time. Try again in a moment.",
        retry=True,
    ),
    _Kind(
        UpstreamUnavailableError,
        503,
        "Cybersource unavailable",
        UNAVAILABLE_TYPE,
        "Cybersource could not be reached or failed. Try again in a moment.",
        retry=True,
    ),
    _Kind(
        NotFoundError,
        404,
        "Not found at Cybersource",
        "/problems/upstream-not-found",
        "Cybersource has no such invoice for this merchant.",
    ),
    _Kind(
        ActionNotAllowedError,
        409,
        "Action not allowed",
        "/problems/action-not-allowed",
        "Cybersource does not allow this action in the invoice's current status.",
    ),
    _Kind(
        DuplicateInvoiceError,
        409,
        "Duplicate invoice number",
        "/problems/duplicate-invoice-number",
        "Cybersource already has an invoice with this number for this merchant.",
    ),
    _Kind(
        CybersourceError,
        502,
        "Unexpected Cybersource answer",
        "/problems/upstream-error",
        "Cybersource answered in a way this server does not understand.",
    ),
)


def upstream_problem(error: CybersourceError) -> ApiProblem:
    """The problem for ``error``: which status and type each kind of failure gets."""
    if isinstance(error, ValidationFailedError):
        return _validation_problem(error)
    kind = next(k for k in _KINDS if isinstance(error, k.error_class))
    headers = {"Retry-After": str(retry_after(error))} if kind.retry else {}
    return _problem(error, kind.status, kind.detail, kind.title, kind.problem_type, headers=headers)


def retry_after(error: CybersourceError) -> int:
    """Whole seconds to wait: what Cybersource asked for, bounded, or a short default."""
    wait = DEFAULT_RETRY_AFTER if error.retry_after is None else error.retry_after
    return min(MAX_RETRY_AFTER, max(1, math.ceil(wait)))


def _validation_problem(error: ValidationFailedError) -> ApiProblem:
    errors = [_field_error(issue, error.field_names) for issue in error.details]
    names = ", ".join(e.field for e in errors)
    who = "Cybersource" if error.status is not None else "The check before sending"
    return _problem(
        error,
        422,
        f"{who} did not accept these fields: {names}." if names else f"{who} refused it.",
        "Fields not accepted",
        "/problems/upstream-validation",
        errors=errors,
    )


def _field_error(issue: FieldIssue, names: FieldNames | None) -> FieldError:
    detail = issue.message or _REASON_SENTENCES.get(issue.reason, issue.reason) or "Not valid."
    detail = detail[:1].upper() + detail[1:]
    ours = names.ours(issue.field) if names is not None else None
    if ours is not None:
        return FieldError(ours, detail)
    return FieldError(generic_field_name(issue.field), detail, location="cybersource")


def _problem(
    error: CybersourceError,
    status: int,
    detail: str,
    title: str,
    problem_type: str,
    *,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ApiProblem:
    answer = {
        "status": error.status,
        "reason": error.reason,
        "message": error.message,
        "correlation_id": error.correlation_id,
    }
    return ApiProblem(
        status,
        detail,
        title=title,
        problem_type=problem_type,
        errors=errors,
        headers=headers,
        extra={"cybersource": answer},
    )

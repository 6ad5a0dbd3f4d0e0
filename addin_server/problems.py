"""RFC 9457 problem details: the one error format of every ``/api/`` route.

Domain code raises ``ApiProblem`` (or a subclass); HTTP errors, validation errors and
unexpected exceptions are turned into the same shape by ``register_error_handlers``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldError:
    """One bad input field: ``field`` is a dotted path (``customer.email``, ``items.0.price``)."""

    field: str
    detail: str
    location: str = "json"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "detail": self.detail, "location": self.location}


class ApiProblem(Exception):
    """An error the API reports as a problem response."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        problem_type: str = "about:blank",
        errors: list[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.problem_type = problem_type
        self.errors = errors or []
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def validation_problem(errors: list[FieldError], detail: str | None = None) -> ApiProblem:
    names = ", ".join(e.field for e in errors) or "request"
    return ApiProblem(
        400,
        detail or f"Invalid input: {names}.",
        title="Invalid request",
        problem_type="/problems/invalid-request",
        errors=errors,
    )


def problem_response(problem: ApiProblem) -> Response:
    body: dict[str, Any] = {
        "type": problem.problem_type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "errors": [e.as_dict() for e in problem.errors],
        "request_id": getattr(g, "request_id", None),
        **problem.extra,
    }
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_MIMETYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, location: str = "json", prefix: str = "") -> list[FieldError]:
    """marshmallow/webargs nested messages -> one ``FieldError`` per field."""
    errors: list[FieldError] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
            errors.extend(flatten_messages(value, location, name))
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        errors.append(FieldError(prefix or "(body)", " ".join(messages), location))
    elif isinstance(messages, list | tuple):
        for item in messages:
            errors.extend(flatten_messages(item, location, prefix))
    else:
        errors.append(FieldError(prefix or "(body)", str(messages), location))
    return errors


def _from_http_exception(error: HTTPException) -> ApiProblem:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, Mapping) else None
    if messages:
        errors: list[FieldError] = []
        for location, fields in messages.items():
            errors.extend(flatten_messages(fields, str(location)))
        return validation_problem(errors)
    # Keep the headers werkzeug attaches (Allow on 405, Retry-After on 503), not its body.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    detail = {
        404: "No such resource.",
        405: f"Method {request.method} is not allowed here.",
        413: "The request body is too large.",
        415: "Send the request body as application/json.",
    }.get(status, error.description or HTTPStatus(status).phrase)
    return ApiProblem(status, detail, headers=headers)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def handle_http_exception(error: HTTPException) -> Response | HTTPException:
    if not is_api_request():
        return error
    return problem_response(_from_http_exception(error))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiProblem, problem_response)
    app.register_error_handler(HTTPException, handle_http_exception)

    @app.errorhandler(ValidationError)
    def _validation(error: ValidationError) -> Response:
        return problem_response(validation_problem(flatten_messages(error.messages)))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # The traceback goes to the log (redacted); the client only gets the request id.
        log.exception("unhandled error", extra={"error_type": type(error).__name__})
        return problem_response(
            ApiProblem(500, "An unexpected error occurred. Quote the request id when reporting it.")
        )

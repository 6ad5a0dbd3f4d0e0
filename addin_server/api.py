"""The ``/api/`` surface: flask-smorest for schemas and OpenAPI, problem details for errors.

Concerns define their routes on an ``ApiBlueprint``; ``app.BLUEPRINTS`` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import flask_smorest
from flask import Flask, Response, jsonify, request
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from addin_server.problems import PROBLEM_MIMETYPE, handle_http_exception

F = TypeVar("F", bound=Callable[..., Any])
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_ACCEPTED_ATTR = "_addin_accepts"
API_KEY = "addin.api"
SUCCESS_MIMETYPE = "application/json"


class _Parser(FlaskParser):
    # Bad input is a client error the client can fix: 400 with the fields named.
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = _Parser()


def as_documented(data: Any, status: int = 200) -> Response:
    """``data`` as the JSON answer, for a view that builds it field by field in exactly its
    documented response schema's shape: flask-smorest passes a ``Response`` through instead of
    dumping ``data`` through that schema again, which for a page of invoices cost more CPU
    than the rest of the request. A test holds each such shape to its schema (dumping it
    changes nothing)."""
    response = jsonify(data)
    response.status_code = status
    return response


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every ``/api/`` error."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Dict(), required=True)
    request_id = fields.String(allow_none=True)
    # Extension members (RFC 9457 section 3.2) some problems carry:
    invoice_id = fields.String(
        metadata={"description": "The invoice an Idempotency-Key problem is about."}
    )
    cybersource = fields.Dict(
        metadata={
            "description": "Cybersource's own answer (status, reason, message, "
            "correlation_id) when it caused the problem."
        }
    )


class _Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        return handle_http_exception(error)

    def _register_responses(self) -> None:
        # The error responses flask-smorest documents are problems (their content type too).
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MIMETYPE
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = SUCCESS_MIMETYPE


def links(codes: tuple[int, ...], **targets: dict[str, Any]) -> Callable[[F], F]:
    """Document OpenAPI links on the ``codes`` responses: ``name={"operationId": ...,
    "parameters": {...}}`` says where a client (or Schemathesis' stateful run) goes next."""
    responses = {str(code): {"links": targets} for code in codes}
    return cast(Callable[[F], F], flask_smorest.Blueprint.doc(responses=responses))


def accepts(*mimetypes: str) -> Callable[[F], F]:
    """Mark a view that takes a body other than JSON (e.g. ``multipart/form-data``)."""

    def mark(view: F) -> F:
        setattr(view, _ACCEPTED_ATTR, mimetypes)
        return view

    return mark


def _require_known_content_type(app: Flask) -> None:
    """415 for a body the view cannot read, before any parsing happens."""
    if not request.path.startswith("/api/") or request.method not in _BODY_METHODS:
        return
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if not has_body:
        return
    view = app.view_functions.get(request.endpoint or "")
    accepted = getattr(view, _ACCEPTED_ATTR, ("application/json",))
    if request.mimetype not in accepted and not request.mimetype.endswith("+json"):
        raise UnsupportedMediaType()


def init_api(app: Flask) -> flask_smorest.Api:
    """The OpenAPI document and the content-type check; register ``ApiBlueprint``s on it."""
    app.config.update(
        API_TITLE="Invoice from email",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = _Api(app)
    app.extensions[API_KEY] = api
    app.before_request(lambda: _require_known_content_type(app))
    return api

"""Reading the request and writing answers, as the simulator's routes share them."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import MISSING_FIELD
from addin_server.dev.simulator.replies import invalid, validation_failed
from addin_server.dev.simulator.verification import ReceivedRequest

PRODUCT_TYPES = frozenset({"INVOICING", "PAYBYLINK"})


def json_response(body: Any, status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def received_request() -> ReceivedRequest:
    """The request as signed: the raw request line (werkzeug decodes %XX in ``path``)."""
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return ReceivedRequest(
        method=str(request.environ.get("REQUEST_METHOD", request.method)),
        path=raw_uri or request.full_path.rstrip("?"),
        host_header=request.headers.get("Host", ""),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.get_data(cache=True),
        own_address=f"{request.environ.get('SERVER_NAME')}:{request.environ.get('SERVER_PORT')}",
    )


def json_body() -> Any:
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except ValueError as exc:
        raise invalid("(body)") from exc


def int_query(name: str, *, minimum: int, maximum: int | None) -> int:
    value = request.args.get(name)
    if value is None:
        raise validation_failed([FieldIssue(name, MISSING_FIELD)])
    if (
        not value.isdigit()
        or int(value) < minimum
        or (maximum is not None and int(value) > maximum)
    ):
        raise invalid(name)
    return int(value)


def product_type() -> str:
    value = request.args.get("productType", "INVOICING")
    if value not in PRODUCT_TYPES:
        raise invalid("productType")
    return value

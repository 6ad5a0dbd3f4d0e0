"""Bounds on what a request may carry, enforced before any view or schema sees it.

- ``<int:...>`` path segments match only ids an ``Integer`` column can hold (beyond that:
  404, never a database error), and the OpenAPI document says so (``maximum``).
- A JSON body nested deeper than ``MAX_JSON_DEPTH`` is refused (400) before anything parses it
  (a parser recursing into it would otherwise hit Python's recursion limit: a 500).
- A JSON string holding a NUL character is refused (400, naming the field): PostgreSQL text
  cannot store it, and no field of this API needs it.
- A body larger than ``ADDIN_MAX_REQUEST_BYTES`` is a 413 whether it came with a
  ``Content-Length`` or chunked: it is read here, through werkzeug's bounded stream.

Schemas bound every number and date they accept; this module covers what reaches the
parsers before a schema can.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, Map

from addin_server.problems import FieldError, validation_problem

# PostgreSQL integer and bigint: the ranges of the id columns.
MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1
MAX_JSON_DEPTH = 32
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# A JSON string literal (escapes included): removed before counting brackets.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_DEPTH_STEP = [0] * 256
for _opening in b"[{":
    _DEPTH_STEP[_opening] = 1
for _closing in b"]}":
    _DEPTH_STEP[_closing] = -1
_NUL_ESCAPE = b"\\u0000"


class Int64Converter(IntegerConverter):
    """werkzeug's ``int`` converter with the ``Integer`` column's maximum unless a route sets
    its own (``<int(max=...):name>``)."""

    def __init__(
        self,
        url_map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # werkzeug's argument names
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(
            url_map,
            fixed_digits=fixed_digits,
            min=min,
            max=MAX_INT32 if max is None else max,
            signed=signed,
        )


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in ``body`` (0 for a scalar), without parsing it.

    Runs in C loops (regex, translate, accumulate), so a large body costs little.
    """
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def nul_fields(value: Any, path: str = "") -> Iterator[str]:
    """Dotted paths of the strings (keys too) in parsed JSON that contain a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "(body)"
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                yield child.replace("\x00", "\\u0000")
            else:
                yield from nul_fields(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_fields(item, f"{path}.{index}" if path else str(index))


def read_body() -> bytes:
    """The request body, at most ``MAX_CONTENT_LENGTH`` bytes (413 beyond, chunked or not).

    werkzeug stops reading a chunked body silently at the limit (the view would then see
    truncated JSON: a 400); a chunked body that fills the limit is taken as too large.
    """
    body = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(body) >= limit:
        raise RequestEntityTooLarge()
    return body


def check_body() -> None:
    """The ``before_request`` check of bodies (registered after authentication)."""
    if request.method not in _BODY_METHODS:
        return
    body = read_body()
    if request.is_json:
        check_json(body)


def check_json(body: bytes) -> None:
    """400 for JSON nested too deeply or holding a NUL character, before anything parses it."""
    if json_depth(body) > MAX_JSON_DEPTH:
        raise validation_problem(
            [FieldError("(body)", f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")]
        )
    if _NUL_ESCAPE not in body:
        return
    try:
        parsed = json.loads(body)
    except ValueError:
        return  # not JSON at all: the view's parser reports that
    bad = [FieldError(name, "Must not contain a NUL character.") for name in nul_fields(parsed)]
    if bad:
        raise validation_problem(bad)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered (the converter applies to rules as they are
    added) and after authentication is installed (bodies are read only for signed-in calls)."""
    app.url_map.converters["int"] = Int64Converter
    app.before_request(check_body)

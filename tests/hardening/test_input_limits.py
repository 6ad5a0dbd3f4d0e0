"""No input reaches a parser, the database or the calendar unbounded: 4xx problems, never 500."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from addin_server.input_limits import MAX_INT32, MAX_INT64, MAX_JSON_DEPTH, json_depth, nul_fields

BEYOND_64_BITS = 2**64 + 1


def _fields(response: TestResponse) -> list[str]:
    assert response.mimetype == "application/problem+json", response.data
    return [error["field"] for error in response.get_json()["errors"]]


def test_json_depth_counts_arrays_and_objects_but_not_brackets_inside_strings() -> None:
    assert json_depth(b'"x"') == 0
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'{"a": "[[[[{{{{", "b": "\\"[[["}') == 1
    assert json_depth(b"[" * 100 + b"]" * 100) == 100


def test_nul_fields_names_each_string_holding_a_nul() -> None:
    parsed = {"a": "ok", "b": ["x", "y\x00"], "c": {"d": "\x00"}, "e\x00": 1}
    assert list(nul_fields(parsed)) == ["b.1", "c.d", "e\\u0000"]


def test_audit_before_beyond_64_bits_is_a_400_naming_it(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/audit?before={BEYOND_64_BITS}", headers=auth_headers)
    assert response.status_code == 400
    assert _fields(response) == ["before"]
    ok = client.get(f"/api/v1/audit?before={MAX_INT64}", headers=auth_headers)
    assert ok.status_code == 200


@pytest.mark.parametrize("user_id", [BEYOND_64_BITS, MAX_INT32 + 1, 0])
def test_member_user_id_beyond_the_column_is_a_400_naming_it(
    client: FlaskClient, auth_headers: dict[str, str], user_id: int
) -> None:
    response = client.post(
        "/api/v1/tenant/members", json={"user_id": user_id}, headers=auth_headers
    )
    assert response.status_code == 400
    assert _fields(response) == ["user_id"]
    largest = client.post(
        "/api/v1/tenant/members", json={"user_id": MAX_INT32}, headers=auth_headers
    )
    assert largest.status_code == 404  # reaches the database: no such user


@pytest.mark.parametrize("member_id", [BEYOND_64_BITS, MAX_INT32 + 1])
def test_member_path_id_beyond_the_column_is_not_found(
    client: FlaskClient, auth_headers: dict[str, str], member_id: int
) -> None:
    response = client.delete(f"/api/v1/tenant/members/{member_id}", headers=auth_headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    largest = client.delete(f"/api/v1/tenant/members/{MAX_INT32}", headers=auth_headers)
    assert largest.status_code == 404  # reaches the view: no such member, no database error


@pytest.mark.parametrize("profile_id", ["abc%00def", "not-a-uuid", str(uuid.uuid4()) + "%00"])
def test_profile_id_must_be_a_uuid(
    client: FlaskClient, auth_headers: dict[str, str], profile_id: str
) -> None:
    response = client.get(f"/api/v1/merchants/{profile_id}", headers=auth_headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_document_states_the_id_bounds(client: FlaskClient) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    member = paths["/api/v1/tenant/members/{member_id}"]["parameters"][0]["schema"]
    assert member == {"type": "integer", "minimum": 0, "maximum": MAX_INT32}
    profile = paths["/api/v1/merchants/{profile_id}"]["parameters"][0]["schema"]
    assert profile == {"type": "string", "format": "uuid"}


def _json_routes(app: Flask) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<int:\w+>", "1", rule.rule)
        path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), path)
        path = re.sub(r"<\w+>", "x", path)
        assert "<" not in path, f"a route parameter this test does not fill: {rule.rule}"
        routes.extend(
            (method, path) for method in sorted((rule.methods or set()) & {"POST", "PATCH", "PUT"})
        )
    return routes


def test_deeply_nested_json_is_a_400_on_every_json_route(
    app: Flask, client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    routes = _json_routes(app)
    assert ("POST", "/api/v1/prefill") in routes
    body = "[" * 100_000 + "]" * 100_000
    for method, path in routes:
        response = client.open(
            path,
            method=method,
            data=body,
            content_type="application/json",
            headers=auth_headers,
        )
        assert response.status_code == 400, (method, path, response.data[:200])
        assert _fields(response) == ["(body)"]
        assert str(MAX_JSON_DEPTH) in response.get_json()["errors"][0]["detail"]


def test_json_at_the_depth_limit_is_parsed(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    nested: object = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    response = client.post(
        "/api/v1/prefill", json={"body": "Hello", "subject": nested}, headers=auth_headers
    )
    assert response.status_code == 400
    assert _fields(response) == ["subject"]  # a schema error: the body was parsed


def test_nul_in_a_json_string_is_a_400_naming_the_field(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/merchants",
        data=json.dumps({"display_name": "Shop\x00", "environment": "sandbox"}),
        content_type="application/json",
        headers=auth_headers,
    )
    assert response.status_code == 400
    assert _fields(response) == ["display_name"]
    escaped_backslash = client.post(
        "/api/v1/prefill", json={"body": "C:\\u0000 is a path"}, headers=auth_headers
    )
    assert escaped_backslash.status_code == 200


@pytest.mark.parametrize(
    "item_date",
    ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00-05:00", "9999-12-31T23:00:00-14:00"],
)
def test_prefill_item_date_at_the_calendar_edges_is_a_400(
    client: FlaskClient, auth_headers: dict[str, str], item_date: str
) -> None:
    response = client.post(
        "/api/v1/prefill",
        json={"body": "Please invoice 2 widgets at $5", "item_date": item_date},
        headers=auth_headers,
    )
    assert response.status_code == 400
    assert _fields(response) == ["item_date"]


def test_chunked_body_over_the_limit_is_a_413(
    app: Flask, client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps({"body": "x" * limit}).encode()
    response = client.post(
        "/api/v1/prefill",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={**auth_headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"

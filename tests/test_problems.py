"""Every /api/ error is an RFC 9457 problem: 400, 404, 405, 413, 415 and unexpected 500s."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from addin_server.api import API_KEY, ApiBlueprint, accepts
from addin_server.problems import ApiProblem

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors", "request_id"}


class LineSchema(ma.Schema):
    name = ma.fields.String(required=True)
    quantity = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class EchoSchema(ma.Schema):
    email = ma.fields.Email(required=True)
    lines = ma.fields.List(ma.fields.Nested(LineSchema), required=True)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "max_request_bytes": 4096}


@pytest.fixture
def probe_client(app: Flask, auth_headers: dict[str, str]) -> FlaskClient:
    """The app plus a small probe API exercising each error path, as a signed-in user."""
    blp = ApiBlueprint("probe", __name__, url_prefix="/api/v1/probe")

    @blp.post("/echo")
    @blp.arguments(EchoSchema)
    def echo(payload: dict[str, Any]) -> dict[str, Any]:
        return payload

    @blp.post("/upload")
    @accepts("multipart/form-data")
    def upload() -> dict[str, str]:
        return {"ok": "yes"}

    @blp.get("/boom")
    def boom() -> None:
        raise RuntimeError("database password=hunter2 leaked in an exception")

    @blp.get("/conflict")
    def conflict() -> None:
        raise ApiProblem(
            409, "Invoice number INV-1 already exists.", problem_type="/problems/duplicate"
        )

    app.extensions[API_KEY].register_blueprint(blp)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = auth_headers["Authorization"]
    return client


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["request_id"] == response.headers["X-Request-Id"]
    return dict(body)


def test_unknown_api_route_is_404_problem(probe_client: FlaskClient) -> None:
    body = assert_problem(probe_client.get("/api/v1/nowhere"), 404)
    assert body["title"] == "Not Found"


def test_wrong_method_is_405_problem_with_allow(probe_client: FlaskClient) -> None:
    response = probe_client.delete("/api/v1/probe/echo")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_body_over_limit_is_413_problem(probe_client: FlaskClient) -> None:
    response = probe_client.post("/api/v1/probe/echo", json={"email": "a@b.co", "pad": "x" * 5000})
    assert_problem(response, 413)


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", "hello"),
        ("application/x-www-form-urlencoded", "email=a"),
        ("application/xml", "<a/>"),
    ],
)
def test_non_json_body_is_415_problem(
    probe_client: FlaskClient, content_type: str, data: str
) -> None:
    response = probe_client.post("/api/v1/probe/echo", data=data, content_type=content_type)
    assert_problem(response, 415)


def test_view_can_accept_multipart(probe_client: FlaskClient) -> None:
    response = probe_client.post(
        "/api/v1/probe/upload", data={"f": "x"}, content_type="multipart/form-data"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"email", "lines"}),
        ({"email": "not-an-email", "lines": []}, {"email"}),
        ({"email": "a@b.co", "lines": [{"name": "x", "quantity": 0}]}, {"lines.0.quantity"}),
        ({"email": "a@b.co", "lines": [{"quantity": 2}]}, {"lines.0.name"}),
        ({"email": "a@b.co", "lines": "many"}, {"lines"}),
    ],
)
def test_bad_input_is_400_naming_each_field(
    probe_client: FlaskClient, payload: dict[str, Any], fields: set[str]
) -> None:
    body = assert_problem(probe_client.post("/api/v1/probe/echo", json=payload), 400)
    assert {e["field"] for e in body["errors"]} == fields
    assert all(e["detail"] and e["location"] == "json" for e in body["errors"])


def test_malformed_json_is_400(probe_client: FlaskClient) -> None:
    response = probe_client.post(
        "/api/v1/probe/echo", data="{not json", content_type="application/json"
    )
    assert_problem(response, 400)


def test_unexpected_error_is_generic_500(
    probe_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = assert_problem(probe_client.get("/api/v1/probe/boom"), 500)
    text = str(body)
    for leaked in ("hunter2", "Traceback", "RuntimeError"):
        assert leaked not in text
    assert "request id" in body["detail"]


def test_domain_problem_keeps_its_type(probe_client: FlaskClient) -> None:
    body = assert_problem(probe_client.get("/api/v1/probe/conflict"), 409)
    assert body["type"] == "/problems/duplicate"
    assert body["detail"] == "Invoice number INV-1 already exists."


def test_incoming_request_id_is_kept_when_sane(probe_client: FlaskClient) -> None:
    response = probe_client.get("/api/v1/nowhere", headers={"X-Request-Id": "req-1234abcd"})
    assert response.headers["X-Request-Id"] == "req-1234abcd"
    hostile = probe_client.get(
        "/api/v1/nowhere", headers={"X-Request-Id": "<script>alert(1)</script>"}
    )
    assert hostile.headers["X-Request-Id"] != "<script>alert(1)</script>"


def test_unauthenticated_api_call_is_401_problem(app: Flask) -> None:
    response = app.test_client().get("/api/v1/me")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_openapi_document_is_served(probe_client: FlaskClient) -> None:
    response = probe_client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")

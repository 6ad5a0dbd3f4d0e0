"""Response headers: API answers are not stored or sniffed; HSTS only in production; the
taskpane keeps its CSP and the sign-in dialog has no same-origin opener policy."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from addin_server import create_app
from addin_server.security_headers import HSTS


@pytest.fixture
def production_client(app_config: dict[str, Any]) -> Iterator[FlaskClient]:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    app = create_app(
        {
            **app_config,
            "mode": "production",
            "bind": "0.0.0.0:8000",
            "secret_key": secrets.token_urlsafe(48),
            "encryption_keys": f"k1:{key}",
        }
    )
    yield app.test_client()
    app.extensions["addin.db"].dispose()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/me", 200),
        ("/api/v1/auth/config", 200),
        ("/api/openapi.json", 200),
        ("/api/v1/nowhere", 404),
    ],
)
def test_api_responses_are_not_stored_nor_sniffed(
    client: FlaskClient, auth_headers: dict[str, str], path: str, status: int
) -> None:
    response = client.get(path, headers=auth_headers)
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unauthenticated_api_errors_are_not_stored(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


def test_demo_mode_sends_no_hsts(client: FlaskClient) -> None:
    for path in ("/healthz", "/api/v1/auth/config", "/manifest.xml"):
        assert "Strict-Transport-Security" not in client.get(path).headers


def test_production_sends_hsts_everywhere(production_client: FlaskClient) -> None:
    for path in ("/healthz", "/api/v1/auth/config", "/api/v1/me", "/manifest.xml"):
        response = production_client.get(path)
        assert response.headers["Strict-Transport-Security"] == HSTS, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_taskpane_keeps_its_own_csp_and_caching(client: FlaskClient) -> None:
    with client.get("/taskpane.html") as response:
        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://outlook.office.com" in csp
        assert "https://appsforoffice.microsoft.com" in csp
        assert response.headers["Cache-Control"] == "no-cache"


def test_sign_in_dialog_has_no_same_origin_opener_policy(client: FlaskClient) -> None:
    response = client.get("/auth/dialog/start")
    assert response.status_code in (200, 302)
    assert response.headers.get("Cross-Origin-Opener-Policy", "unsafe-none") == "unsafe-none"
    assert response.headers["X-Content-Type-Options"] == "nosniff"

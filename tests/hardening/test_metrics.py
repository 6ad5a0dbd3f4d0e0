"""/metrics: requests and latency per route template, Cybersource calls by status; readable
from the allowed networks or with the token; forwarded addresses only from trusted proxies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from addin_server import create_app
from addin_server.cybersource import Timeouts, Transport, UpstreamUnavailableError
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from tests.simulator_support import RunningSimulator

TOKEN = "metrics-token-0123456789abcdef"
PROFILE_ROUTE = "/api/v1/merchants/<uuid:profile_id>"
OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app({**app_config, "metrics_token": TOKEN, "metrics_allow": "10.0.0.0/8"})
    yield app
    app.extensions["addin.db"].dispose()


def test_requests_are_counted_by_route_template_not_raw_path(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    labels = {"method": "GET", "route": PROFILE_ROUTE, "status": "404"}
    before = _sample("addin_http_requests_total", **labels)
    timed = _sample("addin_http_request_duration_seconds_count", method="GET", route=PROFILE_ROUTE)
    cpu = _sample("addin_http_request_cpu_seconds_total", method="GET", route=PROFILE_ROUTE)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for profile_id in ids:
        assert (
            client.get(f"/api/v1/merchants/{profile_id}", headers=auth_headers).status_code == 404
        )
    client.get("/no/such/page")
    text = client.get("/metrics", environ_overrides={"REMOTE_ADDR": "10.1.2.3"}).get_data(
        as_text=True
    )
    assert _sample("addin_http_requests_total", **labels) == before + 3
    assert (
        _sample("addin_http_request_duration_seconds_count", method="GET", route=PROFILE_ROUTE)
        == timed + 3
    )
    assert _sample("addin_http_request_cpu_seconds_total", method="GET", route=PROFILE_ROUTE) > cpu
    assert 'route="/api/v1/merchants/<uuid:profile_id>"' in text
    assert 'route="(unmatched)"' in text
    assert not any(profile_id in text for profile_id in ids)
    assert "/no/such/page" not in text


def test_metrics_only_for_allowed_networks_or_the_token(client: FlaskClient) -> None:
    allowed = client.get("/metrics", environ_overrides={"REMOTE_ADDR": "10.9.8.7"})
    assert allowed.status_code == 200
    assert allowed.mimetype == "text/plain"
    assert allowed.headers["Cache-Control"] == "no-store"
    assert "addin_http_requests_total" in allowed.get_data(as_text=True)
    assert client.get("/metrics", environ_overrides=OUTSIDER).status_code == 403
    # Loopback is not in this app's list (10.0.0.0/8 replaced the default).
    assert client.get("/metrics").status_code == 403
    wrong = {"Authorization": "Bearer not-the-token-at-all-123"}
    assert client.get("/metrics", headers=wrong, environ_overrides=OUTSIDER).status_code == 403
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", headers=right, environ_overrides=OUTSIDER).status_code == 200


def test_default_allows_loopback_only(app_config: dict[str, Any]) -> None:
    app = create_app(app_config)
    client = app.test_client()
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_overrides=OUTSIDER).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 200
    app.extensions["addin.db"].dispose()


@pytest.mark.parametrize(("trusted", "status"), [(0, 200), (1, 403)])
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    app_config: dict[str, Any], trusted: int, status: int
) -> None:
    app = create_app({**app_config, "trusted_proxies": trusted})
    response = app.test_client().get(
        "/metrics", headers={"X-Forwarded-For": "198.51.100.7"}
    )  # from 127.0.0.1: a proxy on loopback forwarding an outside client
    assert response.status_code == status
    app.extensions["addin.db"].dispose()


@pytest.mark.usefixtures("app")  # the app registers the observer
def test_cybersource_calls_are_counted_by_status(simulator: RunningSimulator) -> None:
    url = simulator.url
    host = url.split("://", 1)[1]
    transport = Transport(Timeouts(1.0, 2.0))
    before = _sample(
        "addin_upstream_requests_total",
        service="cybersource",
        host=host,
        method="GET",
        status="401",
    )
    response = transport.send("GET", f"{url}/invoicing/v2/invoices", None, dict, retryable=False)
    assert response.status == 401  # unsigned: the simulator refuses it as Cybersource would
    assert (
        _sample(
            "addin_upstream_requests_total",
            service="cybersource",
            host=host,
            method="GET",
            status="401",
        )
        == before + 1
    )
    down = f"{LOOPBACK_HOST}:{free_port()}"
    with pytest.raises(UpstreamUnavailableError):
        transport.send("POST", f"http://{down}/invoices", b"{}", dict, retryable=False)
    assert (
        _sample(
            "addin_upstream_requests_total",
            service="cybersource",
            host=down,
            method="POST",
            status="connection",
        )
        == 1
    )
    assert (
        _sample("addin_upstream_request_duration_seconds_count", service="cybersource", host=down)
        == 1
    )
    transport.close()

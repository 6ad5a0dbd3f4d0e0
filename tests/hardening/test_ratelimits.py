"""Rate limits: per user, tighter on costly routes, per merchant profile; 429 problems with
Retry-After; shared through Redis, per process when Redis is down or hung."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from addin_server import create_app
from addin_server.cache import REDIS_TIMEOUT_SECONDS
from addin_server.ratelimits import LocalCounters, merchant_profile_key

PREFILL = {"body": "Please invoice 2 widgets at $5 each."}


def _assert_rate_limited(response: TestResponse) -> None:
    assert response.status_code == 429, response.data
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "/problems/rate-limited"
    assert problem["status"] == 429
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert "per 1 minute" in problem["detail"]


@pytest.fixture
def limited_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "rate_limit_user": "6/minute",
        "rate_limit_costly": "3/minute",
        "rate_limit_merchant": "4/minute",
    }


@pytest.fixture
def make_app(limited_config: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app({**limited_config, **overrides})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["addin.db"].dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


def test_costly_route_is_limited_per_user(client: FlaskClient, sign_in: Callable[..., Any]) -> None:
    alice, bob = sign_in(), sign_in()
    for _ in range(3):
        assert (
            client.post("/api/v1/prefill", json=PREFILL, headers=alice.headers).status_code == 200
        )
    _assert_rate_limited(client.post("/api/v1/prefill", json=PREFILL, headers=alice.headers))
    assert client.post("/api/v1/prefill", json=PREFILL, headers=bob.headers).status_code == 200
    # The cheap routes still have room under the per-user limit.
    assert client.get("/api/v1/me", headers=alice.headers).status_code == 200


def test_every_api_route_is_limited_per_user_but_not_health(
    client: FlaskClient, sign_in: Callable[..., Any]
) -> None:
    alice = sign_in()
    for _ in range(6):
        assert client.get("/api/v1/me", headers=alice.headers).status_code == 200
    _assert_rate_limited(client.get("/api/v1/merchants", headers=alice.headers))
    for _ in range(10):
        assert client.get("/healthz").status_code == 200


def test_costly_route_naming_a_profile_is_limited_per_profile_across_users(
    client: FlaskClient, sign_in: Callable[..., Any]
) -> None:
    profile = str(uuid.uuid4())
    admins = [sign_in(role="admin") for _ in range(5)]
    for admin in admins[:4]:
        response = client.post(f"/api/v1/merchants/{profile}/verify", headers=admin.headers)
        assert response.status_code == 404  # counted although there is no such profile
    _assert_rate_limited(
        client.post(f"/api/v1/merchants/{profile}/verify", headers=admins[4].headers)
    )
    other = client.post(f"/api/v1/merchants/{uuid.uuid4()}/verify", headers=admins[4].headers)
    assert other.status_code == 404


def test_merchant_profile_key_reads_the_path_or_the_body(app: Flask) -> None:
    profile = uuid.uuid4()
    with app.test_request_context(f"/api/v1/merchants/{profile}/verify", method="POST"):
        request.view_args = {"profile_id": profile}  # as the URL converter gives it
        assert merchant_profile_key() == f"merchant:{profile}"
    with app.test_request_context(
        "/api/v1/invoices", method="POST", json={"merchant_profile_id": "p-1"}
    ):
        assert merchant_profile_key() == "merchant:p-1"
    with app.test_request_context("/api/v1/prefill", method="POST", json={"body": "x"}):
        assert merchant_profile_key() == ""


@pytest.mark.usefixtures("redis_client")
def test_limits_are_shared_through_redis_by_every_app(
    make_app: Callable[..., Flask], redis_url: str, sign_in: Callable[..., Any]
) -> None:
    first = make_app(redis_url=redis_url).test_client()
    second = make_app(redis_url=redis_url).test_client()
    alice = sign_in()
    for client in (first, second, first):
        assert (
            client.post("/api/v1/prefill", json=PREFILL, headers=alice.headers).status_code == 200
        )
    _assert_rate_limited(second.post("/api/v1/prefill", json=PREFILL, headers=alice.headers))


@pytest.mark.parametrize("broken", ["down_redis_url", "hung_redis_url"])
def test_without_a_working_redis_limits_hold_per_process_and_requests_do_not_stall(
    make_app: Callable[..., Flask],
    sign_in: Callable[..., Any],
    request: pytest.FixtureRequest,
    broken: str,
) -> None:
    first = make_app(redis_url=request.getfixturevalue(broken)).test_client()
    second = make_app(redis_url=request.getfixturevalue(broken)).test_client()
    alice = sign_in()
    started = time.monotonic()
    for _ in range(3):
        assert first.post("/api/v1/prefill", json=PREFILL, headers=alice.headers).status_code == 200
    _assert_rate_limited(first.post("/api/v1/prefill", json=PREFILL, headers=alice.headers))
    # The other process counts on its own while Redis is unusable.
    assert second.post("/api/v1/prefill", json=PREFILL, headers=alice.headers).status_code == 200
    # One time-out per process marks Redis down for a while; later calls do not wait on it.
    assert time.monotonic() - started < 20 * REDIS_TIMEOUT_SECONDS + 5


def test_local_counters_count_within_a_window_and_start_again_after_it() -> None:
    counters = LocalCounters()
    assert [counters.incr("k", 1) for _ in range(3)] == [1, 2, 3]
    assert counters.get("k") == 3
    assert counters.get_expiry("k") > time.time()
    assert counters.incr("other", 60) == 1
    time.sleep(1.05)
    assert counters.get("k") == 0
    assert counters.incr("k", 1) == 1
    assert counters.get("other") == 1
    counters.clear("other")
    assert counters.get("other") == 0

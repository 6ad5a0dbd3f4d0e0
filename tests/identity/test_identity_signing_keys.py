"""Signing keys: rotation, the TTL cache, the refresh rate limit, an unreachable authority,
and several workers sharing keys and the limit through Redis.

This module has its own provider, so rotating keys here does not touch the shared one.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask
from flask.testing import FlaskClient

from addin_server.cache import RedisCache
from addin_server.config import Settings
from addin_server.dev.openid_provider import (
    DEMO_USERS,
    OpenIdProvider,
    ProviderClient,
    start_demo_provider,
)
from addin_server.devcert import TlsFiles
from addin_server.identity.guard import IDENTITY_KEY, IdentityRuntime, metadata_url
from addin_server.identity.signing_keys import SigningKeys
from addin_server.identity.tokens import validate_entra_token
from tests.identity.identity_support import Forger, bearer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def oidc_provider(identity_tls: TlsFiles) -> Iterator[OpenIdProvider]:
    provider = OpenIdProvider()
    server = provider.serve(identity_tls)
    yield provider
    server.stop()


@pytest.fixture
def clock(app: Flask) -> FakeClock:
    """Replaces the app's signing key cache with one on a clock the test moves."""
    fake = FakeClock()
    runtime: IdentityRuntime = app.extensions[IDENTITY_KEY]
    url = metadata_url(app.extensions["addin.settings"])
    keys = SigningKeys(url, requests.Session(), clock=fake)
    app.extensions[IDENTITY_KEY] = dataclasses.replace(runtime, signing_keys=keys)
    return fake


def status(client: FlaskClient, token: str) -> int:
    return client.get("/api/v1/me", headers=bearer(token)).status_code


def test_key_rotation_and_refresh_rate_limit(
    client: FlaskClient, forger: Forger, clock: FakeClock
) -> None:
    provider = forger.provider
    old_kid = provider.active_kid
    fetches = provider.jwks_fetches
    old_token = forger.sign()
    assert status(client, old_token) == 200
    assert provider.jwks_fetches == fetches + 1

    provider.rotate_key()
    new_token = forger.sign()
    clock.now += 10
    # Within a minute of the last fetch, unknown kids are rejected without asking again.
    assert [status(client, new_token) for _ in range(5)] == [401] * 5
    assert status(client, forger.sign(kid="forged-kid")) == 401
    assert provider.jwks_fetches == fetches + 1

    clock.now += 60
    assert status(client, new_token) == 200
    assert provider.jwks_fetches == fetches + 2
    assert status(client, new_token) == 200
    assert provider.jwks_fetches == fetches + 2

    provider.retire_key(old_kid)
    assert status(client, old_token) == 200  # still cached
    clock.now += 3600  # TTL: the retired key goes with the next fetch
    assert status(client, old_token) == 401
    assert provider.jwks_fetches == fetches + 3


@pytest.fixture
def outage(forger: Forger) -> Iterator[OpenIdProvider]:
    yield forger.provider
    forger.provider.available = True


def test_outage_keeps_serving_cached_keys(
    client: FlaskClient, forger: Forger, clock: FakeClock, outage: OpenIdProvider
) -> None:
    token = forger.sign()
    assert status(client, token) == 200
    outage.available = False
    clock.now += 7200
    assert status(client, token) == 200


def test_outage_before_any_key_is_503_not_401(
    client: FlaskClient, forger: Forger, outage: OpenIdProvider
) -> None:
    outage.available = False
    response = client.get("/api/v1/me", headers=bearer(forger.sign()))
    assert response.status_code == 503
    assert "WWW-Authenticate" not in response.headers


def test_demo_provider_signs_in_demo_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(instance_dir=tmp_path, public_url="https://localhost:3000")
    demo = start_demo_provider(settings)
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(demo.ca_bundle))
        configured = dataclasses.replace(settings, **demo.settings_overrides)
        metadata = requests.get(metadata_url(configured), timeout=5).json()
        assert metadata["token_endpoint"].startswith(demo.server.url)
        client = demo.provider.find_client(configured.client_id)
        assert client == ProviderClient(
            configured.client_id,
            configured.client_secret,
            configured.app_id_uri,
            ("https://localhost:3000/auth/dialog/callback",),
        )
        keys = SigningKeys(metadata_url(configured), requests.Session())
        for user in DEMO_USERS:
            token = demo.provider.issue_access_token(
                user.tid, user.oid, audience=configured.client_id, roles=user.roles
            )
            identity = validate_entra_token(token, configured, keys)
            assert (identity.tid, identity.oid) == (user.tid, user.oid)
    finally:
        demo.server.stop()


# --- several workers sharing Redis ----------------------------------------------------------


@pytest.fixture
def expire_refresh_claims(redis_client: redis.Redis, redis_prefix: str) -> Callable[[], None]:
    def expire() -> None:
        for key in redis_client.scan_iter(f"{redis_prefix}jwks-refresh:*"):
            redis_client.delete(key)

    return expire


@pytest.fixture
def shared(
    identity_ca_bundle: object,
    monkeypatch: pytest.MonkeyPatch,
    redis_client: redis.Redis,
    redis_prefix: str,
) -> RedisCache:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))
    return RedisCache(redis_client, redis_prefix)


def worker(provider: OpenIdProvider, shared: RedisCache, clock: FakeClock) -> SigningKeys:
    """One gunicorn worker's key cache, sharing Redis with the others."""
    url = metadata_url(Settings(authority=provider.base_url))
    return SigningKeys(url, requests.Session(), clock=clock, shared=shared)


def test_workers_share_fetched_keys_and_the_refresh_limit(
    oidc_provider: OpenIdProvider, shared: RedisCache, expire_refresh_claims: Callable[[], None]
) -> None:
    provider = oidc_provider
    clock = FakeClock()
    workers = [worker(provider, shared, clock) for _ in range(4)]
    kid = provider.rotate_key()
    fetches = provider.jwks_fetches

    assert all(w.get(kid) is not None for w in workers)
    assert provider.jwks_fetches == fetches + 1  # one worker fetched, the others adopted

    # Forged kids on every worker within the minute: no further fetch anywhere.
    for w in workers:
        assert w.get("forged-" + uuid.uuid4().hex) is None
    assert provider.jwks_fetches == fetches + 1

    # A real rotation: the first worker to see the new kid refreshes for everyone.
    new_kid = provider.rotate_key()
    expire_refresh_claims()  # the minute has passed
    clock.now += 61
    assert workers[0].get(new_kid) is not None
    assert all(w.get(new_kid) is not None for w in workers[1:])
    assert provider.jwks_fetches == fetches + 2

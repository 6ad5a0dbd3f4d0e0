"""Signing keys shared by several workers through Redis: one refresh per minute in all."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
import requests

from addin_server.cache import RedisCache
from addin_server.devcert import TlsFiles
from addin_server.identity.dev_provider import OpenIdProvider
from addin_server.identity.signing_keys import SigningKeys

REDIS_URL = os.environ.get("ADDIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def provider(identity_tls: TlsFiles) -> Iterator[OpenIdProvider]:
    provider = OpenIdProvider()
    server = provider.serve(identity_tls)
    yield provider
    server.stop()


@pytest.fixture
def prefix() -> str:
    return f"addin-test-{uuid.uuid4().hex}:"


@pytest.fixture
def expire_refresh_claims(prefix: str) -> Iterator[Callable[[], None]]:
    client = redis.Redis.from_url(REDIS_URL)

    def expire() -> None:
        for key in client.scan_iter(f"{prefix}jwks-refresh:*"):
            client.delete(key)

    yield expire
    client.close()


@pytest.fixture
def shared(
    identity_ca_bundle: object, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> Iterator[RedisCache]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not available at {REDIS_URL}: {exc}")
    yield RedisCache(client, prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def worker(provider: OpenIdProvider, shared: RedisCache, clock: FakeClock) -> SigningKeys:
    url = f"{provider.base_url}/common/v2.0/.well-known/openid-configuration"
    return SigningKeys(url, requests.Session(), clock=clock, shared=shared)


def test_workers_share_fetched_keys_and_the_refresh_limit(
    provider: OpenIdProvider, shared: RedisCache, expire_refresh_claims: Callable[[], None]
) -> None:
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

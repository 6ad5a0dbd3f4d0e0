"""A hung or stopped Redis costs a time-out now and then, never a stalled worker: the shared
cache backs off, and the signing-key cache holds no lock while it waits on Redis."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
import requests

from addin_server.cache import REDIS_TIMEOUT_SECONDS, RedisCache
from addin_server.config import Settings
from addin_server.dev.openid_provider import OpenIdProvider
from addin_server.identity.guard import metadata_url
from addin_server.identity.signing_keys import SigningKeys

SLOW_REDIS_SECONDS = 2.0


def _elapsed(call: Callable[[], object]) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


@pytest.mark.parametrize("broken", ["down_redis_url", "hung_redis_url"])
def test_shared_cache_backs_off_after_one_time_out(
    request: pytest.FixtureRequest, broken: str
) -> None:
    cache = RedisCache.from_url(request.getfixturevalue(broken))
    assert _elapsed(lambda: cache.get("k")) < REDIS_TIMEOUT_SECONDS * 4 + 0.5
    assert not cache.available
    # Until the back-off ends, calls do not touch Redis at all.
    assert _elapsed(lambda: [cache.get("k") for _ in range(100)]) < 0.05
    assert cache.claim("refresh", ttl=60) is True
    cache.close()


def test_shared_cache_comes_back_with_redis(redis_url: str) -> None:
    cache = RedisCache(redis.Redis.from_url(redis_url), retry_seconds=0.0)
    cache.set("back", b"1", ttl=5)
    assert cache.available
    assert cache.get("back") == b"1"
    cache.close()


@pytest.fixture(autouse=True)
def _trust_the_provider(identity_ca_bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))


def _signing_keys(provider: OpenIdProvider, redis_url: str) -> SigningKeys:
    http = requests.Session()
    # No back-off, and a slow time-out: every miss waits on the hung Redis for 2 s.
    hung = redis.Redis.from_url(redis_url, socket_timeout=SLOW_REDIS_SECONDS)
    return SigningKeys(
        metadata_url(Settings(authority=provider.base_url)),
        http,
        shared=RedisCache(hung, retry_seconds=0.0),
        min_refresh_interval=0.0,
    )


def test_known_keys_are_served_while_another_thread_waits_on_a_hung_redis(
    oidc_provider: OpenIdProvider, hung_redis_url: str
) -> None:
    keys = _signing_keys(oidc_provider, hung_redis_url)
    known = oidc_provider.active_kid
    assert keys.get(known) is not None  # first load: waits on Redis, then asks the provider

    unknown = threading.Thread(target=keys.get, args=("kid-nobody-has",), daemon=True)
    unknown.start()
    time.sleep(0.2)  # the unknown kid is now waiting on Redis
    assert unknown.is_alive()
    durations = []
    for _ in range(20):
        started = time.monotonic()
        assert keys.get(known) is not None
        durations.append(time.monotonic() - started)
    assert max(durations) < 0.1, durations  # no lock held across the Redis read
    unknown.join(timeout=3 * SLOW_REDIS_SECONDS + 5)
    assert not unknown.is_alive()


def test_signing_keys_load_without_redis(
    oidc_provider: OpenIdProvider, down_redis_url: str
) -> None:
    keys = _signing_keys(oidc_provider, down_redis_url)
    assert keys.get(oidc_provider.active_kid) is not None
    assert keys.get("kid-nobody-has") is None

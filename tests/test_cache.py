"""The shared cache on a real Redis (127.0.0.1:6379), and its behaviour when Redis is down."""

from __future__ import annotations

import pytest
import redis

from addin_server.cache import RedisCache, shared_cache_for
from addin_server.config import load_settings


def test_values_expire(redis_client: redis.Redis, redis_prefix: str) -> None:
    cache = RedisCache(redis_client, redis_prefix)
    cache.set("k", b"value", ttl=30)
    assert cache.get("k") == b"value"
    assert 0 < redis_client.pttl(f"{redis_prefix}k") <= 30_000
    assert cache.get("missing") is None


def test_claim_is_won_once_across_workers(
    redis_client: redis.Redis, redis_prefix: str, redis_url: str
) -> None:
    worker_a = RedisCache(redis_client, redis_prefix)
    worker_b = RedisCache(redis.Redis.from_url(redis_url), redis_prefix)
    assert worker_a.claim("refresh", ttl=60) is True
    assert worker_b.claim("refresh", ttl=60) is False
    assert worker_a.claim("refresh", ttl=60) is False
    redis_client.delete(f"{redis_prefix}refresh")  # as if the minute had passed
    assert worker_b.claim("refresh", ttl=60) is True
    worker_b.close()


def test_unreachable_redis_degrades_to_per_worker(caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache.from_url("redis://127.0.0.1:1/0")
    assert cache.get("k") is None
    cache.set("k", b"v", ttl=1)
    assert cache.claim("refresh", ttl=60) is True
    assert cache.claim("refresh", ttl=60) is True
    warnings = [r for r in caplog.records if r.getMessage() == "shared cache unavailable"]
    assert len(warnings) == 1  # warned once, not on every call


def test_cache_only_when_configured(tmp_path: object, redis_url: str) -> None:
    assert shared_cache_for(load_settings({}, {"instance_dir": tmp_path})) is None
    configured = load_settings({}, {"instance_dir": tmp_path, "redis_url": redis_url})
    assert isinstance(shared_cache_for(configured), RedisCache)

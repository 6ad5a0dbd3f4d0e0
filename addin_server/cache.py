"""A cache shared by every worker process, when ``ADDIN_REDIS_URL`` is set.

gunicorn runs several workers; state that must hold across all of them (e.g. "at most one
signing-key refresh per minute") lives here. Without Redis each worker keeps its own state,
which is correct but multiplies the limits by the number of workers.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

import redis

from addin_server.config import Settings

log = logging.getLogger(__name__)
KEY_PREFIX = "addin:"
_WARN_EVERY_SECONDS = 60.0
# Every Redis call is time-boxed; one that fails marks Redis down for a few seconds, so a hung
# Redis costs each process one time-out per interval instead of one per request.
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_SECONDS = 5.0


class SharedCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: float) -> None: ...

    def claim(self, key: str, ttl: float) -> bool:
        """True for exactly one caller across all workers until ``ttl`` seconds pass."""


class RedisCache:
    """``SharedCache`` on Redis. An unreachable, failing or hung Redis degrades to per-worker
    behaviour (reads miss, writes are dropped, every claim succeeds) instead of failing or
    stalling requests."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = KEY_PREFIX,
        *,
        retry_seconds: float = REDIS_RETRY_SECONDS,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._retry_seconds = retry_seconds
        self._warned_at = float("-inf")
        self._down_until = float("-inf")

    @classmethod
    def from_url(cls, url: str, prefix: str = KEY_PREFIX) -> RedisCache:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        return cls(client, prefix)

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def get(self, key: str) -> bytes | None:
        if not self.available:
            return None
        try:
            value = self._client.get(self._prefix + key)
        except redis.RedisError as exc:
            self._unavailable(exc)
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: float) -> None:
        if not self.available:
            return
        try:
            self._client.set(self._prefix + key, value, px=max(1, int(ttl * 1000)))
        except redis.RedisError as exc:
            self._unavailable(exc)

    def claim(self, key: str, ttl: float) -> bool:
        if not self.available:
            return True
        try:
            claimed = self._client.set(
                self._prefix + key, b"1", nx=True, px=max(1, int(ttl * 1000))
            )
        except redis.RedisError as exc:
            self._unavailable(exc)
            return True
        return bool(claimed)

    def close(self) -> None:
        self._client.close()

    def _unavailable(self, exc: redis.RedisError) -> None:
        now = time.monotonic()
        self._down_until = now + self._retry_seconds
        if now - self._warned_at >= _WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("shared cache unavailable", extra={"error_type": type(exc).__name__})


def shared_cache_for(settings: Settings) -> SharedCache | None:
    return RedisCache.from_url(settings.redis_url) if settings.redis_url else None

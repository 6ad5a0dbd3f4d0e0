"""Rate limits (flask-limiter): per signed-in user on every ``/api/`` route, tighter on the
costly routes, and per merchant profile where a request names one.

- ``ADDIN_RATE_LIMIT_USER`` (default 300/minute): every ``/api/`` call of one user (callers
  not signed in count by address).
- ``ADDIN_RATE_LIMIT_COSTLY`` (30/minute): views marked ``@costly`` (pre-fill, invoice
  creation), per user, on top of the above.
- ``ADDIN_RATE_LIMIT_MERCHANT`` (600/minute): ``@costly`` views, per merchant profile named
  by the ``profile_id`` path segment or the body's ``merchant_profile_id``, across its users.

Over a limit: ``429`` problem with ``Retry-After``. Counters live in Redis when
``ADDIN_REDIS_URL`` is set, so every worker and instance shares them; without Redis, or while
Redis is down or slow (every call is time-boxed), each process counts on its own.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import Flask, Response, g, request
from flask_limiter import Limiter, RateLimitExceeded
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage

from addin_server.cache import REDIS_RETRY_SECONDS, REDIS_TIMEOUT_SECONDS
from addin_server.config import Settings
from addin_server.problems import ApiProblem, problem_response

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

_COSTLY_ATTR = "_addin_costly"
FAILOVER_SCHEME = "addin-failover+"
LOCAL_SCHEME = "addin-local://"
_SWEEP_EVERY = 1000
_MAX_PROFILE_ID_CHARS = 36


class LocalCounters(Storage):
    """Fixed-window counters in this process's memory, behind one lock.

    Used without Redis and while Redis is unusable. (``limits``' own memory storage starts a
    timer thread every 10 ms while it holds counters: a thread per few requests under load.)
    Expired windows are dropped as they are met and in a sweep every ``_SWEEP_EVERY`` calls.
    """

    STORAGE_SCHEME = [LOCAL_SCHEME.removesuffix("://")]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._lock = threading.Lock()
        self._counters: dict[str, tuple[int, float]] = {}  # key -> (count, expires at)
        self._calls = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    def _live(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self._counters.get(key)
        if entry is not None and entry[1] <= now:
            del self._counters[key]
            return None
        return entry

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._calls += 1
            if self._calls % _SWEEP_EVERY == 0:
                self._counters = {k: v for k, v in self._counters.items() if v[1] > now}
            count, expires_at = self._live(key, now) or (0, now + expiry)
            self._counters[key] = (count + amount, expires_at)
            return count + amount

    def get(self, key: str) -> int:
        with self._lock:
            entry = self._live(key, time.time())
        return entry[0] if entry else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            entry = self._live(key, time.time())
        return entry[1] if entry else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            cleared, self._counters = len(self._counters), {}
        return cleared

    def clear(self, key: str) -> None:
        with self._lock:
            self._counters.pop(key, None)


class FailoverRedisStorage(Storage):
    """Counters in Redis; in this process's memory while Redis fails or hangs.

    Registered with ``limits`` under ``addin-failover+redis://`` (and ``+rediss``). A failed
    call marks Redis down for a few seconds, so a hung Redis costs one time-out per process
    per interval, not one per request.
    """

    STORAGE_SCHEME = [FAILOVER_SCHEME + "redis", FAILOVER_SCHEME + "rediss"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._redis = RedisStorage(
            uri.removeprefix(FAILOVER_SCHEME),
            key_prefix="addin-limits",
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._memory = LocalCounters()
        self._down_until = 0.0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (redis.RedisError, StorageError)

    @property
    def redis_available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, name: str, *args: Any) -> Any:
        if self.redis_available:
            try:
                return getattr(self._redis, name)(*args)
            except (redis.RedisError, StorageError) as exc:
                self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
                log.warning(
                    "rate limit storage unavailable: counting per process",
                    extra={"error_type": type(exc).__name__},
                )
        return getattr(self._memory, name)(*args)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return int(self._call("incr", key, expiry, amount))

    def get(self, key: str) -> int:
        return int(self._call("get", key))

    def get_expiry(self, key: str) -> float:
        return float(self._call("get_expiry", key))

    def check(self) -> bool:
        return True  # never "dead" to flask-limiter: the failover is ours

    def reset(self) -> int | None:
        self._memory.reset()
        return None

    def clear(self, key: str) -> None:
        self._call("clear", key)


def costly(view: F) -> F:
    """Mark a view as costly: ``ADDIN_RATE_LIMIT_COSTLY`` per user and
    ``ADDIN_RATE_LIMIT_MERCHANT`` per merchant profile apply on top of the per-user limit."""
    setattr(view, _COSTLY_ATTR, True)
    return view


def user_key() -> str:
    user = g.get("current_user")
    if user is not None:
        return f"user:{user.tid}:{user.oid}"
    return f"addr:{request.remote_addr}"


def merchant_profile_key() -> str:
    """The merchant profile the request names ("" if none: the per-merchant limit is off)."""
    profile_id = (request.view_args or {}).get("profile_id")
    if profile_id is None and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            profile_id = body.get("merchant_profile_id")
    if not isinstance(profile_id, str) and profile_id is not None:
        profile_id = str(profile_id)  # a UUID from the path
    return f"merchant:{profile_id[:_MAX_PROFILE_ID_CHARS]}" if profile_id else ""


def storage_uri(settings: Settings) -> str:
    return FAILOVER_SCHEME + settings.redis_url if settings.redis_url else LOCAL_SCHEME


def _not_api() -> bool:
    return not request.path.startswith("/api/")


def _no_profile() -> bool:
    return not merchant_profile_key()


def _retry_after(limiter: Limiter, error: RateLimitExceeded) -> int:
    window = int(error.limit.limit.get_expiry())
    current = limiter.current_limit
    if current is not None and current.breached:
        return min(window, max(1, math.ceil(current.reset_at - time.time())))
    return window


def _problem_handler(limiter: Limiter) -> Callable[[RateLimitExceeded], Response]:
    def too_many_requests(error: RateLimitExceeded) -> Response:
        retry = _retry_after(limiter, error)
        return problem_response(
            ApiProblem(
                429,
                f"Too many requests (at most {error.limit.limit}); retry after Retry-After.",
                problem_type="/problems/rate-limited",
                headers={"Retry-After": str(retry)},
            )
        )

    return too_many_requests


def init_app(app: Flask, settings: Settings) -> Limiter:
    """Call last in the factory: the limits are checked after authentication (per user), and
    the views marked ``@costly`` must be registered by then."""
    limiter = Limiter(
        user_key,
        app=app,
        application_limits=[settings.rate_limit_user],  # one count across all routes
        application_limits_exempt_when=_not_api,
        storage_uri=storage_uri(settings),
        strategy="fixed-window",
        headers_enabled=False,  # its Retry-After would overwrite that of other answers (409, 503)
        key_prefix="addin",
    )
    costly_limits = (
        limiter.limit(settings.rate_limit_costly, key_func=user_key, override_defaults=False),
        limiter.limit(
            settings.rate_limit_merchant,
            key_func=merchant_profile_key,
            exempt_when=_no_profile,
            override_defaults=False,
        ),
    )
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, _COSTLY_ATTR, False):
            # flask-limiter checks decorated limits in the wrapper it returns, before the view.
            limited: Callable[..., Any] = view
            for limit in costly_limits:
                limited = limit(limited)
            app.view_functions[endpoint] = limited
    app.register_error_handler(RateLimitExceeded, _problem_handler(limiter))
    return limiter

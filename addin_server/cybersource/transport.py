"""HTTP transport: one keep-alive ``requests.Session`` per host, timeouts, retries of reads.

Only requests marked retryable (reads) are retried, on connection errors and 502/503/504,
with bounded exponential backoff and full jitter. Creation and every other write is sent
once: a write whose outcome is unknown is resolved by ``idempotent.create_invoice_once``.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

from addin_server.cybersource.errors import UpstreamTimeoutError, UpstreamUnavailableError


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0


DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` counts the first try; delays grow ``base_delay * 2**n`` up to ``max_delay``."""

    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 2.0
    retry_statuses: frozenset[int] = field(default=frozenset({502, 503, 504}))

    def delay(self, retry_number: int, jitter: float) -> float:
        """Full jitter: a uniform share (``jitter`` in [0, 1)) of the capped exponential delay."""
        return jitter * min(self.max_delay, self.base_delay * 2.0**retry_number)


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transport:
    """Sends prepared bytes; may be shared by the clients of many merchants (thread-safe)."""

    def __init__(
        self,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = RetryPolicy(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.timeouts = timeouts
        self.retry = retry
        self._sleep = sleep
        self._jitter = jitter
        self._sessions: dict[str, requests.Session] = {}
        self._lock = threading.Lock()

    def session_for(self, url: str) -> requests.Session:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            session = self._sessions.get(origin)
            if session is None:
                session = self._sessions[origin] = _session_for_origin(origin)
            return session

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers_for_attempt: Callable[[], Mapping[str, str]],
        *,
        retryable: bool,
    ) -> RawResponse:
        """Send, asking for fresh headers each attempt (a retried JWT gets a new ``jti``)."""
        session = self.session_for(url)
        attempts = self.retry.attempts if retryable else 1
        for attempt in range(attempts):
            last_attempt = attempt == attempts - 1
            prepared = _prepare(method, url, headers_for_attempt(), body)
            try:
                # Straight to the session's adapter: the Session layer (cookies, hooks,
                # redirects, settings merge) is unused here and costs a quarter of a call.
                response = session.get_adapter(url).send(
                    prepared,
                    timeout=(self.timeouts.connect, self.timeouts.read),
                    verify=True if session.verify is None else session.verify,
                    proxies=session.proxies,
                )
                content = response.content  # read here: the body can time out or be cut too
            except requests.Timeout as exc:
                if last_attempt:
                    raise UpstreamTimeoutError(
                        f"no answer from Cybersource in time: {exc}"
                    ) from exc
            except requests.RequestException as exc:
                if last_attempt:
                    raise UpstreamUnavailableError(
                        f"connection to Cybersource failed: {exc}"
                    ) from exc
            else:
                if last_attempt or response.status_code not in self.retry.retry_statuses:
                    return RawResponse(response.status_code, response.headers, content)
            self._sleep(self.retry.delay(attempt, self._jitter()))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()


def _prepare(
    method: str, url: str, headers: Mapping[str, str], body: bytes | None
) -> requests.PreparedRequest:
    """What ``PreparedRequest.prepare`` does for us, minus the steps that are no-ops here.

    No cookies (none are given, and the Session's jar is not used on this path) and no
    hooks (the adapter runs none); ``prepare_url`` (parsing, IDNA, re-quoting) is a pure
    function of the URL, so it runs once per distinct URL.
    """
    prepared = requests.PreparedRequest()
    prepared.prepare_method(method)
    prepared.url = _prepared_url(url)
    prepared.prepare_headers(headers)
    prepared.prepare_body(body, None)
    prepared.prepare_auth(None)  # Basic auth from user:password@ in the URL, as requests does
    return prepared


@functools.lru_cache(maxsize=512)
def _prepared_url(url: str) -> str | None:
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, None)
    return prepared.url


def _session_for_origin(origin: str) -> requests.Session:
    """A session (connection pool) with the environment's proxy and CA settings read once.

    requests would re-read them (scanning os.environ, stat-ing .netrc) on every call, which
    costs more than building and signing the request.
    """
    session = requests.Session()
    settings = session.merge_environment_settings(origin, {}, None, None, None)
    session.trust_env = False
    session.proxies = settings["proxies"]
    session.verify = settings["verify"]
    return session


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from now; ``None`` if
    absent or unreadable. A date in the past is 0."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, moment - now())

"""HTTP transport: one keep-alive ``requests.Session`` per host, timeouts, retries of reads.

Every call has a deadline (``Timeouts.total``) across all its attempts, besides the connect
and read timeouts of each attempt: no attempt starts after it, no wait runs past it, and an
answer still arriving when it passes is abandoned. Only requests marked retryable (reads)
are retried, on connection errors, 429 and 502/503/504, with bounded exponential backoff and
full jitter, or after the ``Retry-After`` Cybersource asked for when it is short enough
(``RetryPolicy.max_retry_after``) and ends before the deadline. Creation and every other
write is sent once: a write whose outcome is unknown is resolved by
``idempotent.create_invoice_once``.
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
import urllib3

from addin_server.cybersource.errors import UpstreamTimeoutError, UpstreamUnavailableError

_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Timeouts:
    """Seconds: ``connect`` and ``read`` (each wait for data) per attempt, ``total`` per call."""

    connect: float = 5.0
    read: float = 30.0
    total: float = 40.0


DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` counts the first try; delays grow ``base_delay * 2**n`` up to ``max_delay``.

    A ``Retry-After`` longer than ``max_retry_after`` is not waited for: the answer is given
    back at once (as a typed error carrying ``retry_after``).
    """

    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 2.0
    max_retry_after: float = 10.0
    retry_statuses: frozenset[int] = field(default=frozenset({429, 502, 503, 504}))

    def delay(self, retry_number: int, jitter: float, retry_after: float | None = None) -> float:
        """Full jitter: a uniform share (``jitter`` in [0, 1)) of the capped exponential delay,
        or at least ``retry_after``; ``inf`` when that is longer than ``max_retry_after``."""
        backoff = jitter * min(self.max_delay, self.base_delay * 2.0**retry_number)
        if retry_after is None:
            return backoff
        return max(backoff, retry_after) if retry_after <= self.max_retry_after else float("inf")


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class UpstreamCall:
    """One attempt of a call to Cybersource, as observers see it: ``status`` is None when no
    answer came (``error`` then names why: ``timeout`` or ``connection``)."""

    method: str
    host: str
    status: int | None
    seconds: float
    error: str | None = None


_observers: list[Callable[[UpstreamCall], None]] = []


def observe_calls(observer: Callable[[UpstreamCall], None]) -> None:
    """Have ``observer`` called after every attempt of every transport (metrics); once each."""
    if observer not in _observers:
        _observers.append(observer)


def _notify(method: str, url: str, started: float, status: int | None, error: str | None) -> None:
    call = UpstreamCall(method, urlsplit(url).netloc, status, time.perf_counter() - started, error)
    for observer in _observers:
        observer(call)


class _Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._end = clock() + seconds

    @property
    def left(self) -> float:
        return self._end - self._clock()

    def check(self) -> None:
        if self.left <= 0:
            raise requests.Timeout("the call's deadline passed")


class Transport:
    """Sends prepared bytes; may be shared by the clients of many merchants (thread-safe)."""

    def __init__(
        self,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = RetryPolicy(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeouts = timeouts
        self.retry = retry
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
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
        deadline = _Deadline(self.timeouts.total, self._clock)
        attempts = self.retry.attempts if retryable else 1
        for attempt in range(attempts):
            last_attempt = attempt == attempts - 1
            started = time.perf_counter()
            try:
                response = self._attempt(method, url, body, headers_for_attempt(), deadline)
            except requests.Timeout as exc:
                _notify(method, url, started, None, "timeout")
                if last_attempt or deadline.left <= 0:
                    raise UpstreamTimeoutError(
                        f"no answer from Cybersource in time: {exc}"
                    ) from exc
                wait = self.retry.delay(attempt, self._jitter())
            except requests.RequestException as exc:
                _notify(method, url, started, None, "connection")
                if last_attempt:
                    raise UpstreamUnavailableError(
                        f"connection to Cybersource failed: {exc}"
                    ) from exc
                wait = self.retry.delay(attempt, self._jitter())
            else:
                _notify(method, url, started, response.status, None)
                if last_attempt or response.status not in self.retry.retry_statuses:
                    return response
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                wait = self.retry.delay(attempt, self._jitter(), asked)
                if wait >= deadline.left:
                    return response  # waiting would outlast the call: answer what we have
            if wait >= deadline.left:
                raise UpstreamTimeoutError("no answer from Cybersource before the deadline")
            self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        deadline: _Deadline,
    ) -> RawResponse:
        deadline.check()
        left = deadline.left
        session = self.session_for(url)
        # Straight to the session's adapter: the Session layer (cookies, hooks, redirects,
        # settings merge) is unused here and costs a quarter of a call.
        response = session.get_adapter(url).send(
            _prepare(method, url, headers, body),
            timeout=(min(self.timeouts.connect, left), min(self.timeouts.read, left)),
            verify=True if session.verify is None else session.verify,
            proxies=session.proxies,
        )
        try:
            content = _read_body(response, deadline)
        finally:
            response.close()  # returns the connection to the pool once the body is read
        return RawResponse(response.status_code, response.headers, content)

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()


def _read_body(response: requests.Response, deadline: _Deadline) -> bytes:
    """The whole body, checking the deadline whenever data arrives (a body can trickle)."""
    chunks: list[bytes] = []
    try:
        while chunk := response.raw.read1(_CHUNK_BYTES, decode_content=True):
            chunks.append(chunk)
            deadline.check()
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.ReadTimeout(exc) from exc
    except urllib3.exceptions.HTTPError as exc:  # cut short, undecodable
        raise requests.ConnectionError(exc) from exc
    return b"".join(chunks)


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

"""Deadlines across attempts, 429 as a typed error, ``Retry-After`` honoured by reads.

A small Flask app on loopback answers slowly, trickles, or refuses with 429/503 and a
``Retry-After``; each test uses its own ``tag`` in the path so the app counts its hits apart.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask, Response, jsonify

from addin_server.cybersource import (
    RateLimitedError,
    RetryPolicy,
    Timeouts,
    Transport,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from addin_server.cybersource.requestor import Requestor
from addin_server.dev.loopback import LoopbackServer
from tests.cybersource.cybersource_support import NoAuth, RecordingSleep

TRICKLE_SECONDS = 2.0


class Upstream:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.app = Flask(__name__)
        self.app.add_url_rule(
            "/slow/<tag>/<float:seconds>/<int:status>", view_func=self.slow, methods=["GET", "POST"]
        )
        self.app.add_url_rule(
            "/refuse/<tag>/<int:status>/<retry_after>",
            view_func=self.refuse,
            methods=["GET", "POST"],
        )
        self.app.add_url_rule("/trickle/<tag>", view_func=self.trickle)

    def slow(self, tag: str, seconds: float, status: int) -> tuple[Response, int]:
        self.hits[tag] += 1
        time.sleep(seconds)
        return jsonify(status=status), status

    def refuse(
        self, tag: str, status: int, retry_after: str
    ) -> tuple[Response, int, dict[str, str]]:
        """The first hit is refused with ``status`` and ``Retry-After``; later ones succeed."""
        self.hits[tag] += 1
        if self.hits[tag] == 1:
            return jsonify(status="REFUSED"), status, {"Retry-After": retry_after}
        return jsonify(status="OK"), 200, {}

    def trickle(self, tag: str) -> Response:
        """A valid JSON answer that takes ``TRICKLE_SECONDS`` to arrive, a byte at a time."""
        self.hits[tag] += 1

        def body() -> Iterator[bytes]:
            for _ in range(int(TRICKLE_SECONDS / 0.05)):
                time.sleep(0.05)
                yield b" "
            yield b"{}"

        return Response(body(), mimetype="application/json")


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[Upstream, str]]:
    upstream = Upstream()
    with LoopbackServer(upstream.app) as server:
        yield upstream, server.url


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex


def requestor_for(
    url: str, timeouts: Timeouts, sleep: RecordingSleep | None = None, attempts: int = 3
) -> Requestor:
    """Backoff without jitter (zero) and without waiting: the delays are recorded."""
    transport = Transport(
        timeouts,
        RetryPolicy(attempts=attempts),
        sleep=sleep or RecordingSleep(),
        jitter=lambda: 0.0,
    )
    return Requestor(NoAuth(), url, transport)


def test_reads_wait_as_long_as_cybersource_asks(upstream: tuple[Upstream, str], tag: str) -> None:
    app, url = upstream
    sleeps = RecordingSleep()
    requestor = requestor_for(url, Timeouts(), sleeps)

    assert requestor.request("GET", f"/refuse/{tag}/429/3").data == {"status": "OK"}
    assert sleeps.delays == [3.0]
    assert app.hits[tag] == 2


def test_a_503_with_retry_after_is_retried_after_that_wait(
    upstream: tuple[Upstream, str], tag: str
) -> None:
    sleeps = RecordingSleep()
    requestor = requestor_for(upstream[1], Timeouts(), sleeps)
    assert requestor.request("GET", f"/refuse/{tag}/503/2").status == 200
    assert sleeps.delays == [2.0]


@pytest.mark.parametrize(
    ("method", "retry_after", "total"),
    [
        ("GET", "60", 40.0),  # longer than RetryPolicy.max_retry_after
        ("GET", "5", 1.0),  # would outlast the call's deadline
        ("POST", "1", 40.0),  # writes are never retried
    ],
)
def test_429_not_waited_for_is_a_typed_error(
    upstream: tuple[Upstream, str], tag: str, method: str, retry_after: str, total: float
) -> None:
    app, url = upstream
    sleeps = RecordingSleep()
    requestor = requestor_for(url, Timeouts(total=total), sleeps)

    with pytest.raises(RateLimitedError) as raised:
        requestor.request(method, f"/refuse/{tag}/429/{retry_after}")

    assert raised.value.retry_after == float(retry_after)
    assert raised.value.status == 429
    assert (app.hits[tag], sleeps.delays) == (1, [])


def test_an_outage_says_how_long_cybersource_asked_to_wait(
    upstream: tuple[Upstream, str], tag: str
) -> None:
    requestor = requestor_for(upstream[1], Timeouts())
    with pytest.raises(UpstreamUnavailableError) as raised:
        requestor.request("GET", f"/refuse/{tag}/503/120")
    assert raised.value.retry_after == 120.0


def test_the_deadline_spans_every_attempt(upstream: tuple[Upstream, str], tag: str) -> None:
    """Each answer takes 0.3 s and is a 503: five attempts would take 1.5 s, the call 0.5 s."""
    app, url = upstream
    requestor = requestor_for(url, Timeouts(connect=1.0, read=2.0, total=0.5), attempts=5)

    with pytest.raises(UpstreamTimeoutError):
        requestor.request("GET", f"/slow/{tag}/0.3/503")

    assert app.hits[tag] == 2  # the second attempt had 0.2 s left and ran out


def test_the_deadline_bounds_a_single_write(upstream: tuple[Upstream, str], tag: str) -> None:
    requestor = requestor_for(upstream[1], Timeouts(connect=1.0, read=5.0, total=0.3))
    with pytest.raises(UpstreamTimeoutError):
        requestor.request("POST", f"/slow/{tag}/1.0/200", json_body={})


def test_a_trickling_answer_is_abandoned_at_the_deadline(
    upstream: tuple[Upstream, str], tag: str
) -> None:
    """Bytes keep coming within the read timeout, so only the deadline can end the call."""
    requestor = requestor_for(upstream[1], Timeouts(connect=1.0, read=1.0, total=0.5), attempts=1)
    with pytest.raises(UpstreamTimeoutError):
        requestor.request("GET", f"/trickle/{tag}")


def test_a_slow_answer_within_the_deadline_is_read_whole(
    upstream: tuple[Upstream, str], tag: str
) -> None:
    requestor = requestor_for(
        upstream[1], Timeouts(connect=1.0, read=1.0, total=TRICKLE_SECONDS * 3)
    )
    assert requestor.request("GET", f"/trickle/{tag}").data == {}


def test_retry_delay_takes_retry_after_when_it_is_short_enough() -> None:
    policy = RetryPolicy(base_delay=0.25, max_delay=1.0, max_retry_after=10.0)
    assert policy.delay(0, 1.0) == 0.25
    assert policy.delay(0, 1.0, retry_after=3.0) == 3.0
    assert policy.delay(3, 1.0, retry_after=0.5) == 1.0  # the backoff is longer
    assert policy.delay(0, 1.0, retry_after=11.0) == float("inf")

"""Redis down (connection refused) or hung (accepts, never answers) under two real gunicorn
instances: both stay up and answer within the time-box (every Redis call is bounded, a failed
one is not retried for a while), and each process counts the rate limits on its own."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from addin_server.cache import REDIS_TIMEOUT_SECONDS
from addin_server.dev.gunicorn_process import GunicornInstance
from tests.instances.instances_support import PREFILL, assert_rate_limited

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

# Each answer waits on Redis at most a few time-outs (signing keys, each limit); the rest is
# a fresh worker's first pre-fill on a busy machine. An unbounded Redis read would hold the
# worker until gunicorn's 60 s time-out kills it. (tests/hardening times the back-off closely.)
ANSWER_SECONDS = 8 * REDIS_TIMEOUT_SECONDS + 13.0


def timed(method: str, url: str, **options: Any) -> requests.Response:
    started = time.monotonic()
    response = requests.request(method, url, timeout=30, **options)
    assert time.monotonic() - started < ANSWER_SECONDS, f"{method} {url} stalled"
    return response


@pytest.mark.parametrize("broken", ["down_redis_url", "hung_redis_url"])
def test_without_redis_both_instances_answer_and_limit_per_process(
    start_instances: Callable[..., list[GunicornInstance]],
    sign_in: Callable[..., Any],
    request: pytest.FixtureRequest,
    broken: str,
) -> None:
    # One worker each, so "per process" is per instance here.
    one, two = start_instances(
        2, workers=1, redis_url=request.getfixturevalue(broken), rate_limit_costly="3/minute"
    )
    alice = sign_in()
    for _ in range(3):
        prefill = timed("POST", f"{one.url}/api/v1/prefill", json=PREFILL, headers=alice.headers)
        assert prefill.status_code == 200, prefill.text
    assert_rate_limited(
        timed("POST", f"{one.url}/api/v1/prefill", json=PREFILL, headers=alice.headers)
    )
    # The other instance cannot see the first one's count while Redis is unusable.
    other = timed("POST", f"{two.url}/api/v1/prefill", json=PREFILL, headers=alice.headers)
    assert other.status_code == 200, other.text
    for instance in (one, two):
        assert timed("GET", f"{instance.url}/api/v1/me", headers=alice.headers).status_code == 200
        assert timed("GET", f"{instance.url}/readyz").status_code == 200

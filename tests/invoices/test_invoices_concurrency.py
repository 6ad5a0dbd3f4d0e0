"""Two app instances on one database (PostgreSQL, and SQLite too), each a real HTTP server on
loopback, with threads firing the same create at both: one invoice upstream, one 201, the
others the same invoice (200) or "still in flight" (409 + Retry-After)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests
from flask import Flask

from addin_server import create_app
from addin_server.dev.loopback import LoopbackServer
from tests.invoices.invoices_support import fire, invoice_body, new_key, one_invoice_id
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

THREADS_PER_INSTANCE = 4


@pytest.fixture
def instance_urls(app: Flask, app_config: dict[str, Any]) -> Iterator[list[str]]:
    """The test's app and a second instance of it, both served on loopback."""
    second = create_app(app_config)
    with LoopbackServer(app) as one, LoopbackServer(second) as two:
        yield [one.url, two.url]
    second.extensions["addin.db"].dispose()


def test_identical_requests_at_two_instances_make_one_invoice(
    instance_urls: list[str],
    tenant_a_member: SignedInUser,
    profile_id: str,
    simulator: RunningSimulator,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    simulator.knobs(latency=0.3)  # the first create is still in flight when the others arrive
    key, body = new_key(), invoice_body(profile_id)
    answers = fire(instance_urls, tenant_a_member.headers, body, key, THREADS_PER_INSTANCE)
    ids = {one_invoice_id(answers)}
    assert upstream_numbers() == ["INV-000001"]
    settled = requests.post(
        f"{instance_urls[1]}/api/v1/invoices",
        json=body,
        headers={**tenant_a_member.headers, "Idempotency-Key": key},
        timeout=30,
    )
    assert settled.status_code == 200
    assert settled.json()["id"] in ids


def test_different_keys_at_two_instances_get_distinct_numbers(
    instance_urls: list[str],
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def post(url: str) -> None:
        response = requests.post(
            f"{url}/api/v1/invoices",
            json=invoice_body(profile_id),
            headers={**tenant_a_member.headers, "Idempotency-Key": new_key()},
            timeout=30,
        )
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=post, args=(url,)) for url in instance_urls * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in answers) == [201] * 6
    numbers = sorted(r.json()["number"] for r in answers)
    assert numbers == [f"INV-{n:06d}" for n in range(1, 7)]
    assert upstream_numbers() == numbers

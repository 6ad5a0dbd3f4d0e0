"""Two gunicorn instances, each with its own workers, on one PostgreSQL and one Redis behave
as one service: one invoice for one create sent to both at once, rate limits counted across
both, and each instance's ``/metrics`` adding up all of its workers."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from addin_server.dev.gunicorn_process import GunicornInstance
from tests.instances.instances_support import PREFILL, assert_rate_limited
from tests.invoices.invoices_support import fire, invoice_body, new_key, one_invoice_id
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

StartInstances = Callable[..., list[GunicornInstance]]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]


def test_the_same_create_at_two_instances_makes_one_invoice(
    start_instances: StartInstances,
    tenant_a_member: SignedInUser,
    profile_id: str,
    simulator: RunningSimulator,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    urls = [instance.url for instance in start_instances(2)]
    simulator.knobs(latency=0.8)  # the first create is still in flight when the others arrive
    key, body = new_key(), invoice_body(profile_id)
    invoice_id = one_invoice_id(fire(urls, tenant_a_member.headers, body, key, per_url=4))
    assert upstream_numbers() == ["INV-000001"]
    for url in urls:  # once settled, both instances answer with that invoice
        again = requests.post(
            f"{url}/api/v1/invoices",
            json=body,
            headers={**tenant_a_member.headers, "Idempotency-Key": key},
            timeout=30,
        )
        assert again.status_code == 200
        assert again.json()["id"] == invoice_id
    assert upstream_numbers() == ["INV-000001"]


@pytest.mark.usefixtures("redis_client")  # skips without Redis
def test_rate_limits_are_counted_across_both_instances_through_redis(
    start_instances: StartInstances, redis_url: str, sign_in: Callable[..., Any]
) -> None:
    urls = [
        instance.url
        for instance in start_instances(
            2, redis_url=redis_url, rate_limit_costly="4/minute", rate_limit_merchant="5/minute"
        )
    ]
    alice = sign_in()
    for n in range(4):  # a fresh connection each time: any worker of either instance
        answer = requests.post(
            f"{urls[n % 2]}/api/v1/prefill", json=PREFILL, headers=alice.headers, timeout=30
        )
        assert answer.status_code == 200, answer.text
    for url in urls:
        assert_rate_limited(
            requests.post(f"{url}/api/v1/prefill", json=PREFILL, headers=alice.headers, timeout=30)
        )
    # Per merchant profile, across users: verifying a profile is costly and names it (404:
    # there is no such profile, but the attempt counts all the same).
    profile = uuid.uuid4()
    admins = [sign_in(role="admin") for _ in range(6)]
    for n, admin in enumerate(admins[:5]):
        verify = f"{urls[n % 2]}/api/v1/merchants/{profile}/verify"
        assert requests.post(verify, headers=admin.headers, timeout=30).status_code == 404
    last = admins[5]
    for url in urls:
        verify = f"{url}/api/v1/merchants/{profile}/verify"
        assert_rate_limited(requests.post(verify, headers=last.headers, timeout=30))


def requests_counted(text: str, route: str) -> float:
    """``addin_http_requests_total`` for GET ``route`` answered 200, in Prometheus text."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "addin_http_requests_total"
        and sample.labels == {"method": "GET", "route": route, "status": "200"}
    )


def scrape(instance: GunicornInstance) -> str:
    return requests.get(f"{instance.url}/metrics", timeout=30).text


def counted_by_each_worker(folder: Path, route: str, work: Path) -> dict[int, float]:
    """What each worker's own counter file holds for ``route`` (read one file at a time)."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        alone = work / path.stem
        alone.mkdir(exist_ok=True)
        shutil.copy(path, alone / path.name)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(alone))  # type: ignore[no-untyped-call]
        counts[int(path.stem.rsplit("_", 1)[1])] = requests_counted(
            generate_latest(registry).decode(), route
        )
    return counts


def readyz_burst(url: str, count: int) -> None:
    """``count`` requests at once, each on its own connection, so several workers take them."""
    statuses: list[int] = []

    def get() -> None:
        statuses.append(requests.get(f"{url}/readyz", timeout=30).status_code)

    threads = [threading.Thread(target=get) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * count


def test_one_scrape_counts_every_worker_of_an_instance_even_one_that_exited(
    start_instances: StartInstances, tmp_path: Path
) -> None:
    (instance,) = start_instances(1, workers=3)
    folder = instance.metrics_dir
    assert folder is not None
    assert requests_counted(scrape(instance), "/readyz") == 0
    sent, deadline = 0, time.monotonic() + 60

    def by_worker() -> dict[int, float]:
        return counted_by_each_worker(folder, "/readyz", tmp_path)

    while not all(by_worker().get(pid) for pid in instance.worker_pids()):
        assert time.monotonic() < deadline, f"some worker never took a request: {by_worker()}"
        readyz_burst(instance.url, 12)
        sent += 12
    assert len(by_worker()) >= 3
    assert sum(by_worker().values()) == sent
    assert requests_counted(scrape(instance), "/readyz") == sent
    # A worker that exits (as each does after max_requests) is replaced; its counts stay.
    gone = instance.worker_pids()[0]
    os.kill(gone, signal.SIGTERM)
    while gone in instance.worker_pids() or len(instance.worker_pids()) < 3:
        assert time.monotonic() < deadline, "the worker was not replaced"
        time.sleep(0.1)
    assert requests_counted(scrape(instance), "/readyz") == sent

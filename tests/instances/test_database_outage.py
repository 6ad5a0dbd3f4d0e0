"""PostgreSQL lost under load, in two real gunicorn instances: every create fails cleanly (a
503 problem with Retry-After, or 409 while its first try is in flight) or succeeds, and once
the database is back, the retries and ``addin-server reconcile`` leave exactly one invoice per
Idempotency-Key: the simulator's book and our records agree, nothing lost or doubled.

We cannot restart the shared PostgreSQL server, so a restart is emulated two ways: every
connection of the app's database terminated (``pg_terminate_backend``) again and again, and a
TCP proxy between the instances and PostgreSQL cut (connections closed, new ones refused) and
restored.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from addin_server.dev.gunicorn_process import GunicornInstance, addin_environment
from addin_server.invoices import IntentState, InvoiceRecord
from tests.instances.tcp_proxy import TcpProxy
from tests.invoices.invoices_support import invoice_body, new_key
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

CLIENTS = 8
KEYS_PER_CLIENT = 3
FAULT_SECONDS = 3.0
SETTLE_SECONDS = 4.0  # after the fault: long enough for a retry, shorter than the 12 s lease
RETRY_PAUSE = 0.2  # the clients retry sooner than Retry-After asks, to stay within seconds
CLEAN_FAILURES = {409: "/problems/request-in-flight", 503: "/problems/database-unavailable"}


def _terminate_connections(database_url: str, stop: threading.Event) -> None:
    """Every other connection to the database, terminated every 50 ms until ``stop``."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        while not stop.wait(0.05):
            with admin.connect() as connection:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
    finally:
        admin.dispose()


def _restart_through(proxy: TcpProxy, stop: threading.Event) -> None:
    """Down for 0.5 s every 0.8 s, until ``stop``; up at the end."""
    while not stop.wait(0.3):
        proxy.cut()
        time.sleep(0.5)
        proxy.restore()


@dataclass
class Creates:
    """Every answer to every create, by Idempotency-Key (None: no answer at all)."""

    headers: dict[str, str]
    body: dict[str, Any]
    answers: dict[str, list[requests.Response | None]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, key: str, url: str) -> int:
        try:
            answer: requests.Response | None = requests.post(
                f"{url}/api/v1/invoices",
                json=self.body,
                headers={**self.headers, "Idempotency-Key": key},
                timeout=30,
            )
        except requests.RequestException:
            answer = None
        with self.lock:
            self.answers.setdefault(key, []).append(answer)
        return answer.status_code if answer is not None else 0

    def until_done(self, key: str, url: str, deadline: float) -> None:
        while self.send(key, url) not in (0, 200, 201) and time.monotonic() < deadline:
            time.sleep(RETRY_PAUSE)

    def user(self, url: str, fault_over: threading.Event, deadline: float) -> None:
        """One taskpane user: a new invoice after each one made, while the fault lasts."""
        for _ in range(KEYS_PER_CLIENT):
            self.until_done(new_key(), url, deadline)
            if fault_over.is_set():
                return


def assert_clean(creates: Creates) -> None:
    """Every answer a success or a problem that says to retry; each key created at most once."""
    failures = 0
    for answers in creates.answers.values():
        assert None not in answers, "a request got no answer"
        statuses = [a.status_code for a in answers if a is not None]
        assert statuses.count(201) <= 1, statuses
        for answer in answers:
            assert answer is not None
            if answer.status_code in CLEAN_FAILURES:
                failures += 1
                assert answer.headers["Content-Type"] == "application/problem+json"
                assert answer.json()["type"] == CLEAN_FAILURES[answer.status_code], answer.text
                assert int(answer.headers["Retry-After"]) >= 1
            else:
                assert answer.status_code in (200, 201), answer.text
    assert failures, "the fault never reached a create: nothing was tested"


def _records(app: Flask) -> dict[str, InvoiceRecord]:
    with app.extensions["addin.db"].session() as session:
        return {r.idempotency_key: r for r in session.scalars(select(InvoiceRecord))}


def reconcile_later(app: Flask, app_config: dict[str, Any]) -> None:
    """``addin-server reconcile`` as cron runs it, once the interrupted creates are old enough
    to settle (it leaves younger ones to their requests: we age them rather than wait)."""
    with app.extensions["addin.db"].session() as session:
        session.execute(
            text(
                "UPDATE invoice_records SET updated_at = updated_at - interval '10 minutes' "
                "WHERE state IN ('creating', 'unknown')"
            )
        )
    command = [str(Path(sys.executable).parent / "addin-server"), "reconcile"]
    env = addin_environment(app_config)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def database_proxy(app_config: dict[str, Any]) -> Iterator[TcpProxy]:
    url = make_url(app_config["database_url"])
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    yield proxy
    proxy.cut()


@pytest.mark.parametrize("fault", ["terminated", "restarted"])
def test_creates_through_a_database_outage_make_each_invoice_once(
    fault: str,
    app: Flask,
    app_config: dict[str, Any],
    database_proxy: TcpProxy,
    start_instances: Callable[..., list[GunicornInstance]],
    tenant_a_member: SignedInUser,
    profile_id: str,
    simulator: RunningSimulator,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    database_url = app_config["database_url"]
    proxied = make_url(database_url).set(host="127.0.0.1", port=database_proxy.port)
    urls = [i.url for i in start_instances(2, database_url=proxied.render_as_string(False))]
    simulator.knobs(latency=0.05)
    creates = Creates(tenant_a_member.headers, invoice_body(profile_id))
    fault_over = threading.Event()
    deadline = time.monotonic() + FAULT_SECONDS + SETTLE_SECONDS
    with ThreadPoolExecutor(CLIENTS + 1) as pool:
        outage = (
            pool.submit(_terminate_connections, database_url, fault_over)
            if fault == "terminated"
            else pool.submit(_restart_through, database_proxy, fault_over)
        )
        users = [
            pool.submit(creates.user, urls[n % 2], fault_over, deadline) for n in range(CLIENTS)
        ]
        time.sleep(FAULT_SECONDS)
        fault_over.set()
        outage.result()
        for user in users:
            user.result()
    assert_clean(creates)

    reconcile_later(app, app_config)
    for key in creates.answers:  # each pane tries once more with its key: now it is made
        assert creates.send(key, urls[0]) in (200, 201)
    records = _records(app)
    assert sorted(records) == sorted(creates.answers)
    assert {r.state for r in records.values()} == {IntentState.CREATED}
    assert upstream_numbers() == sorted(r.invoice_number for r in records.values())
    for key, answers in creates.answers.items():
        numbers = {a.json()["number"] for a in answers if a is not None and a.status_code < 300}
        assert numbers == {records[key].invoice_number}

"""The load test's users: each a thread with its own ``requests.Session`` and access token,
looping over the taskpane's calls; the users are spread over several client processes, so
that the generator is not one interpreter's lock the measured latencies queue behind.

Used by ``scripts/loadtest.py``; a client process runs ``client_process``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import SynchronizedArray
from multiprocessing.synchronize import Event
from typing import Any

import requests

EMAIL = {
    "from": {"email": "ana@example.com", "name": "Ana Lima"},
    "subject": "Order PO-4471: garden design",
    "body": "Hi,\n\nplease invoice us for 2 design hours at EUR 10.00 and 1 plant set at "
    "EUR 5.50, due in 14 days.\n\nThanks,\nAna Lima\nLima Ltd",
    "item_date": "2026-12-01T09:30:00+00:00",
    "default_currency": "EUR",
}
# (name in the report, method, path, fixed request options): one user's loop, in order.
STEPS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("prefill", "POST", "/api/v1/prefill", {"json": EMAIL}),
    ("create", "POST", "/api/v1/invoices", {}),
    ("list", "GET", "/api/v1/invoices?limit=20", {}),
    ("me", "GET", "/api/v1/me", {}),
    ("merchants", "GET", "/api/v1/merchants", {}),
    ("healthz", "GET", "/healthz", {}),
]


def invoice_body(profile_id: str) -> dict[str, Any]:
    return {
        "merchant_profile_id": profile_id,
        "mode": "publish",
        "customer": {"name": "Ana Lima", "email": "ana@example.com", "company": "Lima Ltd"},
        "description": "Garden design",
        "line_items": [
            {"name": "Design hours", "quantity": 2, "unit_price": "10.00"},
            {"name": "Plants", "quantity": 1, "unit_price": "5.50"},
        ],
        "currency": "EUR",
        "total": "25.50",
        "due_date": "2026-12-31",
    }


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def add(self, route: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.count += 1
            self.latencies[route].append(seconds)
            if error:
                self.errors[route].append(error)

    def merge(self, latencies: dict[str, list[float]], errors: dict[str, list[str]]) -> None:
        for route, values in latencies.items():
            self.latencies[route].extend(values)
            self.count += len(values)
        for route, messages in errors.items():
            self.errors[route].extend(messages)


@dataclass(frozen=True)
class Plan:
    """What one client process does: its users' tokens against the app at ``url``."""

    url: str
    tokens: list[str]
    profile_id: str
    max_requests: int


def user_loop(
    plan: Plan, http: requests.Session, stop_at: float, results: Results, max_requests: int
) -> None:
    while time.monotonic() < stop_at and results.count < max_requests:
        for route, method, path, fixed in STEPS:
            options = fixed
            if route == "create":
                options = {
                    "json": invoice_body(plan.profile_id),
                    "headers": {"Idempotency-Key": f"load-{uuid.uuid4()}"},
                }
            started = time.perf_counter()
            try:
                response = http.request(method, plan.url + path, timeout=60, **options)
                error = None if response.status_code < 400 else str(response.status_code)
            except requests.RequestException as exc:
                error = type(exc).__name__
            results.add(route, time.perf_counter() - started, error)


def drive(plan: Plan, sessions: list[requests.Session], stop_at: float, results: Results) -> None:
    """Every user of ``plan`` loops until ``stop_at`` (monotonic, shared by all processes)."""
    threads = [
        threading.Thread(target=user_loop, args=(plan, http, stop_at, results, plan.max_requests))
        for http in sessions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def client_process(
    plan: Plan, ready: Queue[None], go: Event, times: SynchronizedArray[float], out: Queue[Any]
) -> None:
    """Say ready, wait for the shared start, warm up (not counted), then run measured until
    the shared end; send back the measured latencies, errors and this process's CPU time."""
    sessions = []
    for token in plan.tokens:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        sessions.append(http)
    ready.put(None)
    go.wait()
    warm_until, stop_at = times[0], times[1]
    drive(plan, sessions, warm_until, Results())
    results = Results()
    cpu_started = time.process_time()
    drive(plan, sessions, stop_at, results)
    cpu = time.process_time() - cpu_started
    out.put((dict(results.latencies), dict(results.errors), cpu))

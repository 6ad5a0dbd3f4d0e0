"""The load test's users: each a thread with its own kept-alive connection and access token,
looping over the taskpane's calls; the users are spread over several client processes, so
that the generator is not one interpreter's lock the measured latencies queue behind.

Used by ``scripts/loadtest.py``; a client process runs ``client_process``.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import SynchronizedArray
from multiprocessing.synchronize import Event
from typing import Any
from urllib.parse import urlsplit

EMAIL = {
    "from": {"email": "ana@example.com", "name": "Ana Lima"},
    "subject": "Order PO-4471: garden design",
    "body": "Hi,\n\nplease invoice us for 2 design hours at EUR 10.00 and 1 plant set at "
    "EUR 5.50, due in 14 days.\n\nThanks,\nAna Lima\nLima Ltd",
    "item_date": "2026-12-01T09:30:00+00:00",
    "default_currency": "EUR",
}
# (name in the report, method, path, JSON body): one user's loop, in order.
STEPS: list[tuple[str, str, str, Any]] = [
    ("prefill", "POST", "/api/v1/prefill", EMAIL),
    ("create", "POST", "/api/v1/invoices", None),  # a new body and Idempotency-Key each time
    ("list", "GET", "/api/v1/invoices?limit=20", None),
    ("me", "GET", "/api/v1/me", None),
    ("merchants", "GET", "/api/v1/merchants", None),
    ("healthz", "GET", "/healthz", None),
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


class Connection:
    """One user's kept-alive HTTP connection (``http.client``: a fraction of ``requests``'s
    CPU per call, which on a machine as small as the server's is CPU taken from the server).
    A request on a kept-alive connection the server closed meanwhile (its keep-alive timeout,
    a worker recycled) is sent again once on a new one, before any answer was read, as
    browsers and urllib3 do."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._http = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self._host, self._port, timeout=60)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> int:
        data = None if body is None else json.dumps(body).encode()
        sent = {**self._headers, **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        for attempt in range(2):
            reused = self._http.sock is not None
            try:
                self._http.request(method, path, body=data, headers=sent)
                response = self._http.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._http.close()
                self._http = self._connect()
                if attempt or not reused:
                    raise
                continue
            if response.will_close:
                self._http.close()
            return response.status
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class Window:
    """Users loop from the start until ``stop_at`` without a pause; what starts before
    ``measure_from`` is warm-up, not counted (monotonic times, shared by all processes)."""

    measure_from: float
    stop_at: float


def user_loop(
    plan: Plan, connection: Connection, window: Window, results: Results, max_requests: int
) -> None:
    while time.monotonic() < window.stop_at and results.count < max_requests:
        for route, method, path, fixed_body in STEPS:
            body, headers = fixed_body, None
            if route == "create":
                body = invoice_body(plan.profile_id)
                headers = {"Idempotency-Key": f"load-{uuid.uuid4()}"}
            started = time.perf_counter()
            counted = window.measure_from <= time.monotonic() < window.stop_at
            try:
                status = connection.request(method, path, body, headers)
                error = None if status < 400 else str(status)
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
            if counted:
                results.add(route, time.perf_counter() - started, error)


def client_process(
    plan: Plan, ready: Queue[None], go: Event, times: SynchronizedArray[float], out: Queue[Any]
) -> None:
    """Say ready, wait for the shared start, run every user until the shared end; send back
    the measured latencies, errors and this process's CPU time from the measured start."""
    users = [Connection(plan.url, token) for token in plan.tokens]
    ready.put(None)
    go.wait()
    window = Window(times[0], times[1])
    cpu_at_start: list[float] = []
    marker = threading.Timer(
        max(0.0, window.measure_from - time.monotonic()),
        lambda: cpu_at_start.append(time.process_time()),
    )
    marker.start()
    results = Results()
    threads = [
        threading.Thread(
            target=user_loop, args=(plan, connection, window, results, plan.max_requests)
        )
        for connection in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    marker.join()
    cpu = time.process_time() - cpu_at_start[0]
    out.put((dict(results.latencies), dict(results.errors), cpu))

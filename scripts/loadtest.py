"""Load test: N taskpane users against gunicorn, on PostgreSQL, with the Cybersource simulator.

    .venv/bin/python scripts/loadtest.py --users 50 --seconds 20

Starts everything on loopback and removes it afterwards: a fresh PostgreSQL database, the demo
OpenID provider and the Cybersource simulator (in this process), and gunicorn with
``gunicorn.conf.py`` (its worker count unless ``--workers``). Each user signs in with its own
access token (an admin of the demo organisation) and loops: pre-fill an email, create an
invoice (publish mode, its own Idempotency-Key), list invoices, ``/me``, merchant profiles, and
the trivial ``/healthz``. Prints throughput and p50/p95/p99 per route, and each route's p50 as
a ratio of ``/healthz``'s from the same run.

Bounded (at most 200 users, 120 seconds, 500 000 requests) and loopback only: it refuses a
database or bind address that is not on this machine. Rate limits are raised for the run (the
users would otherwise hit ``ADDIN_RATE_LIMIT_COSTLY`` within seconds): the run measures
throughput, not the limiter's refusals.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from addin_server.config import Settings, load_settings
from addin_server.dev.demo_environment import DemoEnvironment, start_demo
from addin_server.dev.gunicorn_process import InstanceSpec, gunicorn_instances
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from addin_server.identity.tokens import ADMIN_APP_ROLE
from addin_server.storage import migrate

MAX_USERS = 200
MAX_SECONDS = 120
MAX_REQUESTS = 500_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
UNLIMITED = "10000000/minute"
WARM_UP_SECONDS = 5.0
EMAIL = {
    "from": {"email": "ana@example.com", "name": "Ana Lima"},
    "subject": "Order PO-4471: garden design",
    "body": "Hi,\n\nplease invoice us for 2 design hours at EUR 10.00 and 1 plant set at "
    "EUR 5.50, due in 14 days.\n\nThanks,\nAna Lima\nLima Ltd",
    "item_date": "2026-12-01T09:30:00+00:00",
    "default_currency": "EUR",
}


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


def _require_loopback(what: str, host: str | None) -> None:
    if host not in LOOPBACK_HOSTS:
        sys.exit(f"refusing: {what} {host!r} is not on loopback")


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    _require_loopback("PostgreSQL host", make_url(admin_url).host)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"addin_load_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def gunicorn_environment(settings: Settings, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADDIN_")}
    env.update(
        {
            "ADDIN_MODE": "demo",
            "ADDIN_INSTANCE_DIR": str(settings.instance_dir),
            "ADDIN_DATABASE_URL": settings.database_url,
            "ADDIN_PUBLIC_URL": settings.public_url,
            "ADDIN_BIND": settings.bind,
            "ADDIN_AUTHORITY": settings.authority,
            "ADDIN_CLIENT_ID": settings.client_id,
            "ADDIN_CLIENT_SECRET": settings.client_secret,
            "ADDIN_APP_ID_URI": settings.app_id_uri,
            "ADDIN_ALLOWED_TENANTS": ",".join(settings.allowed_tenants),
            "ADDIN_CYBERSOURCE_SANDBOX_URL": settings.cybersource_sandbox_url,
            "ADDIN_RATE_LIMIT_USER": UNLIMITED,
            "ADDIN_RATE_LIMIT_COSTLY": UNLIMITED,
            "ADDIN_RATE_LIMIT_MERCHANT": UNLIMITED,
            "ADDIN_LOG_LEVEL": "WARNING",
        }
    )
    if redis_url:
        env["ADDIN_REDIS_URL"] = redis_url
    return env


@contextmanager
def gunicorn(settings: Settings, redis_url: str, workers: int | None) -> Iterator[str]:
    spec = InstanceSpec(gunicorn_environment(settings, redis_url), workers, log=None)
    with gunicorn_instances([spec]) as (instance,):
        yield instance.url


def user_loop(
    url: str, token: str, profile_id: str, stop_at: float, results: Results, max_requests: int
) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    steps: list[tuple[str, str, str, dict[str, Any]]] = [
        ("prefill", "POST", "/api/v1/prefill", {"json": EMAIL}),
        ("create", "POST", "/api/v1/invoices", {}),
        ("list", "GET", "/api/v1/invoices?limit=20", {}),
        ("me", "GET", "/api/v1/me", {}),
        ("merchants", "GET", "/api/v1/merchants", {}),
        ("healthz", "GET", "/healthz", {}),
    ]
    while time.monotonic() < stop_at and results.count < max_requests:
        for route, method, path, fixed in steps:
            options = fixed
            if route == "create":
                options = {
                    "json": invoice_body(profile_id),
                    "headers": {"Idempotency-Key": f"load-{uuid.uuid4()}"},
                }
            started = time.perf_counter()
            try:
                response = http.request(method, url + path, timeout=60, **options)
                error = None if response.status_code < 400 else str(response.status_code)
            except requests.RequestException as exc:
                error = type(exc).__name__
            results.add(route, time.perf_counter() - started, error)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(results: Results, seconds: float, users: int) -> None:
    base = statistics.median(results.latencies["healthz"]) if results.latencies["healthz"] else 0
    print(
        f"\n{users} users, {seconds:.1f} s, {results.count} requests, "
        f"{results.count / seconds:.0f} requests/s in all\n"
    )
    print(
        f"{'route':<10} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p50/healthz':>11}"
    )
    for route, values in results.latencies.items():
        p50 = statistics.median(values)
        ratio = p50 / base if base else float("nan")
        print(
            f"{route:<10} {len(values):>7} {len(results.errors[route]):>6} "
            f"{len(values) / seconds:>7.0f} {p50 * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f} "
            f"{ratio:>11.2f}"
        )
    for route, errors in results.errors.items():
        if errors:
            print(f"errors on {route}: {sorted(set(errors))[:5]}")


def run(environment: DemoEnvironment, url: str, args: argparse.Namespace) -> None:
    settings = environment.settings
    account = environment.accounts[0]
    tokens = [
        environment.identity_provider.issue_access_token(
            account.tid,
            str(uuid.uuid4()),
            audience=settings.client_id,
            roles=[ADMIN_APP_ROLE],
            name=f"Load user {n}",
            username=f"load{n}@example.com",
        )
        for n in range(args.users)
    ]
    first = requests.get(
        url + "/api/v1/merchants", headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=30
    )
    profile_id = first.json()["profiles"][0]["id"]
    # Warm-up (not measured): every worker loads the pre-fill lexicon and opens its pools.
    drive(url, tokens, profile_id, WARM_UP_SECONDS, Results())
    results = Results()
    started = time.monotonic()
    drive(url, tokens, profile_id, args.seconds, results)
    report(results, time.monotonic() - started, args.users)


def drive(url: str, tokens: list[str], profile_id: str, seconds: float, results: Results) -> None:
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=user_loop, args=(url, token, profile_id, stop_at, results, MAX_REQUESTS)
        )
        for token in tokens
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--redis-url", default="", help="e.g. redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--postgres-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS:
        sys.exit(f"users must be 1..{MAX_USERS} and seconds at most {MAX_SECONDS}")
    if args.redis_url:
        _require_loopback("Redis host", urlsplit(args.redis_url).hostname)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the simulator's access lines
    instance = Path(tempfile.mkdtemp(prefix="addin-load-"))
    port = free_port()
    try:
        with postgres_database(args.postgres_admin_url) as database_url:
            settings = load_settings(
                {},
                {
                    "mode": "demo",
                    "instance_dir": instance,
                    "database_url": database_url,
                    "bind": f"{LOOPBACK_HOST}:{port}",
                    "public_url": f"https://localhost:{port}",
                },
            )
            environment = start_demo(settings)
            try:
                with gunicorn(environment.settings, args.redis_url, args.workers) as url:
                    run(environment, url, args)
            finally:
                environment.stop()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()

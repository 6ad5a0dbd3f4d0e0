"""CPU per request of each route of the load test, in one process: where the server's time goes.

    .venv/bin/python scripts/bench_routes.py [--loops 300] [--profile ROUTE]

The same set-up and the same user loop as ``scripts/loadtest.py`` (a fresh PostgreSQL
database, the Cybersource simulator in its own process, the demo OpenID provider, one signed-in
admin per user; pre-fill, create, list, ``/me``, merchants, ``/healthz``), but the app runs in
this process under Flask's test client, one request at a time: each route's figure is the CPU
this thread spent serving it (``time.thread_time``), with no HTTP server, no other thread and
no wait on the GIL. So it is a figure that a busy machine barely moves (unlike the load test's
throughput), and two runs before and after a change can be compared. What it leaves out is
what only serving over a socket costs (gunicorn's parsing and writing, the access log).

``--profile ROUTE`` also prints the functions that took the most of that route's CPU (cProfile,
cumulative), e.g. ``--profile create``.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from load_clients import STEPS, invoice_body  # scripts/ is on sys.path
from loadtest import (
    UNLIMITED,
    demo_settings,
    issue_tokens,
    postgres_database,
    simulator_process,
)

from addin_server import create_app
from addin_server.dev.demo_environment import start_demo
from addin_server.dev.loopback import free_port

WARM_UP_LOOPS = 20


def one_loop(
    client: FlaskClient, token: str, profile_id: str, cpu: dict[str, list[float]], profiled: str
) -> cProfile.Profile | None:
    profiler = cProfile.Profile() if profiled else None
    for route, method, path, fixed_body in STEPS:
        headers = {"Authorization": f"Bearer {token}"}
        body = fixed_body
        if route == "create":
            body = invoice_body(profile_id)
            headers["Idempotency-Key"] = f"bench-{uuid.uuid4()}"
        if profiler is not None and route == profiled:
            profiler.enable()
        started = time.thread_time()
        response = client.open(path, method=method, json=body, headers=headers)
        cpu[route].append(time.thread_time() - started)
        if profiler is not None and route == profiled:
            profiler.disable()
        if response.status_code >= 400:
            sys.exit(f"{route}: {response.status_code} {response.get_data(as_text=True)[:300]}")
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loops", type=int, default=300, help="user loops measured")
    parser.add_argument("--users", type=int, default=10, help="signed-in users taking turns")
    parser.add_argument("--profile", default="", choices=["", *(step[0] for step in STEPS)])
    parser.add_argument(
        "--postgres-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    instance = Path(tempfile.mkdtemp(prefix="addin-bench-routes-"))
    port = free_port()
    try:
        with postgres_database(args.postgres_admin_url) as database_url:
            settings = demo_settings(
                instance,
                database_url,
                port,
                log_level="WARNING",
                rate_limit_user=UNLIMITED,
                rate_limit_costly=UNLIMITED,
                rate_limit_merchant=UNLIMITED,
            )
            with simulator_process(settings.secret_key) as (simulator_url, _pid):
                environment = start_demo(settings, simulator_url)
                try:
                    measure(environment, args)
                finally:
                    environment.stop()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def measure(environment: Any, args: argparse.Namespace) -> None:
    app = create_app(environment.settings)
    client = app.test_client()
    tokens = issue_tokens(environment, args.users)
    first = client.get("/api/v1/merchants", headers={"Authorization": f"Bearer {tokens[0]}"})
    profile_id = first.get_json()["profiles"][0]["id"]
    cpu: dict[str, list[float]] = {step[0]: [] for step in STEPS}
    for n in range(WARM_UP_LOOPS):
        one_loop(client, tokens[n % len(tokens)], profile_id, cpu, "")
    cpu = {step[0]: [] for step in STEPS}
    profilers = [
        one_loop(client, tokens[n % len(tokens)], profile_id, cpu, args.profile)
        for n in range(args.loops)
    ]
    print(f"\n{args.loops} loops of {args.users} users, CPU ms per request (this thread)\n")
    print(f"{'route':<10} {'median':>8} {'mean':>8} {'p90':>8}")
    for route, values in cpu.items():
        p90 = sorted(values)[int(0.9 * len(values))]
        print(
            f"{route:<10} {statistics.median(values) * 1000:>8.2f} "
            f"{statistics.fmean(values) * 1000:>8.2f} {p90 * 1000:>8.2f}"
        )
    total = sum(statistics.fmean(values) for values in cpu.values()) / len(cpu)
    print(f"{'average':<10} {'':>8} {total * 1000:>8.2f}")
    if args.profile:
        stats = pstats.Stats(*[p for p in profilers if p is not None])
        stats.sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()

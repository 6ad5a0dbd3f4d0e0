"""Load test: N taskpane users against gunicorn, on PostgreSQL, with the Cybersource simulator.

    .venv/bin/python scripts/loadtest.py --users 50 --seconds 20

Starts everything on loopback and removes it afterwards: a fresh PostgreSQL database, the demo
OpenID provider (in this process), the Cybersource simulator (in its own process), and
gunicorn with ``gunicorn.conf.py`` (its worker count unless ``--workers``). Each user signs in
with its own access token (an admin of the demo organisation) and loops: pre-fill an email,
create an invoice (publish mode, its own Idempotency-Key), list invoices, ``/me``, merchant
profiles, and the trivial ``/healthz``. The users are threads spread over ``--clients``
processes (``scripts/load_clients.py``), so that no one interpreter's lock holds answers back.
The run starts once every worker has booted (gunicorn idle), after a warm-up that is not counted.

Prints throughput and p50/p95/p99 per route, each route's p50 as a ratio of ``/healthz``'s
from the same run, and where the CPU went: the server's (gunicorn's processes, from /proc) per
request and per route (the serving thread's CPU, from ``/metrics``), the simulator's and the
load generator's. On a machine as small as the server's, the generator's CPU is taken from
the server: compare the server's CPU per request between runs, not only the throughput.

Bounded (at most 200 users, 120 seconds, 500 000 requests) and loopback only: it refuses a
database or bind address that is not on this machine. Rate limits are raised for the run (the
users would otherwise hit ``ADDIN_RATE_LIMIT_COSTLY`` within seconds): the run measures
throughput, not the limiter's refusals.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from load_clients import STEPS, Plan, Results, client_process  # scripts/ is on sys.path
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import WSGIRequestHandler, make_server

from addin_server.config import Settings, load_settings
from addin_server.dev.demo_environment import DemoEnvironment, demo_simulator_app, start_demo
from addin_server.dev.gunicorn_process import InstanceSpec, gunicorn_instances
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from addin_server.identity.tokens import ADMIN_APP_ROLE
from addin_server.storage import migrate

ROOT = Path(__file__).resolve().parent.parent
MAX_USERS = 200
MAX_SECONDS = 120
MAX_REQUESTS = 500_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
UNLIMITED = "10000000/minute"
WARM_UP_SECONDS = 5.0
BOOT_SECONDS = 180
# Idle gunicorn (every worker booted): less CPU than this over one poll interval.
IDLE_CPU_SECONDS = 0.05
IDLE_POLL_SECONDS = 0.5
# The routes of the report as ``/metrics`` labels them (method, URL rule).
METRIC_ROUTES = {name: (method, path.split("?")[0]) for name, method, path, _options in STEPS}


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


def demo_settings(instance: Path, database_url: str, port: int, **extra: Any) -> Settings:
    """The demo organisation's settings on loopback, on the given database."""
    return load_settings(
        {},
        {
            "mode": "demo",
            "instance_dir": instance,
            "database_url": database_url,
            "bind": f"{LOOPBACK_HOST}:{port}",
            "public_url": f"https://localhost:{port}",
            **extra,
        },
    )


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
def gunicorn(
    settings: Settings, redis_url: str, workers: int | None, threads: int | None
) -> Iterator[tuple[str, int]]:
    """The app under gunicorn, every worker booted: its URL and the master's pid."""
    env = gunicorn_environment(settings, redis_url)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    # Every worker's counts in /metrics (per-route CPU); gunicorn empties the folder at start.
    metrics = Path(settings.instance_dir) / "metrics"
    spec = InstanceSpec(env, workers, metrics, log=None)
    with gunicorn_instances([spec]) as (instance,):
        wait_until_idle(instance.master_pid)
        yield instance.url, instance.master_pid


def wait_until_idle(pid: int) -> None:
    """Until gunicorn uses (almost) no CPU: workers load the app after the first one answers,
    and a worker still booting would be measured as load."""
    deadline = time.monotonic() + BOOT_SECONDS
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(IDLE_POLL_SECONDS)
        used, before = cpu_seconds(pid), used
        if used - before < IDLE_CPU_SECONDS:
            return
    sys.exit("gunicorn did not settle")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants so far, reaped ones included
    (Linux /proc); 0 for a process that is gone."""
    proc = Path("/proc") / str(pid)
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        children = (proc / "task" / str(pid) / "children").read_text().split()
    except OSError:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds over the measured run: gunicorn (master and workers), the simulator, and
    the client processes; and per route, the serving threads' CPU and request count."""

    server: float
    simulator: float
    clients: float
    per_route: dict[str, tuple[float, float]]


def route_cpu(url: str) -> dict[str, tuple[float, float]]:
    """Per route of the report: (CPU seconds, requests) so far, all workers added up."""
    families = text_string_to_metric_families(requests.get(url + "/metrics", timeout=30).text)
    cpu: dict[tuple[str, str], float] = {}
    count: dict[tuple[str, str], float] = {}
    for family in families:
        for sample in family.samples:
            key = (sample.labels.get("method", ""), sample.labels.get("route", ""))
            if sample.name == "addin_http_request_cpu_seconds_total":
                cpu[key] = cpu.get(key, 0.0) + sample.value
            elif sample.name == "addin_http_requests_total":
                count[key] = count.get(key, 0.0) + sample.value
    return {name: (cpu.get(key, 0.0), count.get(key, 0.0)) for name, key in METRIC_ROUTES.items()}


def report(results: Results, seconds: float, users: int, cpu: CpuUse) -> None:
    base = statistics.median(results.latencies["healthz"]) if results.latencies["healthz"] else 0
    print(
        f"\n{users} users, {seconds:.1f} s, {results.count} requests, "
        f"{results.count / seconds:.0f} requests/s in all\n"
    )
    print(
        f"{'route':<10} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p50/healthz':>11} {'CPU ms':>7}"
    )
    for route in METRIC_ROUTES:  # the users' order
        values = results.latencies.get(route, [])
        if not values:
            continue
        p50 = statistics.median(values)
        ratio = p50 / base if base else float("nan")
        route_seconds, served = cpu.per_route.get(route, (0.0, 0.0))
        print(
            f"{route:<10} {len(values):>7} {len(results.errors[route]):>6} "
            f"{len(values) / seconds:>7.0f} {p50 * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f} "
            f"{ratio:>11.2f} {route_seconds / max(served, 1) * 1000:>7.2f}"
        )
    print("(CPU ms: the serving thread's CPU per request, from its first hook to its answer)")
    requests_made = max(results.count, 1)
    for label, used in (
        ("server (gunicorn)", cpu.server),
        ("simulator", cpu.simulator),
        ("load generator", cpu.clients),
    ):
        print(
            f"{label + ' CPU':<22} {used:6.1f} s = {used / seconds:.2f} cores, "
            f"{used / requests_made * 1000:.2f} ms per request"
        )
    for route, errors in results.errors.items():
        if errors:
            print(f"errors on {route}: {sorted(set(errors))[:5]}")


def issue_tokens(environment: DemoEnvironment, users: int) -> list[str]:
    account = environment.accounts[0]
    return [
        environment.identity_provider.issue_access_token(
            account.tid,
            str(uuid.uuid4()),
            audience=environment.settings.client_id,
            roles=[ADMIN_APP_ROLE],
            name=f"Load user {n}",
            username=f"load{n}@example.com",
        )
        for n in range(users)
    ]


def run(
    environment: DemoEnvironment, server: tuple[str, int], simulator_pid: int, args: Any
) -> None:
    url, server_pid = server
    tokens = issue_tokens(environment, args.users)
    first = requests.get(
        url + "/api/v1/merchants", headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=30
    )
    profile_id = first.json()["profiles"][0]["id"]
    context = multiprocessing.get_context("spawn")
    ready: Any = context.Queue()
    out: Any = context.Queue()
    go = context.Event()
    times = context.Array("d", 2)
    processes = [
        context.Process(
            target=client_process,
            args=(
                Plan(url, tokens[n :: args.clients], profile_id, MAX_REQUESTS // args.clients),
                ready,
                go,
                times,
                out,
            ),
        )
        for n in range(args.clients)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=BOOT_SECONDS)
    # Warm-up (not measured): every worker loads the pre-fill lexicon and opens its pools.
    times[0] = time.monotonic() + WARM_UP_SECONDS
    times[1] = times[0] + args.seconds
    go.set()
    time.sleep(max(0.0, times[0] - time.monotonic()))
    started = time.monotonic()
    before = (cpu_seconds(server_pid), cpu_seconds(simulator_pid), route_cpu(url))
    results = Results()
    clients_cpu = 0.0
    for _ in processes:
        latencies, errors, used = out.get()
        results.merge(latencies, errors)
        clients_cpu += used
    elapsed = time.monotonic() - started
    after = (cpu_seconds(server_pid), cpu_seconds(simulator_pid), route_cpu(url))
    for process in processes:
        process.join()
    per_route = {
        name: (seconds - before[2][name][0], served - before[2][name][1])
        for name, (seconds, served) in after[2].items()
    }
    cpu = CpuUse(after[0] - before[0], after[1] - before[1], clients_cpu, per_route)
    report(results, elapsed, args.users, cpu)


class KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1: the server's connections to the simulator stay open, as they do to
    Cybersource (werkzeug's default closes each, so every create paid a new connection)."""

    protocol_version = "HTTP/1.1"


def serve_simulator(port: int) -> None:
    """Child process: the demo merchants' simulator, until terminated."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # its access lines
    app = demo_simulator_app(os.environ["ADDIN_SECRET_KEY"])
    make_server(
        LOOPBACK_HOST, port, app, threaded=True, request_handler=KeepAliveHandler
    ).serve_forever()


@contextmanager
def simulator_process(secret_key: str) -> Iterator[tuple[str, int]]:
    """The simulator in its own process: its URL and pid."""
    port = free_port()
    env = {**os.environ, "ADDIN_SECRET_KEY": secret_key}
    command = [sys.executable, __file__, "--serve-simulator", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://{LOOPBACK_HOST}:{port}"
    try:
        wait_for(url + "/__sim/knobs", process, "the simulator")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet
        if time.monotonic() > deadline or process.poll() is not None:
            sys.exit(f"{what} did not start")
        time.sleep(0.2)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=4, help="client processes for the users")
    parser.add_argument("--redis-url", default="", help="e.g. redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--postgres-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--serve-simulator", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_simulator:
        return args
    if not 1 <= args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS:
        sys.exit(f"users must be 1..{MAX_USERS} and seconds at most {MAX_SECONDS}")
    args.clients = max(1, min(args.clients, args.users))
    if args.redis_url:
        _require_loopback("Redis host", urlsplit(args.redis_url).hostname)
    return args


def main() -> None:
    args = arguments()
    if args.serve_simulator:
        serve_simulator(args.serve_simulator)
        return
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the OpenID provider's access lines
    instance = Path(tempfile.mkdtemp(prefix="addin-load-"))
    port = free_port()
    try:
        with postgres_database(args.postgres_admin_url) as database_url:
            settings = demo_settings(instance, database_url, port)
            with simulator_process(settings.secret_key) as (simulator_url, simulator_pid):
                environment = start_demo(settings, simulator_url)
                try:
                    with gunicorn(
                        environment.settings, args.redis_url, args.workers, args.threads
                    ) as server:
                        run(environment, server, simulator_pid, args)
                finally:
                    environment.stop()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()

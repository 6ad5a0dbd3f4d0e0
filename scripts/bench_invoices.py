"""Time our server adds to an invoice create, on top of the simulator's own time.

Set-up, all on loopback: a fresh PostgreSQL database (migrated, dropped at the end); the
Cybersource simulator in its own process (werkzeug, threaded); the demo OpenID provider
(HTTPS) in this process; the app under gunicorn with the production config
(``gunicorn.conf.py``: gthread workers, ``GUNICORN_WORKERS`` of them, JSON access log).

Two runs of ``--requests`` creates by ``--users`` concurrent users (threads, each with its
own signed-in admin and its own ``requests.Session``), each create a new draft (its own
Idempotency-Key), mode ``publish``, two line items:

1. **simulator alone**: our Cybersource client calls the simulator directly from this
   process (signing, HTTP, the simulator's work): the floor any create pays.
2. **through our server**: ``POST /api/v1/invoices`` to gunicorn (token check, schema,
   idempotency claim, number, intent records, the same Cybersource call, audit, answer).

Prints p50/p99 (and mean) of both runs and their difference: the time our server adds per
create at that concurrency; also the throughput through our server and its CPU time per
create (gunicorn's processes, from /proc), which is what the added time is made of once the
workers' threads are all busy. A warm-up of ``--warmup`` creates per run is not counted.

    .venv/bin/python scripts/bench_invoices.py [--users 20] [--requests 600] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from loadtest import cpu_seconds, postgres_database  # scripts/ is on sys.path when a script runs

from addin_server.cybersource import (
    CreationMode,
    Customer,
    CybersourceClient,
    InvoiceDraft,
    LineItem,
    SharedSecretCredentials,
    auth_for,
)
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from addin_server.dev.openid_provider import OpenIdProvider, ProviderClient
from addin_server.dev.simulator import SimulatorMerchant, create_simulator_app, demo_merchant
from addin_server.devcert import combined_ca_bundle, ensure_tls_certificate

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "ADDIN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TENANT = "bbbbbbbb-0000-4000-8000-00000000be4c"
CLIENT_ID = "be4c0000-0000-4000-8000-00000000c11e"
MERCHANT_ID = "bench_shop"
ENCRYPTION_KEY = "bench:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="  # 32 bytes, bench only


def _serve_simulator(merchant_json: str, port: int) -> None:
    """Child process: the simulator for one merchant, until killed."""
    from werkzeug.serving import make_server  # noqa: PLC0415 (child only)

    data = json.loads(merchant_json)
    merchant = SimulatorMerchant(data["merchant_id"], data["key_id"], data["secret"])
    app = create_simulator_app({merchant.merchant_id: merchant})
    make_server(LOOPBACK_HOST, port, app, threaded=True).serve_forever()


@contextmanager
def _process(args: list[str], env: dict[str, str] | None = None) -> Iterator[int]:
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
        except requests.RequestException:
            time.sleep(0.2)
        else:
            return
    raise RuntimeError(f"{url} did not come up")


def _app_environment(
    work: Path, database_url: str, simulator_url: str, authority: str
) -> dict[str, str]:
    tls = ensure_tls_certificate(work / "tls")
    bundle = combined_ca_bundle(tls.ca_cert, work / "bundle.pem")
    return {
        **os.environ,
        "REQUESTS_CA_BUNDLE": str(bundle),
        "ADDIN_MODE": "demo",
        "ADDIN_INSTANCE_DIR": str(work / "instance"),
        "ADDIN_DATABASE_URL": database_url,
        "ADDIN_SECRET_KEY": "bench-secret-key-" + "x" * 32,
        "ADDIN_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "ADDIN_AUTHORITY": authority,
        "ADDIN_CLIENT_ID": CLIENT_ID,
        "ADDIN_CLIENT_SECRET": "bench-client-secret",
        "ADDIN_ALLOWED_TENANTS": TENANT,
        "ADDIN_CYBERSOURCE_SANDBOX_URL": simulator_url,
        "ADDIN_RATE_LIMIT_USER": "100000/minute",
        "ADDIN_RATE_LIMIT_COSTLY": "100000/minute",
        "ADDIN_RATE_LIMIT_MERCHANT": "100000/minute",
        "ADDIN_LOG_LEVEL": "WARNING",
    }


def _items() -> list[dict[str, Any]]:
    return [
        {"name": "Design hours", "quantity": 2, "unit_price": "10.00"},
        {"name": "Plants", "quantity": 1, "unit_price": "5.50", "tax_amount": "1.00"},
    ]


def _draft(number: str) -> InvoiceDraft:
    return InvoiceDraft(
        invoice_number=number,
        description="Garden design",
        due_date=date(2026, 12, 31),
        currency="EUR",
        customer=Customer(name="Ana Lima", email="ana@example.com"),
        line_items=(
            LineItem("Design hours", Decimal("10.00"), 2),
            LineItem("Plants", Decimal("5.50"), 1, tax_amount=Decimal("1.00")),
        ),
        mode=CreationMode.CREATE_WITHOUT_SENDING,
    )


def _run(users: int, count: int, make_call: Callable[[int], Callable[[int], None]]) -> list[float]:
    """``count`` calls over ``users`` threads; ``make_call(user)`` gives that user's call."""
    timings: list[float] = []
    lock = threading.Lock()
    next_index = iter(range(count))

    def user(number: int) -> None:
        call = make_call(number)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            started = time.perf_counter()
            call(index)
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def _direct_calls(
    simulator_url: str, credentials: SharedSecretCredentials
) -> Callable[[int], Callable[[int], None]]:
    def make_call(user: int) -> Callable[[int], None]:
        client = CybersourceClient(auth_for(credentials), simulator_url)

        def call(index: int) -> None:
            client.invoices.create(_draft(f"D-{uuid.uuid4().hex[:20]}"))

        return call

    return make_call


def _api_calls(
    app_url: str, tokens: list[str], profile_id: str
) -> Callable[[int], Callable[[int], None]]:
    def make_call(user: int) -> Callable[[int], None]:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        body = {
            "merchant_profile_id": profile_id,
            "mode": "publish",
            "customer": {"name": "Ana Lima", "email": "ana@example.com"},
            "description": "Garden design",
            "line_items": _items(),
            "currency": "EUR",
            "total": "26.50",
            "due_date": "2026-12-31",
        }

        def call(_index: int) -> None:
            key = {"Idempotency-Key": f"bench-{uuid.uuid4()}"}
            response = session.post(
                f"{app_url}/api/v1/invoices", json=body, headers={**headers, **key}, timeout=60
            )
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")

        return call

    return make_call


def _stats(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000,
        "mean": statistics.fmean(ordered) * 1000,
    }


def _profile(app_url: str, token: str, demo: Any) -> str:
    response = requests.post(
        f"{app_url}/api/v1/merchants",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "display_name": "Bench shop",
            "environment": "sandbox",
            "merchant_id": MERCHANT_ID,
            "auth_scheme": "jwt_shared_secret",
            "key_id": demo.credentials.key_id,
            "shared_secret": demo.credentials.shared_secret_b64,
            "default_currency": "EUR",
            "invoice_number_prefix": "B-",
        },
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--serve-simulator", nargs=2, metavar=("MERCHANT_JSON", "PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve_simulator:
        _serve_simulator(args.serve_simulator[0], int(args.serve_simulator[1]))
        return
    demo = demo_merchant(MERCHANT_ID)
    merchant_json = json.dumps(
        {
            "merchant_id": MERCHANT_ID,
            "key_id": demo.credentials.key_id,
            "secret": demo.credentials.shared_secret_b64,
        }
    )
    sim_port, app_port = free_port(), free_port()
    simulator_url = f"http://{LOOPBACK_HOST}:{sim_port}"
    app_url = f"http://{LOOPBACK_HOST}:{app_port}"
    provider = OpenIdProvider()
    provider.register_client(
        ProviderClient(
            client_id=CLIENT_ID,
            client_secret="bench-client-secret",
            app_id_uri=f"api://localhost/{CLIENT_ID}",
            redirect_uris=(),
        )
    )
    with (
        tempfile.TemporaryDirectory() as work_dir,
        postgres_database(POSTGRES_ADMIN_URL) as database_url,
    ):
        work = Path(work_dir)
        server = provider.serve(ensure_tls_certificate(work / "tls"))
        env = _app_environment(work, database_url, simulator_url, provider.base_url)
        env.update(
            {"ADDIN_BIND": f"{LOOPBACK_HOST}:{app_port}", "GUNICORN_WORKERS": str(args.workers)}
        )
        simulator_cmd = [
            sys.executable,
            __file__,
            "--serve-simulator",
            merchant_json,
            str(sim_port),
        ]
        gunicorn_cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "addin_server:create_app()",
        ]
        with _process(simulator_cmd), _process(gunicorn_cmd, env) as gunicorn_pid:
            _wait_until_up(simulator_url + "/__sim/knobs")
            _wait_until_up(app_url + "/healthz")
            tokens = [
                provider.issue_access_token(
                    TENANT,
                    str(uuid.uuid4()),
                    audience=CLIENT_ID,
                    roles=["Invoicing.Admin"],
                    username=f"user{n}@bench.example",
                )
                for n in range(args.users)
            ]
            profile_id = _profile(app_url, tokens[0], demo)
            direct = _direct_calls(simulator_url, demo.credentials)
            api = _api_calls(app_url, tokens, profile_id)
            _run(args.users, args.warmup, direct)
            _run(args.users, args.warmup, api)
            alone = _stats(_run(args.users, args.requests, direct))
            cpu_before, started = cpu_seconds(gunicorn_pid), time.perf_counter()
            ours = _stats(_run(args.users, args.requests, api))
            elapsed = time.perf_counter() - started
            server_cpu_ms = (cpu_seconds(gunicorn_pid) - cpu_before) / args.requests * 1000
        server.stop()
    print(
        f"{args.requests} creates, {args.users} concurrent users, "
        f"gunicorn {args.workers} gthread workers (threads: gunicorn.conf.py), PostgreSQL"
    )
    print(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for label, figures in (("simulator alone", alone), ("through our server", ours)):
        print(f"{label:24}{figures['p50']:>10.1f}{figures['p99']:>10.1f}{figures['mean']:>10.1f}")
    added = {name: ours[name] - alone[name] for name in ours}
    for label, figures in (("added by our server", added),):
        print(f"{label:24}{figures['p50']:>10.1f}{figures['p99']:>10.1f}{figures['mean']:>10.1f}")
    print(
        f"through our server: {args.requests / elapsed:.1f} creates/s; "
        f"server CPU {server_cpu_ms:.1f} ms per create (gunicorn master and workers)"
    )


if __name__ == "__main__":
    main()

"""Per-call overhead of our Cybersource client against the official Python SDK.

Both make the same create-invoice call to the same simulator, which runs in its own
process, once with JWT and the shared secret (the default scheme) and once with JWT and a
P12 certificate. The SDK runs in its own venv (``.venv-bench``, created
here if missing) in a subprocess, so its pinned dependencies never touch ours.

Per call, two figures are taken: wall time (includes the simulator's own work, the same
for both) and the calling thread's CPU time, which is the client's overhead: building the
request, signing, serialising, HTTP and parsing the answer, without the wait for the
server. Prints both medians for each side and their ratios; the target is a client
overhead ratio (ours/SDK) of at most 0.2.

    .venv/bin/python scripts/bench_cybersource.py [--count 300] [--warmup 30]
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from addin_server.cybersource import (
    CreationMode,
    Credentials,
    Customer,
    CybersourceClient,
    InvoiceDraft,
    LineItem,
    P12Credentials,
    SharedSecretCredentials,
    auth_for,
)
from addin_server.cybersource.simulator import AuthPolicy, create_simulator_app, demo_merchant
from addin_server.loopback import LOOPBACK_HOST, LoopbackServer

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".venv-bench"
SDK_SCRIPT = Path(__file__).resolve().parent / "bench_cybersource_sdk.py"
SDK_PACKAGE = "cybersource-rest-client-python"
TARGET_RATIO = 0.2
SCHEME_NAMES = {"jwt": "JWT with shared secret (HS256)", "p12": "JWT with P12 (RS256)"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK_HOST, 0))
        return int(probe.getsockname()[1])


def serve() -> None:
    """Child process: the simulator with a demo merchant; prints its URL and credentials."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    demo = demo_merchant("bench_merchant", with_p12=True)
    assert demo.p12 is not None
    port = free_port()
    url = f"http://{LOOPBACK_HOST}:{port}"
    # The SDK signs its run_environment (here the full URL) as request-host (notes §9).
    policy = AuthPolicy(hosts=(f"{LOOPBACK_HOST}:{port}", url))
    app = create_simulator_app({demo.merchant.merchant_id: demo.merchant}, policy=policy)
    with tempfile.TemporaryDirectory() as keys_directory, LoopbackServer(app, port=port):
        # The SDK reads the P12 from <keys_directory>/<key_file_name>.p12.
        (Path(keys_directory) / "bench_merchant.p12").write_bytes(demo.p12.p12)
        credentials = demo.credentials
        job = {
            "url": url,
            "merchant_id": credentials.merchant_id,
            "key_id": credentials.key_id,
            "secret_b64": credentials.shared_secret_b64,
            "keys_directory": keys_directory,
            "key_file_name": "bench_merchant",
            "p12_password": demo.p12.password,
        }
        print(json.dumps(job), flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin


def ensure_bench_venv() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {BENCH_VENV} with {SDK_PACKAGE} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(BENCH_VENV)
    check = [str(python), "-c", "import CyberSource"]
    if subprocess.run(check, capture_output=True, check=False).returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", SDK_PACKAGE], check=True)
    return python


def run_ours(job: dict[str, Any]) -> dict[str, list[float]]:
    """The same invoice as bench_cybersource_sdk.build_request, through our client."""
    credentials: Credentials
    if job["scheme"] == "p12":
        p12 = (Path(job["keys_directory"]) / f"{job['key_file_name']}.p12").read_bytes()
        credentials = P12Credentials(job["merchant_id"], p12, job["p12_password"])
    else:
        credentials = SharedSecretCredentials(job["merchant_id"], job["key_id"], job["secret_b64"])
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    with CybersourceClient(auth_for(credentials), job["url"]) as client:
        for index in range(job["warmup"] + job["count"]):
            wall, cpu = time.perf_counter(), time.thread_time()
            client.invoices.create(
                InvoiceDraft(
                    invoice_number=f"OURS-{job['scheme']}-{index}",
                    description="Garden design, phase 1",
                    due_date=date(2026, 12, 1),
                    currency="USD",
                    customer=Customer(name="Tanya Lee", email="tanya@example.com"),
                    line_items=(
                        LineItem("Design hours", Decimal("120.50"), 3, product_sku="HRS"),
                        LineItem("Site visit", Decimal("80.00"), 1),
                    ),
                    mode=CreationMode.CREATE_WITHOUT_SENDING,
                )
            )
            if index >= job["warmup"]:
                wall_ms.append((time.perf_counter() - wall) * 1000)
                cpu_ms.append((time.thread_time() - cpu) * 1000)
    return {"wall_ms": wall_ms, "cpu_ms": cpu_ms}


def run_sdk(python: Path, job: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(
        [str(python), str(SDK_SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the SDK run failed:\n{result.stderr[-4000:]}")
    output: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return output


def report(scheme: str, count: int, ours: dict[str, Any], sdk: dict[str, Any]) -> float:
    """Prints one scheme's medians; returns the client overhead ratio ours/SDK."""
    median = statistics.median
    wall = (median(ours["wall_ms"]), median(sdk["wall_ms"]))
    cpu = (median(ours["cpu_ms"]), median(sdk["cpu_ms"]))
    print(f"\ncreate invoice, {SCHEME_NAMES[scheme]}, median of {count} calls")
    print(f"{'ms':24}{'ours':>10}{'SDK ' + sdk['sdk_version']:>16}{'ours/SDK':>10}")
    print(f"{'per call (wall)':24}{wall[0]:10.3f}{wall[1]:16.3f}{wall[0] / wall[1]:10.3f}")
    print(f"{'client overhead (CPU)':24}{cpu[0]:10.3f}{cpu[1]:16.3f}{cpu[0] / cpu[1]:10.3f}")
    return cpu[0] / cpu[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--scheme", choices=[*SCHEME_NAMES, "both"], default="both")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return

    python = ensure_bench_venv()
    schemes = list(SCHEME_NAMES) if args.scheme == "both" else [args.scheme]
    simulator = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    ratios: dict[str, float] = {}
    try:
        assert simulator.stdout is not None
        job = json.loads(simulator.stdout.readline())
        job.update(count=args.count, warmup=args.warmup)
        for scheme in schemes:
            job["scheme"] = scheme
            ours = run_ours(job)
            sdk = run_sdk(python, job)
            ratios[scheme] = report(scheme, args.count, ours, sdk)
    finally:
        if simulator.stdin is not None:
            simulator.stdin.close()
        simulator.wait(timeout=10)
    print()
    for scheme, ratio in ratios.items():
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"target client overhead ours/SDK <= {TARGET_RATIO}, {scheme}: {ratio:.3f} {verdict}")


if __name__ == "__main__":
    main()

"""Per-call overhead of our Cybersource client against the official Python SDK.

Both make the same create-invoice call to the same simulator, which runs in its own
process, once with JWT and the shared secret (the default scheme) and once with JWT and a
P12 certificate. The SDK runs in its own venv (``.venv-sdk``, made by scripts/setup-sdk)
in a long-lived subprocess, so its pinned dependencies never touch ours.

Per call, two figures are taken: wall time (includes the simulator's own work, the same
for both) and the calling thread's CPU time, which is the client's overhead: building the
request, signing, serialising, HTTP and parsing the answer, without the wait for the
server. Both sides are timed the same way, HTTP included. The calls are made in
``--rounds`` interleaved rounds (ours, SDK, SDK, ours, ...) so that load from other work
on the machine falls on both sides alike; the medians are over all timed calls.

Connections. The simulator is served over HTTP/1.1 keep-alive, so each client keeps its
usual connection behaviour: ours one ``requests.Session`` (urllib3 pool) per host, the
SDK its urllib3 pool manager. The simulator counts the TCP connections it accepts and the
table shows them per side (1 each: both reuse their connection). What we found:

* werkzeug's development server (``LoopbackServer``, used by the tests and demo mode)
  answers every request with ``Connection: close`` (werkzeug >= 2.1 disables keep-alive
  in its server, whatever the protocol version), so both clients paid a new TCP
  connection per call (650 connections for 650 calls per side) and the benchmark
  included connection set-up, roughly 0.1 ms CPU per call on each side here (requests'
  adapter send of one prepared GET: 0.39 ms closing, 0.28 ms kept alive).
  ``--connection close`` still runs it that way, for comparison. Neither client forces
  ``Connection: close``, and both read every answer to its end, so urllib3 puts the
  connection back in its pool (tests/cybersource/test_cs_keepalive.py).
* The keep-alive server below writes each answer in one buffered write with
  ``TCP_NODELAY``. Written as headers then body, unbuffered, the body waited for the
  client's delayed ACK (Nagle): about 40 ms per call, and the idle gaps doubled the
  client's CPU time per call (cold caches; seen on ours and on bare requests, urllib3
  and http.client), which is why the server must not stall.

The "requests alone" row is the floor for any client built on requests: one
``HTTPAdapter.send`` of an already prepared, already signed request (a GET of an invoice,
so the answer is the same invoice JSON) on the same kept-alive connection, with nothing
of ours around it. Its ratio to the SDK is the best ratio a requests-based client can
reach. Prints the medians and the ratios; the target is a client overhead ratio
(ours/SDK) of at most 0.2.

Where our CPU goes (each step timed inside real calls, keep-alive): the adapter send
(requests, urllib3, http.client: writing the request, parsing the status line and
headers with the email package, reading the body) is over half; preparing the request,
the payload with its limit checks, the JWT, JSON both ways and the Invoice model are
each 5 to 10 %. No logging runs per call. The HS256 JWT is hmac over the compact JSON;
PyJWT would take about 10 us more per call, which would not change the verdict. In
tight loops the same steps cost a third of that: between calls the thread blocks on
the socket and comes back to cold caches, which is why only end-to-end CPU counts here.
With requests the default scheme cannot reach 0.2: "requests alone" is already about
0.3 of the SDK's whole call on this machine.

    .venv/bin/python scripts/bench_cybersource.py [--count 600] [--rounds 6] [--warmup 50]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

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
from addin_server.cybersource.auth import SignableRequest
from addin_server.cybersource.services import invoice_path
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from addin_server.dev.simulator import AuthPolicy, create_simulator_app, demo_merchant

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".venv-sdk"
SDK_SCRIPT = Path(__file__).resolve().parent / "bench_cybersource_sdk.py"
TARGET_RATIO = 0.2
SCHEME_NAMES = {"jwt": "JWT with shared secret (HS256)", "p12": "JWT with P12 (RS256)"}
CONNECTION_MODES = ("keep-alive", "close")

Samples = dict[str, list[float]]


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


CONNECTIONS = _Counter()


class ClosingHandler(WSGIRequestHandler):
    """werkzeug's own handler, as ``LoopbackServer`` serves: ``Connection: close`` always."""

    def setup(self) -> None:
        CONNECTIONS.add()
        super().setup()


class KeepAliveHandler(ClosingHandler):
    """HTTP/1.1 keep-alive for clients that send a ``Content-Length`` body (both do).

    Reads exactly the body, buffers the app's answer and writes it with its length in
    one write (``wbufsize``) on a ``TCP_NODELAY`` socket, so nothing waits for an ACK.
    """

    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(self.rfile.read(int(environ.get("CONTENT_LENGTH") or 0)))
        started: list[Any] = []
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return chunks.append

        result: Iterable[bytes] = self.server.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        body = b"".join(chunks)
        status, headers = started
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve(connection: str) -> None:
    """Child process: the simulator with a demo merchant; prints its URL and credentials,
    then answers each line on stdin with the number of connections accepted so far."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    demo = demo_merchant("bench_merchant", with_p12=True)
    assert demo.p12 is not None
    port = free_port()
    url = f"http://{LOOPBACK_HOST}:{port}"
    # The SDK signs its run_environment (here the full URL) as request-host (notes §9).
    policy = AuthPolicy(hosts=(f"{LOOPBACK_HOST}:{port}", url))
    app = create_simulator_app({demo.merchant.merchant_id: demo.merchant}, policy=policy)
    handler = KeepAliveHandler if connection == "keep-alive" else ClosingHandler
    server = make_server(LOOPBACK_HOST, port, app, threaded=True, request_handler=handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as keys_directory:
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
        for _line in sys.stdin:  # serve until the parent closes our stdin
            print(CONNECTIONS.value, flush=True)
    server.shutdown()


def ensure_bench_venv() -> Path:
    """The SDK's own venv, made (or checked, quickly) by scripts/setup-sdk."""
    subprocess.run([str(ROOT / "scripts" / "setup-sdk")], check=True)
    return BENCH_VENV / "bin" / "python"


class Child:
    """A child process spoken to in lines: one line out, one line back."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self._stdin, self._stdout = self.process.stdin, self.process.stdout

    def read_line(self) -> str:
        line = self._stdout.readline()
        if not line:
            raise SystemExit(f"{self.process.args!r} failed (exit code {self.process.wait()})")
        return line

    def ask(self, line: str) -> str:
        self._stdin.write(line + "\n")
        self._stdin.flush()
        return self.read_line()

    def close(self) -> None:
        self._stdin.close()
        self.process.wait(timeout=30)


class Simulator(Child):
    """The simulator child process (``--serve``)."""

    def __init__(self, connection: str) -> None:
        super().__init__([sys.executable, __file__, "--serve", "--connection", connection])
        self.job: dict[str, Any] = json.loads(self.read_line())

    def connections(self) -> int:
        return int(self.ask("connections"))


class SdkSide(Child):
    """The SDK in its venv: one process (one ``InvoicesApi``) for a scheme's whole run."""

    def __init__(self, python: Path, job: dict[str, Any]) -> None:
        super().__init__([str(python), str(SDK_SCRIPT)])
        self.version = str(json.loads(self.ask(json.dumps(job)))["sdk_version"])

    def run(self, first: int, calls: int, warmup: int) -> Samples:
        message = {"first": first, "calls": calls, "warmup": warmup}
        samples: Samples = json.loads(self.ask(json.dumps(message)))
        return samples


def credentials_for(job: dict[str, Any]) -> Credentials:
    if job["scheme"] == "p12":
        p12 = (Path(job["keys_directory"]) / f"{job['key_file_name']}.p12").read_bytes()
        return P12Credentials(job["merchant_id"], p12, job["p12_password"])
    return SharedSecretCredentials(job["merchant_id"], job["key_id"], job["secret_b64"])


def timed(call: Callable[[int], object], first: int, calls: int, warmup: int) -> Samples:
    """Wall and thread CPU milliseconds of ``call(index)``, after ``warmup`` untimed calls."""
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for index in range(first, first + warmup + calls):
        wall, cpu = time.perf_counter(), time.thread_time()
        call(index)
        if index >= first + warmup:
            wall_ms.append((time.perf_counter() - wall) * 1000)
            cpu_ms.append((time.thread_time() - cpu) * 1000)
    return {"wall_ms": wall_ms, "cpu_ms": cpu_ms}


def create_ours(client: CybersourceClient, scheme: str, index: int) -> None:
    """The same invoice as bench_cybersource_sdk.build_request, through our client."""
    client.invoices.create(
        InvoiceDraft(
            invoice_number=f"OURS-{scheme}-{index}",
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


def requests_alone(client: CybersourceClient, invoice_number: str) -> Callable[[int], object]:
    """One ``HTTPAdapter.send`` of a prepared, signed GET of an invoice, on our session."""
    requestor = client.requestor
    path = invoice_path(invoice_number)
    url = requestor.base_url + path
    headers = {"Accept": "application/hal+json;charset=utf-8"}
    headers.update(requestor.auth.headers(SignableRequest("GET", requestor.signing_host, path)))
    prepared = requests.Request("GET", url, headers=headers).prepare()
    adapter = client.transport.session_for(url).get_adapter(url)
    timeouts = (client.transport.timeouts.connect, client.transport.timeouts.read)

    def send(_index: int) -> requests.Response:
        response = adapter.send(prepared, timeout=timeouts)
        response.content  # noqa: B018 - read to the end, as our transport does
        return response

    check = send(0)
    if check.status_code != 200:
        raise SystemExit(f"requests-alone GET answered {check.status_code}: {check.text}")

    return send


def merge(into: Samples, samples: Samples) -> None:
    for key in ("wall_ms", "cpu_ms"):
        into.setdefault(key, []).extend(samples[key])


def run_scheme(
    simulator: Simulator, python: Path, scheme: str, count: int, rounds: int, warmup: int
) -> dict[str, Any]:
    job = {**simulator.job, "scheme": scheme}
    per_round = max(1, count // rounds)
    ours: Samples = {}
    sdk: Samples = {}
    floor: Samples = {}
    connections = {"ours": 0, "sdk": 0}
    with CybersourceClient(auth_for(credentials_for(job)), job["url"]) as client:
        sdk_side = SdkSide(python, job)
        try:
            for round_number in range(rounds):
                first = round_number * (warmup + per_round)
                round_warmup = warmup if round_number == 0 else 0

                def run_ours(first: int = first, round_warmup: int = round_warmup) -> None:
                    before = simulator.connections()
                    samples = timed(
                        lambda index: create_ours(client, scheme, index),
                        first,
                        per_round,
                        round_warmup,
                    )
                    connections["ours"] += simulator.connections() - before
                    merge(ours, samples)
                    # Re-signed each round: a JWT lives two minutes.
                    alone = requests_alone(client, f"OURS-{scheme}-{first}")
                    merge(floor, timed(alone, 0, per_round, round_warmup))

                def run_sdk(first: int = first, round_warmup: int = round_warmup) -> None:
                    before = simulator.connections()
                    merge(sdk, sdk_side.run(first, per_round, round_warmup))
                    connections["sdk"] += simulator.connections() - before

                sides = (run_ours, run_sdk) if round_number % 2 == 0 else (run_sdk, run_ours)
                for side in sides:
                    side()
        finally:
            sdk_side.close()
    return {
        "ours": ours,
        "sdk": sdk,
        "floor": floor,
        "connections": connections,
        "sdk_version": sdk_side.version,
        "calls": per_round * rounds,
    }


def report(scheme: str, connection: str, rounds: int, result: dict[str, Any]) -> float:
    """Prints one scheme's medians; returns the client overhead ratio ours/SDK."""
    median = statistics.median
    ours, sdk, floor = result["ours"], result["sdk"], result["floor"]
    wall = (float(median(ours["wall_ms"])), float(median(sdk["wall_ms"])))
    cpu = (float(median(ours["cpu_ms"])), float(median(sdk["cpu_ms"])))
    floor_cpu = float(median(floor["cpu_ms"]))
    connections = result["connections"]
    sdk_name = "SDK " + result["sdk_version"]
    print(
        f"\ncreate invoice, {SCHEME_NAMES[scheme]}, {connection} server, "
        f"median of {result['calls']} calls per side in {rounds} interleaved rounds"
    )
    print(f"{'ms':28}{'ours':>10}{sdk_name:>16}{'ours/SDK':>10}")
    print(f"{'per call (wall)':28}{wall[0]:10.3f}{wall[1]:16.3f}{wall[0] / wall[1]:10.3f}")
    print(f"{'client overhead (CPU)':28}{cpu[0]:10.3f}{cpu[1]:16.3f}{cpu[0] / cpu[1]:10.3f}")
    print(f"{'requests alone (CPU)':28}{floor_cpu:10.3f}{'':16}{floor_cpu / cpu[1]:10.3f}")
    print(f"{'TCP connections opened':28}{connections['ours']:10d}{connections['sdk']:16d}")
    return cpu[0] / cpu[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=600, help="timed calls per side")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--scheme", choices=[*SCHEME_NAMES, "both"], default="both")
    parser.add_argument("--connection", choices=CONNECTION_MODES, default="keep-alive")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.connection)
        return

    python = ensure_bench_venv()
    schemes = list(SCHEME_NAMES) if args.scheme == "both" else [args.scheme]
    simulator = Simulator(args.connection)
    ratios: dict[str, float] = {}
    try:
        for scheme in schemes:
            result = run_scheme(simulator, python, scheme, args.count, args.rounds, args.warmup)
            ratios[scheme] = report(scheme, args.connection, args.rounds, result)
    finally:
        simulator.close()
    print()
    for scheme, ratio in ratios.items():
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"target client overhead ours/SDK <= {TARGET_RATIO}, {scheme}: {ratio:.3f} {verdict}")


if __name__ == "__main__":
    main()

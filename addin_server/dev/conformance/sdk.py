"""The official SDK against the simulator: capture what it signs, replay it, forge it.

``capture`` runs ``scripts/sdk_scenario.py`` (every Invoicing and invoice-settings
operation) in the SDK's own virtualenv, once per authentication scheme, each scheme as its
own merchant, against a simulator that records every request. The SDK signs
``apitest.cybersource.com`` and connects to the simulator as its ``IntermediateHost`` (a
proxy set-up; the simulator's policy names that host). ``check`` replays the captured
requests in order against a fresh simulator, each original first (it must be accepted and
answered as before), then each of its single-field ``mutations`` (each must be refused
with a 401 naming the right check).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from addin_server.dev.conformance.mutations import decoded_segment, mutations, scheme_of
from addin_server.dev.conformance.recording import AppSlot, Recorder, WireRequest, send
from addin_server.dev.simulator import (
    AUTH_FAILURE_HEADER,
    AuthPolicy,
    DemoMerchant,
    create_simulator_app,
    demo_merchant,
)

SIGNED_HOST = "apitest.cybersource.com"
SCHEMES = ("jwt", "p12", "http_signature")
_P12_FILE = "sdk_p12"  # <keys_directory>/<key_file_name>.p12, as the SDK reads it


@dataclass(frozen=True)
class Captured:
    request: WireRequest
    status: int  # what the simulator answered when the SDK sent it
    scheme: str


@dataclass
class Figures:
    """Originals accepted and mutations refused, per scheme; what went wrong, if anything."""

    originals: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def sdk_merchants() -> dict[str, DemoMerchant]:
    """One merchant per scheme (the p12 one with a REST certificate)."""
    return {scheme: demo_merchant(f"sdk_{scheme}", with_p12=scheme == "p12") for scheme in SCHEMES}


def simulator_for(merchants: dict[str, DemoMerchant]) -> Flask:
    known = {demo.merchant.merchant_id: demo.merchant for demo in merchants.values()}
    return create_simulator_app(known, policy=AuthPolicy(hosts=(SIGNED_HOST,)))


def capture(
    sdk_python: Path,
    scenario: Path,
    slot: AppSlot,
    url: str,
    merchants: dict[str, DemoMerchant],
) -> tuple[list[Captured], list[dict[str, Any]]]:
    """Run the scenario for every scheme; the requests the simulator got and the SDK's results."""
    recorder = Recorder(simulator_for(merchants))
    slot.app = recorder
    with tempfile.TemporaryDirectory() as keys_directory:
        job = {"url": url, "signed_host": SIGNED_HOST, "runs": _runs(merchants, keys_directory)}
        finished = subprocess.run(  # noqa: S603 (our own script in our SDK venv)
            [str(sdk_python), str(scenario)],
            input=json.dumps(job) + "\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if finished.returncode != 0:
        raise RuntimeError(f"the SDK scenario failed:\n{finished.stderr[-3000:]}")
    results = [json.loads(line) for line in finished.stdout.splitlines() if line.strip()]
    scheme_of_merchant = {demo.merchant.merchant_id: s for s, demo in merchants.items()}
    captured = [
        Captured(request, status, scheme_of_merchant[_merchant_of(request)])
        for request, status in recorder.seen
    ]
    return captured, results


def check(
    captured: Sequence[Captured], slot: AppSlot, url: str, merchants: dict[str, DemoMerchant]
) -> Figures:
    """Replay every original and every mutation of it against a fresh simulator."""
    slot.app = simulator_for(merchants)
    figures = Figures()
    ids = [demo.merchant.merchant_id for demo in merchants.values()]
    for original in captured:
        scheme = original.scheme
        figures.originals[scheme] += 1
        answer = send(url, original.request)
        if answer.status == original.status and answer.status != 401:
            figures.accepted[scheme] += 1
        else:
            figures.failures.append(
                f"{scheme} {original.request.method} {original.request.target}: answered "
                f"{answer.status} ({answer.headers.get(AUTH_FAILURE_HEADER)}), "
                f"first {original.status}"
            )
        other = next(i for i in ids if i != _merchant_of(original.request))
        for mutation in mutations(original.request, other):
            figures.mutations[scheme] += 1
            answer = send(url, mutation.request)
            why = answer.headers.get(AUTH_FAILURE_HEADER, "")
            if answer.status == 401 and mutation.expected in why:
                figures.refused[scheme] += 1
            else:
                figures.failures.append(
                    f"{scheme} {original.request.method} {original.request.target} "
                    f"{mutation.kind}: {answer.status} {why!r}, expected {mutation.expected!r}"
                )
    return figures


def _runs(merchants: dict[str, DemoMerchant], keys_directory: str) -> list[dict[str, Any]]:
    runs = []
    for scheme, demo in merchants.items():
        run: dict[str, Any] = {
            "scheme": scheme,
            "merchant_id": demo.credentials.merchant_id,
            "key_id": demo.credentials.key_id,
            "secret_b64": demo.credentials.shared_secret_b64,
        }
        if demo.p12 is not None:
            (Path(keys_directory) / f"{_P12_FILE}.p12").write_bytes(demo.p12.p12)
            run.update(
                keys_directory=keys_directory,
                key_file_name=_P12_FILE,
                p12_password=demo.p12.password,
            )
        runs.append(run)
    return runs


def _merchant_of(request: WireRequest) -> str:
    """The merchant a captured request speaks for: its header, or its JWT's ``iss``."""
    if scheme_of(request) == "signature":
        return request.header("v-c-merchant-id") or ""
    token = (request.header("authorization") or "").removeprefix("Bearer ")
    return str(decoded_segment(token.split(".")[1])["iss"])

"""The official SDK (cybersource-rest-client-python, in .venv-sdk) against the simulator.

The SDK runs every Invoicing and invoice-settings operation under the three schemes
(scripts/sdk_scenario.py, in a subprocess, over loopback); the simulator must accept every
request the SDK signs and answer what the SDK can read; then every captured request is
replayed with each single-field forgery (``addin_server.dev.conformance``), and each
forgery must be refused for the right reason. All requests and all mutations, no sampling
(about 80 requests and 1,600 forgeries; scripts/sdk_conformance.py prints the figures).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from addin_server.dev.conformance.recording import AppSlot
from addin_server.dev.conformance.sdk import (
    SCHEMES,
    Captured,
    capture,
    check,
    sdk_merchants,
)
from addin_server.dev.simulator import DemoMerchant

ROOT = Path(__file__).resolve().parents[2]
SDK_PYTHON = ROOT / ".venv-sdk" / "bin" / "python"
SCENARIO = ROOT / "scripts" / "sdk_scenario.py"
# What Cybersource answers each call of the scenario with (the same under every scheme).
REFUSED = {
    "create duplicate": 400,
    "create invalid email": 400,
    "list bad status": 400,
    "list past the end": 404,
    "get missing": 404,
    "cancel again": 400,
    "publish sent": 400,
}

Run = tuple[list[Captured], list[dict[str, Any]], dict[str, DemoMerchant]]


@pytest.fixture(scope="module")
def sdk_run(simulator_server: tuple[AppSlot, str]) -> Run:
    if not SDK_PYTHON.exists():
        pytest.skip(f"the official SDK is not in {SDK_PYTHON}: run ./scripts/setup-sdk (PyPI)")
    slot, url = simulator_server
    merchants = sdk_merchants()
    captured, results = capture(SDK_PYTHON, SCENARIO, slot, url, merchants)
    return captured, results, merchants


def test_the_sdk_gets_cybersources_answers_for_every_operation(sdk_run: Run) -> None:
    _captured, results, _merchants = sdk_run
    assert {r["scheme"] for r in results} == set(SCHEMES)
    for result in results:
        expected = REFUSED.get(result["operation"], "ok")
        assert (result["status"], result["error"]) == (expected, None), result


def test_every_sdk_request_is_accepted_and_every_forgery_refused(
    sdk_run: Run, simulator_server: tuple[AppSlot, str]
) -> None:
    captured, results, merchants = sdk_run
    slot, url = simulator_server
    figures = check(captured, slot, url, merchants)

    assert figures.failures == []
    assert len(captured) == len(results)  # one request per SDK call: none retried or lost
    for scheme in SCHEMES:
        assert figures.accepted[scheme] == figures.originals[scheme] > 20
        assert figures.refused[scheme] == figures.mutations[scheme] > 10 * figures.originals[scheme]

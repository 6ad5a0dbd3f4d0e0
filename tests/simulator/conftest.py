"""Simulator fixtures: one merchant (JWT with shared secret) and signed JSON calls to it."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from addin_server.dev.simulator import DemoMerchant, SimulatorMerchant, demo_merchant
from tests.simulator.sim_payloads import Call
from tests.simulator_support import RunningSimulator, signed_call


@pytest.fixture(scope="session")
def demo() -> DemoMerchant:
    return demo_merchant("sim_shop")


@pytest.fixture
def simulator_merchants(demo: DemoMerchant) -> dict[str, SimulatorMerchant]:
    return {demo.merchant.merchant_id: demo.merchant}


@pytest.fixture
def call(simulator: RunningSimulator, demo: DemoMerchant) -> Call:
    """``call("POST", "/invoicing/v2/invoices", body)``: signed as the merchant, JSON body."""

    def send(method: str, path: str, body: Any = None) -> requests.Response:
        return signed_call(simulator.url, demo.credentials, method, path, body)

    return send

"""Merchant fixtures: the simulator (tests/conftest.py) knows one merchant (shared secret and
P12 certificate), and the app uses it as the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from addin_server.dev.simulator import DemoMerchant, SimulatorMerchant, demo_merchant
from tests.merchants.merchants_support import MERCHANT_ID, Secrets
from tests.simulator_support import RunningSimulator


@pytest.fixture(scope="session")
def demo() -> DemoMerchant:
    return demo_merchant(MERCHANT_ID, with_p12=True)


@pytest.fixture(scope="session")
def secrets(demo: DemoMerchant) -> Secrets:
    return Secrets.of(demo)


@pytest.fixture
def simulator_merchants(demo: DemoMerchant) -> dict[str, SimulatorMerchant]:
    return {MERCHANT_ID: demo.merchant}


@pytest.fixture
def app_config(app_config: dict[str, Any], simulator: RunningSimulator) -> dict[str, Any]:
    """The sandbox is the simulator; the production URL points nowhere that answers."""
    return {
        **app_config,
        "cybersource_sandbox_url": simulator.url,
        "cybersource_production_url": "http://127.0.0.1:9",
        "cybersource_connect_timeout": 2.0,
        "cybersource_read_timeout": 5.0,
    }

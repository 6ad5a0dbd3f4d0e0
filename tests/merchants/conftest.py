"""Merchant fixtures: a Cybersource simulator on loopback that knows one merchant (shared
secret and P12 certificate), and the app configured to use it as the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from merchants_support import MERCHANT_ID, Secrets

from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.simulator import DemoMerchant, create_simulator_app, demo_merchant


@pytest.fixture(scope="session")
def demo() -> DemoMerchant:
    return demo_merchant(MERCHANT_ID, with_p12=True)


@pytest.fixture(scope="session")
def secrets(demo: DemoMerchant) -> Secrets:
    return Secrets.of(demo)


@pytest.fixture(scope="session")
def simulator_url(demo: DemoMerchant) -> Iterator[str]:
    with LoopbackServer(create_simulator_app({MERCHANT_ID: demo.merchant})) as server:
        yield server.url


@pytest.fixture
def app_config(app_config: dict[str, Any], simulator_url: str) -> dict[str, Any]:
    """The sandbox is the simulator; the production URL points nowhere that answers."""
    return {
        **app_config,
        "cybersource_sandbox_url": simulator_url,
        "cybersource_production_url": "http://127.0.0.1:9",
        "cybersource_connect_timeout": 2.0,
        "cybersource_read_timeout": 5.0,
    }

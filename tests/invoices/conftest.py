"""Invoice fixtures: a simulator as the sandbox and a verified merchant profile of tenant A."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask

from addin_server import merchants
from addin_server.cybersource import CybersourceClient
from addin_server.dev.simulator import DemoMerchant, SimulatorMerchant, demo_merchant
from tests.profile_support import add_sandbox_profile
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

MERCHANT_ID = "invoice_shop"
PREFIX = "INV-"


@pytest.fixture(scope="session")
def demo() -> DemoMerchant:
    return demo_merchant(MERCHANT_ID)


@pytest.fixture
def simulator_merchants(demo: DemoMerchant) -> dict[str, SimulatorMerchant]:
    return {MERCHANT_ID: demo.merchant}


@pytest.fixture
def app_config(app_config: dict[str, Any], simulator: RunningSimulator) -> dict[str, Any]:
    """The sandbox is a fresh simulator (tests/conftest.py): its invoice book starts empty."""
    return {
        **app_config,
        "cybersource_sandbox_url": simulator.url,
        "cybersource_connect_timeout": 1.0,
        "cybersource_read_timeout": 0.5,
    }


@pytest.fixture
def knobs(simulator: RunningSimulator) -> Callable[..., None]:
    return simulator.knobs


@pytest.fixture
def upstream_numbers(simulator: RunningSimulator) -> Callable[[], list[str]]:
    """The invoice numbers the simulator holds for the merchant, counted in its own book."""

    return lambda: simulator.invoice_numbers(MERCHANT_ID)


@pytest.fixture
def profile_id(app: Flask, tenant_a_admin: SignedInUser, demo: DemoMerchant) -> str:
    """Created through the real API, so the credentials are verified and sealed as usual."""
    profile = add_sandbox_profile(
        app.test_client(), tenant_a_admin.headers, demo, invoice_number_prefix=PREFIX
    )
    return str(profile["id"])


@pytest.fixture
def merchant_client(app: Flask, profile_id: str) -> Iterator[CybersourceClient]:
    settings = app.extensions["addin.settings"]
    with app.extensions["addin.db"].session() as session:
        profile = session.get(merchants.MerchantProfile, profile_id)
        assert profile is not None
        client = merchants.client_for(profile, settings)
    with client:
        yield client

"""Webhook fixtures: a simulator as Cybersource, a verified profile of tenant A with its
webhook set up through the real admin API, and the key the simulator signs with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from addin_server.dev.simulator import DemoMerchant, SimulatorMerchant, demo_merchant
from tests.profile_support import add_sandbox_profile
from tests.simulator_support import RunningSimulator
from tests.webhooks.webhooks_support import MERCHANT_ID

if TYPE_CHECKING:
    from tests.conftest import SignedInUser


@pytest.fixture(scope="session")
def demo() -> DemoMerchant:
    return demo_merchant(MERCHANT_ID)


@pytest.fixture
def simulator_merchants(demo: DemoMerchant) -> dict[str, SimulatorMerchant]:
    return {MERCHANT_ID: demo.merchant}


@pytest.fixture
def app_config(app_config: dict[str, Any], simulator: RunningSimulator) -> dict[str, Any]:
    return {**app_config, "cybersource_sandbox_url": simulator.url}


@pytest.fixture
def profile_id(app: Flask, tenant_a_admin: SignedInUser, demo: DemoMerchant) -> str:
    profile = add_sandbox_profile(
        app.test_client(), tenant_a_admin.headers, demo, invoice_number_prefix="WH-"
    )
    return str(profile["id"])


@pytest.fixture
def webhook(client: FlaskClient, tenant_a_admin: SignedInUser, profile_id: str) -> dict[str, Any]:
    response = client.put(f"/api/v1/merchants/{profile_id}/webhook", headers=tenant_a_admin.headers)
    assert response.status_code == 201, response.get_json()
    shown: dict[str, Any] = response.get_json()
    return shown


@pytest.fixture
def signing_key(simulator: RunningSimulator, webhook: dict[str, Any]) -> tuple[str, str]:
    """(key id, Base64 key): what the simulator signs this merchant's notifications with."""
    return simulator.state.webhooks.keys[MERCHANT_ID]

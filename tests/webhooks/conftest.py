"""Webhook fixtures: a simulator as Cybersource, a verified profile of tenant A with its
webhook set up through the real admin API, and the key the simulator signs with."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from simulator_support import RunningSimulator
from webhooks_support import MERCHANT_ID

from addin_server.dev.simulator import DemoMerchant, SimulatorMerchant, demo_merchant


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
def profile_id(app: Flask, tenant_a_admin: Any, demo: DemoMerchant) -> str:
    response = app.test_client().post(
        "/api/v1/merchants",
        headers=tenant_a_admin.headers,
        json={
            "display_name": "Webhook shop",
            "environment": "sandbox",
            "merchant_id": MERCHANT_ID,
            "auth_scheme": "jwt_shared_secret",
            "key_id": demo.credentials.key_id,
            "shared_secret": demo.credentials.shared_secret_b64,
            "default_currency": "EUR",
            "invoice_number_prefix": "WH-",
        },
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


@pytest.fixture
def webhook(client: FlaskClient, tenant_a_admin: Any, profile_id: str) -> dict[str, Any]:
    response = client.put(f"/api/v1/merchants/{profile_id}/webhook", headers=tenant_a_admin.headers)
    assert response.status_code == 201, response.get_json()
    shown: dict[str, Any] = response.get_json()
    return shown


@pytest.fixture
def signing_key(simulator: RunningSimulator, webhook: dict[str, Any]) -> tuple[str, str]:
    """(key id, Base64 key): what the simulator signs this merchant's notifications with."""
    return simulator.state.webhooks.keys[MERCHANT_ID]

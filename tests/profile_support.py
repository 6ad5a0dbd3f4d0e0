"""A verified merchant profile made through the real API, so its credentials are checked
against the simulator and sealed as usual."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from addin_server.dev.simulator import DemoMerchant


def add_sandbox_profile(
    client: FlaskClient, headers: dict[str, str], demo: DemoMerchant, **fields: Any
) -> dict[str, Any]:
    """``POST /api/v1/merchants`` for ``demo``'s merchant (JWT shared secret); ``fields``
    override the rest (display name, default currency, prefix, ...). Asserts the 201."""
    response = client.post(
        "/api/v1/merchants",
        headers=headers,
        json={
            "display_name": f"{demo.merchant.merchant_id} (sandbox)",
            "environment": "sandbox",
            "merchant_id": demo.merchant.merchant_id,
            "auth_scheme": "jwt_shared_secret",
            "key_id": demo.credentials.key_id,
            "shared_secret": demo.credentials.shared_secret_b64,
            "default_currency": "EUR",
            **fields,
        },
    )
    assert response.status_code == 201, response.get_json()
    profile: dict[str, Any] = response.get_json()
    return profile

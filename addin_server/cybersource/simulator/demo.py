"""A demo merchant: what the simulator knows and the matching credentials for the client."""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass

from addin_server.cybersource.credentials import SharedSecretCredentials, SharedSecretScheme
from addin_server.cybersource.simulator.verification import SimulatorMerchant

SHARED_SECRET_BYTES = 32  # the size of Business Center's REST shared secrets


@dataclass(frozen=True)
class DemoMerchant:
    merchant: SimulatorMerchant
    credentials: SharedSecretCredentials


def demo_merchant(
    merchant_id: str = "demo_merchant", scheme: SharedSecretScheme = SharedSecretScheme.JWT
) -> DemoMerchant:
    """A merchant with a fresh random REST shared secret, for ``create_simulator_app``."""
    key_id = str(uuid.uuid4())
    secret = base64.b64encode(secrets.token_bytes(SHARED_SECRET_BYTES)).decode("ascii")
    return DemoMerchant(
        merchant=SimulatorMerchant(merchant_id, key_id, secret),
        credentials=SharedSecretCredentials(merchant_id, key_id, secret, scheme),
    )

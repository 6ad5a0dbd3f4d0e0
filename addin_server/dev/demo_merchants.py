"""The demo organisations' Cybersource merchants, stable across restarts.

The shared secrets are derived from the instance's secret key, so a profile sealed in an
earlier run still matches the simulator's merchant after a restart.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from addin_server.dev.openid_provider import DEMO_USERS
from addin_server.dev.simulator import SimulatorMerchant
from addin_server.identity.tokens import ADMIN_APP_ROLE


@dataclass(frozen=True)
class DemoMerchantAccount:
    tid: str  # the demo organisation (Entra tenant id) the merchant belongs to
    admin_oid: str
    admin_name: str
    admin_username: str
    display_name: str
    merchant_id: str
    key_id: str
    shared_secret_b64: str

    @property
    def simulator_merchant(self) -> SimulatorMerchant:
        return SimulatorMerchant(self.merchant_id, self.key_id, self.shared_secret_b64)


def _derive(secret_key: str, label: str, size: int) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=size, salt=None, info=label.encode())
    return hkdf.derive(secret_key.encode())


def demo_merchant_accounts(secret_key: str) -> list[DemoMerchantAccount]:
    """One merchant per demo organisation, administered by its demo admin."""
    accounts = []
    for user in DEMO_USERS:
        if ADMIN_APP_ROLE not in user.roles:
            continue
        organisation = user.username.split("@")[1].split(".")[0]
        merchant_id = f"{organisation}_demo"
        accounts.append(
            DemoMerchantAccount(
                tid=user.tid,
                admin_oid=user.oid,
                admin_name=user.name,
                admin_username=user.username,
                display_name=f"{organisation.title()} (demo sandbox)",
                merchant_id=merchant_id,
                key_id=str(uuid.UUID(bytes=_derive(secret_key, f"demo key id {merchant_id}", 16))),
                shared_secret_b64=base64.b64encode(
                    _derive(secret_key, f"demo shared secret {merchant_id}", 32)
                ).decode("ascii"),
            )
        )
    return accounts

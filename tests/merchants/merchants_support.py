"""Helpers of the merchant tests."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from addin_server.dev.simulator import DemoMerchant

MERCHANT_ID = "acme_invoicing"
SECRET_FIELD_NAMES = frozenset({"key_id", "shared_secret", "p12", "p12_password", "key_alias"})


@dataclass(frozen=True)
class Secrets:
    """The one merchant's secret material, as the API takes it."""

    key_id: str
    shared_secret: str
    p12: bytes
    p12_password: str
    p12_kid: str  # the certificate subject's serialNumber

    @classmethod
    def of(cls, demo: DemoMerchant) -> Secrets:
        assert demo.p12 is not None
        (kid,) = demo.merchant.certificates
        return cls(
            key_id=demo.credentials.key_id,
            shared_secret=demo.credentials.shared_secret_b64,
            p12=demo.p12.p12,
            p12_password=demo.p12.password,
            p12_kid=kid,
        )

    @property
    def p12_b64(self) -> str:
        return base64.b64encode(self.p12).decode("ascii")

    def body(self, scheme: str = "jwt_shared_secret", **overrides: Any) -> dict[str, Any]:
        """A valid create body for ``scheme``; ``overrides`` replace or (None) drop fields."""
        body: dict[str, Any] = {
            "display_name": "Acme sandbox",
            "environment": "sandbox",
            "merchant_id": MERCHANT_ID,
            "auth_scheme": scheme,
            "default_currency": "USD",
            "invoice_number_prefix": "ACME-",
            "default_due_days": 14,
        }
        if scheme == "jwt_p12":
            body.update(p12=self.p12_b64, p12_password=self.p12_password)
        else:
            body.update(key_id=self.key_id, shared_secret=self.shared_secret)
        body.update(overrides)
        return {name: value for name, value in body.items() if value is not None}

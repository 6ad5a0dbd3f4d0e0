"""Helpers of the merchant tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

MERCHANT_ID = "acme_invoicing"
P12_PASSWORD = "correct horse battery"
P12_SERIAL_NUMBER = "5CB1A2E3F40011AA"


@dataclass(frozen=True)
class Secrets:
    """The one merchant's secret material, as the API takes it."""

    key_id: str
    shared_secret: str
    p12: bytes

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
            body.update(p12=self.p12_b64, p12_password=P12_PASSWORD)
        else:
            body.update(key_id=self.key_id, shared_secret=self.shared_secret)
        body.update(overrides)
        return {name: value for name, value in body.items() if value is not None}


def make_p12(key: rsa.RSAPrivateKey, *, common_name: str = MERCHANT_ID) -> bytes:
    """A certificate as Cybersource issues it: CN = merchant id, serialNumber = the JWT kid."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, P12_SERIAL_NUMBER),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"merchant", key, certificate, None, BestAvailableEncryption(P12_PASSWORD.encode())
    )


SECRET_FIELD_NAMES = frozenset({"key_id", "shared_secret", "p12", "p12_password", "key_alias"})

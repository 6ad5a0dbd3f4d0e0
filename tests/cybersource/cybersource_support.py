"""Helpers shared by the Cybersource tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

MERCHANT_ID = "testmerchant01"
P12_PASSWORD = "p12-password"
P12_SERIAL_NUMBER = "1234567890ABCDEF"
SCHEMES = ("jwt", "p12", "http_signature")


def make_loose_p12(
    key: rsa.RSAPrivateKey, certificates: Sequence[x509.Certificate], password: str
) -> bytes:
    """A P12 with a key and certificates but none marked as the key's: the alias must pick."""
    return pkcs12.serialize_key_and_certificates(
        None, key, None, list(certificates), BestAvailableEncryption(password.encode())
    )


@dataclass
class RecordingSleep:
    """A transport's ``sleep`` that only notes the delays asked for."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class NoAuth:
    """Signs nothing: for servers that only check the transport."""

    merchant_id = "m"

    def headers(self, request: object) -> dict[str, str]:
        return {}

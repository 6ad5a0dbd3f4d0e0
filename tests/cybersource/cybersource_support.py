"""Helpers shared by the Cybersource tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

MERCHANT_ID = "testmerchant01"
P12_PASSWORD = "p12-password"
P12_SERIAL_NUMBER = "1234567890ABCDEF"
SCHEMES = ("jwt", "p12", "http_signature")


def make_certificate(
    alias: str, serial_number: str | None, key: rsa.RSAPrivateKey
) -> x509.Certificate:
    """A self-signed certificate like Cybersource's: CN = alias, subject serialNumber = kid."""
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, alias)]
    if serial_number is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def make_p12(alias: str, serial_number: str | None, password: str, key: rsa.RSAPrivateKey) -> bytes:
    """A password-protected P12 holding ``key`` and its certificate."""
    return pkcs12.serialize_key_and_certificates(
        alias.encode(),
        key,
        make_certificate(alias, serial_number, key),
        None,
        BestAvailableEncryption(password.encode()),
    )


def make_loose_p12(
    key: rsa.RSAPrivateKey, certificates: Sequence[x509.Certificate], password: str
) -> bytes:
    """A P12 with a key and certificates but none marked as the key's: the alias must pick."""
    return pkcs12.serialize_key_and_certificates(
        None, key, None, list(certificates), BestAvailableEncryption(password.encode())
    )

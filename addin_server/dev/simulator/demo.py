"""A demo merchant: what the simulator knows and the matching credentials for the client."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

from addin_server.cybersource.credentials import (
    P12Credentials,
    SharedSecretCredentials,
    SharedSecretScheme,
)
from addin_server.dev.simulator.verification import SimulatorMerchant

SHARED_SECRET_BYTES = 32  # the size of Business Center's REST shared secrets
DEMO_CERTIFICATE_DAYS = 365


@dataclass(frozen=True)
class DemoMerchant:
    merchant: SimulatorMerchant
    credentials: SharedSecretCredentials
    p12: P12Credentials | None = None


def demo_merchant(
    merchant_id: str = "demo_merchant",
    scheme: SharedSecretScheme = SharedSecretScheme.JWT,
    *,
    with_p12: bool = False,
) -> DemoMerchant:
    """A merchant with a fresh random REST shared secret, for ``create_simulator_app``.

    ``with_p12`` also makes a REST certificate (RSA 2048, about 0.1 s): a password-protected
    P12 whose certificate has CN = merchant id and a random subject serialNumber (the kid).
    """
    key_id = str(uuid.uuid4())
    secret = base64.b64encode(secrets.token_bytes(SHARED_SECRET_BYTES)).decode("ascii")
    credentials = SharedSecretCredentials(merchant_id, key_id, secret, scheme)
    if not with_p12:
        return DemoMerchant(SimulatorMerchant(merchant_id, key_id, secret), credentials)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    serial_number = secrets.token_hex(8).upper()
    password = secrets.token_urlsafe(16)
    return DemoMerchant(
        SimulatorMerchant(merchant_id, key_id, secret, {serial_number: key.public_key()}),
        credentials,
        P12Credentials(merchant_id, rest_p12(merchant_id, serial_number, password, key), password),
    )


def rest_certificate(
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
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=DEMO_CERTIFICATE_DAYS))
        .sign(key, hashes.SHA256())
    )


def rest_p12(alias: str, serial_number: str | None, password: str, key: rsa.RSAPrivateKey) -> bytes:
    """A password-protected P12 holding ``key`` and its ``rest_certificate``."""
    return pkcs12.serialize_key_and_certificates(
        alias.encode(),
        key,
        rest_certificate(alias, serial_number, key),
        None,
        BestAvailableEncryption(password.encode()),
    )

"""Fixtures: a simulator on a loopback port, merchants with all three kinds of credentials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from flask import Flask

from addin_server.cybersource import (
    CybersourceClient,
    Credentials,
    P12Credentials,
    RetryPolicy,
    SharedSecretCredentials,
    SharedSecretScheme,
    Timeouts,
    Transport,
    auth_for,
)
from addin_server.cybersource.simulator import (
    EXTENSION_KEY,
    Simulator,
    SimulatorMerchant,
    create_simulator_app,
    demo_merchant,
)
from addin_server.loopback import LoopbackServer

MERCHANT_ID = "testmerchant01"
P12_PASSWORD = "p12-password"
P12_SERIAL_NUMBER = "1234567890ABCDEF"
SCHEMES = ("jwt", "p12", "http_signature")


def make_p12(
    alias: str,
    serial_number: str | None,
    password: str,
    key: rsa.RSAPrivateKey,
) -> bytes:
    """A self-signed certificate like Cybersource's: CN = alias, subject serialNumber = kid."""
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, alias)]
    if serial_number is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        alias.encode(), key, certificate, None, BestAvailableEncryption(password.encode())
    )


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def p12_bytes(rsa_key: rsa.RSAPrivateKey) -> bytes:
    return make_p12(MERCHANT_ID, P12_SERIAL_NUMBER, P12_PASSWORD, rsa_key)


@dataclass(frozen=True)
class TestMerchant:
    merchant: SimulatorMerchant
    shared_secret: SharedSecretCredentials
    p12: P12Credentials

    def credentials(self, scheme: str) -> Credentials:
        if scheme == "p12":
            return self.p12
        if scheme == "http_signature":
            return SharedSecretCredentials(
                self.shared_secret.merchant_id,
                self.shared_secret.key_id,
                self.shared_secret.shared_secret_b64,
                SharedSecretScheme.HTTP_SIGNATURE,
            )
        return self.shared_secret


@pytest.fixture
def test_merchant(rsa_key: rsa.RSAPrivateKey, p12_bytes: bytes) -> TestMerchant:
    demo = demo_merchant(MERCHANT_ID)
    merchant = SimulatorMerchant(
        demo.merchant.merchant_id,
        demo.merchant.key_id,
        demo.merchant.shared_secret_b64,
        {P12_SERIAL_NUMBER: rsa_key.public_key()},
    )
    return TestMerchant(merchant, demo.credentials, P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD))


@dataclass
class RunningSimulator:
    app: Flask
    url: str

    @property
    def state(self) -> Simulator:
        simulator: Simulator = self.app.extensions[EXTENSION_KEY]
        return simulator

    def knobs(self, **knobs: Any) -> None:
        response = requests.post(f"{self.url}/__sim/knobs", json=knobs, timeout=5)
        assert response.status_code == 200, response.text

    def pay(self, invoice_number: str, amount: str) -> requests.Response:
        return requests.post(
            f"{self.url}/__sim/invoices/{invoice_number}/pay", json={"amount": amount}, timeout=5
        )


@pytest.fixture
def simulator_factory(
    test_merchant: TestMerchant,
) -> Iterator[Callable[..., RunningSimulator]]:
    servers: list[LoopbackServer] = []

    def start(**options: Any) -> RunningSimulator:
        app = create_simulator_app({MERCHANT_ID: test_merchant.merchant}, **options)
        server = LoopbackServer(app).start()
        servers.append(server)
        return RunningSimulator(app, server.url)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def simulator(simulator_factory: Callable[..., RunningSimulator]) -> RunningSimulator:
    return simulator_factory()


def no_sleep(_seconds: float) -> None:
    """Backoff without waiting: tests check the delays, not the clock."""


@pytest.fixture
def transport() -> Iterator[Transport]:
    transport = Transport(
        Timeouts(connect=1.0, read=2.0), RetryPolicy(attempts=3), sleep=no_sleep
    )
    yield transport
    transport.close()


@pytest.fixture(params=SCHEMES)
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(
    scheme: str, test_merchant: TestMerchant, simulator: RunningSimulator, transport: Transport
) -> CybersourceClient:
    """A client of the test merchant under each authentication scheme in turn."""
    return CybersourceClient(
        auth_for(test_merchant.credentials(scheme)), simulator.url, transport=transport
    )

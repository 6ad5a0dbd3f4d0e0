"""Fixtures: the test merchant with all three kinds of credentials, known to the simulator
(``simulator`` and ``simulator_factory`` come from tests/conftest.py), and its clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from addin_server.cybersource import (
    Credentials,
    CybersourceClient,
    P12Credentials,
    RetryPolicy,
    SharedSecretCredentials,
    SharedSecretScheme,
    Timeouts,
    Transport,
    auth_for,
)
from addin_server.dev.simulator import SimulatorMerchant, demo_merchant
from addin_server.dev.simulator.demo import rest_p12
from tests.cybersource.cybersource_support import (
    MERCHANT_ID,
    P12_PASSWORD,
    P12_SERIAL_NUMBER,
    SCHEMES,
)
from tests.simulator_support import RunningSimulator


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def p12_bytes(rsa_key: rsa.RSAPrivateKey) -> bytes:
    return rest_p12(MERCHANT_ID, P12_SERIAL_NUMBER, P12_PASSWORD, rsa_key)


@dataclass(frozen=True)
class MerchantKeys:
    merchant: SimulatorMerchant
    shared_secret: SharedSecretCredentials
    p12: P12Credentials

    def credentials(self, scheme: str) -> Credentials:
        return self.p12 if scheme == "p12" else self.shared(SharedSecretScheme(scheme))

    def shared(self, scheme: SharedSecretScheme) -> SharedSecretCredentials:
        return replace(self.shared_secret, scheme=scheme)


@pytest.fixture
def test_merchant(rsa_key: rsa.RSAPrivateKey, p12_bytes: bytes) -> MerchantKeys:
    demo = demo_merchant(MERCHANT_ID)
    merchant = replace(demo.merchant, certificates={P12_SERIAL_NUMBER: rsa_key.public_key()})
    return MerchantKeys(
        merchant, demo.credentials, P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD)
    )


@pytest.fixture
def simulator_merchants(test_merchant: MerchantKeys) -> dict[str, SimulatorMerchant]:
    return {MERCHANT_ID: test_merchant.merchant}


def no_sleep(_seconds: float) -> None:
    """Backoff without waiting: tests check the delays, not the clock."""


@pytest.fixture
def transport() -> Iterator[Transport]:
    transport = Transport(Timeouts(connect=1.0, read=2.0), RetryPolicy(attempts=3), sleep=no_sleep)
    yield transport
    transport.close()


@pytest.fixture(params=SCHEMES)
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(
    scheme: str, test_merchant: MerchantKeys, simulator: RunningSimulator, transport: Transport
) -> CybersourceClient:
    """A client of the test merchant under each authentication scheme in turn."""
    return CybersourceClient(
        auth_for(test_merchant.credentials(scheme)), simulator.url, transport=transport
    )

"""Fixtures: a simulator on a loopback port, merchants with all three kinds of credentials."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from cybersource_support import MERCHANT_ID, P12_PASSWORD, P12_SERIAL_NUMBER, SCHEMES
from flask import Flask

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
from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.simulator import (
    EXTENSION_KEY,
    Simulator,
    SimulatorMerchant,
    create_simulator_app,
    demo_merchant,
)
from addin_server.dev.simulator.demo import rest_p12


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
        if scheme == "p12":
            return self.p12
        if scheme == "http_signature":
            return replace(self.shared_secret, scheme=SharedSecretScheme.HTTP_SIGNATURE)
        return self.shared_secret


@pytest.fixture
def test_merchant(rsa_key: rsa.RSAPrivateKey, p12_bytes: bytes) -> MerchantKeys:
    demo = demo_merchant(MERCHANT_ID)
    merchant = replace(demo.merchant, certificates={P12_SERIAL_NUMBER: rsa_key.public_key()})
    return MerchantKeys(
        merchant, demo.credentials, P12Credentials(MERCHANT_ID, p12_bytes, P12_PASSWORD)
    )


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


class SwappableApp:
    """One loopback server for the session; each test installs a fresh simulator app.

    Stopping a werkzeug server waits for its 0.5 s poll, so a server per test would be slow.
    """

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def loopback() -> Iterator[tuple[SwappableApp, str]]:
    swappable = SwappableApp()
    with LoopbackServer(swappable) as server:
        yield swappable, server.url


@pytest.fixture
def simulator_factory(
    test_merchant: MerchantKeys, loopback: tuple[SwappableApp, str]
) -> Callable[..., RunningSimulator]:
    """Installs a new simulator (options as for ``create_simulator_app``) and returns it."""
    swappable, url = loopback

    def start(
        merchants: dict[str, SimulatorMerchant] | None = None, **options: Any
    ) -> RunningSimulator:
        merchants = merchants or {MERCHANT_ID: test_merchant.merchant}
        swappable.app = create_simulator_app(merchants, **options)
        return RunningSimulator(swappable.app, url)

    return start


@pytest.fixture
def simulator(simulator_factory: Callable[..., RunningSimulator]) -> RunningSimulator:
    return simulator_factory()


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

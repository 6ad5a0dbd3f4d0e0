"""Merchant fixtures: a Cybersource simulator on loopback that knows one merchant (shared
secret and P12 certificate), and the app configured to use it as the sandbox."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from merchants_support import MERCHANT_ID, P12_SERIAL_NUMBER, Secrets, make_p12
from sqlalchemy.orm import Session

from addin_server.cybersource.simulator import SimulatorMerchant, create_simulator_app
from addin_server.loopback import LoopbackServer


@pytest.fixture(scope="session")
def merchant_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def secrets(merchant_rsa_key: rsa.RSAPrivateKey) -> Secrets:
    return Secrets(
        key_id=str(uuid.uuid4()),
        shared_secret=base64.b64encode(uuid.uuid4().bytes * 2).decode("ascii"),
        p12=make_p12(merchant_rsa_key),
    )


@pytest.fixture(scope="session")
def simulator_url(secrets: Secrets, merchant_rsa_key: rsa.RSAPrivateKey) -> Iterator[str]:
    merchant = SimulatorMerchant(
        MERCHANT_ID,
        secrets.key_id,
        secrets.shared_secret,
        {P12_SERIAL_NUMBER: merchant_rsa_key.public_key()},
    )
    with LoopbackServer(create_simulator_app({MERCHANT_ID: merchant})) as server:
        yield server.url


@pytest.fixture
def app_config(app_config: dict[str, Any], simulator_url: str) -> dict[str, Any]:
    """The sandbox is the simulator; the production URL points nowhere that answers."""
    return {
        **app_config,
        "cybersource_sandbox_url": simulator_url,
        "cybersource_production_url": "http://127.0.0.1:9",
        "cybersource_connect_timeout": 2.0,
        "cybersource_read_timeout": 5.0,
    }


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        db_session: Session = app.extensions["addin.db"].sessionmaker()
        yield db_session
        db_session.close()

"""Merchant fixtures: a Cybersource simulator on loopback that knows one merchant (shared
secret and P12 certificate), its credentials, and tenants with users of each role."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from flask import Flask
from sqlalchemy.orm import Session

from addin_server.cybersource.simulator import SimulatorMerchant, create_simulator_app
from addin_server.identity import CurrentUser, Tenant, User
from addin_server.identity.users import Role, add_member
from addin_server.loopback import LoopbackServer
from addin_server.merchants.profiles import VerifyCredentials, cybersource_verifier

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


@pytest.fixture
def verify(app: Flask) -> VerifyCredentials:
    return cybersource_verifier(app.extensions["addin.settings"])


UserFactory = Callable[..., CurrentUser]


@pytest.fixture
def make_user(session: Session) -> UserFactory:
    """A stored user of ``tenant`` with ``role`` ("admin", "member" or None, no role)."""

    def make(tenant: str = "tenant-a", role: Role | None = "admin") -> CurrentUser:
        if session.get(Tenant, tenant) is None:
            session.add(Tenant(id=tenant, entra_tenant_id=str(uuid.uuid4())))
        oid = str(uuid.uuid4())
        user = User(
            tenant_id=tenant,
            oid=oid,
            name=f"{role} of {tenant}",
            preferred_username=f"{oid}@x.test",
        )
        session.add(user)
        session.flush()
        current = CurrentUser(
            user_id=user.id,
            tenant_id=tenant,
            tid=tenant,
            oid=oid,
            name=user.name,
            username=user.preferred_username,
            role=None,
            is_personal=False,
        )
        if role is not None:
            add_member(session, current, role=role, user_id=user.id)
            current = replace(current, role=role)
        session.commit()
        return current

    return make

"""Demo mode: loopback services, seeded profiles that survive a restart, real sign-in."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from addin_server import create_app, merchants
from addin_server.audit.models import AuditEvent
from addin_server.config import Settings, load_settings
from addin_server.dev.demo_environment import DemoEnvironment, start_demo
from addin_server.dev.loopback import LoopbackServer, free_port
from addin_server.devcert import ensure_tls_certificate
from addin_server.identity.tokens import ADMIN_APP_ROLE
from addin_server.storage import Database, migrate


@pytest.fixture
def demo_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # start_demo points REQUESTS_CA_BUNDLE at its own bundle; restore it after the test.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", os.environ.get("REQUESTS_CA_BUNDLE", ""))
    settings = load_settings({}, {"instance_dir": tmp_path / "instance"})
    db = Database(settings.database_url)
    migrate(db.engine)
    db.dispose()
    return settings


@pytest.fixture
def demo(demo_settings: Settings) -> Iterator[DemoEnvironment]:
    environment = start_demo(demo_settings)
    yield environment
    environment.stop()


def profiles(settings: Settings) -> list[merchants.MerchantProfile]:
    db = Database(settings.database_url)
    with db.session() as session:
        rows = list(session.scalars(select(merchants.MerchantProfile)))
    db.dispose()
    return rows


def test_demo_points_settings_at_loopback_services(demo: DemoEnvironment) -> None:
    assert demo.settings.authority.startswith("https://localhost:")
    assert demo.settings.cybersource_sandbox_url.startswith("http://127.0.0.1:")
    assert demo.settings.allowed_tenants == ("common",)
    assert {a.merchant_id for a in demo.accounts} == {"contoso_demo", "fabrikam_demo"}


def test_each_demo_organisation_gets_a_verified_profile(demo: DemoEnvironment) -> None:
    rows = profiles(demo.settings)
    assert {(p.tenant_id, p.merchant_id) for p in rows} == {
        (a.tid, a.merchant_id) for a in demo.accounts
    }
    for account in demo.accounts:
        assert (
            account.shared_secret_b64.encode()
            not in Path(demo.settings.database_url[10:]).read_bytes()
        )
    db = Database(demo.settings.database_url)
    with db.session() as session:
        created = session.scalar(select(func.count()).select_from(AuditEvent))
    db.dispose()
    assert created == len(demo.accounts)


def test_restart_reuses_profiles_whose_credentials_still_verify(
    demo_settings: Settings, demo: DemoEnvironment
) -> None:
    first_ids = {p.id for p in profiles(demo.settings)}
    demo.stop()
    again = start_demo(demo_settings)  # new ports, new simulator, same instance folder
    try:
        rows = profiles(again.settings)
        assert {p.id for p in rows} == first_ids
        for profile in rows:
            with merchants.client_for(profile, again.settings) as client:
                assert client.invoice_settings.get() is not None
    finally:
        again.stop()


def first_admin_token(demo: DemoEnvironment) -> str:
    """An access token of the first demo organisation's admin, as the demo provider signs it."""
    account = demo.accounts[0]
    return demo.identity_provider.issue_access_token(
        account.tid,
        account.admin_oid,
        audience=demo.settings.client_id,
        roles=[ADMIN_APP_ROLE],
        name=account.admin_name,
        username=account.admin_username,
    )


def test_demo_admin_signs_in_and_sees_the_profile(demo: DemoEnvironment) -> None:
    app = create_app(demo.settings)
    account = demo.accounts[0]
    token = first_admin_token(demo)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["role"] == "admin"
    assert [p["merchant_id"] for p in body["merchant_profiles"]] == [account.merchant_id]
    app.extensions["addin.db"].dispose()


def test_demo_refuses_production_settings(demo_settings: Settings) -> None:
    with pytest.raises(ValueError, match="demo mode"):
        start_demo(dataclasses.replace(demo_settings, mode="production"))


def test_the_customer_pays_in_demo_mode_and_the_invoice_says_paid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole loop on one machine: the simulator's "customer pays" control, a signed
    notification delivered to the add-in over HTTPS, the record PAID."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", os.environ.get("REQUESTS_CA_BUNDLE", ""))
    port = free_port()
    settings = load_settings(
        {},
        {
            "instance_dir": tmp_path / "instance",
            "public_url": f"https://localhost:{port}",
            "bind": f"127.0.0.1:{port}",
        },
    )
    db = Database(settings.database_url)
    migrate(db.engine)
    db.dispose()
    demo = start_demo(settings)
    app = create_app(demo.settings)
    tls = ensure_tls_certificate(settings.instance_dir / "tls")
    server = LoopbackServer(
        app, port=port, ssl_context=tls.server_context(), hostname="localhost"
    ).start()
    try:
        account = demo.accounts[0]
        token = first_admin_token(demo)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "demo-pays-1"}
        client = app.test_client()
        profile_id = client.get("/api/v1/me", headers=headers).get_json()["merchant_profiles"][0][
            "id"
        ]
        invoice = client.post(
            "/api/v1/invoices",
            headers=headers,
            json={
                "merchant_profile_id": profile_id,
                "mode": "publish",
                "customer": {"name": "Ana Lima", "email": "ana@example.com"},
                "description": "Garden design",
                "line_items": [{"name": "Design", "quantity": 1, "unit_price": "80.00"}],
                "currency": "USD",
                "total": "80.00",
                "due_date": "2030-12-31",
            },
        ).get_json()
        paid = requests.post(
            f"{demo.settings.cybersource_sandbox_url}/__sim/invoices/{invoice['number']}/payments",
            json={"amount": "80.00", "merchant_id": account.merchant_id},
            timeout=5,
        )
        assert paid.status_code == 200, paid.text
        deadline = time.monotonic() + 10
        path = f"/api/v1/invoices/{invoice['id']}"
        while client.get(path, headers=headers).get_json()["status"] != "PAID":
            assert time.monotonic() < deadline, "the payment never reached the add-in"
            time.sleep(0.05)
    finally:
        server.stop()
        app.extensions["addin.db"].dispose()
        demo.stop()

"""Demo mode: loopback services, seeded profiles that survive a restart, real sign-in."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from addin_server import create_app, merchants
from addin_server.audit.models import AuditEvent
from addin_server.config import Settings, load_settings
from addin_server.dev.demo_environment import DemoEnvironment, start_demo
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


def test_demo_admin_signs_in_and_sees_the_profile(demo: DemoEnvironment) -> None:
    app = create_app(demo.settings)
    account = demo.accounts[0]
    token = demo.identity_provider.issue_access_token(
        account.tid,
        account.admin_oid,
        audience=demo.settings.client_id,
        roles=[ADMIN_APP_ROLE],
        name=account.admin_name,
        username=account.admin_username,
    )
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["role"] == "admin"
    assert [p["merchant_id"] for p in body["merchant_profiles"]] == [account.merchant_id]
    app.extensions["addin.db"].dispose()


def test_demo_refuses_production_settings(demo_settings: Settings) -> None:
    with pytest.raises(ValueError, match="demo mode"):
        start_demo(dataclasses.replace(demo_settings, mode="production"))

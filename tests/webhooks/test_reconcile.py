"""Reconciliation: missed webhooks, interrupted creates and Cybersource outages, and the
``addin-server reconcile`` and ``addin-server webhooks`` commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from addin_server import merchants
from addin_server.cli import main
from addin_server.cybersource import CybersourceClient
from addin_server.storage import utcnow
from addin_server.webhooks import reconcile_profile
from tests.simulator_support import RunningSimulator
from tests.webhooks.webhooks_support import MERCHANT_ID, invoice_request, publish_invoice, status_of

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

LATER = timedelta(minutes=11)  # past the re-read pause and the in-flight lease


@pytest.fixture
def merchant_client(app: Flask, profile_id: str) -> Iterator[CybersourceClient]:
    settings = app.extensions["addin.settings"]
    with app.extensions["addin.db"].session() as session:
        profile = session.get_one(merchants.MerchantProfile, profile_id)
        client = merchants.client_for(profile, settings)
    with client:
        yield client


def test_a_payment_whose_webhook_was_missed_is_found(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    merchant_client: CybersourceClient,
    simulator: RunningSimulator,
) -> None:
    invoice = publish_invoice(client, tenant_a_member.headers, profile_id)
    assert simulator.pay(invoice["number"], "100.00").status_code == 200  # no webhook set up
    assert status_of(client, tenant_a_member.headers, invoice["id"])["status"] == "CREATED"

    db = app.extensions["addin.db"]
    soon = reconcile_profile(db, merchant_client, profile_id)
    assert soon.refreshed == 0  # just changed: not re-read yet
    report = reconcile_profile(db, merchant_client, profile_id, now=utcnow() + LATER)
    assert (report.refreshed, report.errors) == (1, [])
    shown = status_of(client, tenant_a_member.headers, invoice["id"])
    assert (shown["status"], shown["balance"]) == ("PAID", "0.00")
    final = reconcile_profile(db, merchant_client, profile_id, now=utcnow() + 2 * LATER)
    assert final.refreshed == 0  # paid is final: never read again


def test_an_outage_backs_the_profile_off(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    merchant_client: CybersourceClient,
    simulator: RunningSimulator,
) -> None:
    invoice = publish_invoice(client, tenant_a_member.headers, profile_id)
    simulator.knobs(faults=[{"kind": "status", "status": 503, "method": "GET", "count": 20}])
    db = app.extensions["addin.db"]
    now = utcnow() + LATER
    first = reconcile_profile(db, merchant_client, profile_id, now=now)
    assert first.backed_off_until == now + timedelta(minutes=1)
    assert first.errors
    assert reconcile_profile(db, merchant_client, profile_id, now=now).skipped
    simulator.knobs()  # Cybersource answers again
    second = reconcile_profile(db, merchant_client, profile_id, now=now + timedelta(minutes=2))
    assert (second.refreshed, second.backed_off_until) == (1, None)
    assert status_of(client, tenant_a_member.headers, invoice["id"])["status"] == "CREATED"


def test_an_interrupted_create_is_settled_by_the_same_pass(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    merchant_client: CybersourceClient,
    simulator: RunningSimulator,
) -> None:
    # Stored at Cybersource, the answer lost, and the look-up fails too: nobody knows yet.
    simulator.knobs(
        faults=[
            {"kind": "drop", "method": "POST", "after_commit": True},
            {"kind": "status", "status": 503, "method": "GET", "count": 10},
        ]
    )
    lost = client.post(
        "/api/v1/invoices",
        headers={**tenant_a_member.headers, "Idempotency-Key": "reconcile-lost-answer"},
        json=invoice_request(profile_id),
    )
    assert lost.status_code in (503, 504), lost.get_json()
    simulator.knobs()
    report = reconcile_profile(
        app.extensions["addin.db"], merchant_client, profile_id, now=utcnow() + LATER
    )
    assert report.settled == 1
    listed = client.get("/api/v1/invoices", headers=tenant_a_member.headers).get_json()
    assert [(i["state"], i["status"]) for i in listed["items"]] == [("created", "CREATED")]


def _cli_env(app: Flask, simulator: RunningSimulator) -> dict[str, str]:
    settings = app.extensions["addin.settings"]
    return {
        "ADDIN_MODE": "demo",
        "ADDIN_DATABASE_URL": settings.database_url,
        "ADDIN_INSTANCE_DIR": str(Path(settings.instance_dir)),
        "ADDIN_CYBERSOURCE_SANDBOX_URL": simulator.url,
    }


def test_the_commands(app: Flask, profile_id: str, simulator: RunningSimulator) -> None:
    runner = CliRunner()
    env = _cli_env(app, simulator)

    shown = runner.invoke(main, ["webhooks", "show", profile_id], env=env)
    assert (shown.exit_code, json.loads(shown.output)) == (0, {"configured": False})
    made = runner.invoke(main, ["webhooks", "setup", profile_id], env=env)
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["configured"] is True
    first_key = simulator.state.webhooks.keys[MERCHANT_ID]
    rotated = runner.invoke(main, ["webhooks", "rotate", profile_id], env=env)
    assert json.loads(rotated.output)["previous_key_accepted"] is True
    assert simulator.state.webhooks.keys[MERCHANT_ID] != first_key
    removed = runner.invoke(main, ["webhooks", "remove", profile_id], env=env)
    assert json.loads(removed.output) == {"configured": False}
    assert simulator.state.webhooks.subscriptions_of(MERCHANT_ID) == []
    unknown = runner.invoke(main, ["webhooks", "show", "no-such-profile"], env=env)
    assert unknown.exit_code != 0

    reconciled = runner.invoke(main, ["reconcile"], env=env)
    assert reconciled.exit_code == 0, reconciled.output
    assert f"{profile_id}: settled 0, refreshed 0" in reconciled.output

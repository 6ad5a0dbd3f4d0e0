"""Upstream faults on create, over HTTP against the simulator's fault knobs: whatever is lost
(the answer to a timeout, a 5xx after Cybersource stored it, a dropped connection, the
look-up after it), Cybersource ends with exactly one invoice, counted in its own book, and
our record never calls an invoice that may exist ``failed``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from addin_server import create_app
from addin_server.cybersource import CybersourceClient
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from addin_server.invoices import IntentState, InvoiceRecord, reconcile_pending
from addin_server.storage import Database, utcnow
from tests.invoices.invoices_support import create, invoice_body, new_key
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

LOST_ANSWERS = {
    "timeout after commit": {"kind": "timeout", "seconds": 0.8, "method": "POST"},
    "5xx after commit": {"kind": "status", "status": 502, "method": "POST", "after_commit": True},
    "dropped after commit": {"kind": "drop", "method": "POST", "after_commit": True},
    "dropped before commit": {"kind": "drop", "method": "POST", "after_commit": False},
    "5xx before commit": {"kind": "status", "status": 503, "method": "POST"},
}


def records(app: Flask) -> list[InvoiceRecord]:
    with app.extensions["addin.db"].session() as session:
        return list(session.scalars(select(InvoiceRecord).order_by(InvoiceRecord.id)))


@pytest.mark.parametrize("fault", sorted(LOST_ANSWERS))
def test_a_lost_answer_makes_exactly_one_invoice(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    knobs: Callable[..., None],
    upstream_numbers: Callable[[], list[str]],
    fault: str,
) -> None:
    knobs(faults=[LOST_ANSWERS[fault]])
    response = create(client, tenant_a_member.headers, invoice_body(profile_id))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == "INV-000001"
    assert upstream_numbers() == ["INV-000001"]
    assert [r.state for r in records(app)] == [IntentState.CREATED]


def test_unanswered_create_is_unknown_and_settled_by_the_same_key(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    knobs: Callable[..., None],
    upstream_numbers: Callable[[], list[str]],
) -> None:
    # Both tries time out before Cybersource stores anything: nobody can know that yet.
    knobs(
        faults=[
            {"kind": "timeout", "seconds": 0.8, "method": "POST", "after_commit": False, "count": 2}
        ]
    )
    key, body = new_key(), invoice_body(profile_id)
    first = create(client, tenant_a_member.headers, body, key)
    assert first.status_code == 504
    assert first.get_json()["type"] == "/problems/upstream-unavailable"
    assert int(first.headers["Retry-After"]) >= 1
    (record,) = records(app)
    assert record.state == IntentState.UNKNOWN
    assert upstream_numbers() == []
    # The pane asks again with the same key: looked up, missing, created under the SAME number.
    again = create(client, tenant_a_member.headers, body, key)
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["number"] == record.invoice_number == "INV-000001"
    assert upstream_numbers() == ["INV-000001"]


def test_failed_look_up_after_a_stored_create_stays_unknown_never_failed(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    knobs: Callable[..., None],
    upstream_numbers: Callable[[], list[str]],
) -> None:
    # The create is stored but its answer lost, and every look-up fails: the defect.
    knobs(
        faults=[
            {"kind": "drop", "method": "POST", "after_commit": True},
            {"kind": "status", "status": 503, "method": "GET", "count": 10},
        ]
    )
    key, body = new_key(), invoice_body(profile_id)
    first = create(client, tenant_a_member.headers, body, key)
    assert first.status_code == 503, first.get_json()
    (record,) = records(app)
    assert record.state == IntentState.UNKNOWN
    assert upstream_numbers() == ["INV-000001"]
    shown = client.get(f"/api/v1/invoices/{record.public_id}", headers=tenant_a_member.headers)
    assert shown.get_json()["allowed_actions"] == ["refresh"]
    assert "Do not create it again" in shown.get_json()["next_step"]
    knobs()  # Cybersource answers again
    again = create(client, tenant_a_member.headers, body, key)
    assert again.status_code == 201
    assert again.get_json()["number"] == "INV-000001"
    assert upstream_numbers() == ["INV-000001"]


def test_refresh_settles_an_unknown_invoice(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    knobs: Callable[..., None],
    upstream_numbers: Callable[[], list[str]],
) -> None:
    knobs(
        faults=[
            {"kind": "drop", "method": "POST", "after_commit": True},
            {"kind": "status", "status": 503, "method": "GET", "count": 10},
        ]
    )
    create(client, tenant_a_member.headers, invoice_body(profile_id))
    (record,) = records(app)
    knobs()
    refreshed = client.post(
        f"/api/v1/invoices/{record.public_id}/refresh", headers=tenant_a_member.headers
    )
    assert refreshed.status_code == 200
    assert (refreshed.get_json()["state"], refreshed.get_json()["status"]) == ("created", "CREATED")
    assert upstream_numbers() == ["INV-000001"]


def test_reconcile_fails_what_cybersource_never_got_after_the_window(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    knobs: Callable[..., None],
    merchant_client: CybersourceClient,
) -> None:
    knobs(
        faults=[
            {"kind": "timeout", "seconds": 0.8, "method": "POST", "after_commit": False, "count": 2}
        ]
    )
    create(client, tenant_a_member.headers, invoice_body(profile_id))
    db: Database = app.extensions["addin.db"]
    later = utcnow() + timedelta(minutes=10)
    (settled,) = reconcile_pending(db, merchant_client, profile_id, now=later)
    assert settled.state == IntentState.FAILED


def test_a_create_in_flight_answers_409_with_retry_after(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    key, body = new_key(), invoice_body(profile_id)
    first = create(client, tenant_a_member.headers, body, key)
    (record,) = records(app)
    db: Database = app.extensions["addin.db"]
    with db.session() as session:  # as if another instance had just claimed it
        session.get_one(InvoiceRecord, record.id).state = IntentState.CREATING
    busy = create(client, tenant_a_member.headers, body, key)
    assert busy.status_code == 409
    assert busy.get_json()["type"] == "/problems/request-in-flight"
    assert 1 <= int(busy.headers["Retry-After"]) <= 5
    assert busy.get_json()["invoice_id"] == first.get_json()["id"]
    assert upstream_numbers() == ["INV-000001"]


def test_rejected_credentials_ask_for_reverification_and_flag_the_profile(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    tenant_a_admin: SignedInUser,
    profile_id: str,
    simulator: RunningSimulator,
) -> None:
    simulator.state.set_key_revoked(True)
    response = create(client, tenant_a_member.headers, invoice_body(profile_id))
    assert response.status_code == 502
    assert response.get_json()["type"] == "/problems/merchant-credentials-rejected"
    assert "re-verify" in response.get_json()["detail"]
    profile = client.get(f"/api/v1/merchants/{profile_id}", headers=tenant_a_admin.headers)
    assert profile.get_json()["credentials"]["needs_reverification"] is True
    (record,) = records(app)
    assert record.state == IntentState.FAILED


def test_cybersource_unreachable_is_a_503_and_the_same_key_creates_once_it_is_back(
    app: Flask,
    app_config: dict[str, Any],
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    # An instance whose Cybersource refuses connections (nothing listens there).
    cut_off = create_app(
        {**app_config, "cybersource_sandbox_url": f"http://{LOOPBACK_HOST}:{free_port()}"}
    )
    key, body = new_key(), invoice_body(profile_id)
    response = create(cut_off.test_client(), tenant_a_member.headers, body, key)
    cut_off.extensions["addin.db"].dispose()
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "/problems/upstream-unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    # The claim says what is known: nothing made at Cybersource, the outcome for a look-up.
    (record,) = records(app)
    assert record.state == IntentState.UNKNOWN
    assert upstream_numbers() == []
    # The pane kept its draft and sends it again with the same key once Cybersource is back:
    # looked up, missing, created under the number the claim holds.
    again = create(client, tenant_a_member.headers, body, key)
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["number"] == record.invoice_number
    assert upstream_numbers() == [record.invoice_number]
    assert [r.state for r in records(app)] == [IntentState.CREATED]

"""Send, publish, cancel, refresh and update over HTTP against the simulator, in every status:
what the status allows is done (and answers the new state); what it forbids is refused with
409 and a sentence before any call to Cybersource; other tenants see nothing (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from addin_server.audit import AuditEvent
from addin_server.invoices.presenting import ALLOWED_BY_STATUS
from tests.invoices.invoices_support import created, invoice_body
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

ACTIONS = ("send", "publish", "cancel", "update", "refresh")
# How each status is reached: the creation mode, then what the customer pays (of 26.00).
SETUPS = {
    "DRAFT": ("draft", None),
    "CREATED": ("publish", None),
    "SENT": ("send", None),
    "PARTIAL": ("send", "6.00"),
    "PAID": ("send", "26.00"),
    "CANCELED": ("publish", "cancel"),
}
# The status each allowed action leads to.
AFTER = {
    ("DRAFT", "send"): "CREATED",  # a draft without email is published by send
    ("DRAFT", "publish"): "CREATED",
    ("CREATED", "send"): "CREATED",
    ("SENT", "send"): "SENT",
    ("PARTIAL", "send"): "PARTIAL",
}
CASES = [(status, action) for status in SETUPS for action in ACTIONS]


def invoice_in(
    client: FlaskClient,
    headers: dict[str, str],
    profile_id: str,
    sim: RunningSimulator,
    status: str,
) -> dict[str, Any]:
    mode, then = SETUPS[status]
    invoice = created(
        client, headers, invoice_body(profile_id, mode=mode, allow_partial_payments=True)
    )
    if then == "cancel":
        canceled: dict[str, Any] = act(client, headers, invoice, "cancel").get_json()
        return canceled
    if then is not None:
        assert sim.pay(invoice["number"], then).status_code == 200
        invoice = act(client, headers, invoice, "refresh").get_json()
    assert invoice["status"] == status
    return invoice


def act(
    client: FlaskClient, headers: dict[str, str], invoice: dict[str, Any], action: str
) -> TestResponse:
    path = f"/api/v1/invoices/{invoice['id']}"
    if action == "update":
        body = invoice_body(invoice["merchant_profile_id"], description="Garden design, revised")
        for name in ("merchant_profile_id", "mode"):
            del body[name]
        return client.put(path, json=body, headers=headers)
    return client.post(f"{path}/{action}", headers=headers)


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_action_in_each_status(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    simulator: RunningSimulator,
    status: str,
    action: str,
) -> None:
    headers = tenant_a_member.headers
    invoice = invoice_in(client, headers, profile_id, simulator, status)
    allowed = action in ALLOWED_BY_STATUS[status]
    if not allowed:  # any call to Cybersource now would meet this 503 and use it up
        simulator.knobs(faults=[{"kind": "status", "status": 503}])
    response = act(client, headers, invoice, action)
    if allowed:
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        expected = "CANCELED" if action == "cancel" else AFTER.get((status, action), status)
        assert answer["status"] == expected
        assert answer["number"] == invoice["number"]
        upstream = simulator.state.book.get("invoice_shop", invoice["number"])
        assert upstream.status.value == expected
        if action == "update":
            assert answer["description"] == "Garden design, revised"
            assert upstream.info["description"] == "Garden design, revised"
    else:
        assert response.status_code == 409
        problem = response.get_json()
        assert problem["type"] == "/problems/action-not-allowed"
        assert problem["detail"].startswith("This invoice cannot be ")
        assert status in problem["detail"]
        assert simulator.state.knobs.faults[0].count == 1  # nothing was asked of Cybersource


def test_cybersource_refusal_is_409_and_the_record_catches_up(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str, simulator: RunningSimulator
) -> None:
    headers = tenant_a_member.headers
    invoice = created(client, headers, invoice_body(profile_id, mode="send"))
    simulator.pay(invoice["number"], "26.00")  # paid at Cybersource; our record still says SENT
    refused = act(client, headers, invoice, "cancel")
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "/problems/action-not-allowed"
    shown = client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()
    assert (shown["status"], shown["balance"]) == ("PAID", "0.00")
    assert shown["allowed_actions"] == ["refresh"]


def test_update_replaces_the_invoice_and_keeps_its_number(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str, simulator: RunningSimulator
) -> None:
    headers = tenant_a_member.headers
    invoice = created(client, headers, invoice_body(profile_id, mode="send"))
    body = invoice_body(
        profile_id,
        line_items=[{"name": "Design hours", "quantity": 5, "unit_price": "10.00"}],
        total="50.00",
        customer={"name": "Ana Lima", "email": "ana@example.com"},
    )
    for name in ("merchant_profile_id", "mode"):
        del body[name]
    response = client.put(f"/api/v1/invoices/{invoice['id']}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert (answer["number"], answer["total"], answer["balance"]) == (
        "INV-000001",
        "50.00",
        "50.00",
    )
    assert len(answer["line_items"]) == 1
    upstream = simulator.state.book.get("invoice_shop", "INV-000001")
    assert upstream.amounts["totalAmount"] == "50.00"
    bad_total = {**body, "total": "49.99"}
    refused = client.put(f"/api/v1/invoices/{invoice['id']}", json=bad_total, headers=headers)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["total"]


def test_other_tenants_get_404_for_everything(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    tenant_b_admin: SignedInUser,
    profile_id: str,
) -> None:
    invoice = created(client, tenant_a_member.headers, invoice_body(profile_id))
    other = tenant_b_admin.headers
    path = f"/api/v1/invoices/{invoice['id']}"
    assert client.get(path, headers=other).status_code == 404
    for action in ("send", "publish", "cancel", "refresh", "update"):
        assert act(client, other, invoice, action).status_code == 404
    listed = client.get("/api/v1/invoices", headers=other).get_json()
    assert (listed["items"], listed["total"]) == ([], 0)
    panel = client.get("/api/v1/customers/ana@example.com/invoices", headers=other).get_json()
    assert (panel["invoices"], panel["totals"]) == ([], [])


def test_members_act_and_users_without_a_role_are_forbidden(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    sign_in: Callable[..., Any],
    profile_id: str,
) -> None:
    invoice = created(client, tenant_a_member.headers, invoice_body(profile_id, mode="draft"))
    colleague = sign_in(role="member")
    assert act(client, colleague.headers, invoice, "publish").status_code == 200
    nobody = sign_in(role=None).headers
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=nobody).status_code == 403
    assert client.get("/api/v1/invoices", headers=nobody).status_code == 403
    assert act(client, nobody, invoice, "cancel").status_code == 403


def test_every_action_is_audited_with_its_outcome(
    app: Flask, client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    headers = tenant_a_member.headers
    invoice = created(client, headers, invoice_body(profile_id, mode="draft"))
    act(client, headers, invoice, "publish")
    act(client, headers, invoice, "publish")  # refused: already published
    act(client, headers, invoice, "cancel")
    with app.extensions["addin.db"].session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.target_id == invoice["id"]).order_by(AuditEvent.id)
        ).all()
        summary = [(e.action, e.details.get("outcome"), e.actor_label) for e in events]
    who = tenant_a_member.username
    assert summary == [
        ("invoice.created", "created", who),
        ("invoice.published", "done", who),
        ("invoice.action_failed", "refused", who),
        ("invoice.cancelled", "done", who),
    ]


def test_list_is_newest_first_filtered_and_paged(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    headers = tenant_a_member.headers
    ids = [
        created(client, headers, invoice_body(profile_id, mode=mode))["id"]
        for mode in ("draft", "send", "publish")
    ]
    listed = client.get("/api/v1/invoices?limit=2", headers=headers).get_json()
    assert [i["id"] for i in listed["items"]] == ids[::-1][:2]
    assert (listed["total"], listed["limit"], listed["offset"]) == (3, 2, 0)
    rest = client.get("/api/v1/invoices?limit=2&offset=2", headers=headers).get_json()
    assert [i["id"] for i in rest["items"]] == ids[:1]
    sent = client.get("/api/v1/invoices?status=SENT", headers=headers).get_json()
    assert [i["id"] for i in sent["items"]] == [ids[1]]
    by_customer = client.get(
        "/api/v1/invoices?customer_email=ANA@example.com&merchant=" + profile_id, headers=headers
    ).get_json()
    assert by_customer["total"] == 3
    bad = client.get("/api/v1/invoices?status=LOST&limit=0", headers=headers)
    assert bad.status_code == 400
    assert sorted(e["field"] for e in bad.get_json()["errors"]) == ["limit", "status"]

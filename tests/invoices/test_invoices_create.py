"""``POST /api/v1/invoices`` over HTTP against the simulator, on SQLite and PostgreSQL: the
four modes, exactly once per Idempotency-Key, bad input named field by field, rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from addin_server.audit import AuditEvent
from tests.invoices.invoices_support import (
    SOURCE_EMAIL,
    create,
    created,
    field_names,
    invoice_body,
    new_key,
)

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

MODES = {
    # mode: (status, has payment link, allowed actions)
    "draft": ("DRAFT", False, ["send", "publish", "cancel", "update", "refresh"]),
    "deliverable_draft": ("DRAFT", False, ["send", "publish", "cancel", "update", "refresh"]),
    "send": ("SENT", True, ["send", "cancel", "update", "refresh"]),
    "publish": ("CREATED", True, ["send", "cancel", "update", "refresh"]),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_mode_creates_the_invoice_cybersource_describes(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
    mode: str,
) -> None:
    status, linked, allowed = MODES[mode]
    invoice = created(client, tenant_a_member.headers, invoice_body(profile_id, mode=mode))
    assert invoice["id"].startswith("inv_")
    assert invoice["number"] == "INV-000001"
    assert (invoice["state"], invoice["status"], invoice["mode"]) == ("created", status, mode)
    assert bool(invoice["payment_link"]) is linked
    assert invoice["allowed_actions"] == allowed
    assert invoice["next_step"]
    assert invoice["customer"]["email"] == "ana@example.com"
    assert (invoice["total"], invoice["balance"], invoice["currency"]) == ("26.00", "26.00", "EUR")
    assert invoice["line_items"][1] == {
        "name": "Plants",
        "quantity": 1,
        "unit_price": "5.50",
        "sku": "P-1",
        "discount_amount": "0.50",
        "tax_amount": "1.00",
    }
    assert invoice["source_email"] == SOURCE_EMAIL
    assert upstream_numbers() == ["INV-000001"]
    fetched = client.get(f"/api/v1/invoices/{invoice['id']}", headers=tenant_a_member.headers)
    assert fetched.get_json() == invoice


def test_next_steps_say_what_happens_in_plain_words(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    steps = {
        mode: created(client, tenant_a_member.headers, invoice_body(profile_id, mode=mode))[
            "next_step"
        ]
        for mode in MODES
    }
    assert steps["send"] == "Emailed to ana@example.com. You will see here when it is paid."
    assert "Share the payment link with ana@example.com" in steps["publish"]
    assert "Send it to email it to ana@example.com" in steps["deliverable_draft"]
    assert "no payment link yet" in steps["draft"]


def test_same_key_and_body_answer_the_same_invoice_once(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    key, body = new_key(), invoice_body(profile_id)
    first = create(client, tenant_a_member.headers, body, key)
    again = create(client, tenant_a_member.headers, body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["number"] == first.get_json()["number"]
    assert upstream_numbers() == ["INV-000001"]


def test_same_key_with_another_body_is_refused(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    key = new_key()
    first = create(client, tenant_a_member.headers, invoice_body(profile_id), key)
    other = create(
        client, tenant_a_member.headers, invoice_body(profile_id, description="Other"), key
    )
    assert other.status_code == 422
    assert other.get_json()["type"] == "/problems/idempotency-key-reused"
    assert other.get_json()["invoice_id"] == first.get_json()["id"]
    assert upstream_numbers() == ["INV-000001"]


def test_total_must_be_the_sum_of_the_items(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    response = create(client, tenant_a_member.headers, invoice_body(profile_id, total="26.01"))
    assert response.status_code == 422
    assert field_names(response) == ["total"]
    assert "26.00" in response.get_json()["errors"][0]["detail"]
    assert upstream_numbers() == []


def test_zero_decimal_currency(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    items = [{"name": "Tea set", "quantity": 3, "unit_price": "1500", "tax_amount": "450"}]
    body = invoice_body(profile_id, currency="JPY", line_items=items, total="4950")
    invoice = created(client, tenant_a_member.headers, body)
    assert (invoice["total"], invoice["currency"]) == ("4950", "JPY")
    assert invoice["line_items"][0]["unit_price"] == "1500"


def _item(**changes: Any) -> list[dict[str, Any]]:
    return [{"name": "Design hours", "quantity": 1, "unit_price": "10.00", **changes}]


BAD_INPUT: dict[str, tuple[dict[str, Any], list[str]]] = {
    "no customer name": ({"customer": {"email": "a@example.com"}}, ["customer.name"]),
    "bad email": ({"customer": {"name": "A", "email": "not-an-email"}}, ["customer.email"]),
    "email needed to send": (
        {"mode": "send", "customer": {"name": "A"}},
        ["customer.email"],
    ),
    "unknown mode": ({"mode": "later"}, ["mode"]),
    "no items": ({"line_items": []}, ["line_items"]),
    "31 items": ({"line_items": _item() * 31, "total": "310.00"}, ["line_items"]),
    "negative price": ({"line_items": _item(unit_price="-1.00")}, ["line_items.0.unit_price"]),
    "three decimals in EUR": (
        {"line_items": _item(unit_price="10.001")},
        ["line_items.0.unit_price"],
    ),
    "cents in JPY": (
        {"currency": "JPY", "line_items": _item(unit_price="10.50"), "total": "10.50"},
        ["line_items.0.unit_price", "total"],
    ),
    "zero quantity": ({"line_items": _item(quantity=0)}, ["line_items.0.quantity"]),
    "discount above the line": (
        {"line_items": _item(discount_amount="11.00")},
        ["line_items.0.discount_amount"],
    ),
    "unknown currency": ({"currency": "EUX"}, ["currency"]),
    "bad due date": ({"due_date": "31.12.2026"}, ["due_date"]),
    "long description": ({"description": "x" * 2001}, ["description"]),
    "minimum without partial payments": (
        {"minimum_partial_amount": "5.00"},
        ["minimum_partial_amount"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_names_each_field(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    upstream_numbers: Callable[[], list[str]],
    case: str,
) -> None:
    changes, fields = BAD_INPUT[case]
    response = create(client, tenant_a_member.headers, invoice_body(profile_id, **changes))
    assert response.status_code == 400, response.get_json()
    assert sorted(field_names(response)) == fields
    assert response.content_type == "application/problem+json"
    assert upstream_numbers() == []


@pytest.mark.parametrize("key", [None, "short", "has space in it", "x" * 256])
def test_idempotency_key_is_required_and_checked(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str, key: str | None
) -> None:
    headers = dict(tenant_a_member.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    response = client.post("/api/v1/invoices", json=invoice_body(profile_id), headers=headers)
    assert response.status_code == 400
    assert field_names(response) == ["Idempotency-Key"]


def test_other_tenants_profile_is_not_found(
    client: FlaskClient, tenant_b_admin: SignedInUser, profile_id: str
) -> None:
    response = create(client, tenant_b_admin.headers, invoice_body(profile_id))
    assert response.status_code == 404


def test_user_without_a_role_is_forbidden(
    client: FlaskClient, sign_in: Callable[..., Any], profile_id: str
) -> None:
    response = create(client, sign_in(role=None).headers, invoice_body(profile_id))
    assert response.status_code == 403


def test_creation_is_audited_with_who_and_which(
    app: Flask, client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    invoice = created(client, tenant_a_member.headers, invoice_body(profile_id))
    with app.extensions["addin.db"].session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invoice.created")
        ).one()
        assert event.target_id == invoice["id"]
        assert event.actor_label == tenant_a_member.username
        assert event.details["number"] == "INV-000001"
        assert event.details["outcome"] == "created"

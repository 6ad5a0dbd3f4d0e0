"""The invoice routes answer ``present(record)`` without dumping it through their response
schemas (``api.as_documented``): that is only right while the presented shape is exactly the
schema's, which these tests hold for records in every state and with every optional part."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.presenting import present
from addin_server.invoices.schemas import InvoicePageSchema, InvoiceSchema
from tests.invoices.invoices_support import invoice_body

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _record(state: str, status: str | None, **fields: Any) -> InvoiceRecord:
    values: dict[str, Any] = {
        "public_id": "inv_0123456789abcdef",
        "tenant_id": "t",
        "merchant_profile_id": "p",
        "invoice_number": "DEMO-000007",
        "state": state,
        "mode": "publish",
        "customer_name": "Ana Lima",
        "customer_email": "ana@example.com",
        "customer_company": "",
        "customer_address": None,
        "description": "Garden design",
        "line_items": [
            {
                "name": "Design hours",
                "quantity": 2,
                "unit_price": "10.00",
                "sku": "",
                "tax_amount": None,
                "discount_amount": None,
            }
        ],
        "currency": "EUR",
        "total_minor": 2000,
        "balance_minor": 2000,
        "due_date": date(2026, 12, 31),
        "allow_partial_payments": False,
        "minimum_partial_minor": None,
        "cybersource_status": status,
        "payment_link": None,
        "warning": None,
        "failure_reason": None,
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return InvoiceRecord(**(values | fields))


RECORDS = [
    _record(IntentState.CREATING, None),
    _record(IntentState.FAILED, None, failure_reason="refused", due_date=None),
    _record(IntentState.UNKNOWN, None),
    _record(IntentState.CREATED, "DRAFT", mode="deliverable_draft"),
    _record(
        IntentState.CREATED,
        "PARTIAL",
        customer_company="Lima Ltd",
        customer_address={"address1": "1 Main St", "locality": "Lisbon", "country": "PT"},
        line_items=[
            {
                "name": "Plants",
                "quantity": 3,
                "unit_price": "5.50",
                "sku": "P-1",
                "tax_amount": "1.00",
                "discount_amount": "0.50",
            }
        ],
        allow_partial_payments=True,
        minimum_partial_minor=500,
        balance_minor=700,
        payment_link="https://pay.example/inv",
        warning="Created, but Cybersource could not email it.",
        source_item_id="AAMk-item",
        source_conversation_id="AAQk-conv",
        source_internet_message_id="<m@example.com>",
        source_subject="Order PO-4471",
    ),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.state}-{r.cybersource_status}")
def test_a_presented_invoice_is_exactly_its_schema(record: InvoiceRecord) -> None:
    shown = present(record)
    assert InvoiceSchema().dump(shown) == shown
    assert set(shown) == set(InvoiceSchema().fields)


def test_a_presented_page_is_exactly_its_schema() -> None:
    page = {"items": [present(r) for r in RECORDS], "total": 9, "limit": 5, "offset": 0}
    assert InvoicePageSchema().dump(page) == page


def test_created_and_listed_invoices_answer_in_the_documented_shape(
    client: FlaskClient, tenant_a_admin: Any, profile_id: str
) -> None:
    body = invoice_body(profile_id)
    headers = {**tenant_a_admin.headers, "Idempotency-Key": "presenting-1"}
    created = client.post("/api/v1/invoices", json=body, headers=headers)
    assert created.status_code == 201
    assert created.mimetype == "application/json"
    assert InvoiceSchema().dump(created.get_json()) == created.get_json()
    again = client.post("/api/v1/invoices", json=body, headers=headers)
    assert (again.status_code, again.get_json()["id"]) == (200, created.get_json()["id"])
    listed = client.get("/api/v1/invoices", headers=tenant_a_admin.headers)
    assert listed.status_code == 200
    assert listed.headers["ETag"]
    assert listed.get_json()["items"][0]["id"] == created.get_json()["id"]
    assert InvoicePageSchema().dump(listed.get_json()) == listed.get_json()

"""Invoice numbers and the settling of records a crash left ``creating`` or a lost answer
left ``unknown``, on SQLite and PostgreSQL, against the simulator."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from addin_server.cybersource import (
    Customer,
    CybersourceClient,
    InvoiceDraft,
    LineItem,
    payload_digest,
)
from addin_server.invoices import (
    IntentState,
    InvoiceRecord,
    allocate_invoice_number,
    reconcile_pending,
)
from addin_server.invoices.intents import insert_claim
from addin_server.storage import Database, utcnow
from tests.invoices.invoices_support import created, invoice_body

if TYPE_CHECKING:
    from tests.conftest import SignedInUser


def test_numbers_are_sequential_per_merchant(app: Flask, profile_id: str) -> None:
    db = app.extensions["addin.db"]
    numbers = [allocate_invoice_number(db, profile_id, "INV-") for _ in range(3)]
    assert numbers == ["INV-000001", "INV-000002", "INV-000003"]


def test_concurrent_allocations_never_collide(app: Flask, profile_id: str) -> None:
    db: Database = app.extensions["addin.db"]
    numbers: list[str] = []
    lock = threading.Lock()

    def allocate_five() -> None:
        for _ in range(5):
            number = allocate_invoice_number(db, profile_id, "INV-")
            with lock:
                numbers.append(number)

    threads = [threading.Thread(target=allocate_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"INV-{n:06d}" for n in range(1, 21)]


def test_a_claim_that_loses_its_key_takes_no_number(
    app: Flask, client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str
) -> None:
    """The claim is inserted before it takes a number: a second request for the same key
    fails at the insert, and the counter moves on by the first request's number only."""
    first = created(client, tenant_a_member.headers, invoice_body(profile_id))
    db: Database = app.extensions["addin.db"]
    with db.session() as session:
        stored = session.scalars(
            select(InvoiceRecord).where(InvoiceRecord.public_id == first["id"])
        ).one()
        copied = {
            column.key: getattr(stored, column.key)
            for column in InvoiceRecord.__table__.columns
            if column.key not in {"id", "public_id", "invoice_number"}
        }
    assert insert_claim(db, InvoiceRecord(**copied), "INV-") is False
    assert first["number"] == "INV-000001"
    assert allocate_invoice_number(db, profile_id, "INV-") == "INV-000002"


def test_the_payload_digest_leaves_out_the_number() -> None:
    """Worked out before a number is taken; the number is stored beside it."""
    draft = InvoiceDraft(
        invoice_number="INV-000001",
        description="Garden design",
        customer=Customer(name="Ana Lima", email="ana@example.com"),
        currency="EUR",
        due_date=date(2027, 1, 15),
        line_items=(LineItem(product_name="Design hour", quantity=2, unit_price=Decimal(10)),),
    )
    renumbered = dataclasses.replace(draft, invoice_number="INV-000002")
    changed = dataclasses.replace(draft, currency="USD")
    assert payload_digest(draft) == payload_digest(renumbered)
    assert payload_digest(draft) != payload_digest(changed)


def _set_state(db: Database, public_id: str, state: str) -> None:
    with db.session() as session:
        session.execute(
            update(InvoiceRecord).where(InvoiceRecord.public_id == public_id).values(state=state)
        )


def test_reconcile_settles_unknown_and_crashed_records(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    profile_id: str,
    merchant_client: CybersourceClient,
    upstream_numbers: Callable[[], list[str]],
) -> None:
    db: Database = app.extensions["addin.db"]
    # Two invoices Cybersource has, whose records a lost answer or a crash left open ...
    unknown = created(client, tenant_a_member.headers, invoice_body(profile_id))
    crashed = created(client, tenant_a_member.headers, invoice_body(profile_id))
    _set_state(db, unknown["id"], IntentState.UNKNOWN)
    _set_state(db, crashed["id"], IntentState.CREATING)
    # ... and one it never got (the number is unknown to it).
    merchant_client.invoices.cancel(crashed["number"])
    assert reconcile_pending(db, merchant_client, profile_id) == []  # too recent to judge

    settled = reconcile_pending(
        db, merchant_client, profile_id, now=utcnow() + timedelta(minutes=10)
    )
    assert {r.public_id: (r.state, r.cybersource_status) for r in settled} == {
        unknown["id"]: (IntentState.CREATED, "CREATED"),
        crashed["id"]: (IntentState.CREATED, "CANCELED"),
    }
    assert upstream_numbers() == ["INV-000001", "INV-000002"]

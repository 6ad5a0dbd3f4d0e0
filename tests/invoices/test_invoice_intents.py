"""Exactly-once creation with durable intents, on SQLite and PostgreSQL, against the simulator.

Each fault leaves exactly one invoice at Cybersource and a record that says so; a failure
leaves none and a record that says why. Nothing is lost, nothing is made twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from addin_server.cybersource import (
    CreationMode,
    Customer,
    CybersourceClient,
    InvoiceDraft,
    LineItem,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
)
from addin_server.invoices import (
    IntentState,
    InvoiceRecord,
    allocate_invoice_number,
    create_numbered_invoice,
    reconcile_pending,
)
from addin_server.invoices.intents import DatabaseIntentStore
from addin_server.storage import Database, utcnow


def draft(**changes: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "invoice_number": "ignored",
        "description": "Garden design, phase 1",
        "due_date": date(2026, 12, 31),
        "currency": "EUR",
        "customer": Customer(name="Tanya Lee", email="tanya@example.com"),
        "line_items": (LineItem("Design hours", Decimal("120.50"), 3),),
        "mode": CreationMode.CREATE_WITHOUT_SENDING,
    }
    values.update(changes)
    return InvoiceDraft(**values)


def records(app: Flask, profile_id: str) -> list[InvoiceRecord]:
    with app.extensions["addin.db"].session() as session:
        query = select(InvoiceRecord).where(InvoiceRecord.merchant_profile_id == profile_id)
        return list(session.execute(query.order_by(InvoiceRecord.id)).scalars())


def invoices_at_cybersource(client: CybersourceClient) -> list[str]:
    return sorted(summary.invoice_number for summary in client.invoices.list(limit=100).invoices)


def create(app: Flask, client: CybersourceClient, profile_id: str, **changes: Any) -> Any:
    return create_numbered_invoice(
        app.extensions["addin.db"],
        client,
        merchant_profile_id=profile_id,
        number_prefix="INV-",
        draft=draft(**changes),
        user_id=None,
    )


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


def test_created_invoice_is_recorded_with_its_link(
    app: Flask, profile_id: str, merchant_client: CybersourceClient
) -> None:
    result = create(app, merchant_client, profile_id)
    assert result.invoice.invoice_number == "INV-000001"
    (record,) = records(app, profile_id)
    assert record.state == IntentState.CREATED
    assert record.cybersource_status == "CREATED"
    assert record.payment_link == result.invoice.payment_link
    assert record.payment_link
    assert len(record.payload_digest) == 64


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "timeout", "seconds": 0.8, "method": "POST", "after_commit": True},
        {"kind": "drop", "method": "POST", "after_commit": True},
        {"kind": "drop", "method": "POST", "after_commit": False},
    ],
    ids=["timeout-after-commit", "dropped-after-commit", "dropped-before-commit"],
)
def test_lost_answer_makes_exactly_one_invoice(
    app: Flask,
    profile_id: str,
    merchant_client: CybersourceClient,
    knobs: Callable[..., None],
    fault: dict[str, Any],
) -> None:
    knobs(faults=[fault])
    result = create(app, merchant_client, profile_id)
    assert invoices_at_cybersource(merchant_client) == ["INV-000001"]
    assert result.invoice.invoice_number == "INV-000001"
    (record,) = records(app, profile_id)
    assert record.state == IntentState.CREATED


def test_timeout_without_commit_leaves_no_invoice_and_says_so(
    app: Flask, profile_id: str, merchant_client: CybersourceClient, knobs: Callable[..., None]
) -> None:
    # The create times out twice without storing anything: the add-in gives up cleanly.
    knobs(
        faults=[
            {"kind": "timeout", "seconds": 0.8, "method": "POST", "after_commit": False, "count": 2}
        ]
    )
    with pytest.raises(UpstreamTimeoutError):
        create(app, merchant_client, profile_id)
    assert invoices_at_cybersource(merchant_client) == []
    (record,) = records(app, profile_id)
    assert record.state == IntentState.FAILED
    assert record.failure_reason


def test_number_taken_at_cybersource_moves_to_the_next(
    app: Flask, profile_id: str, merchant_client: CybersourceClient
) -> None:
    # Someone made INV-000001 in the Business Center with the same prefix.
    merchant_client.invoices.create(draft(invoice_number="INV-000001"))
    result = create(app, merchant_client, profile_id)
    assert result.invoice.invoice_number == "INV-000002"
    states = [(r.invoice_number, r.state) for r in records(app, profile_id)]
    assert states == [("INV-000001", IntentState.FAILED), ("INV-000002", IntentState.CREATED)]
    assert invoices_at_cybersource(merchant_client) == ["INV-000001", "INV-000002"]


def test_server_error_on_create_is_looked_up_not_guessed(
    app: Flask, profile_id: str, merchant_client: CybersourceClient, knobs: Callable[..., None]
) -> None:
    # One 502 without storing anything: the lookup finds nothing, the one retry succeeds.
    knobs(faults=[{"kind": "status", "status": 502, "method": "POST"}])
    result = create(app, merchant_client, profile_id)
    assert result.invoice.invoice_number == "INV-000001"
    assert invoices_at_cybersource(merchant_client) == ["INV-000001"]
    assert [r.state for r in records(app, profile_id)] == [IntentState.CREATED]


def test_persistent_server_error_fails_cleanly(
    app: Flask, profile_id: str, merchant_client: CybersourceClient, knobs: Callable[..., None]
) -> None:
    knobs(faults=[{"kind": "status", "status": 503, "method": "POST", "count": 2}])
    with pytest.raises(UpstreamUnavailableError):
        create(app, merchant_client, profile_id)
    assert invoices_at_cybersource(merchant_client) == []
    (record,) = records(app, profile_id)
    assert record.state == IntentState.FAILED
    assert (record.failure_reason or "").startswith("SYSTEM_ERROR: ")


def test_invalid_invoice_is_refused_before_anything_is_recorded(
    app: Flask, profile_id: str, merchant_client: CybersourceClient
) -> None:
    with pytest.raises(ValidationFailedError) as raised:
        create(app, merchant_client, profile_id, description="x" * 2001)
    assert [issue.field for issue in raised.value.details] == ["invoiceInformation.description"]
    assert invoices_at_cybersource(merchant_client) == []
    assert records(app, profile_id) == []


def test_reconcile_settles_intents_a_crash_left_pending(
    app: Flask, profile_id: str, merchant_client: CybersourceClient
) -> None:
    db: Database = app.extensions["addin.db"]
    intents = DatabaseIntentStore(db, profile_id, user_id=None)
    # Two crashes right after recording the intent: one request had reached Cybersource.
    intents.record_intent("invoice_shop", "INV-000007", "0" * 64)
    intents.record_intent("invoice_shop", "INV-000008", "1" * 64)
    merchant_client.invoices.create(draft(invoice_number="INV-000008"))
    assert reconcile_pending(db, merchant_client, profile_id) == []  # too recent to judge

    settled = reconcile_pending(
        db, merchant_client, profile_id, now=utcnow() + timedelta(minutes=5)
    )
    assert {r.invoice_number: r.state for r in settled} == {
        "INV-000007": IntentState.FAILED,
        "INV-000008": IntentState.CREATED,
    }
    assert {r.invoice_number: r.state for r in records(app, profile_id)} == {
        "INV-000007": IntentState.FAILED,
        "INV-000008": IntentState.CREATED,
    }

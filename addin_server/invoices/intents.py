"""The database side of creating an invoice exactly once.

``DatabaseIntentStore`` implements the Cybersource client's ``IntentStore``: every state
change is committed in its own short transaction, independent of the request's session, so
the intent is durable before the network call and survives whatever happens after it.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import select

from addin_server.cybersource import (
    CreateResult,
    CybersourceClient,
    CybersourceError,
    DuplicateInvoiceError,
    Invoice,
    InvoiceDraft,
    create_invoice_once,
    find_invoice,
)
from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.numbering import allocate_invoice_number
from addin_server.storage import Database, utcnow

# A number already taken at Cybersource (e.g. made in the Business Center with the same
# prefix) costs one fresh number; more than this many in a row means a misconfigured prefix.
MAX_NUMBER_COLLISIONS = 3
RECONCILE_AFTER = timedelta(minutes=2)


class DatabaseIntentStore:
    """Intent records for one merchant profile."""

    def __init__(self, db: Database, merchant_profile_id: str, user_id: int | None) -> None:
        self._db = db
        self._profile_id = merchant_profile_id
        self._user_id = user_id

    def record_intent(self, merchant_id: str, invoice_number: str, payload_digest: str) -> None:
        with self._db.session() as session:
            session.add(
                InvoiceRecord(
                    merchant_profile_id=self._profile_id,
                    invoice_number=invoice_number,
                    state=IntentState.PENDING,
                    payload_digest=payload_digest,
                    created_by_user_id=self._user_id,
                )
            )

    def mark_created(self, merchant_id: str, invoice_number: str, invoice: Invoice) -> None:
        self._update(
            invoice_number,
            state=IntentState.CREATED,
            cybersource_status=invoice.status.value,
            payment_link=invoice.payment_link,
            failure_reason=None,
        )

    def mark_failed(self, merchant_id: str, invoice_number: str, error: CybersourceError) -> None:
        reason = f"{error.reason or type(error).__name__}: {error.message}"
        self._update(invoice_number, state=IntentState.FAILED, failure_reason=reason[:300])

    def mark_missing(self, invoice_number: str) -> None:
        """Settle an intent whose number Cybersource does not know: the create never landed."""
        self._update(
            invoice_number,
            state=IntentState.FAILED,
            failure_reason="not found at Cybersource after an interrupted create",
        )

    def _update(self, invoice_number: str, **values: object) -> None:
        with self._db.session() as session:
            record = session.execute(
                select(InvoiceRecord).where(
                    InvoiceRecord.merchant_profile_id == self._profile_id,
                    InvoiceRecord.invoice_number == invoice_number,
                )
            ).scalar_one()
            for name, value in values.items():
                setattr(record, name, value)


def create_numbered_invoice(
    db: Database,
    client: CybersourceClient,
    *,
    merchant_profile_id: str,
    number_prefix: str,
    draft: InvoiceDraft,
    user_id: int | None,
) -> CreateResult:
    """Give ``draft`` the merchant's next number and create it exactly once.

    The draft's own ``invoice_number`` is ignored: numbers are always assigned here.
    """
    intents = DatabaseIntentStore(db, merchant_profile_id, user_id)

    def create_with_next_number() -> CreateResult:
        number = allocate_invoice_number(db, merchant_profile_id, number_prefix)
        return create_invoice_once(
            client, dataclasses.replace(draft, invoice_number=number), intents
        )

    for _collision in range(MAX_NUMBER_COLLISIONS):
        try:
            return create_with_next_number()
        except DuplicateInvoiceError:
            continue
    return create_with_next_number()  # the last try: a duplicate now is reported


def reconcile_pending(
    db: Database,
    client: CybersourceClient,
    merchant_profile_id: str,
    *,
    older_than: timedelta = RECONCILE_AFTER,
    now: datetime | None = None,
) -> list[InvoiceRecord]:
    """Settle intents left pending by a crash: created if Cybersource has the number,
    failed if it does not. Returns the records it settled."""
    cutoff = (now or utcnow()) - older_than
    with db.session() as session:
        pending = [
            record.invoice_number
            for record in session.execute(
                select(InvoiceRecord).where(
                    InvoiceRecord.merchant_profile_id == merchant_profile_id,
                    InvoiceRecord.state == IntentState.PENDING,
                    InvoiceRecord.created_at < cutoff,
                )
            ).scalars()
        ]
    # Look each number up outside any transaction: no lock is held across network calls.
    intents = DatabaseIntentStore(db, merchant_profile_id, user_id=None)
    for number in pending:
        invoice = find_invoice(client, number)
        if invoice is None:
            intents.mark_missing(number)
        else:
            intents.mark_created(client.merchant_id, number, invoice)
    with db.session() as session:
        return list(
            session.execute(
                select(InvoiceRecord).where(
                    InvoiceRecord.merchant_profile_id == merchant_profile_id,
                    InvoiceRecord.invoice_number.in_(pending),
                )
            ).scalars()
        )

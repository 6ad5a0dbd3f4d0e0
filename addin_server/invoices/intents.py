"""The database side of creating an invoice exactly once.

A request claims its ``Idempotency-Key`` by inserting the record (unique per tenant and key)
in its own committed transaction before any call to Cybersource. A record is later claimed
again (``take_over``) only through a conditional update on its ``attempt`` counter, so of two
requests (or two app instances) at most one ever holds it. ``DatabaseIntentStore`` writes
each state change in its own short transaction too, so the record is durable whatever
happens to the request after the network call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from addin_server.config import Settings
from addin_server.cybersource import (
    CybersourceClient,
    CybersourceError,
    Invoice,
    UpstreamUnavailableError,
    find_invoice,
)
from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.money import to_minor
from addin_server.invoices.numbering import number_in, unnumbered
from addin_server.storage import Database, utcnow

RECONCILE_AFTER = timedelta(minutes=5)  # longer than any in-flight create (see the lease)
_REASON_CHARS = 300


def in_flight_lease(settings: Settings) -> timedelta:
    """How long a ``creating`` record is presumed in flight: two creates and two look-ups
    at the configured timeouts. After that its request is presumed dead and taken over."""
    per_call = settings.cybersource_connect_timeout + settings.cybersource_read_timeout
    return timedelta(seconds=max(4 * per_call, 5.0))


def apply_invoice(record: InvoiceRecord, invoice: Invoice) -> None:
    """What Cybersource says about the invoice, onto our record."""
    record.cybersource_status = invoice.status.value
    record.payment_link = invoice.payment_link
    if invoice.currency == record.currency:
        record.balance_minor = to_minor(invoice.balance_amount, record.currency)


def insert_claim(db: Database, record: InvoiceRecord, prefix: str) -> bool:
    """Insert the record, then give it the merchant's next number, in one committed
    transaction; False if its key was claimed first by someone else.

    The number is taken last: creates at one merchant queue on the counter's row lock only
    for two short statements and the commit, and a request that loses the race for its key
    fails at the insert, before it takes a number (so racing requests use up none)."""
    record.invoice_number = unnumbered()
    try:
        with db.session() as session:
            session.add(record)
            session.flush()
            number_in(session, record, prefix)
    except IntegrityError:
        return False
    return True


def take_over(db: Database, record: InvoiceRecord) -> bool:
    """Claim a record seen at ``record.attempt`` for a new try; False if someone else did."""
    now = utcnow()
    with db.session() as session:
        claimed = session.execute(
            update(InvoiceRecord)
            .where(InvoiceRecord.id == record.id, InvoiceRecord.attempt == record.attempt)
            .values(state=IntentState.CREATING, attempt=InvoiceRecord.attempt + 1, updated_at=now)
        )
        won = bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
    if won:
        record.attempt += 1
        record.state = IntentState.CREATING
        record.updated_at = now
    return won


class DatabaseIntentStore:
    """The Cybersource client's ``IntentStore`` for one claimed record (``record``: as this
    request last saved it; an intent it already holds is not written again)."""

    def __init__(self, db: Database, record: InvoiceRecord) -> None:
        self._db = db
        self._record_id = record.id
        self._currency = record.currency
        self._saved = (record.invoice_number, record.payload_digest)

    def record_intent(self, merchant_id: str, invoice_number: str, payload_digest: str) -> None:
        if (invoice_number, payload_digest) != self._saved:
            self._update(invoice_number=invoice_number, payload_digest=payload_digest)
            self._saved = (invoice_number, payload_digest)

    def mark_created(self, merchant_id: str, invoice_number: str, invoice: Invoice) -> None:
        values: dict[str, object] = {
            "state": IntentState.CREATED,
            "failure_reason": None,
            "cybersource_status": invoice.status.value,
            "payment_link": invoice.payment_link,
        }
        if invoice.currency == self._currency:
            values["balance_minor"] = to_minor(invoice.balance_amount, self._currency)
        self._update(**values)

    def mark_failed(self, merchant_id: str, invoice_number: str, error: CybersourceError) -> None:
        self._update(state=IntentState.FAILED, failure_reason=_reason(error))

    def mark_unknown(self, merchant_id: str, invoice_number: str, error: CybersourceError) -> None:
        self._update(state=IntentState.UNKNOWN, failure_reason=_reason(error))

    def mark_missing(self) -> None:
        """Cybersource does not know the number long after the last try: never created."""
        self._update(
            state=IntentState.FAILED,
            failure_reason="not found at Cybersource after an interrupted create",
        )

    def _update(self, **values: object) -> None:
        with self._db.session() as session:
            session.execute(
                update(InvoiceRecord).where(InvoiceRecord.id == self._record_id).values(**values)
            )


def _reason(error: CybersourceError) -> str:
    return f"{error.reason or type(error).__name__}: {error.message}"[:_REASON_CHARS]


def settle(
    db: Database, client: CybersourceClient, record: InvoiceRecord, *, settled_after: timedelta
) -> bool:
    """Look an unsettled record's number up: created if Cybersource has it; failed if it does
    not and the last try is older than ``settled_after``. True if the record is now settled.
    Raises ``UpstreamUnavailableError`` if Cybersource cannot tell."""
    intents = DatabaseIntentStore(db, record)
    invoice = find_invoice(client, record.invoice_number)
    if invoice is not None:
        intents.mark_created(client.merchant_id, record.invoice_number, invoice)
        return True
    if record.updated_at < utcnow() - settled_after:
        intents.mark_missing()
        return True
    return False


def reconcile_pending(
    db: Database,
    client: CybersourceClient,
    merchant_profile_id: str,
    *,
    older_than: timedelta = RECONCILE_AFTER,
    now: datetime | None = None,
) -> list[InvoiceRecord]:
    """Settle the profile's records a crash left ``creating`` or a lost answer ``unknown``:
    created if Cybersource has the number, failed if it still does not. Returns the records
    it settled; a record Cybersource cannot be asked about now stays for the next run."""
    cutoff = (now or utcnow()) - older_than
    with db.session() as session:
        unsettled = session.scalars(
            select(InvoiceRecord).where(
                InvoiceRecord.merchant_profile_id == merchant_profile_id,
                InvoiceRecord.state.in_([IntentState.CREATING, IntentState.UNKNOWN]),
                InvoiceRecord.updated_at < cutoff,
            )
        ).all()
    settled: list[int] = []
    # Look each number up outside any transaction: no lock is held across network calls.
    for record in unsettled:
        try:
            if settle(db, client, record, settled_after=timedelta(0)):
                settled.append(record.id)
        except UpstreamUnavailableError:
            continue
    with db.session() as session:
        return list(
            session.scalars(
                select(InvoiceRecord)
                .where(InvoiceRecord.id.in_(settled))
                .order_by(InvoiceRecord.id)
            )
        )

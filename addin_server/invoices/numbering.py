"""Invoice numbers the add-in assigns itself: ``<prefix><sequence>``, unique per merchant.

Assigning the number before the create call is what makes a lost answer recoverable: the
number is the key to look the invoice up at Cybersource (it is the ``{id}`` of every path).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Update, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addin_server.invoices.models import InvoiceNumberCounter, InvoiceRecord
from addin_server.storage import Database

SEQUENCE_DIGITS = 6
MAX_INVOICE_NUMBER_CHARS = 26  # Cybersource's invoice id length limit


def format_invoice_number(prefix: str, value: int) -> str:
    number = f"{prefix}{value:0{SEQUENCE_DIGITS}d}"
    if len(number) > MAX_INVOICE_NUMBER_CHARS:
        raise ValueError(f"invoice number {number!r} exceeds {MAX_INVOICE_NUMBER_CHARS} characters")
    return number


def _increment(merchant_profile_id: str) -> Update:
    return (
        update(InvoiceNumberCounter)
        .where(InvoiceNumberCounter.merchant_profile_id == merchant_profile_id)
        .values(last_value=InvoiceNumberCounter.last_value + 1)
        .returning(InvoiceNumberCounter.last_value)
    )


def next_number_in(session: Session, merchant_profile_id: str, prefix: str) -> str | None:
    """The merchant's next number, taken in the caller's transaction (given back if it rolls
    back); ``None`` while the merchant has no counter yet (``allocate_invoice_number`` makes
    it)."""
    value = session.execute(_increment(merchant_profile_id)).scalar_one_or_none()
    return None if value is None else format_invoice_number(prefix, value)


def number_record(
    db: Database, record: InvoiceRecord, prefix: str, digest_of: Callable[[str], str]
) -> None:
    """Give a claimed record the merchant's next number, and the digest of the body it will
    be sent in, in one committed transaction (before it is sent)."""
    with db.session() as session:
        number = next_number_in(session, record.merchant_profile_id, prefix)
        if number is not None:
            record.invoice_number = number
            record.payload_digest = digest_of(number)
            session.execute(
                update(InvoiceRecord)
                .where(InvoiceRecord.id == record.id)
                .values(invoice_number=number, payload_digest=record.payload_digest)
            )
    if number is None:  # the merchant's first invoice: make its counter, then number
        create_counter(db, record.merchant_profile_id)
        number_record(db, record, prefix, digest_of)


def create_counter(db: Database, merchant_profile_id: str) -> None:
    """Start the merchant's counter at zero, unless another worker just did."""
    try:
        with db.session() as session:
            session.add(InvoiceNumberCounter(merchant_profile_id=merchant_profile_id))
    except IntegrityError:
        pass


def allocate_invoice_number(db: Database, merchant_profile_id: str, prefix: str) -> str:
    """The next number for this merchant, in its own committed transaction.

    The increment is a single ``UPDATE ... RETURNING`` (atomic on SQLite and PostgreSQL), so
    concurrent workers never receive the same number; a number handed out and then not used
    (the create failed) is simply skipped, as accounting systems do.
    """
    for _attempt in range(2):
        with db.session() as session:
            number = next_number_in(session, merchant_profile_id, prefix)
        if number is not None:
            return number
        create_counter(db, merchant_profile_id)
    raise RuntimeError(f"could not allocate an invoice number for {merchant_profile_id}")

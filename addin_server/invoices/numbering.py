"""Invoice numbers the add-in assigns itself: ``<prefix><sequence>``, unique per merchant.

Assigning the number before the create call is what makes a lost answer recoverable: the
number is the key to look the invoice up at Cybersource (it is the ``{id}`` of every path).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Update, update
from sqlalchemy.exc import IntegrityError

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


def number_record(
    db: Database, record: InvoiceRecord, prefix: str, digest_of: Callable[[str], str]
) -> None:
    """Give the record the merchant's next number, and the digest of the body it will be
    sent in, in one committed transaction (before it is sent)."""
    with db.session() as session:
        value = session.execute(_increment(record.merchant_profile_id)).scalar_one_or_none()
        number = None if value is None else format_invoice_number(prefix, value)
        if number is not None:
            _save_number(session.execute, record, number, digest_of(number))
    if number is None:  # the merchant's first invoice: the counter is made on the way
        number = allocate_invoice_number(db, record.merchant_profile_id, prefix)
        with db.session() as session:
            _save_number(session.execute, record, number, digest_of(number))


def _save_number(
    execute: Callable[[Update], object], record: InvoiceRecord, number: str, digest: str
) -> None:
    execute(
        update(InvoiceRecord)
        .where(InvoiceRecord.id == record.id)
        .values(invoice_number=number, payload_digest=digest)
    )
    record.invoice_number = number
    record.payload_digest = digest


def allocate_invoice_number(db: Database, merchant_profile_id: str, prefix: str) -> str:
    """The next number for this merchant, in its own committed transaction.

    The increment is a single ``UPDATE ... RETURNING`` (atomic on SQLite and PostgreSQL), so
    concurrent workers never receive the same number; a number handed out and then not used
    (the create failed) is simply skipped, as accounting systems do.
    """
    increment = _increment(merchant_profile_id)
    for _attempt in range(2):
        with db.session() as session:
            value = session.execute(increment).scalar_one_or_none()
            if value is not None:
                return format_invoice_number(prefix, value)
        try:
            with db.session() as session:
                session.add(InvoiceNumberCounter(merchant_profile_id=merchant_profile_id))
        except IntegrityError:
            pass  # another worker created the counter first: increment it on the next pass
    raise RuntimeError(f"could not allocate an invoice number for {merchant_profile_id}")

"""Invoice numbers the add-in assigns itself: ``<prefix><sequence>``, unique per merchant.

Assigning the number before the create call is what makes a lost answer recoverable: the
number is the key to look the invoice up at Cybersource (it is the ``{id}`` of every path).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from addin_server.invoices.models import InvoiceNumberCounter, InvoiceRecord
from addin_server.storage import Database

SEQUENCE_DIGITS = 6
MAX_INVOICE_NUMBER_CHARS = 26  # Cybersource's invoice id length limit
# A claim is inserted before it takes its number (see ``claim_and_number``): until then, in
# the same uncommitted transaction, it holds a placeholder no prefix can produce.
_UNNUMBERED = "~"
# ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: the same construct on both databases.
_UPSERTS: dict[str, Callable[[type[InvoiceNumberCounter]], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def format_invoice_number(prefix: str, value: int) -> str:
    number = f"{prefix}{value:0{SEQUENCE_DIGITS}d}"
    if len(number) > MAX_INVOICE_NUMBER_CHARS:
        raise ValueError(f"invoice number {number!r} exceeds {MAX_INVOICE_NUMBER_CHARS} characters")
    return number


def unnumbered() -> str:
    return _UNNUMBERED + secrets.token_hex(12)


def next_number_in(session: Session, merchant_profile_id: str, prefix: str) -> str:
    """The merchant's next number, taken in the caller's transaction (given back if it rolls
    back). One statement, atomic on both databases; it makes the merchant's counter on its
    first invoice. Holds the counter's row lock until the caller's commit."""
    upsert = _UPSERTS[session.get_bind().dialect.name](InvoiceNumberCounter)
    statement = (
        upsert.values(merchant_profile_id=merchant_profile_id, last_value=1)
        .on_conflict_do_update(
            index_elements=[InvoiceNumberCounter.merchant_profile_id],
            set_={"last_value": InvoiceNumberCounter.last_value + 1},
        )
        .returning(InvoiceNumberCounter.last_value)
    )
    return format_invoice_number(prefix, session.execute(statement).scalar_one())


def number_in(session: Session, record: InvoiceRecord, prefix: str) -> None:
    """Give a record already in the database the merchant's next number, in the caller's
    transaction, by a plain UPDATE (no flush of the whole object while the counter is
    locked)."""
    number = next_number_in(session, record.merchant_profile_id, prefix)
    session.execute(
        update(InvoiceRecord).where(InvoiceRecord.id == record.id).values(invoice_number=number)
    )
    set_committed_value(record, "invoice_number", number)


def number_record(db: Database, record: InvoiceRecord, prefix: str) -> None:
    """Give a claimed record the merchant's next number, committed before it is sent."""
    with db.session() as session:
        number_in(session, record, prefix)


def allocate_invoice_number(db: Database, merchant_profile_id: str, prefix: str) -> str:
    """The next number for this merchant, in its own committed transaction.

    Concurrent workers never receive the same number; a number handed out and then not used
    (the create failed) is simply skipped, as accounting systems do.
    """
    with db.session() as session:
        return next_number_in(session, merchant_profile_id, prefix)

"""Invoice numbers the add-in assigns itself: ``<prefix><sequence>``, unique per merchant.

Assigning the number before the create call is what makes a lost answer recoverable: the
number is the key to look the invoice up at Cybersource (it is the ``{id}`` of every path).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from addin_server.invoices.models import InvoiceNumberCounter
from addin_server.storage import Database

SEQUENCE_DIGITS = 6
MAX_INVOICE_NUMBER_CHARS = 26  # Cybersource's invoice id length limit


def format_invoice_number(prefix: str, value: int) -> str:
    number = f"{prefix}{value:0{SEQUENCE_DIGITS}d}"
    if len(number) > MAX_INVOICE_NUMBER_CHARS:
        raise ValueError(f"invoice number {number!r} exceeds {MAX_INVOICE_NUMBER_CHARS} characters")
    return number


def allocate_invoice_number(db: Database, merchant_profile_id: str, prefix: str) -> str:
    """The next number for this merchant, in its own committed transaction.

    The increment is a single ``UPDATE ... RETURNING`` (atomic on SQLite and PostgreSQL), so
    concurrent workers never receive the same number; a number handed out and then not used
    (the create failed) is simply skipped, as accounting systems do.
    """
    increment = (
        update(InvoiceNumberCounter)
        .where(InvoiceNumberCounter.merchant_profile_id == merchant_profile_id)
        .values(last_value=InvoiceNumberCounter.last_value + 1)
        .returning(InvoiceNumberCounter.last_value)
    )
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

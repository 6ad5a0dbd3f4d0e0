"""Status news about an invoice from outside a request (webhooks, reconciliation).

News can arrive late, twice, or out of order (a ``paid`` before the ``send`` it follows), so
a status only ever moves forward: ``DRAFT < CREATED < SENT < PARTIAL < PAID``, ``CANCELED``
final too. Within PARTIAL the balance only goes down. A re-read from Cybersource (refresh,
reconciliation) is the truth of that moment and goes through ``apply_invoice`` instead.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.money import has_valid_places, to_minor

STATUS_RANK = {"DRAFT": 0, "CREATED": 1, "PENDING": 2, "SENT": 2, "PARTIAL": 3, "PAID": 4}
FINAL_STATUSES = frozenset({"PAID", "CANCELED"})


def record_by_number(
    session: Session, merchant_profile_id: str, invoice_number: str
) -> InvoiceRecord | None:
    return session.scalar(
        select(InvoiceRecord).where(
            InvoiceRecord.merchant_profile_id == merchant_profile_id,
            InvoiceRecord.invoice_number == invoice_number,
        )
    )


def _balance_minor(balance: str | None, currency: str) -> int | None:
    if balance is None or balance == "":
        return None
    try:
        amount = Decimal(balance)
    except InvalidOperation:
        return None
    if amount < 0 or not has_valid_places(amount, currency):
        return None
    return to_minor(amount, currency)


def moves_forward(current: str | None, new: str) -> bool:
    """Whether ``new`` is news compared with ``current`` (never back from a final status)."""
    if current in FINAL_STATUSES:
        return False
    if new == "CANCELED":
        return current not in ("PARTIAL",)
    return STATUS_RANK.get(new, -1) >= STATUS_RANK.get(current or "", -1)


def apply_status_news(
    record: InvoiceRecord, status: str, balance: str | None = None, payment_link: str = ""
) -> bool:
    """Apply ``status`` (and the balance still owed) to ``record`` if it moves it forward;
    the caller commits. True if anything changed."""
    if record.state not in (IntentState.CREATED, IntentState.UNKNOWN):
        return False
    if not moves_forward(record.cybersource_status, status):
        return False
    changed = record.cybersource_status != status
    record.cybersource_status = status
    if record.state == IntentState.UNKNOWN:  # Cybersource sends news only of what it has
        record.state = IntentState.CREATED
        changed = True
    minor = 0 if status == "PAID" else _balance_minor(balance, record.currency)
    if minor is not None and minor < record.balance_minor:
        record.balance_minor = minor
        changed = True
    if payment_link and not record.payment_link:
        record.payment_link = payment_link
        changed = True
    return changed

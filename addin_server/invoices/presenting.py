"""An invoice record as the API shows it: amounts as strings, what is allowed, what is next.

What each Cybersource status allows (notes §2.3): publish only a DRAFT; send (or re-send)
DRAFT, CREATED, SENT and PARTIAL; update and cancel until a payment arrives (DRAFT, CREATED,
SENT); refresh always, once Cybersource has the invoice (or may have it: ``unknown``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.money import format_minor

_UNPAID = ("DRAFT", "CREATED", "SENT")
ALLOWED_BY_STATUS: dict[str, tuple[str, ...]] = {
    "DRAFT": ("send", "publish", "cancel", "update", "refresh"),
    "CREATED": ("send", "cancel", "update", "refresh"),
    "SENT": ("send", "cancel", "update", "refresh"),
    "PARTIAL": ("send", "refresh"),
    "PAID": ("refresh",),
    "CANCELED": ("refresh",),
    "PENDING": ("refresh",),
}
OPEN_STATUSES = ("CREATED", "SENT", "PARTIAL")  # published and not fully paid
PAID_STATUSES = ("PARTIAL", "PAID")


def allowed_actions(record: InvoiceRecord) -> tuple[str, ...]:
    if record.state == IntentState.UNKNOWN:
        return ("refresh",)
    if record.state != IntentState.CREATED:
        return ()
    return ALLOWED_BY_STATUS.get(record.cybersource_status or "", ("refresh",))


def is_overdue(record: InvoiceRecord, today: date | None = None) -> bool:
    return (
        record.cybersource_status in OPEN_STATUSES
        and record.due_date is not None
        and record.due_date < (today or date.today())
    )


def next_step(record: InvoiceRecord) -> str:
    """What happens next, for the person looking at the pane."""
    if record.state == IntentState.CREATING:
        return "Being created at Cybersource; this takes a few seconds."
    if record.state == IntentState.UNKNOWN:
        return (
            "Cybersource has not confirmed this invoice yet. It is checked again "
            "automatically; refresh in a minute. Do not create it again."
        )
    if record.state == IntentState.FAILED:
        why = record.failure_reason or "Cybersource refused it"
        return f"Not created: {why}. Fix it and create it again."
    return _status_step(record)


def _status_step(record: InvoiceRecord) -> str:
    who = record.customer_email or record.customer_name or "the customer"
    status = record.cybersource_status
    balance = f"{format_minor(record.balance_minor, record.currency)} {record.currency}"
    steps = {
        "DRAFT": (
            f"Saved as a draft; nothing was emailed. Send it to email it to {who}."
            if record.mode == "deliverable_draft"
            else "Saved as a draft; nothing was emailed and there is no payment link yet. "
            "Publish it to get a link, or send it."
        ),
        "CREATED": f"Published without email. Share the payment link with {who}.",
        "SENT": f"Emailed to {who}. You will see here when it is paid.",
        "PARTIAL": f"Partly paid: {balance} still owed.",
        "PAID": "Paid in full.",
        "CANCELED": "Canceled; the payment link no longer works.",
        "PENDING": "A payment is waiting for review at Cybersource.",
    }
    return steps.get(status or "", "Refresh to see what Cybersource says about it.")


def _money_or_none(value: int | None, currency: str) -> str | None:
    return None if value is None else format_minor(value, currency)


def present(record: InvoiceRecord) -> dict[str, Any]:
    """The one response shape of every invoice route."""
    source = None
    if any(
        (record.source_item_id, record.source_conversation_id, record.source_internet_message_id)
    ):
        source = {
            "item_id": record.source_item_id or "",
            "conversation_id": record.source_conversation_id or "",
            "internet_message_id": record.source_internet_message_id or "",
            "subject": record.source_subject or "",
        }
    created = record.state == IntentState.CREATED
    return {
        "id": record.public_id,
        "merchant_profile_id": record.merchant_profile_id,
        "number": record.invoice_number,
        "state": record.state,
        "status": record.cybersource_status if created else None,
        "mode": record.mode,
        "customer": {
            "name": record.customer_name,
            "email": record.customer_email,
            "company": record.customer_company,
            "address": record.customer_address,
        },
        "description": record.description,
        "line_items": record.line_items,
        "currency": record.currency,
        "total": format_minor(record.total_minor, record.currency),
        "balance": format_minor(record.balance_minor, record.currency),
        "due_date": record.due_date.isoformat() if record.due_date else None,
        "overdue": is_overdue(record),
        "allow_partial_payments": record.allow_partial_payments,
        "minimum_partial_amount": _money_or_none(record.minimum_partial_minor, record.currency),
        "payment_link": record.payment_link,
        "next_step": next_step(record),
        "allowed_actions": list(allowed_actions(record)),
        "warning": record.warning,
        "source_email": source,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }

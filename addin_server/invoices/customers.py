"""``GET /customers/<email>/invoices``: one customer's invoices in the caller's tenant, what
they still owe per currency, and which invoices came from the email open in Outlook.

Totals, per currency, over invoices Cybersource has (state ``created``):
``open`` = balance of published, unpaid or partly paid ones (CREATED, SENT, PARTIAL);
``overdue`` = the part of ``open`` whose due date has passed; ``paid`` = total - balance of
PARTIAL and PAID ones. Drafts and canceled invoices owe nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.money import format_minor
from addin_server.invoices.presenting import OPEN_STATUSES, PAID_STATUSES
from addin_server.invoices.service import InvoiceContext

MAX_INVOICES = 100
SOURCE_COLUMNS = {
    "internet_message_id": InvoiceRecord.source_internet_message_id,
    "conversation_id": InvoiceRecord.source_conversation_id,
    "item_id": InvoiceRecord.source_item_id,
}


def customer_invoices(ctx: InvoiceContext, email: str, source: Mapping[str, str]) -> dict[str, Any]:
    ctx.caller.ensure_member()
    email = email.strip().lower()
    mine = and_(
        InvoiceRecord.tenant_id == ctx.caller.tenant_id,
        InvoiceRecord.state != IntentState.FAILED,
    )
    invoices = ctx.session.scalars(
        select(InvoiceRecord)
        .where(mine, InvoiceRecord.customer_email == email)
        .order_by(InvoiceRecord.created_at.desc(), InvoiceRecord.id.desc())
        .limit(MAX_INVOICES)
    ).all()
    return {
        "customer_email": email,
        "invoices": invoices,
        "totals": _totals(ctx, email),
        "this_email": _from_email(ctx, mine, source),
    }


def _totals(ctx: InvoiceContext, email: str, today: date | None = None) -> list[dict[str, str]]:
    status = InvoiceRecord.cybersource_status
    is_open = status.in_(OPEN_STATUSES)
    overdue = and_(is_open, InvoiceRecord.due_date < (today or date.today()))
    rows = ctx.session.execute(
        select(
            InvoiceRecord.currency,
            func.sum(case((is_open, InvoiceRecord.balance_minor), else_=0)),
            func.sum(case((overdue, InvoiceRecord.balance_minor), else_=0)),
            func.sum(
                case(
                    (
                        status.in_(PAID_STATUSES),
                        InvoiceRecord.total_minor - InvoiceRecord.balance_minor,
                    ),
                    else_=0,
                )
            ),
        )
        .where(
            InvoiceRecord.tenant_id == ctx.caller.tenant_id,
            InvoiceRecord.state == IntentState.CREATED,
            InvoiceRecord.customer_email == email,
        )
        .group_by(InvoiceRecord.currency)
        .order_by(InvoiceRecord.currency)
    ).all()
    return [
        {
            "currency": currency,
            "open": format_minor(int(open_ or 0), currency),
            "overdue": format_minor(int(late or 0), currency),
            "paid": format_minor(int(paid or 0), currency),
        }
        for currency, open_, late, paid in rows
    ]


def _from_email(ctx: InvoiceContext, mine: Any, source: Mapping[str, str]) -> Sequence[str]:
    """Ids of the tenant's invoices created from the given email (any of its ids matches)."""
    matches = [SOURCE_COLUMNS[name] == value for name, value in source.items() if value]
    if not matches:
        return []
    return ctx.session.scalars(
        select(InvoiceRecord.public_id)
        .where(mine, or_(*matches))
        .order_by(InvoiceRecord.created_at.desc(), InvoiceRecord.id.desc())
        .limit(MAX_INVOICES)
    ).all()

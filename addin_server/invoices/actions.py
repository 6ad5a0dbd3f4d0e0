"""Reading and acting on invoices of the caller's tenant: list, send, publish, cancel,
refresh, update. An action the record's status forbids is refused (409) before any call;
one Cybersource forbids anyway (its status moved, e.g. paid meanwhile) is a 409 too, and
the record is refreshed so the pane sees why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select

from addin_server.audit import AuditAction
from addin_server.cybersource import (
    ActionNotAllowedError,
    CreationMode,
    CybersourceClient,
    CybersourceError,
    Invoice,
)
from addin_server.invoices.intents import (
    DatabaseIntentStore,
    apply_invoice,
    in_flight_lease,
    settle,
)
from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.presenting import allowed_actions
from addin_server.invoices.service import (
    MODE_TO_CREATION,
    InvoiceContext,
    apply_fields,
    check_total,
    draft_of,
    profile_of,
    record_for,
)
from addin_server.invoices.upstream import action_not_allowed

Call = Callable[[CybersourceClient, InvoiceRecord], Invoice]

ACTIONS: dict[str, tuple[Call, AuditAction]] = {
    "send": (lambda c, r: c.invoices.send(r.invoice_number), AuditAction.INVOICE_SENT),
    "publish": (lambda c, r: c.invoices.publish(r.invoice_number), AuditAction.INVOICE_PUBLISHED),
    "cancel": (lambda c, r: c.invoices.cancel(r.invoice_number), AuditAction.INVOICE_CANCELLED),
    "refresh": (lambda c, r: c.invoices.get(r.invoice_number), AuditAction.INVOICE_REFRESHED),
}
_WHY = {
    "creating": "it is still being created",
    "failed": "it was never created",
}


def list_invoices(ctx: InvoiceContext, query: Mapping[str, Any]) -> dict[str, Any]:
    """The tenant's invoices (not failed attempts), newest first, filtered and paged."""
    ctx.caller.ensure_member()
    conditions = [
        InvoiceRecord.tenant_id == ctx.caller.tenant_id,
        InvoiceRecord.state != IntentState.FAILED,
    ]
    if query.get("customer_email"):
        conditions.append(InvoiceRecord.customer_email == query["customer_email"].lower())
    if query.get("status"):
        conditions.append(InvoiceRecord.cybersource_status == query["status"])
    if query.get("merchant"):
        conditions.append(InvoiceRecord.merchant_profile_id == query["merchant"])
    total = ctx.session.scalar(select(func.count()).select_from(InvoiceRecord).where(*conditions))
    items = ctx.session.scalars(
        select(InvoiceRecord)
        .where(*conditions)
        .order_by(InvoiceRecord.created_at.desc(), InvoiceRecord.id.desc())
        .limit(query["limit"])
        .offset(query["offset"])
    ).all()
    return {"items": items, "total": total or 0, "limit": query["limit"], "offset": query["offset"]}


def _refusal(record: InvoiceRecord, action: str) -> str:
    what = _WHY.get(record.state) or f"its status is {record.cybersource_status}"
    return f"This invoice cannot be {_past(action)} because {what}."


def _past(action: str) -> str:
    return {"send": "sent", "publish": "published", "cancel": "canceled"}.get(
        action, f"{action}d" if action.endswith("e") else f"{action}ed"
    )


def ensure_allowed(ctx: InvoiceContext, record: InvoiceRecord, action: str) -> None:
    if action not in allowed_actions(record):
        ctx.audit(AuditAction.INVOICE_ACTION_FAILED, record, action=action, outcome="refused")
        raise action_not_allowed(_refusal(record, action))


def perform(ctx: InvoiceContext, public_id: str, action: str) -> InvoiceRecord:
    """send | publish | cancel | refresh; the record with what Cybersource answered."""
    record = record_for(ctx.session, ctx.caller, public_id)
    ensure_allowed(ctx, record, action)
    if record.state == IntentState.UNKNOWN:
        return _settle_unknown(ctx, record)
    call, audit_action = ACTIONS[action]
    return _call(ctx, record, action, audit_action, lambda client: call(client, record))


def _call(
    ctx: InvoiceContext,
    record: InvoiceRecord,
    action: str,
    audit_action: AuditAction,
    call: Callable[[CybersourceClient], Invoice],
) -> InvoiceRecord:
    with ctx.client(profile_of(ctx.session, record)) as client:
        try:
            invoice = call(client)
        except ActionNotAllowedError as error:
            _resync(ctx, client, record)
            raise ctx.fail(AuditAction.INVOICE_ACTION_FAILED, record, error) from error
        except CybersourceError as error:
            raise ctx.fail(AuditAction.INVOICE_ACTION_FAILED, record, error) from error
    apply_invoice(record, invoice)
    if action == "send":
        record.warning = None
    ctx.audit(audit_action, record, outcome="done", status=record.cybersource_status)
    return record


def _resync(ctx: InvoiceContext, client: CybersourceClient, record: InvoiceRecord) -> None:
    """After a refusal, keep the status Cybersource reports (best effort, own transaction:
    the request's is rolled back with the failure)."""
    try:
        invoice = client.invoices.get(record.invoice_number)
    except CybersourceError:
        return
    DatabaseIntentStore(ctx.db, record).mark_created(
        client.merchant_id, record.invoice_number, invoice
    )


def _settle_unknown(ctx: InvoiceContext, record: InvoiceRecord) -> InvoiceRecord:
    """Refresh of an ``unknown`` record: look its number up (never create it here)."""
    with ctx.client(profile_of(ctx.session, record)) as client:
        try:
            settle(ctx.db, client, record, settled_after=in_flight_lease(ctx.settings))
        except CybersourceError as error:
            raise ctx.fail(AuditAction.INVOICE_ACTION_FAILED, record, error) from error
    settled = record_for(ctx.session, ctx.caller, record.public_id)
    ctx.audit(AuditAction.INVOICE_REFRESHED, settled, outcome=settled.state)
    return settled


def update_invoice(ctx: InvoiceContext, public_id: str, data: Mapping[str, Any]) -> InvoiceRecord:
    """Full replacement until a payment arrives; the number and mode stay."""
    record = record_for(ctx.session, ctx.caller, public_id)
    ensure_allowed(ctx, record, "update")
    check_total(data)
    apply_fields(record, data)
    by_email = MODE_TO_CREATION[record.mode].delivery_mode == "email"
    published = record.cybersource_status != "DRAFT"
    draft = draft_of(record, CreationMode.from_flags(published, "email" if by_email else "none"))
    number = record.invoice_number
    return _call(
        ctx,
        record,
        "update",
        AuditAction.INVOICE_UPDATED,
        lambda client: client.invoices.update(number, draft),
    )

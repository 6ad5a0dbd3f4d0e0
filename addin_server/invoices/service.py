"""What creation and the actions share: the caller's context, finding a record in the
caller's tenant, the draft Cybersource gets from a record, and turning failures into
problems (audited, credentials flagged) in one place.

The service functions commit the request's session (the audit event with the change);
routes never do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from addin_server.audit import record_event
from addin_server.caller import CurrentUser
from addin_server.config import Settings
from addin_server.cybersource import (
    AuthenticationFailedError,
    CreationMode,
    Customer,
    CybersourceClient,
    CybersourceError,
    InvoiceDraft,
    LineItem,
    Transport,
)
from addin_server.invoices.models import InvoiceRecord
from addin_server.invoices.money import format_minor, to_minor
from addin_server.invoices.upstream import to_raise
from addin_server.merchants import MerchantProfile, client_for, transport_for
from addin_server.problems import ApiProblem, FieldError
from addin_server.storage import Database

TARGET_TYPE = "invoice"
TRANSPORT_KEY = "addin.invoices.transport"
MODE_TO_CREATION = {
    "draft": CreationMode.DRAFT,
    "deliverable_draft": CreationMode.DELIVERABLE_DRAFT,
    "send": CreationMode.CREATE_AND_SEND,
    "publish": CreationMode.CREATE_WITHOUT_SENDING,
}


def shared_transport(app: Flask, settings: Settings) -> Transport:
    """One transport per app: connections to Cybersource are reused across requests."""
    transport = app.extensions.get(TRANSPORT_KEY)
    if transport is None:
        transport = app.extensions.setdefault(TRANSPORT_KEY, transport_for(settings))
    assert isinstance(transport, Transport)
    return transport


@dataclass(frozen=True)
class InvoiceContext:
    """Who is asking, through which session, against which database and settings."""

    session: Session
    db: Database
    settings: Settings
    caller: CurrentUser
    transport: Transport | None = None

    @contextmanager
    def client(self, profile: MerchantProfile) -> Iterator[CybersourceClient]:
        with client_for(profile, self.settings, transport=self.transport) as client:
            yield client

    def audit(self, event: str, record: InvoiceRecord, **details: Any) -> None:
        """Record the event with what it describes and commit (the service's commit)."""
        details = {"number": record.invoice_number, **details}
        record_event(self.session, self.caller, event, TARGET_TYPE, record.public_id, details)
        self.session.commit()

    def fail(self, action: str, record: InvoiceRecord, error: CybersourceError) -> Exception:
        """Audit a failed call, flag rejected credentials; the error to raise (the problem
        handler answers it)."""
        self.session.rollback()
        if isinstance(error, AuthenticationFailedError):
            self.session.execute(
                update(MerchantProfile)
                .where(MerchantProfile.id == record.merchant_profile_id)
                .values(needs_reverification=True)
            )
        self.audit(action, record, outcome="failed", reason=error.reason or type(error).__name__)
        return to_raise(error)


def record_for(session: Session, caller: CurrentUser, public_id: str) -> InvoiceRecord:
    """A record of the caller's tenant (404 otherwise), read afresh."""
    caller.ensure_member()
    record = session.scalars(
        select(InvoiceRecord)
        .where(InvoiceRecord.public_id == public_id, InvoiceRecord.tenant_id == caller.tenant_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if record is None:
        raise ApiProblem(404, "No such invoice.")
    return record


def profile_of(session: Session, record: InvoiceRecord) -> MerchantProfile:
    return session.get_one(MerchantProfile, record.merchant_profile_id)


# --- Between our fields, our record and Cybersource's draft ---------------------------------


def _money(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else format_minor(to_minor(value, currency), currency)


def _stored_line_item(item: Mapping[str, Any], currency: str) -> dict[str, Any]:
    return {
        "name": item["name"],
        "quantity": item["quantity"],
        "unit_price": _money(item["unit_price"], currency),
        "sku": item.get("sku") or "",
        "tax_amount": _money(item.get("tax_amount"), currency),
        "discount_amount": _money(item.get("discount_amount"), currency),
    }


def line_total_minor(item: Mapping[str, Any], currency: str) -> int:
    """quantity x unit price - discount + tax, in minor units (the documented total rule)."""
    discount = item.get("discount_amount") or Decimal(0)
    tax = item.get("tax_amount") or Decimal(0)
    return to_minor(item["unit_price"] * item["quantity"] - discount + tax, currency)


def check_total(data: Mapping[str, Any]) -> None:
    """422 naming ``total`` unless it is the items' sum in the currency's minor units."""
    currency = data["currency"]
    expected = sum(line_total_minor(item, currency) for item in data["line_items"])
    if to_minor(data["total"], currency) != expected:
        ours = format_minor(expected, currency)
        raise ApiProblem(
            422,
            f"The total is not the sum of the line items ({ours} {currency}).",
            title="Total does not add up",
            problem_type="/problems/total-mismatch",
            errors=[
                FieldError(
                    "total",
                    f"Must be {ours}: quantity x unit_price - discount_amount + tax_amount "
                    "summed over the line items.",
                )
            ],
        )


def apply_fields(record: InvoiceRecord, data: Mapping[str, Any]) -> None:
    """Our body's fields onto the record (create, and PUT's full replacement)."""
    currency = data["currency"]
    customer = data["customer"]
    source = data.get("source_email") or {}
    record.customer_name = customer["name"]
    record.customer_email = (customer.get("email") or "").lower()
    record.customer_company = customer.get("company") or ""
    record.customer_address = customer.get("address")
    record.description = data["description"]
    record.line_items = [_stored_line_item(item, currency) for item in data["line_items"]]
    record.currency = currency
    record.total_minor = record.balance_minor = to_minor(data["total"], currency)
    record.due_date = data["due_date"]
    record.allow_partial_payments = data["allow_partial_payments"]
    minimum = data.get("minimum_partial_amount")
    record.minimum_partial_minor = None if minimum is None else to_minor(minimum, currency)
    record.source_item_id = source.get("item_id") or None
    record.source_conversation_id = source.get("conversation_id") or None
    record.source_internet_message_id = source.get("internet_message_id") or None
    record.source_subject = source.get("subject") or None


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def draft_of(record: InvoiceRecord, mode: CreationMode | None = None) -> InvoiceDraft:
    """What Cybersource gets for this record (create; update with the invoice's mode)."""
    minimum = record.minimum_partial_minor
    return InvoiceDraft(
        invoice_number=record.invoice_number,
        description=record.description,
        due_date=record.due_date or date.today(),
        currency=record.currency,
        customer=Customer(
            name=record.customer_name,
            email=record.customer_email,
            company=record.customer_company,
        ),
        line_items=tuple(
            LineItem(
                product_name=item["name"],
                unit_price=Decimal(item["unit_price"]),
                quantity=int(item["quantity"]),
                product_sku=item.get("sku") or "",
                discount_amount=_amount(item.get("discount_amount")),
                tax_amount=_amount(item.get("tax_amount")),
            )
            for item in record.line_items
        ),
        mode=mode or MODE_TO_CREATION[record.mode],
        allow_partial_payments=record.allow_partial_payments,
        minimum_partial_amount=None
        if minimum is None
        else Decimal(format_minor(minimum, record.currency)),
    )

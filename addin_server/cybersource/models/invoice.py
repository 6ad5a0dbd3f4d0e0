"""Invoices as Cybersource returns them: one invoice, a create's result, a list page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from addin_server.currencies import parse_amount
from addin_server.cybersource.models.draft import InvoiceDraft
from addin_server.cybersource.models.parts import (
    Customer,
    Freight,
    LineItem,
    TaxDetails,
    optional_amount,
    parse_date,
)
from addin_server.cybersource.models.statuses import CreationMode, InvoiceStatus


@dataclass(frozen=True)
class HistoryEvent:
    event: str
    date: str
    transaction_id: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class Invoice:
    """An invoice as Cybersource returns it; ``raw`` keeps the full JSON."""

    invoice_number: str
    status: InvoiceStatus
    customer: Customer
    description: str
    due_date: date | None
    expiration_date: date | None
    allow_partial_payments: bool
    mode: CreationMode
    currency: str
    total_amount: Decimal
    balance_amount: Decimal
    minimum_partial_amount: Decimal | None
    line_items: tuple[LineItem, ...]
    payment_link: str | None
    submit_time_utc: str
    history: tuple[HistoryEvent, ...] = ()
    discount_amount: Decimal | None = None
    tax: TaxDetails | None = None
    freight: Freight | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The JSON as Cybersource sent it, with the fields this type does not model."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Invoice:
        info = data.get("invoiceInformation") or {}
        order = data.get("orderInformation") or {}
        amounts = order.get("amountDetails") or {}
        total = parse_amount(amounts.get("totalAmount"))
        balance = amounts.get("balanceAmount")
        tax = amounts.get("taxDetails")
        freight = amounts.get("freight")
        # Responses do not echo sendImmediately; the status tells whether it was published.
        status = InvoiceStatus.parse(data.get("status"))
        published = status not in (InvoiceStatus.DRAFT, InvoiceStatus.UNKNOWN)
        return cls(
            invoice_number=str(info.get("invoiceNumber") or data.get("id") or ""),
            status=status,
            customer=Customer.from_json(data.get("customerInformation") or {}),
            description=info.get("description") or "",
            due_date=parse_date(info.get("dueDate")),
            expiration_date=parse_date(info.get("expirationDate")),
            allow_partial_payments=bool(info.get("allowPartialPayments")),
            mode=CreationMode.from_flags(published, str(info.get("deliveryMode") or "none")),
            currency=amounts.get("currency") or "",
            total_amount=total,
            balance_amount=total if balance is None else parse_amount(balance),
            minimum_partial_amount=optional_amount(amounts.get("minimumPartialAmount")),
            line_items=tuple(LineItem.from_json(item) for item in order.get("lineItems") or ()),
            payment_link=info.get("paymentLink") or None,
            submit_time_utc=data.get("submitTimeUtc") or "",
            history=tuple(_history_event(event) for event in data.get("invoiceHistory") or ()),
            discount_amount=optional_amount(amounts.get("discountAmount")),
            tax=TaxDetails.from_json(tax) if isinstance(tax, Mapping) else None,
            freight=Freight.from_json(freight) if isinstance(freight, Mapping) else None,
            raw=data,
        )

    def to_draft(self, **changes: Any) -> InvoiceDraft:
        """A draft of this invoice with ``changes``: what to give ``InvoicesService.update``."""
        draft = InvoiceDraft(
            invoice_number=self.invoice_number,
            description=self.description,
            due_date=self.due_date or date.today(),
            currency=self.currency,
            customer=self.customer,
            line_items=self.line_items,
            mode=self.mode,
            expiration_date=self.expiration_date,
            allow_partial_payments=self.allow_partial_payments,
            minimum_partial_amount=self.minimum_partial_amount,
            explicit_total=None if self.line_items else self.total_amount,
            discount_amount=self.discount_amount,
            tax=self.tax,
            freight=self.freight,
        )
        return replace(draft, **changes)


def _history_event(data: Mapping[str, Any]) -> HistoryEvent:
    transaction = data.get("transactionDetails") or {}
    return HistoryEvent(
        event=data.get("event") or "",
        date=data.get("date") or "",
        transaction_id=transaction.get("transactionId") or "",
        amount=optional_amount(transaction.get("amount")),
    )


@dataclass(frozen=True)
class CreateResult:
    """A created invoice; ``warning`` is set when Cybersource answered 202 (email not sent)."""

    invoice: Invoice
    warning: str | None = None


@dataclass(frozen=True)
class InvoiceSummary:
    invoice_number: str
    status: InvoiceStatus
    customer_name: str
    due_date: date | None
    total_amount: Decimal
    currency: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InvoiceSummary:
        amounts = (data.get("orderInformation") or {}).get("amountDetails") or {}
        return cls(
            invoice_number=str(data.get("id") or ""),
            status=InvoiceStatus.parse(data.get("status")),
            customer_name=(data.get("customerInformation") or {}).get("name") or "",
            due_date=parse_date((data.get("invoiceInformation") or {}).get("dueDate")),
            total_amount=parse_amount(amounts.get("totalAmount")),
            currency=amounts.get("currency") or "",
        )


@dataclass(frozen=True)
class InvoicePage:
    """One page of the invoice list; ``total`` counts all matching invoices."""

    total: int
    invoices: tuple[InvoiceSummary, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InvoicePage:
        return cls(
            total=int(data.get("totalInvoices") or 0),
            invoices=tuple(InvoiceSummary.from_json(item) for item in data.get("invoices") or ()),
        )

"""Invoice types and their conversion to and from Cybersource JSON.

Money is ``Decimal`` and goes out as a string with the currency's minor units
(``Decimal("5") USD`` -> ``"5.00"``). Responses are read leniently: Cybersource's own
examples return amounts as JSON numbers and ``deliveryMode`` in either case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from addin_server.currencies import format_amount, is_known_currency, parse_amount
from addin_server.cybersource.errors import FieldIssue, ValidationFailedError
from addin_server.cybersource.limits import (
    INVALID_DATA,
    check_invoice_payload,
    check_settings_payload,
)


class InvoiceStatus(StrEnum):
    DRAFT = "DRAFT"
    CREATED = "CREATED"
    SENT = "SENT"
    PARTIAL = "PARTIAL"
    PAID = "PAID"
    CANCELED = "CANCELED"
    PENDING = "PENDING"
    UNKNOWN = "UNKNOWN"
    """A status this client does not know yet; the raw JSON has the value."""

    @classmethod
    def parse(cls, value: object) -> InvoiceStatus:
        try:
            return cls(str(value).upper())
        except ValueError:
            return cls.UNKNOWN


class DeliveryModeCase(StrEnum):
    """How ``deliveryMode`` is written: the spec lists ``None``/``Email``, its examples and
    the SDK samples send ``none``/``email`` (CONFLICT, notes §2.2); lower is the default."""

    LOWER = "lower"
    TITLE = "title"


class CreationMode(StrEnum):
    """The four ways to create an invoice (notes §2.2)."""

    DRAFT = "draft"
    """Stays a draft, no email, no payment link until published."""
    DELIVERABLE_DRAFT = "deliverable_draft"
    """A draft that is emailed when sent later."""
    CREATE_AND_SEND = "create_and_send"
    """Published and emailed now (status SENT)."""
    CREATE_WITHOUT_SENDING = "create_without_sending"
    """Published without email (status CREATED): share the returned payment link yourself."""

    @property
    def send_immediately(self) -> bool:
        return self in (CreationMode.CREATE_AND_SEND, CreationMode.CREATE_WITHOUT_SENDING)

    @property
    def delivery_mode(self) -> str:
        """Lower-case as in Cybersource's examples; ``DeliveryModeCase`` selects the spec's case."""
        by_email = self in (CreationMode.DELIVERABLE_DRAFT, CreationMode.CREATE_AND_SEND)
        return "email" if by_email else "none"

    @classmethod
    def from_flags(cls, send_immediately: bool, delivery_mode: str) -> CreationMode:
        by_email = delivery_mode.lower() == "email"
        if send_immediately:
            return cls.CREATE_AND_SEND if by_email else cls.CREATE_WITHOUT_SENDING
        return cls.DELIVERABLE_DRAFT if by_email else cls.DRAFT


@dataclass(frozen=True)
class Customer:
    name: str = ""
    email: str = ""
    company: str = ""
    merchant_customer_id: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.name:
            data["name"] = self.name
        if self.email:
            data["email"] = self.email
        if self.merchant_customer_id:
            data["merchantCustomerId"] = self.merchant_customer_id
        if self.company:
            data["company"] = {"name": self.company}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Customer:
        company = data.get("company") or {}
        return cls(
            name=data.get("name") or "",
            email=data.get("email") or "",
            company=company.get("name") or "",
            merchant_customer_id=data.get("merchantCustomerId") or "",
        )


@dataclass(frozen=True)
class LineItem:
    product_name: str
    unit_price: Decimal
    quantity: int = 1
    product_sku: str = ""

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineItem:
        return cls(
            product_name=data.get("productName") or "",
            unit_price=parse_amount(data.get("unitPrice")),
            quantity=int(data.get("quantity") or 1),
            product_sku=data.get("productSku") or "",
        )


@dataclass(frozen=True)
class InvoiceDraft:
    """Everything an invoice holds: what create sends, and what update sends again in full.

    ``total_amount`` defaults to the sum of the line items; give it explicitly for an
    invoice without line items.
    """

    invoice_number: str
    description: str
    due_date: date
    currency: str
    customer: Customer = Customer()
    line_items: tuple[LineItem, ...] = ()
    mode: CreationMode = CreationMode.DRAFT
    expiration_date: date | None = None
    allow_partial_payments: bool = False
    minimum_partial_amount: Decimal | None = None
    explicit_total: Decimal | None = None

    @property
    def total_amount(self) -> Decimal:
        if self.explicit_total is not None:
            return self.explicit_total
        return sum((item.total for item in self.line_items), Decimal(0))

    def to_payload(
        self,
        *,
        for_update: bool = False,
        delivery_mode_case: DeliveryModeCase = DeliveryModeCase.LOWER,
    ) -> dict[str, Any]:
        """The request body; raises ``ValidationFailedError`` (status None) if a field is bad.

        ``for_update`` leaves out the invoice number (it is in the path and cannot change).
        """
        issues: list[FieldIssue] = []
        money = _MoneyFormatter(self.currency, issues)
        delivery_mode = self.mode.delivery_mode
        invoice_information: dict[str, Any] = {
            "description": self.description,
            "dueDate": self.due_date.isoformat(),
            "sendImmediately": self.mode.send_immediately,
            "deliveryMode": (
                delivery_mode.title()
                if delivery_mode_case is DeliveryModeCase.TITLE
                else delivery_mode
            ),
            "allowPartialPayments": self.allow_partial_payments,
        }
        if not for_update:
            invoice_information = {"invoiceNumber": self.invoice_number, **invoice_information}
        if self.expiration_date is not None:
            invoice_information["expirationDate"] = self.expiration_date.isoformat()
        amount_details: dict[str, Any] = {
            "totalAmount": money.format(
                "orderInformation.amountDetails.totalAmount", self.total_amount
            ),
            "currency": self.currency,
        }
        if self.minimum_partial_amount is not None:
            amount_details["minimumPartialAmount"] = money.format(
                "orderInformation.amountDetails.minimumPartialAmount", self.minimum_partial_amount
            )
        order_information: dict[str, Any] = {"amountDetails": amount_details}
        if self.line_items:
            order_information["lineItems"] = [
                _line_item_json(item, f"orderInformation.lineItems[{index}]", money)
                for index, item in enumerate(self.line_items)
            ]
        payload: dict[str, Any] = {}
        customer = self.customer.to_json()
        if customer:
            payload["customerInformation"] = customer
        payload["invoiceInformation"] = invoice_information
        payload["orderInformation"] = order_information
        issues.extend(check_invoice_payload(payload, for_update=for_update))
        issues.extend(self._semantic_issues())
        if issues:
            raise ValidationFailedError(
                "the invoice is not valid; nothing was sent", details=tuple(issues)
            )
        return payload

    def _semantic_issues(self) -> list[FieldIssue]:
        issues: list[FieldIssue] = []
        if not self.invoice_number:
            issues.append(
                FieldIssue("invoiceInformation.invoiceNumber", INVALID_DATA, "is required")
            )
        if self.mode.delivery_mode == "email" and not self.customer.email:
            issues.append(
                FieldIssue(
                    "customerInformation.email", INVALID_DATA, "is required to send by email"
                )
            )
        if self.expiration_date is not None and self.expiration_date < self.due_date:
            issues.append(
                FieldIssue(
                    "invoiceInformation.expirationDate", INVALID_DATA, "is before the due date"
                )
            )
        if self.minimum_partial_amount is not None and not self.allow_partial_payments:
            issues.append(
                FieldIssue(
                    "orderInformation.amountDetails.minimumPartialAmount",
                    INVALID_DATA,
                    "needs allow_partial_payments",
                )
            )
        return issues


class _MoneyFormatter:
    """Formats amounts in one currency, collecting problems as field issues."""

    def __init__(self, currency: str, issues: list[FieldIssue]) -> None:
        self._currency = currency
        self._issues = issues

    def format(self, path: str, amount: Decimal) -> str:
        if not is_known_currency(self._currency):
            return str(amount)  # the currency itself is reported by the payload check
        if amount < 0:
            self._issues.append(FieldIssue(path, INVALID_DATA, "must not be negative"))
            return str(amount)
        try:
            return format_amount(amount, self._currency)
        except ValueError as exc:
            self._issues.append(FieldIssue(path, INVALID_DATA, str(exc)))
            return str(amount)


def _line_item_json(item: LineItem, path: str, money: _MoneyFormatter) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if item.product_sku:
        data["productSku"] = item.product_sku
    data["productName"] = item.product_name
    data["quantity"] = item.quantity
    data["unitPrice"] = money.format(f"{path}.unitPrice", item.unit_price)
    data["totalAmount"] = money.format(f"{path}.totalAmount", item.total)
    return data


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
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Invoice:
        info = data.get("invoiceInformation") or {}
        order = data.get("orderInformation") or {}
        amounts = order.get("amountDetails") or {}
        total = parse_amount(amounts.get("totalAmount"))
        balance = amounts.get("balanceAmount")
        minimum = amounts.get("minimumPartialAmount")
        # Responses do not echo sendImmediately; the status tells whether it was published.
        status = InvoiceStatus.parse(data.get("status"))
        published = status not in (InvoiceStatus.DRAFT, InvoiceStatus.UNKNOWN)
        return cls(
            invoice_number=str(info.get("invoiceNumber") or data.get("id") or ""),
            status=status,
            customer=Customer.from_json(data.get("customerInformation") or {}),
            description=info.get("description") or "",
            due_date=_parse_date(info.get("dueDate")),
            expiration_date=_parse_date(info.get("expirationDate")),
            allow_partial_payments=bool(info.get("allowPartialPayments")),
            mode=CreationMode.from_flags(published, str(info.get("deliveryMode") or "none")),
            currency=amounts.get("currency") or "",
            total_amount=total,
            balance_amount=total if balance is None else parse_amount(balance),
            minimum_partial_amount=None if minimum in (None, "") else parse_amount(minimum),
            line_items=tuple(LineItem.from_json(item) for item in order.get("lineItems") or ()),
            payment_link=info.get("paymentLink") or None,
            submit_time_utc=data.get("submitTimeUtc") or "",
            history=tuple(_history_event(event) for event in data.get("invoiceHistory") or ()),
            raw=data,
        )

    def to_draft(self, **changes: Any) -> InvoiceDraft:
        """A full draft of this invoice, for an update (which replaces every field)."""
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
        )
        return replace(draft, **changes)


def _history_event(data: Mapping[str, Any]) -> HistoryEvent:
    transaction = data.get("transactionDetails") or {}
    amount = transaction.get("amount")
    return HistoryEvent(
        event=data.get("event") or "",
        date=data.get("date") or "",
        transaction_id=transaction.get("transactionId") or "",
        amount=None if amount in (None, "") else parse_amount(amount),
    )


def _parse_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


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
            due_date=_parse_date((data.get("invoiceInformation") or {}).get("dueDate")),
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


@dataclass(frozen=True)
class InvoiceSettings:
    """``invoiceSettingsInformation``: the fields the add-in edits, plus the raw JSON.

    An update sends ``to_payload()``: the typed fields merged over ``raw``, so fields this
    type does not model are sent back unchanged.
    """

    merchant_display_name: str = ""
    custom_email_message: str = ""
    enable_reminders: bool = False
    delivery_language: str = ""
    default_currency_code: str = ""
    header_font_color: str = ""
    header_background_color: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InvoiceSettings:
        info = data.get("invoiceSettingsInformation") or {}
        style = info.get("headerStyle") or {}
        return cls(
            merchant_display_name=info.get("merchantDisplayName") or "",
            custom_email_message=info.get("customEmailMessage") or "",
            enable_reminders=bool(info.get("enableReminders")),
            delivery_language=info.get("deliveryLanguage") or "",
            default_currency_code=info.get("defaultCurrencyCode") or "",
            header_font_color=style.get("fontColor") or "",
            header_background_color=style.get("backgroundColor") or "",
            raw=info,
        )

    def to_payload(self) -> dict[str, Any]:
        # The GET answer names 3-D Secure differently from the PUT request (notes §1.2).
        info = {k: v for k, v in self.raw.items() if k != "payerAuthentication3DSVersion"}
        typed: dict[str, Any] = {
            "merchantDisplayName": self.merchant_display_name,
            "customEmailMessage": self.custom_email_message,
            "enableReminders": self.enable_reminders,
            "deliveryLanguage": self.delivery_language,
            "defaultCurrencyCode": self.default_currency_code,
        }
        info.update({k: v for k, v in typed.items() if v != ""})
        style = {
            k: v
            for k, v in (
                ("fontColor", self.header_font_color),
                ("backgroundColor", self.header_background_color),
            )
            if v
        }
        if style:
            info["headerStyle"] = style
        payload = {"invoiceSettingsInformation": info}
        issues = check_settings_payload(payload)
        if issues:
            raise ValidationFailedError(
                "the settings are not valid; nothing was sent", details=tuple(issues)
            )
        return payload

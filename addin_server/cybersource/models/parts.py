"""The parts of an invoice: customer and line items, and amounts as Cybersource writes them.

Money is ``Decimal`` and goes out as a string with the currency's minor units
(``Decimal("5") USD`` -> ``"5.00"``). Responses are read leniently: Cybersource's own
examples return amounts as JSON numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from addin_server.currencies import format_amount, is_known_currency, parse_amount
from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import INVALID_DATA


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
    """One line; ``total`` is price times quantity, less the line's discount, plus its tax."""

    product_name: str
    unit_price: Decimal
    quantity: int = 1
    product_sku: str = ""
    tax_amount: Decimal | None = None
    discount_amount: Decimal | None = None

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def total(self) -> Decimal:
        return self.subtotal - (self.discount_amount or 0) + (self.tax_amount or 0)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineItem:
        return cls(
            product_name=data.get("productName") or "",
            unit_price=parse_amount(data.get("unitPrice")),
            quantity=int(data.get("quantity") or 1),
            product_sku=data.get("productSku") or "",
            tax_amount=optional_amount(data.get("taxAmount")),
            discount_amount=optional_amount(data.get("discountAmount")),
        )


@dataclass(frozen=True)
class TaxDetails:
    """The invoice's tax (``amountDetails.taxDetails``); ``kind`` is Cybersource's ``type``
    (documented as vat/national/local/..., sent as free text such as "State Tax" in its
    examples) and ``rate`` a percentage."""

    amount: Decimal
    kind: str = ""
    rate: Decimal | None = None

    def to_json(self, path: str, money: MoneyFormatter) -> dict[str, Any]:
        data: dict[str, Any] = {"amount": money.format(f"{path}.amount", self.amount)}
        if self.kind:
            data["type"] = self.kind
        if self.rate is not None:
            data["rate"] = money.rate(f"{path}.rate", self.rate)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TaxDetails:
        return cls(
            amount=parse_amount(data.get("amount")),
            kind=data.get("type") or "",
            rate=optional_amount(data.get("rate")),
        )


@dataclass(frozen=True)
class Freight:
    """Shipping charged on the invoice (``amountDetails.freight``); ``tax_rate`` a percentage."""

    amount: Decimal
    taxable: bool = False
    tax_rate: Decimal | None = None

    def to_json(self, path: str, money: MoneyFormatter) -> dict[str, Any]:
        data: dict[str, Any] = {
            "amount": money.format(f"{path}.amount", self.amount),
            "taxable": self.taxable,
        }
        if self.tax_rate is not None:
            data["taxRate"] = money.rate(f"{path}.taxRate", self.tax_rate)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Freight:
        return cls(
            amount=parse_amount(data.get("amount")),
            taxable=bool(data.get("taxable")),
            tax_rate=optional_amount(data.get("taxRate")),
        )


class MoneyFormatter:
    """Formats amounts in one currency, collecting problems as field issues."""

    def __init__(self, currency: str, issues: list[FieldIssue]) -> None:
        self._currency = currency
        self._issues = issues

    def format(self, path: str, amount: Decimal) -> str:
        if not is_known_currency(self._currency):
            return str(amount)  # the currency itself is reported by the payload check
        if amount < 0:
            self.issue(path, "must not be negative")
            return str(amount)
        try:
            return format_amount(amount, self._currency)
        except ValueError as exc:
            self.issue(path, str(exc))
            return str(amount)

    def issue(self, path: str, message: str) -> None:
        self._issues.append(FieldIssue(path, INVALID_DATA, message))

    def optional(self, path: str, amount: Decimal | None) -> str | None:
        return None if amount is None else self.format(path, amount)

    def rate(self, path: str, rate: Decimal) -> str:
        """A percentage from 0 to 100, written as given (``8.25``)."""
        if not 0 <= rate <= 100:
            self.issue(path, "must be from 0 to 100")
        return f"{rate:f}"


def line_item_json(item: LineItem, path: str, money: MoneyFormatter) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if item.product_sku:
        data["productSku"] = item.product_sku
    data["productName"] = item.product_name
    data["quantity"] = item.quantity
    data["unitPrice"] = money.format(f"{path}.unitPrice", item.unit_price)
    for key, amount in (("discountAmount", item.discount_amount), ("taxAmount", item.tax_amount)):
        text = money.optional(f"{path}.{key}", amount)
        if text is not None:
            data[key] = text
    if item.discount_amount is not None and item.discount_amount > item.subtotal:
        money.issue(f"{path}.discountAmount", "is more than the line's price times quantity")
    data["totalAmount"] = money.format(f"{path}.totalAmount", item.total)
    return data


def optional_amount(value: object) -> Decimal | None:
    return None if value in (None, "") else parse_amount(value)


def parse_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None

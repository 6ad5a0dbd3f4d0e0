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
    """``total`` = quantity x unit price - discount + tax (amounts of the whole line)."""

    product_name: str
    unit_price: Decimal
    quantity: int = 1
    product_sku: str = ""
    discount_amount: Decimal | None = None
    tax_amount: Decimal | None = None

    @property
    def total(self) -> Decimal:
        discount = self.discount_amount or Decimal(0)
        return self.unit_price * self.quantity - discount + (self.tax_amount or Decimal(0))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineItem:
        return cls(
            product_name=data.get("productName") or "",
            unit_price=parse_amount(data.get("unitPrice")),
            quantity=int(data.get("quantity") or 1),
            product_sku=data.get("productSku") or "",
            discount_amount=optional_amount(data.get("discountAmount")),
            tax_amount=optional_amount(data.get("taxAmount")),
        )


def optional_amount(value: object) -> Decimal | None:
    return None if value in (None, "") else parse_amount(value)


class MoneyFormatter:
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


def line_item_json(item: LineItem, path: str, money: MoneyFormatter) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if item.product_sku:
        data["productSku"] = item.product_sku
    data["productName"] = item.product_name
    data["quantity"] = item.quantity
    data["unitPrice"] = money.format(f"{path}.unitPrice", item.unit_price)
    if item.discount_amount is not None:
        data["discountAmount"] = money.format(f"{path}.discountAmount", item.discount_amount)
    if item.tax_amount is not None:
        data["taxAmount"] = money.format(f"{path}.taxAmount", item.tax_amount)
    data["totalAmount"] = money.format(f"{path}.totalAmount", item.total)
    return data


def parse_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None

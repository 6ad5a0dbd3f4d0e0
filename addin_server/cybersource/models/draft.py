"""``InvoiceDraft``: what create sends, and what an update changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from addin_server.cybersource.errors import FieldIssue, ValidationFailedError
from addin_server.cybersource.limits import INVALID_DATA, check_invoice_payload
from addin_server.cybersource.models.parts import (
    Customer,
    Freight,
    LineItem,
    MoneyFormatter,
    TaxDetails,
    line_item_json,
)
from addin_server.cybersource.models.statuses import CreationMode, DeliveryModeCase

AMOUNTS = "orderInformation.amountDetails"


@dataclass(frozen=True)
class InvoiceDraft:
    """Everything an invoice holds that this client models: what create sends, and what an
    update changes (``InvoicesService.update`` keeps every field the draft does not model).

    ``total_amount`` defaults to the line items' totals, less ``discount_amount``, plus the
    ``tax`` and ``freight`` amounts; give ``explicit_total`` for an invoice without items.
    ``minimum_partial_amount`` needs ``allow_partial_payments``.
    """

    invoice_number: str
    description: str
    due_date: date
    currency: str
    customer: Customer = field(default_factory=Customer)
    line_items: tuple[LineItem, ...] = ()
    mode: CreationMode = CreationMode.DRAFT
    expiration_date: date | None = None
    allow_partial_payments: bool = False
    minimum_partial_amount: Decimal | None = None
    explicit_total: Decimal | None = None
    discount_amount: Decimal | None = None
    tax: TaxDetails | None = None
    freight: Freight | None = None

    @property
    def items_total(self) -> Decimal:
        return sum((item.total for item in self.line_items), Decimal(0))

    @property
    def total_amount(self) -> Decimal:
        if self.explicit_total is not None:
            return self.explicit_total
        extras = (self.tax.amount if self.tax else 0) + (self.freight.amount if self.freight else 0)
        return self.items_total - (self.discount_amount or 0) + extras

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
        money = MoneyFormatter(self.currency, issues)
        payload: dict[str, Any] = {}
        customer = self.customer.to_json()
        if customer:
            payload["customerInformation"] = customer
        payload["invoiceInformation"] = self._invoice_information(for_update, delivery_mode_case)
        order: dict[str, Any] = {"amountDetails": self._amount_details(money)}
        if self.line_items:
            order["lineItems"] = [
                line_item_json(item, f"orderInformation.lineItems[{index}]", money)
                for index, item in enumerate(self.line_items)
            ]
        payload["orderInformation"] = order
        issues.extend(check_invoice_payload(payload, for_update=for_update))
        issues.extend(self._semantic_issues())
        if issues:
            raise ValidationFailedError(
                "the invoice is not valid; nothing was sent", details=tuple(issues)
            )
        return payload

    def _invoice_information(
        self, for_update: bool, delivery_mode_case: DeliveryModeCase
    ) -> dict[str, Any]:
        delivery_mode = self.mode.delivery_mode
        info: dict[str, Any] = {} if for_update else {"invoiceNumber": self.invoice_number}
        info.update(
            description=self.description,
            dueDate=self.due_date.isoformat(),
            sendImmediately=self.mode.send_immediately,
            deliveryMode=(
                delivery_mode.title()
                if delivery_mode_case is DeliveryModeCase.TITLE
                else delivery_mode
            ),
            allowPartialPayments=self.allow_partial_payments,
        )
        if self.expiration_date is not None:
            info["expirationDate"] = self.expiration_date.isoformat()
        return info

    def _amount_details(self, money: MoneyFormatter) -> dict[str, Any]:
        details: dict[str, Any] = {
            "totalAmount": money.format(f"{AMOUNTS}.totalAmount", self.total_amount),
            "currency": self.currency,
        }
        if self.line_items:
            details["subAmount"] = money.format(f"{AMOUNTS}.subAmount", self.items_total)
        optional = (
            ("discountAmount", self.discount_amount),
            ("minimumPartialAmount", self.minimum_partial_amount),
        )
        for key, amount in optional:
            if amount is not None:
                details[key] = money.format(f"{AMOUNTS}.{key}", amount)
        if self.tax is not None:
            details["taxDetails"] = self.tax.to_json(f"{AMOUNTS}.taxDetails", money)
        if self.freight is not None:
            details["freight"] = self.freight.to_json(f"{AMOUNTS}.freight", money)
        return details

    def _semantic_issues(self) -> list[FieldIssue]:
        checks = (
            ("invoiceInformation.invoiceNumber", not self.invoice_number, "is required"),
            (
                "customerInformation.email",
                self.mode.delivery_mode == "email" and not self.customer.email,
                "is required to send by email",
            ),
            (
                "invoiceInformation.expirationDate",
                self.expiration_date is not None and self.expiration_date < self.due_date,
                "is before the due date",
            ),
            (
                f"{AMOUNTS}.discountAmount",
                (self.discount_amount or 0) > self.items_total,
                "is more than the line items' total",
            ),
            *self._partial_payment_checks(),
        )
        return [FieldIssue(path, INVALID_DATA, why) for path, failed, why in checks if failed]

    def _partial_payment_checks(self) -> tuple[tuple[str, bool, str], ...]:
        minimum = self.minimum_partial_amount
        path = f"{AMOUNTS}.minimumPartialAmount"
        if minimum is None:
            return ()
        return (
            (path, not self.allow_partial_payments, "needs allow_partial_payments"),
            (path, minimum == 0, "must be more than zero"),
            (path, minimum > self.total_amount, "is more than the total"),
        )

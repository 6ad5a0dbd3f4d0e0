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
    LineItem,
    MoneyFormatter,
    line_item_json,
)
from addin_server.cybersource.models.statuses import CreationMode, DeliveryModeCase


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
    customer: Customer = field(default_factory=Customer)
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
        money = MoneyFormatter(self.currency, issues)
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
                line_item_json(item, f"orderInformation.lineItems[{index}]", money)
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

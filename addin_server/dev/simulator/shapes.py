"""Invoices as Cybersource's responses show them (spec response schemas, notes §1.1, §2.2).

Every create/get/update/action response carries the stored request fields, ``id``,
``status``, ``submitTimeUtc``, the ``paymentLink`` once published, the ``balanceAmount``, and
``_links`` for what the status still allows (a canceled invoice links only to itself). Only
GET shows ``invoiceHistory``; actions show no merchant-defined field values; list items are
summaries with ``createdDate``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from addin_server.currencies import format_amount
from addin_server.cybersource.models import InvoiceStatus
from addin_server.dev.simulator.payloads import by_email

SANDBOX_PAYMENT_LINK_BASE = "https://businesscentertest.cybersource.com/ebc2/invoicing/payInvoice/"
_LINKED_STATUSES = {
    InvoiceStatus.CREATED,
    InvoiceStatus.SENT,
    InvoiceStatus.PARTIAL,
    InvoiceStatus.PAID,
}
# What each status allows (notes §2.3); "pay" happens on the hosted page, not in the API.
ALLOWED_ACTIONS: dict[InvoiceStatus, frozenset[str]] = {
    InvoiceStatus.DRAFT: frozenset({"update", "deliver", "publish", "cancel"}),
    InvoiceStatus.CREATED: frozenset({"update", "deliver", "cancel", "pay"}),
    InvoiceStatus.SENT: frozenset({"update", "deliver", "cancel", "pay"}),
    InvoiceStatus.PARTIAL: frozenset({"deliver", "pay"}),
}
# What each answer holds beyond the invoice's fields (spec response schemas): "get" the
# merchant-defined field values and the history, "write" (create, update) the field values,
# "action" (send, publish, cancel) neither.
Answer = Literal["get", "write", "action"]
_LINKS = (
    ("update", "", "PUT"),
    ("deliver", "/delivery", "POST"),
    ("cancel", "/cancelation", "POST"),
)


@dataclass
class StoredInvoice:
    number: str
    payload: dict[str, Any]
    status: InvoiceStatus
    link_token: str
    balance: Decimal
    created_time: str
    submit_time: str
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = self.payload["invoiceInformation"]
        return info

    @property
    def amounts(self) -> dict[str, Any]:
        amounts: dict[str, Any] = self.payload["orderInformation"]["amountDetails"]
        return amounts

    @property
    def by_email(self) -> bool:
        return by_email(self.info)

    def allows(self, action: str) -> bool:
        return action in ALLOWED_ACTIONS.get(self.status, frozenset())


def links(stored: StoredInvoice) -> dict[str, dict[str, str]]:
    self_link = f"/v2/invoices/{stored.number}"
    found = {"self": {"href": self_link, "method": "GET"}}
    for action, suffix, method in _LINKS:
        if stored.allows(action):
            found[action] = {"href": self_link + suffix, "method": method}
    return found


def invoice_json(
    stored: StoredInvoice, payment_link_base: str, answer: Answer = "write"
) -> dict[str, Any]:
    """The invoice as the ``answer`` of that kind shows it (``Answer``)."""
    payload = copy.deepcopy(stored.payload)
    info = payload["invoiceInformation"]
    info.pop("sendImmediately", None)
    info.setdefault("allowPartialPayments", False)
    info.setdefault("deliveryMode", "none")
    if stored.status in _LINKED_STATUSES:
        info["paymentLink"] = f"{payment_link_base}{stored.link_token}?version=v2.1"
    amounts = payload["orderInformation"]["amountDetails"]
    amounts["balanceAmount"] = format_amount(stored.balance, amounts["currency"])
    processing = payload.setdefault("processingInformation", {})
    processing.setdefault("requestPhone", False)
    processing.setdefault("requestShipping", False)
    field_values = payload.pop("merchantDefinedFieldValues", None)
    body: dict[str, Any] = {
        "_links": links(stored),
        "id": stored.number,
        "submitTimeUtc": stored.submit_time,
        "status": stored.status.value,
        **payload,
    }
    if field_values and answer != "action":
        body["merchantDefinedFieldValuesWithDefinition"] = field_values
    if answer == "get":
        body["invoiceHistory"] = copy.deepcopy(stored.history)
    return body


def summary_json(stored: StoredInvoice) -> dict[str, Any]:
    """An item of the invoice list (spec ``InvoicingV2InvoicesAllGet200ResponseInvoices``)."""
    customer = stored.payload.get("customerInformation") or {}
    return {
        "_links": links(stored),
        "id": stored.number,
        "status": stored.status.value,
        "createdDate": stored.created_time,
        "customerInformation": {
            k: customer[k] for k in ("name", "merchantCustomerId") if k in customer
        },
        "invoiceInformation": {
            k: stored.info[k] for k in ("dueDate", "expirationDate") if k in stored.info
        },
        "orderInformation": {
            "amountDetails": {
                "totalAmount": stored.amounts["totalAmount"],
                "currency": stored.amounts["currency"],
            }
        },
    }

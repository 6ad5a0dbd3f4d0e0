"""The simulator's invoices: storage per merchant and Cybersource's status machine (notes §2).

Transitions: create (DRAFT | CREATED | SENT by mode), publish (DRAFT -> CREATED), send
(DRAFT/CREATED -> SENT with email, DRAFT -> CREATED without; SENT and PARTIAL are re-sent),
update (not once paid, partly paid or canceled; status unchanged), cancel (unpaid only),
pay (CREATED/SENT/PARTIAL -> PARTIAL or PAID). Everything else is ACTION_NOT_ALLOWED.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from addin_server.currencies import format_amount, parse_amount
from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import (
    INVALID_DATA,
    LISTABLE_STATUSES,
    MISSING_FIELD,
    check_invoice_payload,
    check_settings_payload,
)
from addin_server.cybersource.models import InvoiceStatus

SANDBOX_PAYMENT_LINK_BASE = "https://businesscentertest.cybersource.com/ebc2/invoicing/payInvoice/"
_LINKED_STATUSES = {
    InvoiceStatus.CREATED,
    InvoiceStatus.SENT,
    InvoiceStatus.PARTIAL,
    InvoiceStatus.PAID,
}
_STATUS_WORD = {400: "BADREQUEST", 404: "NOTFOUND", 502: "SERVER_ERROR"}


def utc_timestamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class CybersourceReply(Exception):
    """An error answer in Cybersource's format (``submitTimeUtc, status, reason, message``)."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        details: tuple[FieldIssue, ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.details = details

    def body(self, moment: float) -> dict[str, Any]:
        body: dict[str, Any] = {
            "submitTimeUtc": utc_timestamp(moment),
            "status": _STATUS_WORD.get(self.status, "SERVER_ERROR"),
            "reason": self.reason,
            "message": self.message,
        }
        if self.details:
            body["details"] = [{"field": d.field, "reason": d.reason} for d in self.details]
        return body


def validation_failed(issues: list[FieldIssue]) -> CybersourceReply:
    return CybersourceReply(400, "VALIDATION_ERROR", "Field validation errors.", tuple(issues))


def not_allowed() -> CybersourceReply:
    return CybersourceReply(400, "ACTION_NOT_ALLOWED", "Requested action is not allowed.")


@dataclass
class StoredInvoice:
    number: str
    payload: dict[str, Any]
    status: InvoiceStatus
    link_token: str
    balance: Decimal
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
        return _by_email(self.info)


class InvoiceBook:
    """All merchants' invoices; every method is atomic (one lock)."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        payment_link_base: str = SANDBOX_PAYMENT_LINK_BASE,
        draft_without_email_status: InvoiceStatus = InvoiceStatus.DRAFT,
    ) -> None:
        """``draft_without_email_status``: what ``sendImmediately:false, deliveryMode:none``
        creates. The spec and docs table say DRAFT (default); one docs example shows CREATED
        (CONFLICT, notes §2.2)."""
        self._clock = clock
        self._payment_link_base = payment_link_base
        self._draft_without_email_status = draft_without_email_status
        self._invoices: dict[str, dict[str, StoredInvoice]] = {}
        self._settings: dict[tuple[str, str], dict[str, Any]] = {}
        self._next_number = 1000
        self._lock = threading.Lock()

    # -- invoices -------------------------------------------------------------------------

    def create(self, merchant_id: str, payload: Any, *, email_fails: bool = False) -> StoredInvoice:
        _check(payload, for_update=False)
        with self._lock:
            invoices = self._invoices.setdefault(merchant_id, {})
            info = payload["invoiceInformation"]
            number = str(info.get("invoiceNumber") or self._generated_number(invoices))
            if number in invoices:
                raise CybersourceReply(400, "DUPLICATE_RECORD", "Invoice number already exists.")
            by_email = _by_email(info)
            if not info.get("sendImmediately"):
                status = InvoiceStatus.DRAFT if by_email else self._draft_without_email_status
            elif by_email and not email_fails:
                status = InvoiceStatus.SENT
            else:
                status = InvoiceStatus.CREATED
            stored = StoredInvoice(
                number=number,
                payload=_stored_payload(payload, number),
                status=status,
                link_token=secrets.token_urlsafe(24),
                balance=parse_amount(payload["orderInformation"]["amountDetails"]["totalAmount"]),
                submit_time=self._now(),
            )
            stored.history.append(
                self._event("DRAFT" if status is InvoiceStatus.DRAFT else "CREATE")
            )
            if status is InvoiceStatus.SENT:
                stored.history.append(self._event("SEND"))
            invoices[number] = stored
            return copy.deepcopy(stored)

    def get(self, merchant_id: str, number: str) -> StoredInvoice:
        with self._lock:
            return copy.deepcopy(self._find(merchant_id, number))

    def list(
        self, merchant_id: str, offset: int, limit: int, status: str | None
    ) -> tuple[int, list[StoredInvoice]]:
        if status is not None and status not in LISTABLE_STATUSES:
            raise CybersourceReply(400, "VALIDATION_ERROR", "Invalid invoice status.")
        with self._lock:
            matching = [
                invoice
                for invoice in self._invoices.get(merchant_id, {}).values()
                if status is None or invoice.status.value == status
            ]
            page = matching[offset : offset + limit]
            if not page:
                raise CybersourceReply(404, "NOT_FOUND", "No invoices found.")
            return len(matching), copy.deepcopy(page)

    def update(self, merchant_id: str, number: str, payload: Any) -> StoredInvoice:
        _check(payload, for_update=True)
        with self._lock:
            stored = self._find(merchant_id, number)
            if stored.status in (InvoiceStatus.PARTIAL, InvoiceStatus.PAID, InvoiceStatus.CANCELED):
                raise not_allowed()
            old_email = (stored.payload.get("customerInformation") or {}).get("email")
            stored.payload = _stored_payload(payload, number)
            if (payload.get("customerInformation") or {}).get("email") != old_email:
                stored.link_token = secrets.token_urlsafe(24)  # the old link stops working
            stored.balance = parse_amount(stored.amounts["totalAmount"])
            stored.submit_time = self._now()
            stored.history.append(self._event("UPDATE"))
            return copy.deepcopy(stored)

    def send(self, merchant_id: str, number: str) -> StoredInvoice:
        with self._lock:
            stored = self._find(merchant_id, number)
            if stored.status in (InvoiceStatus.PAID, InvoiceStatus.CANCELED):
                raise not_allowed()
            resend = stored.status in (InvoiceStatus.SENT, InvoiceStatus.PARTIAL)
            if stored.status in (InvoiceStatus.DRAFT, InvoiceStatus.CREATED):
                stored.status = InvoiceStatus.SENT if stored.by_email else InvoiceStatus.CREATED
            if stored.by_email:
                stored.history.append(self._event("RESEND" if resend else "SEND"))
            stored.submit_time = self._now()
            return copy.deepcopy(stored)

    def publish(self, merchant_id: str, number: str) -> StoredInvoice:
        return self._transition(
            merchant_id, number, {InvoiceStatus.DRAFT}, InvoiceStatus.CREATED, "CREATE"
        )

    def cancel(self, merchant_id: str, number: str) -> StoredInvoice:
        unpaid = {InvoiceStatus.DRAFT, InvoiceStatus.CREATED, InvoiceStatus.SENT}
        return self._transition(merchant_id, number, unpaid, InvoiceStatus.CANCELED, "CANCEL")

    def pay(self, merchant_id: str, number: str, amount_text: str) -> StoredInvoice:
        """The customer pays on the hosted page: in full (PAID) or in part (PARTIAL)."""
        try:
            amount = Decimal(amount_text)
        except (InvalidOperation, TypeError) as exc:
            raise validation_failed([FieldIssue("amount", INVALID_DATA)]) from exc
        with self._lock:
            stored = self._find(merchant_id, number)
            payable = {InvoiceStatus.CREATED, InvoiceStatus.SENT, InvoiceStatus.PARTIAL}
            if stored.status not in payable:
                raise not_allowed()
            minimum = parse_amount(stored.amounts.get("minimumPartialAmount"))
            partial = amount < stored.balance
            if amount <= 0 or amount > stored.balance:
                raise validation_failed([FieldIssue("amount", INVALID_DATA)])
            if partial and (not stored.info.get("allowPartialPayments") or amount < minimum):
                raise validation_failed([FieldIssue("amount", INVALID_DATA)])
            stored.balance -= amount
            stored.status = InvoiceStatus.PARTIAL if partial else InvoiceStatus.PAID
            currency = stored.amounts["currency"]
            transaction = {
                "transactionId": secrets.token_hex(11),
                "amount": format_amount(amount, currency),
            }
            stored.history.append({**self._event("PAYMENT"), "transactionDetails": transaction})
            return copy.deepcopy(stored)

    def to_json(self, stored: StoredInvoice) -> dict[str, Any]:
        """The invoice as Cybersource's create/get/update/action responses show it."""
        payload = copy.deepcopy(stored.payload)
        info = payload["invoiceInformation"]
        info.pop("sendImmediately", None)
        info["deliveryMode"] = info.get("deliveryMode", "none")
        if stored.status in _LINKED_STATUSES:
            info["paymentLink"] = f"{self._payment_link_base}{stored.link_token}?version=v2.1"
        amounts = payload["orderInformation"]["amountDetails"]
        amounts["balanceAmount"] = format_amount(stored.balance, amounts["currency"])
        self_link = f"/v2/invoices/{stored.number}"
        return {
            "_links": {
                "self": {"href": self_link, "method": "GET"},
                "update": {"href": self_link, "method": "PUT"},
                "deliver": {"href": f"{self_link}/delivery", "method": "POST"},
                "cancel": {"href": f"{self_link}/cancelation", "method": "POST"},
            },
            "id": stored.number,
            "submitTimeUtc": stored.submit_time,
            "status": stored.status.value,
            **payload,
            "invoiceHistory": stored.history,
        }

    def summary_json(self, stored: StoredInvoice) -> dict[str, Any]:
        customer = stored.payload.get("customerInformation") or {}
        return {
            "_links": {"self": {"href": f"/v2/invoices/{stored.number}", "method": "GET"}},
            "id": stored.number,
            "status": stored.status.value,
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

    # -- invoice settings -------------------------------------------------------------------

    def settings(self, merchant_id: str, product_type: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._settings_of(merchant_id, product_type))

    def update_settings(self, merchant_id: str, product_type: str, payload: Any) -> dict[str, Any]:
        issues = check_settings_payload(payload)
        if issues:
            raise validation_failed(issues)
        with self._lock:
            current = self._settings_of(merchant_id, product_type)
            info = dict(payload.get("invoiceSettingsInformation") or {})
            enable_3ds = info.pop("payerAuthenticationInInvoicing", None)
            if enable_3ds is not None:
                info["payerAuthentication3DSVersion"] = enable_3ds in ("enable", "update")
            current["invoiceSettingsInformation"] = info
            current["submitTimeUtc"] = self._now()
            return copy.deepcopy(current)

    # -- helpers ------------------------------------------------------------------------------

    def _settings_of(self, merchant_id: str, product_type: str) -> dict[str, Any]:
        return self._settings.setdefault(
            (merchant_id, product_type),
            {
                "submitTimeUtc": self._now(),
                "invoiceSettingsInformation": {
                    "merchantDisplayName": merchant_id,
                    "deliveryLanguage": "en-US",
                    "defaultCurrencyCode": "USD",
                    "enableReminders": False,
                    "payerAuthentication3DSVersion": False,
                },
                "merchantInformation": {"name": merchant_id},
            },
        )

    def _transition(
        self,
        merchant_id: str,
        number: str,
        allowed_from: set[InvoiceStatus],
        target: InvoiceStatus,
        event: str,
    ) -> StoredInvoice:
        with self._lock:
            stored = self._find(merchant_id, number)
            if stored.status not in allowed_from:
                raise not_allowed()
            stored.status = target
            stored.submit_time = self._now()
            stored.history.append(self._event(event))
            return copy.deepcopy(stored)

    def _find(self, merchant_id: str, number: str) -> StoredInvoice:
        stored = self._invoices.get(merchant_id, {}).get(number)
        if stored is None:
            raise CybersourceReply(404, "NOT_FOUND", "Invoice does not exist.")
        return stored

    def _generated_number(self, invoices: Mapping[str, StoredInvoice]) -> str:
        while str(self._next_number) in invoices:
            self._next_number += 1
        return str(self._next_number)

    def _event(self, event: str) -> dict[str, Any]:
        return {"event": event, "date": self._now()}

    def _now(self) -> str:
        return utc_timestamp(self._clock())


def _check(payload: Any, *, for_update: bool) -> None:
    issues = check_invoice_payload(payload, for_update=for_update)
    if not issues:
        info = payload["invoiceInformation"]
        customer = payload.get("customerInformation") or {}
        if _by_email(info) and not customer.get("email"):
            issues.append(FieldIssue("customerInformation.email", MISSING_FIELD))
    if issues:
        raise validation_failed(issues)


def _by_email(info: Mapping[str, Any]) -> bool:
    """``deliveryMode`` is checked as none/email in any case; absent or null means none."""
    return str(info.get("deliveryMode")).lower() == "email"


def _stored_payload(payload: Mapping[str, Any], number: str) -> dict[str, Any]:
    stored = copy.deepcopy(dict(payload))
    stored.pop("clientReferenceInformation", None)
    stored["invoiceInformation"]["invoiceNumber"] = number
    return stored

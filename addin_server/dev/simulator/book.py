"""The simulator's invoices: storage per merchant and Cybersource's status machine (notes §2).

Transitions (``shapes.ALLOWED_ACTIONS``): create (DRAFT | CREATED | SENT by mode), publish
(DRAFT -> CREATED), send (DRAFT/CREATED -> SENT with email, DRAFT -> CREATED without; SENT
and PARTIAL are re-sent), update (DRAFT/CREATED/SENT; status unchanged), cancel (DRAFT/
CREATED/SENT), pay (CREATED/SENT/PARTIAL -> PARTIAL or PAID). Everything else is
ACTION_NOT_ALLOWED.

Every change is told to the ``observers`` (after the book's lock is released) as an
``InvoiceChange``: the ``invoiceHistory`` event and the invoice as GET now shows it.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from addin_server.currencies import format_amount, parse_amount
from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import INVALID_DATA, LISTABLE_STATUSES
from addin_server.cybersource.models import InvoiceStatus
from addin_server.dev.simulator.payloads import by_email, checked_invoice, has_more_decimals
from addin_server.dev.simulator.replies import (
    CybersourceReply,
    invalid,
    not_allowed,
    not_found,
    utc_timestamp,
)
from addin_server.dev.simulator.shapes import (
    SANDBOX_PAYMENT_LINK_BASE,
    Answer,
    StoredInvoice,
    invoice_json,
)


@dataclass(frozen=True)
class InvoiceChange:
    merchant_id: str
    event: str  # DRAFT, CREATE, SEND, RESEND, UPDATE, CANCEL or PAYMENT
    invoice: dict[str, Any]  # as GET /invoicing/v2/invoices/{id} answers after the change


InvoiceObserver = Callable[[InvoiceChange], None]
# (the book has a method named ``list``, so its annotations use these)
_Recorded = tuple[StoredInvoice, list[InvoiceChange]]


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
        self._next_number = 1000
        self._lock = threading.Lock()
        self.observers: list[InvoiceObserver] = []

    def create(self, merchant_id: str, payload: Any, *, email_fails: bool = False) -> StoredInvoice:
        kept = checked_invoice(payload, for_update=False)
        with self._lock:
            invoices = self._invoices.setdefault(merchant_id, {})
            info = kept["invoiceInformation"]
            number = str(info.get("invoiceNumber") or self._generated_number(invoices))
            if number in invoices:
                raise CybersourceReply(
                    400,
                    "DUPLICATE_RECORD",
                    "Invoice number already exists.",
                    (FieldIssue("invoiceInformation.invoiceNumber", INVALID_DATA),),
                )
            info["invoiceNumber"] = number
            status = self._created_status(info, email_fails)
            stored = StoredInvoice(
                number=number,
                payload=kept,
                status=status,
                link_token=secrets.token_urlsafe(24),
                balance=parse_amount(kept["orderInformation"]["amountDetails"]["totalAmount"]),
                created_time=self._now(),
                submit_time=self._now(),
            )
            events = ["DRAFT" if status is InvoiceStatus.DRAFT else "CREATE"]
            if status is InvoiceStatus.SENT:
                events.append("SEND")
            invoices[number] = stored
            recorded = self._record(merchant_id, stored, events)
        return self._told(recorded)

    def get(self, merchant_id: str, number: str) -> StoredInvoice:
        with self._lock:
            return copy.deepcopy(self._find(merchant_id, number))

    def list(
        self, merchant_id: str, offset: int, limit: int, status: str | None
    ) -> tuple[int, list[StoredInvoice]]:
        if status is not None and status not in LISTABLE_STATUSES:
            raise CybersourceReply(
                400,
                "VALIDATION_ERROR",
                "Invalid invoice status.",
                (FieldIssue("status", INVALID_DATA),),
            )
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
        """A full replacement (notes §2.3): fields left out are removed."""
        kept = checked_invoice(payload, for_update=True)
        with self._lock:
            stored = self._find_allowing(merchant_id, number, "update")
            old_email = (stored.payload.get("customerInformation") or {}).get("email")
            kept["invoiceInformation"]["invoiceNumber"] = number
            stored.payload = kept
            if (kept.get("customerInformation") or {}).get("email") != old_email:
                stored.link_token = secrets.token_urlsafe(24)  # the old link stops working
            stored.balance = parse_amount(stored.amounts["totalAmount"])
            recorded = self._record(merchant_id, stored, ["UPDATE"])
        return self._told(recorded)

    def send(self, merchant_id: str, number: str) -> StoredInvoice:
        with self._lock:
            stored = self._find_allowing(merchant_id, number, "deliver")
            resend = stored.status in (InvoiceStatus.SENT, InvoiceStatus.PARTIAL)
            if stored.status in (InvoiceStatus.DRAFT, InvoiceStatus.CREATED):
                stored.status = InvoiceStatus.SENT if stored.by_email else InvoiceStatus.CREATED
            if stored.by_email:
                events = ["RESEND" if resend else "SEND"]
            else:
                events = [] if resend else ["CREATE"]
            recorded = self._record(merchant_id, stored, events)
        return self._told(recorded)

    def publish(self, merchant_id: str, number: str) -> StoredInvoice:
        with self._lock:
            stored = self._find_allowing(merchant_id, number, "publish")
            stored.status = InvoiceStatus.CREATED
            recorded = self._record(merchant_id, stored, ["CREATE"])
        return self._told(recorded)

    def cancel(self, merchant_id: str, number: str) -> StoredInvoice:
        with self._lock:
            stored = self._find_allowing(merchant_id, number, "cancel")
            stored.status = InvoiceStatus.CANCELED
            recorded = self._record(merchant_id, stored, ["CANCEL"])
        return self._told(recorded)

    def pay(self, merchant_id: str, number: str, amount_text: str) -> StoredInvoice:
        """The customer pays on the hosted page: in full (PAID) or in part (PARTIAL)."""
        try:
            amount = Decimal(amount_text)
        except (InvalidOperation, TypeError) as exc:
            raise invalid("amount") from exc
        with self._lock:
            stored = self._find_allowing(merchant_id, number, "pay")
            self._check_payment(stored, amount)
            stored.balance -= amount
            partial = stored.balance > 0
            stored.status = InvoiceStatus.PARTIAL if partial else InvoiceStatus.PAID
            transaction = {
                "transactionId": secrets.token_hex(11),
                "amount": format_amount(amount, stored.amounts["currency"]),
            }
            recorded = self._record(merchant_id, stored, ["PAYMENT"], transaction)
        return self._told(recorded)

    def to_json(self, stored: StoredInvoice, answer: Answer = "write") -> dict[str, Any]:
        return invoice_json(stored, self._payment_link_base, answer)

    # -- helpers ------------------------------------------------------------------------------

    def _created_status(self, info: Mapping[str, Any], email_fails: bool) -> InvoiceStatus:
        if not info.get("sendImmediately"):
            return InvoiceStatus.DRAFT if by_email(info) else self._draft_without_email_status
        if by_email(info) and not email_fails:
            return InvoiceStatus.SENT
        return InvoiceStatus.CREATED

    @staticmethod
    def _check_payment(stored: StoredInvoice, amount: Decimal) -> None:
        currency = stored.amounts["currency"]
        if not amount.is_finite() or amount <= 0 or amount > stored.balance:
            raise invalid("amount")
        if has_more_decimals(amount, currency):
            raise invalid("amount")
        if amount < stored.balance:
            minimum = parse_amount(stored.amounts.get("minimumPartialAmount"))
            if not stored.info.get("allowPartialPayments") or amount < minimum:
                raise invalid("amount")

    def _record(
        self,
        merchant_id: str,
        stored: StoredInvoice,
        events: Sequence[str],
        transaction: dict[str, str] | None = None,
    ) -> _Recorded:
        """Note the events in the history (under the lock): a copy and the changes to tell."""
        stored.submit_time = self._now()
        for event in events:
            entry: dict[str, Any] = {"event": event, "date": self._now()}
            if transaction is not None:
                entry["transactionDetails"] = transaction
            stored.history.append(entry)
        snapshot = copy.deepcopy(stored)
        shown = self.to_json(snapshot, "get")
        return snapshot, [InvoiceChange(merchant_id, event, shown) for event in events]

    def _told(self, recorded: _Recorded) -> StoredInvoice:
        """Tell the observers, in the caller's thread, once the lock is released."""
        snapshot, changes = recorded
        for change in changes:
            for observer in list(self.observers):
                observer(change)
        return snapshot

    def _find(self, merchant_id: str, number: str) -> StoredInvoice:
        stored = self._invoices.get(merchant_id, {}).get(number)
        if stored is None:
            raise not_found()
        return stored

    def _find_allowing(self, merchant_id: str, number: str, action: str) -> StoredInvoice:
        stored = self._find(merchant_id, number)
        if not stored.allows(action):
            raise not_allowed()
        return stored

    def _generated_number(self, invoices: Mapping[str, StoredInvoice]) -> str:
        while str(self._next_number) in invoices:
            self._next_number += 1
        return str(self._next_number)

    def _now(self) -> str:
        return utc_timestamp(self._clock())

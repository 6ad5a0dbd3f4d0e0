"""Services: one method per Invoicing operation, typed in and out."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from addin_server.cybersource.errors import FieldIssue, NotFoundError, ValidationFailedError
from addin_server.cybersource.limits import INVALID_DATA, LISTABLE_STATUSES, MAX_PAGE_SIZE
from addin_server.cybersource.models import (
    CreateResult,
    DeliveryModeCase,
    Invoice,
    InvoiceDraft,
    InvoicePage,
    InvoiceSettings,
    InvoiceStatus,
)
from addin_server.cybersource.models.update import update_body
from addin_server.cybersource.requestor import Requestor

INVOICES_PATH = "/invoicing/v2/invoices"
SETTINGS_PATH = "/invoicing/v2/invoiceSettings"


def invoice_path(invoice_number: str, action: str = "") -> str:
    """``{id}`` is the invoice number, percent-encoded (and signed as encoded)."""
    path = f"{INVOICES_PATH}/{quote(invoice_number, safe='')}"
    return f"{path}/{action}" if action else path


class InvoicesService:
    """Create, read, list, update, send, publish and cancel invoices."""

    def __init__(
        self, requestor: Requestor, delivery_mode_case: DeliveryModeCase = DeliveryModeCase.LOWER
    ) -> None:
        self._requestor = requestor
        self._delivery_mode_case = delivery_mode_case

    def create(self, draft: InvoiceDraft) -> CreateResult:
        """Create in ``draft.mode``. Never retried here: see ``create_invoice_once``.

        A 202 (invoice created, email not sent) is a success: the invoice is read back and
        returned with the message as ``warning``; send it again later.
        """
        payload = draft.to_payload(delivery_mode_case=self._delivery_mode_case)
        response = self._requestor.request("POST", INVOICES_PATH, json_body=payload)
        if response.status == 202:
            message = response.data.get("message") or "invoice created, email not sent"
            return CreateResult(self.get(draft.invoice_number), warning=str(message))
        return CreateResult(Invoice.from_json(response.data))

    def get(self, invoice_number: str) -> Invoice:
        return Invoice.from_json(self._requestor.request("GET", invoice_path(invoice_number)).data)

    def list(
        self, *, offset: int = 0, limit: int = 50, status: InvoiceStatus | None = None
    ) -> InvoicePage:
        """One page; Cybersource's 404 "No invoices found." is an empty page."""
        issues: list[FieldIssue] = []
        if offset < 0:
            issues.append(FieldIssue("offset", INVALID_DATA, "must not be negative"))
        if not 1 <= limit <= MAX_PAGE_SIZE:
            issues.append(FieldIssue("limit", INVALID_DATA, f"must be 1 to {MAX_PAGE_SIZE}"))
        if status is not None and status not in LISTABLE_STATUSES:
            issues.append(FieldIssue("status", INVALID_DATA, "cannot be used as a filter"))
        if issues:
            raise ValidationFailedError(
                "bad list parameters; nothing was sent", details=tuple(issues)
            )
        query: dict[str, str | int] = {"offset": offset, "limit": limit}
        if status is not None:
            query["status"] = status.value
        try:
            response = self._requestor.request("GET", INVOICES_PATH, query=query)
        except NotFoundError:
            return InvoicePage(total=0, invoices=())
        return InvoicePage.from_json(response.data)

    def update(self, invoice_number: str, draft: InvoiceDraft) -> Invoice:
        """Change what ``draft`` models and keep every other field.

        Cybersource's update replaces the whole invoice, so this reads it first and sends it
        back with the draft's fields over it (``models.update.update_body``). The draft is
        checked before anything is sent. Cybersource offers no version check: an update made
        by someone else between the read and the write is overwritten.
        """
        changes = draft.to_payload(for_update=True, delivery_mode_case=self._delivery_mode_case)
        path = invoice_path(invoice_number)
        current = self._requestor.request("GET", path).data
        return self._invoice("PUT", path, update_body(current, changes))

    def send(self, invoice_number: str) -> Invoice:
        """``POST /delivery`` (the spec's method; one docs page says PUT, notes §1)."""
        return self._invoice("POST", invoice_path(invoice_number, "delivery"))

    def publish(self, invoice_number: str) -> Invoice:
        return self._invoice("POST", invoice_path(invoice_number, "publication"))

    def cancel(self, invoice_number: str) -> Invoice:
        return self._invoice("POST", invoice_path(invoice_number, "cancelation"))

    def _invoice(self, method: str, path: str, payload: Any = None) -> Invoice:
        return Invoice.from_json(self._requestor.request(method, path, json_body=payload).data)


class InvoiceSettingsService:
    """The merchant's invoice page and email settings (``productType`` INVOICING or PAYBYLINK)."""

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    def get(self, product_type: str = "INVOICING") -> InvoiceSettings:
        response = self._requestor.request(
            "GET", SETTINGS_PATH, query={"productType": product_type}
        )
        return InvoiceSettings.from_json(response.data)

    def update(self, settings: InvoiceSettings, product_type: str = "INVOICING") -> InvoiceSettings:
        response = self._requestor.request(
            "PUT",
            SETTINGS_PATH,
            query={"productType": product_type},
            json_body=settings.to_payload(),
        )
        return InvoiceSettings.from_json(response.data)

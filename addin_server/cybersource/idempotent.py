"""Creating an invoice exactly once, even when the answer to the create call is lost.

The add-in assigns the invoice number itself (unique per merchant). Before the call the
intent is recorded; if the call times out or the connection drops, a GET on that number
tells whether Cybersource stored the invoice. Creation is never retried blindly.

After a lost answer and a 404 from the GET, the create is tried once more with the same
number: a create that did reach Cybersource after the GET would then be refused as a
duplicate (``DuplicateInvoiceError``), which is resolved by reading the invoice, so no
invoice is ever made twice and none is lost.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from addin_server.cybersource.auth import encode_json
from addin_server.cybersource.client import CybersourceClient
from addin_server.cybersource.errors import (
    CybersourceError,
    DuplicateInvoiceError,
    NotFoundError,
    UpstreamUnavailableError,
)
from addin_server.cybersource.models import CreateResult, Invoice, InvoiceDraft


class IntentStore(Protocol):
    """Durable record of create attempts, kept by the caller (e.g. the invoices table)."""

    def record_intent(self, merchant_id: str, invoice_number: str, payload_digest: str) -> None:
        """Called before the create request is sent."""

    def mark_created(self, merchant_id: str, invoice_number: str, invoice: Invoice) -> None: ...

    def mark_failed(
        self, merchant_id: str, invoice_number: str, error: CybersourceError
    ) -> None: ...


def payload_digest(draft: InvoiceDraft) -> str:
    """SHA-256 of the create body: lets a later reconciliation see what was asked for."""
    return hashlib.sha256(encode_json(draft.to_payload())).hexdigest()


def create_invoice_once(
    client: CybersourceClient, draft: InvoiceDraft, intents: IntentStore
) -> CreateResult:
    """Create ``draft`` at most once; raise the error if it certainly was not created.

    An invoice that exists under the number but that this call did not make (a duplicate
    on the very first try) is reported as ``DuplicateInvoiceError``: the number was not ours.
    """
    merchant_id = client.merchant_id
    number = draft.invoice_number
    intents.record_intent(merchant_id, number, payload_digest(draft))
    try:
        result = _create_resolving_lost_answers(client, draft)
    except CybersourceError as error:
        intents.mark_failed(merchant_id, number, error)
        raise
    intents.mark_created(merchant_id, number, result.invoice)
    return result


def _create_resolving_lost_answers(client: CybersourceClient, draft: InvoiceDraft) -> CreateResult:
    lost: CybersourceError | None = None
    for attempt in range(2):
        try:
            return client.invoices.create(draft)
        except DuplicateInvoiceError as error:
            if attempt == 0:
                raise  # the number was taken before this call: not ours
            lost = error  # our first request was stored after the GET looked
        except UpstreamUnavailableError as error:
            # A lost answer, or a 5xx from a gateway that may sit behind a stored invoice:
            # either way only a lookup tells whether it exists.
            lost = error
        existing = find_invoice(client, draft.invoice_number)
        if existing is not None:
            return CreateResult(existing)
    assert lost is not None
    raise lost


def find_invoice(client: CybersourceClient, invoice_number: str) -> Invoice | None:
    """The invoice with this number, or ``None``; also for reconciling intents left pending."""
    try:
        return client.invoices.get(invoice_number)
    except NotFoundError:
        return None

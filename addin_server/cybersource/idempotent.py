"""Creating an invoice exactly once, even when the answer to the create call is lost.

The add-in assigns the invoice number itself (unique per merchant). Before the call the
intent is recorded; if the call times out, the connection drops or a 5xx comes back, a GET
on that number tells whether Cybersource stored the invoice. Creation is never retried
blindly, and never under another number once a request with this one may have been sent.

After a lost answer and a 404 from the GET, the create is tried once more with the same
number: a create that did reach Cybersource after the GET would then be refused as a
duplicate (``DuplicateInvoiceError``), which is resolved by reading the invoice, so no
invoice is ever made twice and none is lost.

When no answer settles it (the look-up fails too, or the retry is lost as well) the outcome
is *unknown*: the intent is marked so (``mark_unknown``), never failed, and
``OutcomeUnknownError`` is raised; a later look-up of the same number settles it.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from addin_server.cybersource.auth import encode_json
from addin_server.cybersource.errors import (
    CybersourceError,
    DuplicateInvoiceError,
    NotFoundError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from addin_server.cybersource.models import CreateResult, Invoice, InvoiceDraft


class OutcomeUnknownError(UpstreamUnavailableError):
    """The create may or may not have been stored; ``cause`` is the last error seen.

    Look the number up later (``find_invoice``); never create it again under a new number.
    """

    def __init__(self, cause: CybersourceError) -> None:
        super().__init__(
            cause.message,
            status=cause.status,
            reason=cause.reason,
            correlation_id=cause.correlation_id,
            body=cause.body,
        )
        self.cause = cause

    @property
    def timed_out(self) -> bool:
        return isinstance(self.cause, UpstreamTimeoutError)


class InvoiceCalls(Protocol):
    """The two calls creating once needs (``CybersourceClient.invoices`` has them)."""

    def create(self, draft: InvoiceDraft) -> CreateResult: ...

    def get(self, invoice_number: str) -> Invoice: ...


class InvoiceClient(Protocol):
    """What creating once needs of a client (a ``CybersourceClient`` is one): its merchant and
    the two calls, so tests can script races the simulator cannot stage."""

    @property
    def merchant_id(self) -> str: ...

    @property
    def invoices(self) -> InvoiceCalls: ...


class IntentStore(Protocol):
    """Durable record of create attempts, kept by the caller (e.g. the invoices table)."""

    def record_intent(self, merchant_id: str, invoice_number: str, payload_digest: str) -> None:
        """Called before the create request is sent."""

    def mark_created(self, merchant_id: str, invoice_number: str, invoice: Invoice) -> None: ...

    def mark_failed(
        self, merchant_id: str, invoice_number: str, error: CybersourceError
    ) -> None: ...

    def mark_unknown(
        self, merchant_id: str, invoice_number: str, error: CybersourceError
    ) -> None: ...


def payload_digest(draft: InvoiceDraft) -> str:
    """SHA-256 of the create body but its number (kept beside the digest): lets a later
    reconciliation see what was asked for, and can be worked out before a number is taken."""
    payload = draft.to_payload()
    del payload["invoiceInformation"]["invoiceNumber"]
    return hashlib.sha256(encode_json(payload)).hexdigest()


def create_invoice_once(
    client: InvoiceClient,
    draft: InvoiceDraft,
    intents: IntentStore,
    *,
    number_sent_before: bool = False,
) -> CreateResult:
    """Create ``draft`` at most once; raise the error if it was not (or may not be) created.

    ``number_sent_before``: a request with this number may have reached Cybersource already
    (a retry of an unknown outcome), so a duplicate is that request, resolved by reading it.
    Otherwise a duplicate on the very first try is ``DuplicateInvoiceError``: the number
    was taken by someone else (e.g. made in the Business Center).
    """
    merchant_id = client.merchant_id
    number = draft.invoice_number
    intents.record_intent(merchant_id, number, payload_digest(draft))
    try:
        result = _create_resolving_lost_answers(client, draft, number_sent_before)
    except OutcomeUnknownError as error:
        intents.mark_unknown(merchant_id, number, error)
        raise
    except CybersourceError as error:
        intents.mark_failed(merchant_id, number, error)
        raise
    intents.mark_created(merchant_id, number, result.invoice)
    return result


def _create_resolving_lost_answers(
    client: InvoiceClient, draft: InvoiceDraft, number_sent_before: bool
) -> CreateResult:
    lost: CybersourceError | None = None
    for _attempt in range(2):
        try:
            return client.invoices.create(draft)
        except DuplicateInvoiceError as error:
            if not number_sent_before:
                raise  # the number was taken before any request of ours carried it
            lost = error  # an earlier request of ours was stored
        except UpstreamUnavailableError as error:
            # A lost answer, or a 5xx from a gateway that may sit behind a stored invoice:
            # either way only a lookup tells whether it exists.
            lost = error
        number_sent_before = True
        try:
            existing = find_invoice(client, draft.invoice_number)
        except UpstreamUnavailableError as error:
            raise OutcomeUnknownError(error) from error
        if existing is not None:
            return CreateResult(existing)
    assert lost is not None
    raise OutcomeUnknownError(lost) from lost


def find_invoice(client: InvoiceClient, invoice_number: str) -> Invoice | None:
    """The invoice with this number, or ``None``; also for settling unknown outcomes."""
    try:
        return client.invoices.get(invoice_number)
    except NotFoundError:
        return None

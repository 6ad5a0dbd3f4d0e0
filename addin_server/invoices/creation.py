"""``POST /invoices``: create an invoice exactly once per ``Idempotency-Key``.

1. Check everything we can before anything is written (schema, total, Cybersource's limits).
2. Claim the key: insert the record (unique per tenant and key) in its own committed
   transaction, with the merchant's next number, before any call to Cybersource.
3. Create through ``create_invoice_once`` (look-up after a lost answer, one retry with the
   same number); the record ends ``created``, ``failed`` (certainly not made) or
   ``unknown`` (only a look-up can tell; never retried under another number).

A request that finds the key taken: another body -> 422; ``created`` -> the same invoice
(200); ``creating`` within its lease -> 409 + ``Retry-After``; ``unknown`` or a ``creating``
past its lease -> taken over, settled by look-up, created with the same number if missing;
``failed`` -> tried again (with a fresh number: the old one was never used).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from addin_server.audit import AuditAction
from addin_server.cybersource import (
    CybersourceClient,
    CybersourceError,
    DuplicateInvoiceError,
    ValidationFailedError,
    create_invoice_once,
    find_invoice,
    payload_digest,
)
from addin_server.invoices.intents import (
    DatabaseIntentStore,
    in_flight_lease,
    insert_claim,
    take_over,
)
from addin_server.invoices.models import IntentState, InvoiceRecord
from addin_server.invoices.numbering import format_invoice_number, number_record
from addin_server.invoices.service import (
    InvoiceContext,
    apply_fields,
    check_total,
    draft_of,
)
from addin_server.invoices.upstream import to_raise
from addin_server.merchants import MerchantProfile, profile_for
from addin_server.problems import ApiProblem
from addin_server.storage import utcnow

# A number already taken at Cybersource (e.g. made in the Business Center with the same
# prefix) costs one fresh number; more than this many in a row means a misconfigured prefix.
MAX_NUMBER_COLLISIONS = 3


@dataclass(frozen=True)
class CreateOutcome:
    record: InvoiceRecord
    created_now: bool  # 201 for the request that made it, 200 for a replay


def request_digest(data: Mapping[str, Any]) -> str:
    """SHA-256 of the validated body, independent of key order and spacing."""
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def create_invoice(
    ctx: InvoiceContext, data: Mapping[str, Any], idempotency_key: str
) -> CreateOutcome:
    profile = profile_for(ctx.session, ctx.caller, data["merchant_profile_id"])
    check_total(data)
    digest = request_digest(data)
    record = _new_record(ctx, profile, data, idempotency_key, digest)
    _check_for_cybersource(record)
    # Claim first, read only when the key turns out taken: a new key (the common case) costs
    # no look-up, and of two requests racing for one key the database picks the winner.
    if insert_claim(ctx.db, record, profile.invoice_number_prefix):
        return _create(ctx, profile, record, number_sent_before=False)
    existing = _by_key(ctx, idempotency_key)
    if existing is None:
        raise RuntimeError("idempotency key neither free nor taken")
    return _replay(ctx, profile, existing, data, digest)


def _by_key(ctx: InvoiceContext, key: str) -> InvoiceRecord | None:
    """The record holding ``key``, read afresh and detached: claims write it on their own
    transactions, never through the request's session."""
    record = ctx.session.scalars(
        select(InvoiceRecord)
        .where(
            InvoiceRecord.tenant_id == ctx.caller.tenant_id, InvoiceRecord.idempotency_key == key
        )
        .execution_options(populate_existing=True)
    ).one_or_none()
    if record is not None:
        ctx.session.expunge(record)
    return record


def _new_record(
    ctx: InvoiceContext,
    profile: MerchantProfile,
    data: Mapping[str, Any],
    key: str,
    digest: str,
) -> InvoiceRecord:
    record = InvoiceRecord(
        tenant_id=ctx.caller.tenant_id,
        merchant_profile_id=profile.id,
        invoice_number=format_invoice_number(profile.invoice_number_prefix, 0),  # for checks
        state=IntentState.CREATING,
        attempt=1,
        idempotency_key=key,
        request_digest=digest,
        payload_digest="",
        mode=data["mode"],
        created_by_user_id=ctx.caller.user_id,
    )
    apply_fields(record, data)
    return record


def _check_for_cybersource(record: InvoiceRecord) -> None:
    """Cybersource's own field rules, before the key is claimed (400 naming our fields);
    the record keeps the digest of the body it will be sent in."""
    try:
        record.payload_digest = payload_digest(draft_of(record))
    except ValidationFailedError as error:
        raise to_raise(error) from error


def _number(ctx: InvoiceContext, profile: MerchantProfile, record: InvoiceRecord) -> None:
    """The merchant's next number onto a claimed record, saved before anything is sent."""
    number_record(ctx.db, record, profile.invoice_number_prefix)


def _replay(
    ctx: InvoiceContext,
    profile: MerchantProfile,
    record: InvoiceRecord,
    data: Mapping[str, Any],
    digest: str,
) -> CreateOutcome:
    if record.merchant_profile_id != profile.id or record.request_digest != digest:
        if record.state != IntentState.FAILED:
            raise _key_reused(record)
        return _retry_failed(ctx, profile, record, data, digest)
    if record.state == IntentState.CREATED:
        return CreateOutcome(record, created_now=False)
    if record.state == IntentState.FAILED:
        return _retry_failed(ctx, profile, record, None, digest)
    if record.state == IntentState.CREATING and _within_lease(ctx, record):
        raise _in_flight(ctx, record)
    return _settle_and_create(ctx, profile, record)


def _within_lease(ctx: InvoiceContext, record: InvoiceRecord) -> bool:
    return record.updated_at > utcnow() - in_flight_lease(ctx.settings)


def _claim(ctx: InvoiceContext, record: InvoiceRecord) -> None:
    if not take_over(ctx.db, record):
        raise _in_flight(ctx, record)


def _retry_failed(
    ctx: InvoiceContext,
    profile: MerchantProfile,
    record: InvoiceRecord,
    data: Mapping[str, Any] | None,
    digest: str,
) -> CreateOutcome:
    """Nothing was made with this key: try again, with the new body if one came."""
    if data is not None:
        if record.merchant_profile_id != profile.id:
            raise _key_reused(record)
        apply_fields(record, data)
        record.request_digest = digest
        _check_for_cybersource(record)
    _claim(ctx, record)
    with ctx.db.session() as session:
        session.merge(record)
    _number(ctx, profile, record)
    return _create(ctx, profile, record, number_sent_before=False)


def _settle_and_create(
    ctx: InvoiceContext, profile: MerchantProfile, record: InvoiceRecord
) -> CreateOutcome:
    """A lost answer or a dead request: look the number up; create it (same number) if
    Cybersource does not have it."""
    _claim(ctx, record)
    store = DatabaseIntentStore(ctx.db, record)
    with ctx.client(profile) as client:
        try:
            invoice = find_invoice(client, record.invoice_number)
        except CybersourceError as error:
            store.mark_unknown(client.merchant_id, record.invoice_number, error)
            raise ctx.fail(AuditAction.INVOICE_CREATE_FAILED, record, error) from error
        if invoice is not None:
            store.mark_created(client.merchant_id, record.invoice_number, invoice)
            return _done(ctx, record, warning=None)
    return _create(ctx, profile, record, number_sent_before=True)


def _create(
    ctx: InvoiceContext,
    profile: MerchantProfile,
    record: InvoiceRecord,
    *,
    number_sent_before: bool,
) -> CreateOutcome:
    """Call Cybersource for a record this request holds; audited whatever the outcome."""
    with ctx.client(profile) as client:
        try:
            warning = _create_numbered(ctx, client, profile, record, number_sent_before)
        except CybersourceError as error:
            raise ctx.fail(AuditAction.INVOICE_CREATE_FAILED, record, error) from error
    return _done(ctx, record, warning)


def _create_numbered(
    ctx: InvoiceContext,
    client: CybersourceClient,
    profile: MerchantProfile,
    record: InvoiceRecord,
    number_sent_before: bool,
) -> str | None:
    store = DatabaseIntentStore(ctx.db, record)
    for collision in range(MAX_NUMBER_COLLISIONS + 1):
        try:
            result = create_invoice_once(
                client, draft_of(record), store, number_sent_before=number_sent_before
            )
        except DuplicateInvoiceError:
            # Taken before any request of ours carried it: the record is failed; claim it
            # again (unless another request already did) and move to the next number.
            if collision == MAX_NUMBER_COLLISIONS or not take_over(ctx.db, record):
                raise
            _number(ctx, profile, record)
            store = DatabaseIntentStore(ctx.db, record)
            continue
        return result.warning
    raise AssertionError("unreachable")


def _done(ctx: InvoiceContext, record: InvoiceRecord, warning: str | None) -> CreateOutcome:
    """The record as saved, with the email warning if any; audited in the same commit."""
    stored = ctx.session.get_one(InvoiceRecord, record.id, populate_existing=True)
    if warning:
        stored.warning = (
            f"Created, but Cybersource could not email it. Send it again. ({warning})"
        )[:300]
    ctx.audit(AuditAction.INVOICE_CREATED, stored, outcome="created", mode=stored.mode)
    return CreateOutcome(stored, created_now=True)


def _key_reused(record: InvoiceRecord) -> ApiProblem:
    return ApiProblem(
        422,
        "This Idempotency-Key was already used for another invoice "
        f"({record.public_id}). Use a new key for a new invoice.",
        title="Idempotency key reused",
        problem_type="/problems/idempotency-key-reused",
        extra={"invoice_id": record.public_id},
    )


def _in_flight(ctx: InvoiceContext, record: InvoiceRecord) -> ApiProblem:
    remaining = record.updated_at + in_flight_lease(ctx.settings) - utcnow()
    seconds = min(max(1, math.ceil(remaining.total_seconds())), 5)
    return ApiProblem(
        409,
        "The first request with this Idempotency-Key is still creating the invoice. "
        "Ask again in a moment with the same key.",
        title="Still being created",
        problem_type="/problems/request-in-flight",
        headers={"Retry-After": str(seconds)},
        extra={"invoice_id": record.public_id},
    )

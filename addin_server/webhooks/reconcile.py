"""Reconciliation: re-read from Cybersource the invoices whose status is not final, for
merchants without webhooks and as a safety net after missed notifications; settle create
intents a crash left ``creating`` or a lost answer ``unknown`` in the same pass.

Paced per merchant profile: at most ``MAX_READS`` invoices a run, none re-read within
``RECHECK_AFTER`` of its last change, and after an upstream failure the profile backs off
(1, 2, 4 ... minutes, at most an hour) before the next run touches it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from addin_server.cybersource import CybersourceClient, NotFoundError, UpstreamUnavailableError
from addin_server.invoices import (
    FINAL_STATUSES,
    DatabaseIntentStore,
    IntentState,
    InvoiceRecord,
    reconcile_pending,
)
from addin_server.storage import Database, utcnow
from addin_server.webhooks.models import ReconcileState

log = logging.getLogger(__name__)
RECHECK_AFTER = timedelta(minutes=10)
MAX_READS = 100
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


@dataclass
class ProfileReport:
    merchant_profile_id: str
    settled: int = 0
    refreshed: int = 0
    backed_off_until: datetime | None = None
    skipped: bool = False
    errors: list[str] = field(default_factory=list)


def _due_for_reread(db: Database, profile_id: str, now: datetime) -> list[InvoiceRecord]:
    with db.session() as session:
        return list(
            session.scalars(
                select(InvoiceRecord)
                .where(
                    InvoiceRecord.merchant_profile_id == profile_id,
                    InvoiceRecord.state == IntentState.CREATED,
                    InvoiceRecord.cybersource_status.not_in(FINAL_STATUSES),
                    InvoiceRecord.updated_at < now - RECHECK_AFTER,
                )
                .order_by(InvoiceRecord.updated_at)
                .limit(MAX_READS)
            )
        )


def _state(db: Database, profile_id: str) -> ReconcileState:
    with db.session() as session:
        state = session.get(ReconcileState, profile_id)
        if state is None:
            state = ReconcileState(merchant_profile_id=profile_id, failures=0, next_run_at=utcnow())
            session.add(state)
        session.flush()
        session.expunge(state)
        return state


def _save(db: Database, state: ReconcileState) -> None:
    with db.session() as session:
        session.merge(state)


def reconcile_profile(
    db: Database, client: CybersourceClient, profile_id: str, *, now: datetime | None = None
) -> ProfileReport:
    """One pass over one profile (see the module's docstring); never raises for upstream
    trouble: it backs off and reports it."""
    now = now or utcnow()
    report = ProfileReport(profile_id)
    state = _state(db, profile_id)
    if state.next_run_at > now:
        report.skipped, report.backed_off_until = True, state.next_run_at
        return report
    try:
        report.settled = len(reconcile_pending(db, client, profile_id, now=now))
        for record in _due_for_reread(db, profile_id, now):
            try:
                invoice = client.invoices.get(record.invoice_number)
            except NotFoundError:
                report.errors.append(f"{record.invoice_number}: not found at Cybersource")
                continue
            DatabaseIntentStore(db, record).mark_created(
                client.merchant_id, record.invoice_number, invoice
            )
            report.refreshed += 1
    except UpstreamUnavailableError as error:
        state.failures += 1
        pause = min(BACKOFF_BASE * 2 ** (state.failures - 1), BACKOFF_MAX)
        state.next_run_at = now + pause
        report.backed_off_until = state.next_run_at
        report.errors.append(f"Cybersource unavailable: {error.message}")
        log.warning("reconciliation backs off", extra={"merchant": profile_id})
    else:
        state.failures, state.next_run_at = 0, now
    _save(db, state)
    return report

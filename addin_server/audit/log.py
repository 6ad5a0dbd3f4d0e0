"""Writing and reading the audit log.

``record_event`` writes the event in the caller's session, so it commits (or rolls back)
together with the change it describes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from addin_server.audit.models import AuditEvent
from addin_server.caller import CurrentUser
from addin_server.logs import redact_value


class AuditAction(StrEnum):
    MERCHANT_CREATED = "merchant.created"
    MERCHANT_UPDATED = "merchant.updated"
    MERCHANT_CREDENTIALS_CHANGED = "merchant.credentials_changed"
    MERCHANT_VERIFIED = "merchant.verified"
    MERCHANT_VERIFICATION_FAILED = "merchant.verification_failed"
    MERCHANT_DELETED = "merchant.deleted"
    MEMBER_ADDED = "member.added"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    MEMBER_REMOVED = "member.removed"
    MEMBER_INVITATION_ACCEPTED = "member.invitation_accepted"
    MEMBER_INVITATION_REFUSED = "member.invitation_refused"
    INVOICE_CREATED = "invoice.created"
    INVOICE_SENT = "invoice.sent"
    INVOICE_PUBLISHED = "invoice.published"
    INVOICE_CANCELLED = "invoice.cancelled"
    INVOICE_UPDATED = "invoice.updated"
    INVOICE_REFRESHED = "invoice.refreshed"
    INVOICE_CREATE_FAILED = "invoice.create_failed"
    INVOICE_ACTION_FAILED = "invoice.action_failed"


def record_event(  # noqa: PLR0917 (the positional signature other concerns call)
    session: Session,
    actor: CurrentUser,
    action: AuditAction | str,
    target_type: str,
    target_id: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Write one event by ``actor`` (``caller.current_user()``) in their tenant in
    ``session``'s transaction; the caller commits. An INSERT statement, not an object
    added: events are never read back in the request, and the statement skips the work of
    the ORM's flush (bookkeeping an object that is never used again).

    ``details`` must be JSON-serialisable; values under sensitive names (``secret``,
    ``password``, ...) are redacted anyway, so a careless caller cannot store a secret here.
    """
    session.execute(
        insert(AuditEvent).values(
            tenant_id=actor.tenant_id,
            actor_user_id=actor.user_id,
            actor_label=actor.username or actor.name,
            action=str(action),
            target_type=target_type,
            target_id=str(target_id),
            details=redact_value(dict(details or {})),
        )
    )


def list_events(
    session: Session, tenant_id: str, *, limit: int, before_id: int | None = None
) -> Sequence[AuditEvent]:
    """The tenant's events, newest first; ``before_id`` continues from a previous page."""
    query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()

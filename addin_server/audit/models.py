"""The audit log table: one row per event, written once and never changed.

Append-only is enforced twice: the ORM refuses to flush an update or delete of an
``AuditEvent``, and migration 0002 adds triggers that make the database refuse them too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from addin_server.storage import Base, UtcDateTime, utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_EVENT_ID = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(_EVENT_ID, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    tenant_id: Mapped[str] = mapped_column(String(64), ForeignKey("tenants.id"), index=True)
    # No user for events of the system itself (e.g. a CLI command); the label survives the user.
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnlyError(Exception):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEvent):
            raise AuditLogIsAppendOnlyError("audit events cannot be changed or deleted")

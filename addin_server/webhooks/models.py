"""Per merchant profile: the webhook subscription and the keys Cybersource signs with;
every notification received (applied once by its ``notificationId``); reconciliation's
back-off.

Signing keys are sealed like merchant credentials (AES-GCM under ``ADDIN_ENCRYPTION_KEYS``,
bound to the row and field). After a rotation the previous key stays accepted until a
notification signed with the new one arrives (``confirmed_at``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from addin_server.storage import Base, UtcDateTime, utcnow


def new_subscription_id() -> str:
    return str(uuid.uuid4())


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_subscription_id)
    merchant_profile_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("merchant_profiles.id", ondelete="CASCADE"), unique=True
    )
    cybersource_webhook_id: Mapped[str] = mapped_column(String(64))
    webhook_url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(64), index=True)
    key_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    key_sealed_with: Mapped[str] = mapped_column(String(32))  # encryption key id
    key_expires: Mapped[str] = mapped_column(String(10), default="")
    previous_key_id: Mapped[str | None] = mapped_column(String(64), index=True)
    previous_key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_key_sealed_with: Mapped[str | None] = mapped_column(String(32))
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class ReceivedNotification(Base):
    """One notification, by Cybersource's ``notificationId``: a replay finds this row."""

    __tablename__ = "webhook_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(64), unique=True)
    merchant_profile_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("merchant_profiles.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(64))
    invoice_number: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(24))  # applied, no_change, unknown_invoice
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReconcileState(Base):
    """Reconciliation's pace per merchant profile: when it may run again, after failures."""

    __tablename__ = "reconcile_states"

    merchant_profile_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("merchant_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_run_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

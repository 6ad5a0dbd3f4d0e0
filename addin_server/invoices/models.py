"""Invoices this add-in created, and the per-merchant counter their numbers come from.

A row is written *before* the create call is sent (state ``pending``), so an answer lost to
a timeout or a crash is never a lost invoice: ``reconcile_pending`` looks the number up.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from addin_server.storage import Base, UtcDateTime, utcnow


class IntentState(StrEnum):
    PENDING = "pending"  # recorded; the create call may or may not have reached Cybersource
    CREATED = "created"  # Cybersource has it
    FAILED = "failed"  # Cybersource certainly does not have it


class InvoiceRecord(Base):
    __tablename__ = "invoice_records"
    __table_args__ = (
        UniqueConstraint("merchant_profile_id", "invoice_number"),
        CheckConstraint("state IN ('pending', 'created', 'failed')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_profile_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("merchant_profiles.id", ondelete="CASCADE"), index=True
    )
    invoice_number: Mapped[str] = mapped_column(String(26))
    state: Mapped[str] = mapped_column(String(16), default=IntentState.PENDING)
    payload_digest: Mapped[str] = mapped_column(String(64))
    cybersource_status: Mapped[str | None] = mapped_column(String(16))
    payment_link: Mapped[str | None] = mapped_column(Text)
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class InvoiceNumberCounter(Base):
    """The last sequence number handed out for a merchant profile."""

    __tablename__ = "invoice_number_counters"

    merchant_profile_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("merchant_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    last_value: Mapped[int] = mapped_column(Integer, default=0)

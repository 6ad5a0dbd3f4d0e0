"""Invoices created through the add-in, and the per-merchant counter their numbers come from.

A row is written *before* the create call is sent (state ``creating``), in its own committed
transaction, keyed by the tenant and the request's ``Idempotency-Key``: a second request with
that key finds the row instead of making a second invoice. An answer lost to a timeout or a
crash is never a lost invoice: the row says ``unknown`` and the number is looked up.

Our row is the source for lists and customer totals (Cybersource's list cannot filter by
customer). Money is stored in the currency's minor units (``total_minor``, cents for EUR,
yen for JPY), so sums are exact integers in SQL.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from addin_server.storage import Base, UtcDateTime, utcnow

PUBLIC_ID_PREFIX = "inv_"


class IntentState(StrEnum):
    CREATING = "creating"  # claimed; a create call may be in flight
    CREATED = "created"  # Cybersource has it
    UNKNOWN = "unknown"  # the answer was lost: only a look-up of the number can tell
    FAILED = "failed"  # Cybersource certainly does not have it


def new_public_id() -> str:
    return PUBLIC_ID_PREFIX + secrets.token_hex(12)


class InvoiceRecord(Base):
    __tablename__ = "invoice_records"
    __table_args__ = (
        UniqueConstraint("merchant_profile_id", "invoice_number"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        CheckConstraint("state IN ('creating', 'created', 'unknown', 'failed')", name="state"),
        Index("ix_invoice_records_tenant_created", "tenant_id", "created_at"),
        Index("ix_invoice_records_tenant_customer", "tenant_id", "customer_email"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    tenant_id: Mapped[str] = mapped_column(String(64), ForeignKey("tenants.id", ondelete="CASCADE"))
    merchant_profile_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("merchant_profiles.id", ondelete="CASCADE"), index=True
    )
    invoice_number: Mapped[str] = mapped_column(String(26))
    state: Mapped[str] = mapped_column(String(16), default=IntentState.CREATING)
    # Bumped by every claim of the row, so two requests cannot both take over the same try.
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    # Exactly once: the request's key and a digest of its body (same key, other body -> 422).
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_digest: Mapped[str | None] = mapped_column(String(64))
    payload_digest: Mapped[str] = mapped_column(String(64))  # of the body sent to Cybersource

    mode: Mapped[str] = mapped_column(String(24))
    customer_name: Mapped[str] = mapped_column(String(100), default="")
    customer_email: Mapped[str] = mapped_column(String(255), default="")  # lower-cased
    customer_company: Mapped[str] = mapped_column(String(60), default="")
    customer_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    line_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date | None] = mapped_column(Date)
    allow_partial_payments: Mapped[bool] = mapped_column(Boolean, default=False)
    minimum_partial_minor: Mapped[int | None] = mapped_column(BigInteger)

    cybersource_status: Mapped[str | None] = mapped_column(String(16))
    payment_link: Mapped[str | None] = mapped_column(Text)
    warning: Mapped[str | None] = mapped_column(String(300))
    failure_reason: Mapped[str | None] = mapped_column(String(300))

    source_item_id: Mapped[str | None] = mapped_column(String(512), index=True)
    source_conversation_id: Mapped[str | None] = mapped_column(String(512), index=True)
    source_internet_message_id: Mapped[str | None] = mapped_column(String(512), index=True)
    source_subject: Mapped[str | None] = mapped_column(String(255))

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

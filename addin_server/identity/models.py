"""Tenants, users, tenant memberships (roles) and revoked backend session tokens.

Other concerns reference ``tenants.id`` (a string) and ``users.id`` (an integer).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from addin_server.storage import Base, UtcDateTime, utcnow


class Tenant(Base):
    """An Entra tenant, or one personal Microsoft account (each personal account is a tenant)."""

    __tablename__ = "tenants"

    # The Entra tenant id (GUID) for organisations; "msa-<oid>" for a personal account.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entra_tenant_id: Mapped[str] = mapped_column(String(36))
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class User(Base):
    """A person as Entra identifies them: ``(tid, oid)``; ``name``/``username`` are display only."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "oid", name="uq_users_tenant_oid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    oid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(256), default="")
    preferred_username: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TenantMember(Base):
    """A role in a tenant, for a signed-in user or for an email address not yet signed in.

    An admin may add a colleague by email before their first sign-in; the row is linked to
    the user (``user_id``) when someone of that tenant signs in with that username.
    """

    __tablename__ = "tenant_members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email", name="uq_tenant_members_tenant_email"),
        UniqueConstraint("tenant_id", "user_id", name="uq_tenant_members_tenant_user"),
        CheckConstraint("role IN ('admin', 'member')", name="role"),
        CheckConstraint("email IS NOT NULL OR user_id IS NOT NULL", name="email_or_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(320))  # lower-cased
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    added_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RevokedSession(Base):
    """A backend session token revoked before its expiry; rows past ``expires_at`` are purged."""

    __tablename__ = "revoked_sessions"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

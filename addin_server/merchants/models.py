"""Merchant profiles: one Cybersource merchant account a tenant invoices from.

The secret material (key id + shared secret, or P12 + password + key alias) is one JSON
document sealed with AES-GCM (see ``encryption``); only a short hint is kept readable.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from addin_server.storage import Base, UtcDateTime, utcnow


class AuthScheme(StrEnum):
    JWT_SHARED_SECRET = "jwt_shared_secret"  # noqa: S105 (a scheme name, not a secret)
    HTTP_SIGNATURE = "http_signature"  # deprecated by Cybersource; for merchants not yet moved
    JWT_P12 = "jwt_p12"

    @property
    def uses_p12(self) -> bool:
        return self is AuthScheme.JWT_P12


def new_profile_id() -> str:
    # Random, so it is known before the secrets are sealed (it is their associated data)
    # and reveals nothing about how many profiles exist.
    return str(uuid.uuid4())


class MerchantProfile(Base):
    __tablename__ = "merchant_profiles"
    __table_args__ = (UniqueConstraint("tenant_id", "environment", "merchant_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_profile_id)
    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(100))
    environment: Mapped[str] = mapped_column(String(16))  # cybersource.client.Environment
    merchant_id: Mapped[str] = mapped_column(String(30))
    auth_scheme: Mapped[str] = mapped_column(String(32))
    default_currency: Mapped[str] = mapped_column(String(3))
    invoice_number_prefix: Mapped[str] = mapped_column(String(12), default="")
    default_due_days: Mapped[int] = mapped_column(Integer, default=30)

    credentials_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    credentials_key_id: Mapped[str] = mapped_column(String(32), index=True)
    credentials_hint: Mapped[str] = mapped_column(String(8))
    credentials_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    credentials_verified_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when Cybersource refuses the stored credentials on an invoice call; cleared by a
    # successful verification (``POST /merchants/<id>/verify``) or new credentials.
    needs_reverification: Mapped[bool] = mapped_column(Boolean, default=False)

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

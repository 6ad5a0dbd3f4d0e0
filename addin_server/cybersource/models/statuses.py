"""Invoice statuses and the four creation modes (notes §2.1, §2.2)."""

from __future__ import annotations

from enum import StrEnum


class InvoiceStatus(StrEnum):
    DRAFT = "DRAFT"
    CREATED = "CREATED"
    SENT = "SENT"
    PARTIAL = "PARTIAL"
    PAID = "PAID"
    CANCELED = "CANCELED"
    PENDING = "PENDING"
    UNKNOWN = "UNKNOWN"
    """A status this client does not know yet; the raw JSON has the value."""

    @classmethod
    def parse(cls, value: object) -> InvoiceStatus:
        try:
            return cls(str(value).upper())
        except ValueError:
            return cls.UNKNOWN


class DeliveryModeCase(StrEnum):
    """How ``deliveryMode`` is written: the spec lists ``None``/``Email``, its examples and
    the SDK samples send ``none``/``email`` (CONFLICT, notes §2.2); lower is the default."""

    LOWER = "lower"
    TITLE = "title"


class CreationMode(StrEnum):
    """The four ways to create an invoice (notes §2.2)."""

    DRAFT = "draft"
    """Stays a draft, no email, no payment link until published."""
    DELIVERABLE_DRAFT = "deliverable_draft"
    """A draft that is emailed when sent later."""
    CREATE_AND_SEND = "create_and_send"
    """Published and emailed now (status SENT)."""
    CREATE_WITHOUT_SENDING = "create_without_sending"
    """Published without email (status CREATED): share the returned payment link yourself."""

    @property
    def send_immediately(self) -> bool:
        return self in (CreationMode.CREATE_AND_SEND, CreationMode.CREATE_WITHOUT_SENDING)

    @property
    def delivery_mode(self) -> str:
        """Lower-case as in Cybersource's examples; ``DeliveryModeCase`` selects the spec's case."""
        by_email = self in (CreationMode.DELIVERABLE_DRAFT, CreationMode.CREATE_AND_SEND)
        return "email" if by_email else "none"

    @classmethod
    def from_flags(cls, send_immediately: bool, delivery_mode: str) -> CreationMode:
        by_email = delivery_mode.lower() == "email"
        if send_immediately:
            return cls.CREATE_AND_SEND if by_email else cls.CREATE_WITHOUT_SENDING
        return cls.DELIVERABLE_DRAFT if by_email else cls.DRAFT

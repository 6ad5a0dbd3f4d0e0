"""The pre-fill engine's input and output: plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Mode = Literal["read", "compose"]
BodyType = Literal["text", "html"]
ReferenceKind = Literal["order", "po", "quote"]

# Longest evidence snippet shown in the taskpane next to a field.
SOURCE_MAX_CHARS = 120
# The source of a field the email does not state, filled from the merchant's defaults.
MERCHANT_DEFAULT = "merchant_default"


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""


@dataclass(frozen=True)
class EmailInput:
    """The open Outlook item and the mailbox it is open in."""

    body: str | bytes
    body_type: BodyType = "text"
    from_address: Address | None = None
    sender: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    subject: str = ""
    item_date: datetime | None = None
    mailbox_owner: str = ""
    time_zone: str = "UTC"
    locale: str = "en-US"
    mode: Mode = "read"


@dataclass(frozen=True)
class MerchantContext:
    """The merchant's defaults, used when the email does not say."""

    default_currency: str = "USD"
    due_days: int = 30
    # Addresses of the merchant besides the mailbox owner (shared inboxes, colleagues).
    own_addresses: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Extracted(Generic[T]):
    """A value with how sure the engine is (0..1) and the email text it came from."""

    value: T
    confidence: float
    source: str


@dataclass(frozen=True)
class Customer:
    name: Extracted[str] | None = None
    email: Extracted[str] | None = None
    company: Extracted[str] | None = None


@dataclass(frozen=True)
class LineItem:
    name: str
    quantity: Decimal
    unit_price: Decimal
    confidence: float
    source: str


@dataclass(frozen=True)
class Reference:
    kind: ReferenceKind
    value: str
    confidence: float
    source: str


@dataclass(frozen=True)
class Notice:
    """Something the merchant must settle before the draft can be created, on ``field``:
    ``code`` for programs, ``message`` for people."""

    field: str
    code: str
    message: str


@dataclass(frozen=True)
class DraftInvoice:
    customer: Customer
    description: Extracted[str] | None
    line_items: tuple[LineItem, ...]
    total: Extracted[Decimal] | None
    currency: Extracted[str]
    due_date: Extracted[date]
    references: tuple[Reference, ...]
    notices: tuple[Notice, ...] = ()

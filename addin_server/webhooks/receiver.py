"""Receiving a notification: authenticate it, apply it once, acknowledge it.

Nothing unauthenticated changes a record: the key is found by the signature's ``keyId``
among the stored subscriptions (the current key, or the previous one until the new one is
confirmed), and the notification applies only to invoices of that key's merchant profile.
The notification's row and the record's change commit together, so a replayed or
duplicated ``notificationId`` finds the row and changes nothing. All work is a few indexed
queries on our own database, well inside Cybersource's timeout; nothing calls out.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addin_server.invoices import apply_status_news, record_by_number
from addin_server.merchants import MerchantProfile
from addin_server.storage import Database, utcnow
from addin_server.webhooks.keys import KeyOpener
from addin_server.webhooks.models import ReceivedNotification, WebhookSubscription
from addin_server.webhooks.signature import (
    SignatureError,
    SignatureHeader,
    check_timestamp,
    verify,
)

log = logging.getLogger(__name__)
MAX_NOTIFICATION_BYTES = 64 * 1024  # Cybersource's notifications are a few KB

# What each invoicing event says about the invoice's status (reminders change nothing).
EVENT_STATUS = {
    "invoicing.customer.invoice.send": "SENT",
    "invoicing.customer.invoice.partial-resend": "PARTIAL",
    "invoicing.customer.invoice.partial-payment": "PARTIAL",
    "invoicing.customer.invoice.paid": "PAID",
    "invoicing.customer.invoice.cancel": "CANCELED",
}


class NotificationRefused(Exception):
    """Not authentic or not readable: ``status`` is what we answer (the reason is logged)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Outcome:
    notification_id: str
    outcome: str  # applied | no_change | unknown_invoice | other_merchant | duplicate | noted


def receive(
    db: Database,
    keys: KeyOpener,
    signature_header: str,
    body: bytes,
    *,
    now: float,
    payloads_form: bool = False,
) -> Outcome:
    """Authenticate and apply one notification; raise ``NotificationRefused`` if refused."""
    if len(body) > MAX_NOTIFICATION_BYTES:
        raise NotificationRefused(413, "notification body too large")
    try:
        header = SignatureHeader.parse(signature_header)
        check_timestamp(header, now)
    except SignatureError as error:
        raise NotificationRefused(401, str(error)) from error
    with db.session() as session:
        subscription = _subscription_for(session, header.key_id)
        if subscription is None:
            raise NotificationRefused(401, "unknown keyId")
        try:
            verify(
                header, keys.open(subscription, header.key_id), body, payloads_form=payloads_form
            )
        except SignatureError as error:
            raise NotificationRefused(401, str(error)) from error
        _confirm_key(subscription, header.key_id)
        notification = _parse(body)
        profile = session.get_one(MerchantProfile, subscription.merchant_profile_id)
        outcome = _apply(session, profile, notification)
        session.add(
            ReceivedNotification(
                notification_id=notification["notificationId"],
                merchant_profile_id=profile.id,
                event_type=notification["eventType"],
                invoice_number=notification["data"].get("invoiceNumber", "")[:64],
                outcome=outcome,
            )
        )
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return Outcome(notification["notificationId"], "duplicate")
    log.info(
        "webhook notification",
        extra={"event_type": notification["eventType"], "outcome": outcome},
    )
    return Outcome(notification["notificationId"], outcome)


def _subscription_for(session: Session, key_id: str) -> WebhookSubscription | None:
    return session.scalar(
        select(WebhookSubscription).where(
            or_(WebhookSubscription.key_id == key_id, WebhookSubscription.previous_key_id == key_id)
        )
    )


def _confirm_key(subscription: WebhookSubscription, key_id: str) -> None:
    """A notification signed with the new key confirms it: the previous one is dropped."""
    if key_id == subscription.key_id and subscription.previous_key_id is not None:
        subscription.previous_key_id = None
        subscription.previous_key_sealed = None
        subscription.previous_key_sealed_with = None
    if key_id == subscription.key_id and subscription.confirmed_at is None:
        subscription.confirmed_at = utcnow()


def _parse(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
        notification_id = document["notificationId"]
        event_type = document["eventType"]
        data = document["payloads"][0]["data"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        raise NotificationRefused(400, "not a notification") from exc
    if not (isinstance(notification_id, str) and 0 < len(notification_id) <= 64):
        raise NotificationRefused(400, "bad notificationId")
    if not isinstance(event_type, str) or not isinstance(data, dict):
        raise NotificationRefused(400, "bad eventType or payload")
    return {"notificationId": notification_id, "eventType": event_type, "data": data}


def _apply(session: Session, profile: MerchantProfile, notification: dict[str, Any]) -> str:
    data = notification["data"]
    organization = data.get("organizationID") or data.get("organizationId")
    if organization and organization != profile.merchant_id:
        log.warning("webhook names another merchant", extra={"merchant": profile.merchant_id})
        return "other_merchant"
    status = EVENT_STATUS.get(notification["eventType"])
    if status is None:
        return "noted"
    record = record_by_number(session, profile.id, str(data.get("invoiceNumber", "")))
    if record is None:
        log.warning("webhook for an invoice we do not know", extra={"merchant": profile.id})
        return "unknown_invoice"
    balance = data.get("balanceAmount", data.get("invoiceBalance"))
    changed = apply_status_news(
        record, status, None if balance is None else str(balance), str(data.get("invoiceUrl", ""))
    )
    return "applied" if changed else "no_change"

"""Setting up a merchant profile's webhook through Cybersource, and showing, rotating and
removing it. Each function commits its own work (the house's commit rule)."""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from addin_server.cybersource import CybersourceClient, NotFoundError
from addin_server.merchants import Keyring, MerchantProfile
from addin_server.problems import ApiProblem
from addin_server.webhooks.keys import seal_key
from addin_server.webhooks.models import WebhookSubscription, new_subscription_id

RECEIVER_PATH = "/webhooks/cybersource"
HEALTH_PATH = "/webhooks/cybersource/health"


def receiver_urls(public_url: str) -> tuple[str, str]:
    """Where Cybersource delivers notifications, and its health check, for this deployment."""
    base = public_url.rstrip("/")
    return base + RECEIVER_PATH, base + HEALTH_PATH


def subscription_of(session: Session, profile: MerchantProfile) -> WebhookSubscription | None:
    return session.scalar(
        select(WebhookSubscription).where(WebhookSubscription.merchant_profile_id == profile.id)
    )


def _existing(session: Session, profile: MerchantProfile) -> WebhookSubscription:
    subscription = subscription_of(session, profile)
    if subscription is None:
        raise ApiProblem(404, "This merchant profile has no webhook set up.")
    return subscription


def set_up(
    session: Session,
    client: CybersourceClient,
    keyring: Keyring,
    profile: MerchantProfile,
    public_url: str,
) -> WebhookSubscription:
    """Create the signing key and the invoicing subscription at Cybersource; store both."""
    if subscription_of(session, profile) is not None:
        raise ApiProblem(
            409, "A webhook is already set up for this merchant profile: rotate or remove it."
        )
    url, health = receiver_urls(public_url)
    key = client.webhooks.create_signing_key()
    remote = client.webhooks.create_subscription(url, health)
    subscription = WebhookSubscription(
        id=new_subscription_id(),  # known before sealing: it is the key's associated data
        merchant_profile_id=profile.id,
        cybersource_webhook_id=remote.webhook_id,
        webhook_url=remote.webhook_url or url,
        status=remote.status or "ACTIVE",
        key_id="",
    )
    seal_key(keyring, subscription, key.key_id, key.key_b64)
    subscription.key_expires = key.expiration_date[:10]
    session.add(subscription)
    session.commit()
    return subscription


def rotate(
    session: Session, client: CybersourceClient, keyring: Keyring, profile: MerchantProfile
) -> WebhookSubscription:
    """A new signing key; the old one is still accepted until a notification signed with
    the new one arrives (Cybersource may have notifications in flight under the old)."""
    subscription = _existing(session, profile)
    key = client.webhooks.create_signing_key()
    seal_key(keyring, subscription, key.key_id, key.key_b64)
    subscription.key_expires = key.expiration_date[:10]
    session.commit()
    return subscription


def remove(session: Session, client: CybersourceClient, profile: MerchantProfile) -> None:
    """Delete the subscription at Cybersource (gone already is fine) and here."""
    subscription = _existing(session, profile)
    with contextlib.suppress(NotFoundError):
        client.webhooks.delete_subscription(subscription.cybersource_webhook_id)
    session.delete(subscription)
    session.commit()


def describe(subscription: WebhookSubscription | None) -> dict[str, Any]:
    """What an admin may see: never the key, only its id's last characters."""
    if subscription is None:
        return {"configured": False}
    return {
        "configured": True,
        "webhook_id": subscription.cybersource_webhook_id,
        "webhook_url": subscription.webhook_url,
        "status": subscription.status,
        "key_hint": "…" + subscription.key_id[-4:],
        "key_expires": subscription.key_expires or None,
        "key_confirmed": subscription.confirmed_at is not None,
        "previous_key_accepted": subscription.previous_key_id is not None,
        "created_at": subscription.created_at.isoformat(),
    }

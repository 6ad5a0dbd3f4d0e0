"""Webhook set-up at Cybersource (notes §5.2): the digital-signature key that signs
notifications (``/kms/egress/v2/keys-sym``) and the subscription for invoicing events
(``/notification-subscriptions/v2/webhooks``, product ``customerInvoicing``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from addin_server.cybersource.requestor import Requestor

KEYS_PATH = "/kms/egress/v2/keys-sym"
WEBHOOKS_PATH = "/notification-subscriptions/v2/webhooks"
INVOICING_PRODUCT = "customerInvoicing"
INVOICING_EVENTS = (
    "invoicing.customer.invoice.send",
    "invoicing.customer.invoice.partial-resend",
    "invoicing.customer.invoice.partial-payment",
    "invoicing.customer.invoice.paid",
    "invoicing.customer.invoice.cancel",
    "invoicing.customer.invoice.reminder",
    "invoicing.customer.invoice.overdue-reminder",
)
KEY_EXPIRY_DAYS = 365  # Cybersource's recommendation: replace the key yearly


@dataclass(frozen=True)
class SigningKey:
    """The shared secret Cybersource signs notifications with (Base64), and its id."""

    key_id: str
    key_b64: str
    expiration_date: str = ""


@dataclass(frozen=True)
class Subscription:
    webhook_id: str
    webhook_url: str
    status: str
    event_types: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Subscription:
        products = data.get("products") or []
        events = [e for p in products for e in (p.get("eventTypes") or [])]
        return cls(
            webhook_id=str(data.get("webhookId") or ""),
            webhook_url=str(data.get("webhookUrl") or ""),
            status=str(data.get("status") or ""),
            event_types=tuple(events),
        )


class WebhookSetupService:
    """Create the signing key, and create, read and delete the invoicing subscription."""

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    @property
    def _organization_id(self) -> str:
        return self._requestor.auth.merchant_id

    def create_signing_key(self, expiry_days: int = KEY_EXPIRY_DAYS) -> SigningKey:
        """A new key; Cybersource signs with it from now on (creating one overrides the last)."""
        org = self._organization_id
        body = {
            "clientRequestAction": "CREATE",
            "keyInformation": {
                "provider": "nrtd",
                "tenant": org,
                "keyType": "sharedSecret",
                "organizationId": org,
                "expiryDuration": str(expiry_days),
            },
        }
        info = self._requestor.request("POST", KEYS_PATH, json_body=body).data["keyInformation"]
        return SigningKey(
            key_id=str(info["keyId"]),
            key_b64=str(info["key"]),
            expiration_date=str(info.get("expirationDate") or ""),
        )

    def create_subscription(
        self, webhook_url: str, health_check_url: str, *, name: str = "Invoice from email"
    ) -> Subscription:
        body = {
            "name": name,
            "description": "Invoice status for the Outlook add-in",
            "organizationId": self._organization_id,
            "products": [{"productId": INVOICING_PRODUCT, "eventTypes": list(INVOICING_EVENTS)}],
            "webhookUrl": webhook_url,
            "healthCheckUrl": health_check_url,
            "notificationScope": "SELF",
            "retryPolicy": {
                "algorithm": "ARITHMETIC",
                "firstRetry": 1,
                "interval": 1,
                "numberOfRetries": 3,
                "deactivateFlag": "false",
                "repeatSequenceCount": 0,
                "repeatSequenceWaitTime": 0,
            },
            "securityPolicy": {"securityType": "key", "config": {}},
        }
        data = self._requestor.request("POST", WEBHOOKS_PATH, json_body=body).data
        return Subscription.from_json(data)

    def get_subscription(self, webhook_id: str) -> Subscription:
        data = self._requestor.request("GET", f"{WEBHOOKS_PATH}/{quote(webhook_id, safe='')}").data
        return Subscription.from_json(data)

    def delete_subscription(self, webhook_id: str) -> None:
        self._requestor.request("DELETE", f"{WEBHOOKS_PATH}/{quote(webhook_id, safe='')}")

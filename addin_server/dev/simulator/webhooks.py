"""Webhooks in the simulator (notes §5): the digital-signature key, the subscriptions, and
real signed notifications delivered to the subscribed URL when an invoice changes.

* ``POST /kms/egress/v2/keys-sym`` creates the merchant's key (a new one overrides the last:
  notifications are signed with the newest).
* ``POST|GET /notification-subscriptions/v2/webhooks`` and ``GET|DELETE .../{webhookId}``.
* After every invoice change (the book's observers) the matching event is delivered on a
  worker thread: ``v-c-signature: t=<ms>;keyId=<id>;sig=<Base64 HMAC-SHA256 of
  t + "." + raw body>`` with the newest key, retried as the subscription's policy says.
* ``GET /__sim/webhooks/deliveries``: what was delivered and how the receiver answered.

Cybersource only calls URLs on port 443 or 8443 over https; the simulator makes one
exception, for loopback hosts (demo mode and tests listen on other ports, sometimes http).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, Response, g

from addin_server.cybersource import INVOICING_EVENTS
from addin_server.dev.simulator.book import InvoiceChange
from addin_server.dev.simulator.replies import CybersourceReply, invalid
from addin_server.dev.simulator.wire import json_body, json_response

KEYS_PATH = "/kms/egress/v2/keys-sym"
WEBHOOKS_PATH = "/notification-subscriptions/v2/webhooks"
PRODUCT = "customerInvoicing"
_STANDARD_PORTS = (443, 8443)
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
DELIVERY_TIMEOUT = 5.0
RETRY_PAUSE = 0.2  # seconds between tries (Cybersource waits minutes; tests should not)


@dataclass
class Delivery:
    webhook_id: str
    notification_id: str
    event_type: str
    invoice_number: str
    statuses: list[int | str] = field(default_factory=list)  # per try: HTTP status or error


@dataclass
class _Subscription:
    webhook_id: str
    organization_id: str
    url: str
    event_types: tuple[str, ...]
    retries: int
    created: str

    def to_json(self) -> dict[str, Any]:
        return {
            "webhookId": self.webhook_id,
            "organizationId": self.organization_id,
            "products": [{"productId": PRODUCT, "eventTypes": list(self.event_types)}],
            "webhookUrl": self.url,
            "status": "ACTIVE",
            "createdOn": self.created,
        }


def event_type_of(change: InvoiceChange) -> str | None:
    """The notification an invoice change causes, if any (creates and updates cause none)."""
    status = str(change.invoice.get("status", ""))
    return {
        "SEND": "invoicing.customer.invoice.send",
        "RESEND": (
            "invoicing.customer.invoice.partial-resend"
            if status == "PARTIAL"
            else "invoicing.customer.invoice.send"
        ),
        "PAYMENT": (
            "invoicing.customer.invoice.paid"
            if status == "PAID"
            else "invoicing.customer.invoice.partial-payment"
        ),
        "CANCEL": "invoicing.customer.invoice.cancel",
    }.get(change.event)


def sign(key_b64: str, key_id: str, timestamp_ms: int, body: bytes) -> str:
    """The ``v-c-signature`` header value for ``body`` (notes §5.4, the current form)."""
    message = str(timestamp_ms).encode("ascii") + b"." + body
    digest = hmac.new(base64.b64decode(key_b64), message, hashlib.sha256).digest()
    return f"t={timestamp_ms};keyId={key_id};sig={base64.b64encode(digest).decode('ascii')}"


class WebhookCenter:
    """Keys, subscriptions and deliveries of every merchant the simulator knows."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.keys: dict[str, tuple[str, str]] = {}  # organization id -> (key id, Base64 key)
        self._subscriptions: dict[str, _Subscription] = {}
        self.deliveries: list[Delivery] = []
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sim-webhooks")
        self._pending: list[futures.Future[None]] = []

    def create_key(self, organization_id: str) -> dict[str, Any]:
        key_id, key = str(uuid.uuid4()), base64.b64encode(secrets.token_bytes(32)).decode()
        with self._lock:
            self.keys[organization_id] = (key_id, key)
        expires = date.fromtimestamp(self._clock()) + timedelta(days=365)
        return {
            "submitTimeUtc": self._now(),
            "status": "ACCEPTED",
            "keyInformation": {
                "provider": "nrtd",
                "tenant": organization_id,
                "organizationId": organization_id,
                "keyType": "sharedSecret",
                "keyId": key_id,
                "key": key,
                "status": "ACTIVE",
                "expirationDate": expires.isoformat(),
            },
        }

    def subscribe(self, organization_id: str, body: Any) -> _Subscription:
        if not isinstance(body, dict):
            raise invalid("(body)")
        url = body.get("webhookUrl")
        if not isinstance(url, str) or not _acceptable_url(url):
            raise invalid("webhookUrl")
        if body.get("organizationId", organization_id) != organization_id:
            raise invalid("organizationId")
        events = _invoicing_events(body.get("products"))
        retries = int((body.get("retryPolicy") or {}).get("numberOfRetries") or 0)
        subscription = _Subscription(
            str(uuid.uuid4()), organization_id, url, events, min(max(retries, 0), 5), self._now()
        )
        with self._lock:
            self._subscriptions[subscription.webhook_id] = subscription
        return subscription

    def subscription(self, organization_id: str, webhook_id: str) -> _Subscription:
        with self._lock:
            found = self._subscriptions.get(webhook_id)
        if found is None or found.organization_id != organization_id:
            raise CybersourceReply(404, "NOT_FOUND", "Webhook does not exist.")
        return found

    def subscriptions_of(self, organization_id: str) -> list[_Subscription]:
        with self._lock:
            return [s for s in self._subscriptions.values() if s.organization_id == organization_id]

    def unsubscribe(self, organization_id: str, webhook_id: str) -> None:
        self.subscription(organization_id, webhook_id)
        with self._lock:
            del self._subscriptions[webhook_id]

    def on_change(self, change: InvoiceChange) -> None:
        """Book observer: deliver the change's notification to every subscriber, off-thread."""
        event_type = event_type_of(change)
        key = self.keys.get(change.merchant_id)
        if event_type is None or key is None:
            return
        for subscription in self.subscriptions_of(change.merchant_id):
            if event_type in subscription.event_types:
                body = self._notification(subscription, event_type, change)
                future = self._pool.submit(self._deliver, subscription, key, event_type, body)
                with self._lock:
                    self._pending.append(future)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until deliveries submitted so far are done (tests, demo controls)."""
        with self._lock:
            pending, self._pending = self._pending, []
        futures.wait(pending, timeout)

    def _notification(
        self, subscription: _Subscription, event_type: str, change: InvoiceChange
    ) -> dict[str, Any]:
        invoice = change.invoice
        info = invoice.get("invoiceInformation") or {}
        amounts = (invoice.get("orderInformation") or {}).get("amountDetails") or {}
        customer = invoice.get("customerInformation") or {}
        balance = str(amounts.get("balanceAmount", amounts.get("totalAmount", "")))
        data = {
            "invoiceNumber": str(invoice.get("id", "")),
            "invoiceBalance": balance,
            "balanceAmount": balance,
            "totalAmount": str(amounts.get("totalAmount", "")),
            "currency": amounts.get("currency", ""),
            "dueDate": info.get("dueDate", ""),
            "payerName": customer.get("name", ""),
            "emailTo": customer.get("email", ""),
            "eventType": event_type,
            "organizationID": change.merchant_id,
            "invoiceUrl": info.get("paymentLink", ""),
            "merchantName": change.merchant_id,
            "emailLanguage": "en-us",
        }
        return {
            "notificationId": str(uuid.uuid4()),
            "retryNumber": 0,
            "eventType": event_type,
            "eventDate": self._now(),
            "webhookId": subscription.webhook_id,
            "payloads": [{"data": data}],
        }

    def _deliver(
        self, subscription: _Subscription, key: tuple[str, str], event_type: str, body: Any
    ) -> None:
        data = body["payloads"][0]["data"]
        delivery = Delivery(
            subscription.webhook_id, body["notificationId"], event_type, data["invoiceNumber"]
        )
        with self._lock:
            self.deliveries.append(delivery)
        for attempt in range(subscription.retries + 1):
            body["retryNumber"] = attempt
            raw = json.dumps(body).encode("utf-8")
            headers = {
                "Content-Type": "application/json",
                "v-c-signature": sign(key[1], key[0], int(self._clock() * 1000), raw),
                "v-c-event-type": event_type,
                "v-c-organization-id": subscription.organization_id,
                "v-c-product-name": PRODUCT,
                "v-c-webhook-id": subscription.webhook_id,
                "v-c-request-type": "NEW" if attempt == 0 else "RETRY",
                "v-c-retry-count": str(attempt),
            }
            try:
                status: int | str = requests.post(
                    subscription.url, data=raw, headers=headers, timeout=DELIVERY_TIMEOUT
                ).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            delivery.statuses.append(status)
            if isinstance(status, int) and 200 <= status < 300:
                return
            threading.Event().wait(RETRY_PAUSE)

    def _now(self) -> str:
        return datetime.fromtimestamp(self._clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _acceptable_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.hostname in _LOOPBACK_HOSTS:
        return parts.scheme in ("http", "https")
    return parts.scheme == "https" and (parts.port or 443) in _STANDARD_PORTS


def _invoicing_events(products: Any) -> tuple[str, ...]:
    if not isinstance(products, list) or not products:
        raise invalid("products")
    events: list[str] = []
    for index, product in enumerate(products):
        if not isinstance(product, dict) or product.get("productId") != PRODUCT:
            raise invalid(f"products[{index}].productId")
        for event in product.get("eventTypes") or []:
            if event not in INVOICING_EVENTS:
                raise invalid(f"products[{index}].eventTypes")
            events.append(event)
    return tuple(events)


def register_webhooks(app: Flask, center: WebhookCenter) -> None:
    def organization() -> str:
        merchant_id: str = g.merchant.merchant_id
        return merchant_id

    @app.post(KEYS_PATH)
    def create_key() -> Response:
        body = json_body()
        info = body.get("keyInformation") if isinstance(body, dict) else None
        if not isinstance(info, dict) or body.get("clientRequestAction") != "CREATE":
            raise invalid("clientRequestAction")
        if info.get("organizationId") != organization():
            raise invalid("keyInformation.organizationId")
        if info.get("keyType") != "sharedSecret":
            raise invalid("keyInformation.keyType")
        return json_response(center.create_key(organization()), 201)

    @app.post(WEBHOOKS_PATH)
    def subscribe() -> Response:
        return json_response(center.subscribe(organization(), json_body()).to_json(), 201)

    @app.get(WEBHOOKS_PATH)
    def list_subscriptions() -> Response:
        return json_response([s.to_json() for s in center.subscriptions_of(organization())], 200)

    @app.get(f"{WEBHOOKS_PATH}/<webhook_id>")
    def get_subscription(webhook_id: str) -> Response:
        return json_response(center.subscription(organization(), webhook_id).to_json(), 200)

    @app.delete(f"{WEBHOOKS_PATH}/<webhook_id>")
    def unsubscribe(webhook_id: str) -> Response:
        center.unsubscribe(organization(), webhook_id)
        return json_response({"webhookId": webhook_id, "status": "DELETED"}, 200)

    @app.get("/__sim/webhooks/deliveries")
    def deliveries() -> Response:
        center.wait_idle()
        return json_response([d.__dict__ for d in center.deliveries], 200)

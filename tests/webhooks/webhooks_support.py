"""Helpers of the webhook tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from addin_server.dev.simulator.webhooks import sign

MERCHANT_ID = "webhook_shop"
RECEIVER = "/webhooks/cybersource"


def invoice_request(profile_id: str, **overrides: Any) -> dict[str, Any]:
    """A create body: EUR 2 x 50.00, published (no email: the simulator notifies nobody)."""
    return {
        "merchant_profile_id": profile_id,
        "mode": "publish",
        "customer": {"name": "Ana Lima", "email": "ana@example.com"},
        "description": "Garden design",
        "line_items": [{"name": "Design hours", "quantity": 2, "unit_price": "50.00"}],
        "currency": "EUR",
        "total": "100.00",
        "due_date": "2030-12-31",
        **overrides,
    }


def publish_invoice(
    client: FlaskClient, headers: dict[str, str], profile_id: str, **overrides: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/invoices",
        headers={**headers, "Idempotency-Key": f"wh-{uuid.uuid4()}"},
        json=invoice_request(profile_id, **overrides),
    )
    assert response.status_code == 201, response.get_json()
    invoice: dict[str, Any] = response.get_json()
    return invoice


def notification(
    event: str, invoice_number: str, *, balance: str = "100.00", **data: Any
) -> dict[str, Any]:
    """A notification as Cybersource sends it (notes §5.3)."""
    return {
        "notificationId": str(uuid.uuid4()),
        "retryNumber": 0,
        "eventType": f"invoicing.customer.invoice.{event}",
        "eventDate": "2026-12-06T10:00:00Z",
        "webhookId": "wh-test",
        "payloads": [
            {
                "data": {
                    "invoiceNumber": invoice_number,
                    "balanceAmount": balance,
                    "invoiceBalance": balance,
                    "currency": "EUR",
                    "organizationID": MERCHANT_ID,
                    "eventType": f"invoicing.customer.invoice.{event}",
                    **data,
                }
            }
        ],
    }


def deliver(
    client: FlaskClient,
    key: tuple[str, str],
    body: dict[str, Any] | bytes,
    *,
    timestamp_ms: int | None = None,
    signed_body: bytes | None = None,
) -> TestResponse:
    """POST ``body`` signed with ``key`` (key id, Base64 key); ``signed_body`` signs other
    bytes than those sent (a body changed after signing)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    t = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    signature = sign(key[1], key[0], t, raw if signed_body is None else signed_body)
    return client.post(
        RECEIVER,
        data=raw,
        headers={"Content-Type": "application/json", "v-c-signature": signature},
    )


def status_of(client: FlaskClient, headers: dict[str, str], invoice_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/invoices/{invoice_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    invoice: dict[str, Any] = response.get_json()
    return invoice

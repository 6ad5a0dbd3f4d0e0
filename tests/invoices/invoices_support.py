"""Helpers of the invoice API tests."""

from __future__ import annotations

import uuid
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

SOURCE_EMAIL = {
    "item_id": "AAMkAGI2TG93AAA=",
    "conversation_id": "AAQkAGI2conv=",
    "internet_message_id": "<CAF=abc@mail.example.com>",
    "subject": "Quote for the garden",
}


def new_key() -> str:
    return f"draft-{uuid.uuid4()}"


def invoice_body(profile_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid create body: two items, EUR 2 x 10.00 + 1 x 5.50 - 0.50 + 1.00 = 26.00."""
    body: dict[str, Any] = {
        "merchant_profile_id": profile_id,
        "mode": "publish",
        "customer": {"name": "Ana Lima", "email": "Ana@Example.com", "company": "Lima Ltd"},
        "description": "Garden design",
        "line_items": [
            {"name": "Design hours", "quantity": 2, "unit_price": "10.00"},
            {
                "name": "Plants",
                "quantity": 1,
                "unit_price": "5.50",
                "sku": "P-1",
                "discount_amount": "0.50",
                "tax_amount": "1.00",
            },
        ],
        "currency": "EUR",
        "total": "26.00",
        "due_date": "2026-12-31",
        "source_email": SOURCE_EMAIL,
    }
    body.update(overrides)
    return body


def create(
    client: FlaskClient, headers: dict[str, str], body: dict[str, Any], key: str | None = None
) -> TestResponse:
    return client.post(
        "/api/v1/invoices",
        json=body,
        headers={**headers, "Idempotency-Key": key or new_key()},
    )


def created(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    """Create and return the invoice, asserting the 201."""
    response = create(client, headers, body)
    assert response.status_code == 201, response.get_json()
    invoice: dict[str, Any] = response.get_json()
    return invoice


def field_names(response: TestResponse) -> list[str]:
    return [error["field"] for error in response.get_json()["errors"]]

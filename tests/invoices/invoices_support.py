"""Helpers of the invoice API tests, also used by the tests of several instances."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import requests
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


def fire(
    urls: list[str], headers: dict[str, str], body: dict[str, Any], key: str, per_url: int
) -> list[requests.Response]:
    """The same create from ``per_url`` threads at each of ``urls``, all at once."""
    start = threading.Barrier(len(urls) * per_url)
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def post(url: str) -> None:
        start.wait()
        response = requests.post(
            f"{url}/api/v1/invoices",
            json=body,
            headers={**headers, "Idempotency-Key": key},
            timeout=30,
        )
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=post, args=(url,)) for url in urls for _ in range(per_url)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def one_invoice_id(answers: list[requests.Response]) -> str:
    """The id of the one invoice that answers to the same create all name: one 201, the
    others the same invoice (200) or "still in flight" (409 + Retry-After, at least one)."""
    statuses = sorted(response.status_code for response in answers)
    assert statuses.count(201) == 1, [r.text for r in answers]
    assert set(statuses) <= {200, 201, 409}, [r.text for r in answers]
    ids = {r.json()["id"] for r in answers if r.status_code in (200, 201)}
    busy = [r for r in answers if r.status_code == 409]
    assert busy, statuses  # the others came while the first was in flight
    assert all(1 <= int(r.headers["Retry-After"]) <= 5 for r in busy)
    assert {r.json()["invoice_id"] for r in busy} <= ids
    (invoice_id,) = ids
    return str(invoice_id)

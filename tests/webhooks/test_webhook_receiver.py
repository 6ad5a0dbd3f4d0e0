"""POST /webhooks/cybersource: only authentic notifications change a record, each once, and
late or out-of-order news never moves a status back."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from addin_server.webhooks import ReceivedNotification
from tests.webhooks.webhooks_support import (
    RECEIVER,
    deliver,
    notification,
    publish_invoice,
    status_of,
)

if TYPE_CHECKING:
    from tests.conftest import SignedInUser


@pytest.fixture
def invoice(
    client: FlaskClient, tenant_a_member: SignedInUser, profile_id: str, webhook: dict[str, Any]
) -> dict[str, Any]:
    return publish_invoice(client, tenant_a_member.headers, profile_id)


def _count_notifications(app: Flask) -> int:
    with app.extensions["addin.db"].session() as session:
        return int(session.scalar(select(func.count()).select_from(ReceivedNotification)) or 0)


def test_an_authentic_payment_marks_the_invoice_paid(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
) -> None:
    response = deliver(client, signing_key, notification("paid", invoice["number"], balance="0"))
    assert response.status_code == 200
    shown = status_of(client, tenant_a_member.headers, invoice["id"])
    assert (shown["status"], shown["balance"]) == ("PAID", "0.00")


def test_a_partial_payment_lowers_the_balance(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
) -> None:
    deliver(client, signing_key, notification("partial-payment", invoice["number"], balance="60"))
    shown = status_of(client, tenant_a_member.headers, invoice["id"])
    assert (shown["status"], shown["balance"]) == ("PARTIAL", "60.00")


def _forged(key: tuple[str, str]) -> tuple[str, str]:
    return key[0], base64.b64encode(b"x" * 32).decode()


@pytest.mark.parametrize(
    ("case", "expected_status"),
    [
        ("forged signature", 401),
        ("unknown key id", 401),
        ("stale timestamp", 401),
        ("future timestamp", 401),
        ("body changed after signing", 401),
        ("no signature", 401),
        ("malformed signature", 401),
        ("one megabyte body", 413),
    ],
)
def test_what_is_not_authentic_changes_nothing(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
    case: str,
    expected_status: int,
) -> None:
    body = notification("paid", invoice["number"], balance="0")
    now_ms = int(time.time() * 1000)
    if case == "forged signature":
        response = deliver(client, _forged(signing_key), body)
    elif case == "unknown key id":
        response = deliver(client, ("not-a-key-we-know", signing_key[1]), body)
    elif case == "stale timestamp":
        response = deliver(client, signing_key, body, timestamp_ms=now_ms - 6 * 60_000)
    elif case == "future timestamp":
        response = deliver(client, signing_key, body, timestamp_ms=now_ms + 6 * 60_000)
    elif case == "body changed after signing":
        original = json.dumps(notification("partial-payment", invoice["number"])).encode()
        response = deliver(client, signing_key, body, signed_body=original)
    elif case == "no signature":
        response = client.post(RECEIVER, json=body)
    elif case == "malformed signature":
        response = client.post(RECEIVER, json=body, headers={"v-c-signature": "t=1;sig"})
    else:
        padded = dict(body, padding="x" * (1024 * 1024))
        response = deliver(client, signing_key, padded)
    assert response.status_code == expected_status
    assert status_of(client, tenant_a_member.headers, invoice["id"])["status"] == "CREATED"
    assert _count_notifications(app) == 0


def test_a_replayed_notification_is_applied_once(
    app: Flask,
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
) -> None:
    partial = notification("partial-payment", invoice["number"], balance="60")
    assert deliver(client, signing_key, partial).status_code == 200
    # The customer pays the rest; then the first notification arrives again (a retry).
    deliver(client, signing_key, notification("partial-payment", invoice["number"], balance="20"))
    assert deliver(client, signing_key, partial).status_code == 200
    shown = status_of(client, tenant_a_member.headers, invoice["id"])
    assert (shown["status"], shown["balance"]) == ("PARTIAL", "20.00")
    assert _count_notifications(app) == 2


def test_paid_before_sent_ends_paid(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
) -> None:
    deliver(client, signing_key, notification("paid", invoice["number"], balance="0"))
    deliver(client, signing_key, notification("send", invoice["number"]))
    deliver(client, signing_key, notification("cancel", invoice["number"]))
    assert status_of(client, tenant_a_member.headers, invoice["id"])["status"] == "PAID"


def test_a_notification_naming_another_merchant_changes_nothing(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
) -> None:
    body = notification("paid", invoice["number"], balance="0", organizationID="someone_else")
    assert deliver(client, signing_key, body).status_code == 200  # acknowledged, logged
    assert status_of(client, tenant_a_member.headers, invoice["id"])["status"] == "CREATED"


def test_an_unknown_invoice_is_acknowledged(
    app: Flask, client: FlaskClient, signing_key: tuple[str, str]
) -> None:
    response = deliver(client, signing_key, notification("paid", "WH-999999", balance="0"))
    assert response.status_code == 200
    with app.extensions["addin.db"].session() as session:
        outcome = session.scalar(select(ReceivedNotification.outcome))
    assert outcome == "unknown_invoice"


@pytest.mark.parametrize("body", [b"{}", b"not json", b"[" * 5000, b'{"payloads": []}'])
def test_a_signed_body_that_is_no_notification_is_refused(
    client: FlaskClient, signing_key: tuple[str, str], body: bytes
) -> None:
    assert deliver(client, signing_key, body).status_code == 400


def test_the_pane_polls_with_an_etag_and_sees_the_payment(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    invoice: dict[str, Any],
    signing_key: tuple[str, str],
) -> None:
    paths = (f"/api/v1/invoices/{invoice['id']}", "/api/v1/customers/ana@example.com/invoices")
    tags = {}
    for path in paths:
        first = client.get(path, headers=tenant_a_member.headers)
        tags[path] = first.headers["ETag"]
        unchanged = client.get(
            path, headers={**tenant_a_member.headers, "If-None-Match": tags[path]}
        )
        assert (unchanged.status_code, unchanged.get_data()) == (304, b"")
    deliver(client, signing_key, notification("paid", invoice["number"], balance="0"))
    for path in paths:
        changed = client.get(path, headers={**tenant_a_member.headers, "If-None-Match": tags[path]})
        assert changed.status_code == 200
        assert changed.headers["ETag"] != tags[path]
        assert "PAID" in changed.get_data(as_text=True)

"""The simulator's controls: the customer pays, invoicing off, key revoked, change observers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from addin_server.dev.simulator import (
    AUTH_FAILURE_HEADER,
    CybersourceReply,
    DemoMerchant,
    InvoiceChange,
    demo_merchant,
)
from tests.simulator.sim_payloads import INVOICES, Call, invoice, update_of
from tests.simulator_support import RunningSimulator


@pytest.fixture
def sent(call: Call) -> str:
    """INV-1, sent by email: 2623.64 USD, partial payments of at least 20.00 allowed."""
    assert call("POST", INVOICES, invoice(send=True)).status_code == 201
    return "INV-1"


def test_the_customer_pays_in_part_then_in_full(
    simulator: RunningSimulator, call: Call, sent: str
) -> None:
    partial = simulator.state.pay(sent, "623.64")
    assert partial["status"] == "PARTIAL"
    assert partial["orderInformation"]["amountDetails"]["balanceAmount"] == "2000.00"

    paid = simulator.pay(sent, "2000.00")  # over HTTP
    assert paid.status_code == 200, paid.text
    fetched = call("GET", f"{INVOICES}/{sent}").json()
    assert fetched == paid.json()
    assert fetched["status"] == "PAID"
    assert fetched["orderInformation"]["amountDetails"]["balanceAmount"] == "0.00"
    payments = [e for e in fetched["invoiceHistory"] if e["event"] == "PAYMENT"]
    assert [p["transactionDetails"]["amount"] for p in payments] == ["623.64", "2000.00"]
    assert all(p["transactionDetails"]["transactionId"] for p in payments)


@pytest.mark.parametrize("amount", ["0", "-1", "2623.65", "10.00", "25.555", "ten"])
def test_a_payment_that_cannot_be_is_refused(
    simulator: RunningSimulator, call: Call, sent: str, amount: str
) -> None:
    """Zero, negative, over the balance, under the minimum part, sub-cent, not a number."""
    response = simulator.pay(sent, amount)
    assert response.status_code == 400
    assert response.json()["details"] == [{"field": "amount", "reason": "INVALID_DATA"}]
    with pytest.raises(CybersourceReply):
        simulator.state.pay(sent, amount)
    assert call("GET", f"{INVOICES}/{sent}").json()["status"] == "SENT"


def test_drafts_and_canceled_invoices_cannot_be_paid(
    simulator: RunningSimulator, call: Call
) -> None:
    call("POST", INVOICES, invoice("DRAFT"))
    call("POST", INVOICES, invoice("GONE", send=True))
    call("POST", f"{INVOICES}/GONE/cancelation", {})
    for number in ("DRAFT", "GONE"):
        assert simulator.pay(number, "10.00").json()["reason"] == "ACTION_NOT_ALLOWED"
    assert simulator.pay("MISSING", "10.00").status_code == 404


def test_with_several_merchants_a_payment_names_one(
    simulator_factory: Callable[..., RunningSimulator], demo: DemoMerchant, call: Call
) -> None:
    other = demo_merchant("other_shop").merchant
    simulator = simulator_factory({"sim_shop": demo.merchant, "other_shop": other})
    call("POST", INVOICES, invoice(send=True))
    url = f"{simulator.url}/__sim/invoices/INV-1/payments"
    assert requests.post(url, json={"amount": "1.00"}, timeout=5).status_code == 404
    by_other = {"amount": "2623.64", "merchant_id": "other_shop"}
    assert requests.post(url, json=by_other, timeout=5).status_code == 404  # not its invoice
    by_owner = {"amount": "2623.64", "merchant_id": "sim_shop"}
    assert requests.post(url, json=by_owner, timeout=5).json()["status"] == "PAID"


def test_invoicing_can_be_switched_off_and_keys_revoked_over_http(
    simulator: RunningSimulator, call: Call
) -> None:
    control = f"{simulator.url}/__sim/merchants/sim_shop"
    assert requests.post(control, json={"invoicing_enabled": False}, timeout=5).ok
    off = call("GET", f"{INVOICES}/INV-1")
    assert (off.status_code, off.json()["message"]) == (400, "Invoicing service is not enabled.")

    assert requests.post(control, json={"key_revoked": True}, timeout=5).ok
    revoked = call("GET", f"{INVOICES}/INV-1")
    assert revoked.status_code == 401
    assert revoked.headers[AUTH_FAILURE_HEADER] == "the merchant's key was revoked"

    back = {"invoicing_enabled": True, "key_revoked": False}
    assert requests.post(control, json=back, timeout=5).ok
    assert call("GET", f"{INVOICES}/INV-1").status_code == 404  # authenticated, no invoice


@pytest.mark.parametrize(
    ("merchant", "body", "status"),
    [
        ("sim_shop", {"invoicing_enabled": "no"}, 400),
        ("sim_shop", {"invoicing": False}, 400),
        ("sim_shop", [True], 400),
        ("nobody", {"key_revoked": True}, 404),
    ],
)
def test_bad_merchant_controls_change_nothing(
    simulator: RunningSimulator, call: Call, merchant: str, body: Any, status: int
) -> None:
    url = f"{simulator.url}/__sim/merchants/{merchant}"
    assert requests.post(url, json=body, timeout=5).status_code == status
    assert call("GET", f"{INVOICES}/INV-1").status_code == 404


def test_observers_hear_every_invoice_change(simulator: RunningSimulator, call: Call) -> None:
    heard: list[InvoiceChange] = []
    simulator.state.on_invoice_changed(heard.append)

    call("POST", INVOICES, invoice(send=True))
    call("PUT", f"{INVOICES}/INV-1", update_of(invoice()))
    call("POST", f"{INVOICES}/INV-1/delivery", {})
    simulator.state.pay("INV-1", "100.00")
    call("POST", INVOICES, invoice("INV-2"))
    call("POST", f"{INVOICES}/INV-2/cancelation", {})
    call("GET", f"{INVOICES}/INV-1")  # reading changes nothing

    assert [(c.invoice["id"], c.event, c.invoice["status"]) for c in heard] == [
        ("INV-1", "CREATE", "SENT"),
        ("INV-1", "SEND", "SENT"),
        ("INV-1", "UPDATE", "SENT"),
        ("INV-1", "RESEND", "SENT"),
        ("INV-1", "PAYMENT", "PARTIAL"),
        ("INV-2", "DRAFT", "DRAFT"),
        ("INV-2", "CANCEL", "CANCELED"),
    ]
    assert {c.merchant_id for c in heard} == {"sim_shop"}
    assert heard[4].invoice["invoiceHistory"][-1]["transactionDetails"]["amount"] == "100.00"
    assert heard[4].invoice == call("GET", f"{INVOICES}/INV-1").json()

"""The simulator answers as Cybersource does: stored fields, errors with details, links per
status, history only on GET, list items and invoice settings with every field."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
import requests

from tests.simulator.sim_payloads import FULL_INVOICE, INVOICES, SETTINGS, Call, invoice, update_of
from tests.simulator_support import RunningSimulator

# Fields a response has that a request does not (or the reverse).
RESPONSE_ONLY = ("_links", "id", "submitTimeUtc", "status", "invoiceHistory")


def created(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    response = call("POST", INVOICES, body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def assert_refused(
    response: requests.Response, status: int, reason: str, fields: list[str]
) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["reason"]) == ("BADREQUEST", reason)
    assert [d["field"] for d in body.get("details", [])] == fields


def test_every_field_the_spec_allows_is_stored_and_echoed(call: Call) -> None:
    answer = created(call, FULL_INVOICE)
    expected = copy.deepcopy(FULL_INVOICE)
    del expected["clientReferenceInformation"]
    del expected["invoiceInformation"]["sendImmediately"]
    expected["orderInformation"]["lineItems"][0]["quantity"] = 20  # an integer, as the schema
    expected["orderInformation"]["amountDetails"]["balanceAmount"] = "2623.64"
    expected["merchantDefinedFieldValuesWithDefinition"] = expected.pop(
        "merchantDefinedFieldValues"
    )
    assert {k: v for k, v in answer.items() if k not in RESPONSE_ONLY} == expected
    fetched = call("GET", f"{INVOICES}/INV-1").json()
    assert {k: v for k, v in fetched.items() if k not in RESPONSE_ONLY} == expected


def test_read_modify_write_keeps_every_field(call: Call) -> None:
    """The client's update reads the invoice, changes one field and sends the rest back."""
    created(call, FULL_INVOICE)
    before = call("GET", f"{INVOICES}/INV-1").json()
    body = copy.deepcopy({k: v for k, v in before.items() if k not in RESPONSE_ONLY})
    body["merchantDefinedFieldValues"] = body.pop("merchantDefinedFieldValuesWithDefinition")
    del body["invoiceInformation"]["invoiceNumber"]  # a draft has no paymentLink yet
    del body["orderInformation"]["amountDetails"]["balanceAmount"]
    body["invoiceInformation"]["description"] = "Revised"

    updated = call("PUT", f"{INVOICES}/INV-1", body)

    assert updated.status_code == 200, updated.text
    after = call("GET", f"{INVOICES}/INV-1").json()
    assert after["invoiceInformation"].pop("description") == "Revised"
    before["invoiceInformation"].pop("description")
    for answer in (before, after):
        for name in ("submitTimeUtc", "invoiceHistory"):
            answer.pop(name)
    assert after == before


def test_update_is_a_full_replacement(call: Call) -> None:
    created(call, FULL_INVOICE)
    body = update_of(FULL_INVOICE)
    del body["customerInformation"]["company"], body["orderInformation"]["lineItems"]
    answer = call("PUT", f"{INVOICES}/INV-1", body).json()
    assert "company" not in answer["customerInformation"]
    assert "lineItems" not in answer["orderInformation"]


def test_the_sdks_productSKU_is_kept_as_productSku(call: Call) -> None:
    body = invoice()
    item = body["orderInformation"]["lineItems"][0]
    item["productSKU"] = item.pop("productSku")
    (line,) = created(call, body)["orderInformation"]["lineItems"]
    assert line["productSku"] == "P653727383"
    assert "productSKU" not in line


def test_unknown_fields_are_not_echoed(call: Call) -> None:
    body = invoice()
    body["customerInformation"]["firstName"] = "Tanya"
    body["somethingElse"] = {"x": 1}
    answer = created(call, body)
    assert "firstName" not in answer["customerInformation"]
    assert "somethingElse" not in answer


def test_an_invalid_customer_email_is_a_400_naming_the_field(call: Call) -> None:
    body = invoice()
    body["customerInformation"]["email"] = "tanya.lee(at)example.com"
    response = call("POST", INVOICES, body)
    assert_refused(response, 400, "VALIDATION_ERROR", ["customerInformation.email"])
    assert response.json()["details"][0]["reason"] == "INVALID_DATA"


def test_cents_in_a_zero_decimal_currency_are_a_400_not_a_crash(call: Call) -> None:
    body = invoice()
    body["orderInformation"]["amountDetails"] = {"totalAmount": "10.50", "currency": "JPY"}
    body["orderInformation"]["lineItems"] = [
        {"productName": "Tea", "quantity": 1, "unitPrice": "10.50", "totalAmount": "1050"}
    ]
    response = call("POST", INVOICES, body)
    assert_refused(
        response,
        400,
        "VALIDATION_ERROR",
        [
            "orderInformation.amountDetails.totalAmount",
            "orderInformation.lineItems[0].unitPrice",
        ],
    )
    body["orderInformation"]["amountDetails"]["totalAmount"] = "1050"
    body["orderInformation"]["lineItems"][0]["unitPrice"] = "52.00"  # 52 yen, written 52.00
    answer = created(call, body)
    assert answer["orderInformation"]["amountDetails"]["balanceAmount"] == "1050"


def test_duplicates_and_a_bad_list_status_carry_details(call: Call) -> None:
    created(call, invoice())
    duplicate = call("POST", INVOICES, invoice())
    assert_refused(duplicate, 400, "DUPLICATE_RECORD", ["invoiceInformation.invoiceNumber"])
    listing = call("GET", f"{INVOICES}?offset=0&limit=5&status=ARCHIVED")
    assert_refused(listing, 400, "VALIDATION_ERROR", ["status"])


def links_of(call: Call, number: str) -> set[str]:
    return set(call("GET", f"{INVOICES}/{number}").json()["_links"])


@pytest.mark.parametrize(
    ("steps", "status", "links"),
    [
        ([], "DRAFT", {"self", "update", "deliver", "cancel"}),
        (["publication"], "CREATED", {"self", "update", "deliver", "cancel"}),
        (["delivery"], "SENT", {"self", "update", "deliver", "cancel"}),
        (["delivery", "pay 100.00"], "PARTIAL", {"self", "deliver"}),
        (["delivery", "pay 2623.64"], "PAID", {"self"}),
        (["cancelation"], "CANCELED", {"self"}),
    ],
)
def test_links_offer_what_the_status_allows(
    call: Call, simulator: RunningSimulator, steps: list[str], status: str, links: set[str]
) -> None:
    created(call, invoice())
    for step in steps:
        if step.startswith("pay "):
            simulator.state.pay("INV-1", step.removeprefix("pay "))
        else:
            assert call("POST", f"{INVOICES}/INV-1/{step}", {}).status_code == 200
    fetched = call("GET", f"{INVOICES}/INV-1").json()
    assert fetched["status"] == status
    assert set(fetched["_links"]) == links
    (item,) = call("GET", f"{INVOICES}?offset=0&limit=5").json()["invoices"]
    assert set(item["_links"]) == links


# What each action does from each status (notes §2.3): the status after, or None (refused).
TRANSITIONS: dict[str, dict[str, str | None]] = {
    "DRAFT": {"publication": "CREATED", "delivery": "SENT", "cancelation": "CANCELED"},
    "CREATED": {"publication": None, "delivery": "SENT", "cancelation": "CANCELED"},
    "SENT": {"publication": None, "delivery": "SENT", "cancelation": "CANCELED"},
    "PARTIAL": {"publication": None, "delivery": "PARTIAL", "cancelation": None},
    "PAID": {"publication": None, "delivery": None, "cancelation": None},
    "CANCELED": {"publication": None, "delivery": None, "cancelation": None},
}
REACH = {
    "DRAFT": [],
    "CREATED": ["publication"],
    "SENT": ["delivery"],
    "PARTIAL": ["delivery", "pay 100.00"],
    "PAID": ["delivery", "pay 2623.64"],
    "CANCELED": ["cancelation"],
}
UPDATABLE = {"DRAFT", "CREATED", "SENT"}


@pytest.mark.parametrize("start", list(TRANSITIONS))
def test_actions_follow_the_status_machine(
    call: Call, simulator: RunningSimulator, start: str
) -> None:
    for action, after in TRANSITIONS[start].items():
        number = f"{start}-{action}"
        created(call, invoice(number))
        for step in REACH[start]:
            if step.startswith("pay "):
                simulator.state.pay(number, step.removeprefix("pay "))
            else:
                call("POST", f"{INVOICES}/{number}/{step}", {})
        response = call("POST", f"{INVOICES}/{number}/{action}", {})
        if after is None:
            assert_refused(response, 400, "ACTION_NOT_ALLOWED", [])
            assert call("GET", f"{INVOICES}/{number}").json()["status"] == start
        else:
            assert (response.status_code, response.json()["status"]) == (200, after)
        update = call("PUT", f"{INVOICES}/{number}", update_of(invoice()))
        current = call("GET", f"{INVOICES}/{number}").json()["status"]
        assert (update.status_code == 200) is (current in UPDATABLE)


def test_a_draft_without_email_is_sent_as_created(call: Call) -> None:
    created(call, invoice(mode="none"))
    sent = call("POST", f"{INVOICES}/INV-1/delivery", {}).json()
    assert sent["status"] == "CREATED"
    assert sent["invoiceInformation"]["paymentLink"]


def test_history_only_on_get_and_list_items_have_created_date(call: Call) -> None:
    answers = [
        call("POST", INVOICES, invoice()),
        call("PUT", f"{INVOICES}/INV-1", update_of(invoice())),
        call("POST", f"{INVOICES}/INV-1/delivery", {}),
        call("POST", f"{INVOICES}/INV-1/cancelation", {}),
    ]
    assert [a.status_code for a in answers] == [201, 200, 200, 200]
    assert all("invoiceHistory" not in a.json() for a in answers)
    history = call("GET", f"{INVOICES}/INV-1").json()["invoiceHistory"]
    assert [event["event"] for event in history] == ["DRAFT", "UPDATE", "SEND", "CANCEL"]
    (item,) = call("GET", f"{INVOICES}?offset=0&limit=5").json()["invoices"]
    assert item["createdDate"] == answers[0].json()["submitTimeUtc"]


SETTINGS_FIELDS = {
    "merchantDisplayName",
    "customEmailMessage",
    "enableReminders",
    "headerStyle",
    "deliveryLanguage",
    "defaultCurrencyCode",
    "payerAuthentication3DSVersion",
    "showVatNumber",
    "vatRegistrationNumber",
    "shipTo",
    "phoneNumber",
    "email",
    "enableMerchantEmailNotifications",
    "customLabels",
    "customRedirectUrls",
}


def test_invoice_settings_have_every_field_and_put_replaces_them(call: Call) -> None:
    url = f"{SETTINGS}?productType=INVOICING"
    initial = call("GET", url).json()
    assert set(initial["invoiceSettingsInformation"]) == SETTINGS_FIELDS
    assert initial["merchantInformation"]["name"] == "sim_shop"
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
    body = {
        "invoiceSettingsInformation": {
            "merchantLogo": png,
            "enableReminders": True,
            "payerAuthenticationInInvoicing": "enable",
            "customLabels": [{"key": "billTo", "value": "Payee", "hidden": False}],
        }
    }
    put = call("PUT", url, body).json()["invoiceSettingsInformation"]
    assert put["merchantLogo"] == f"data:image/png;base64,{png}"
    assert put["payerAuthentication3DSVersion"] is True
    assert "payerAuthenticationInInvoicing" not in put
    assert set(put) == SETTINGS_FIELDS | {"merchantLogo"}
    assert call("GET", url).json()["invoiceSettingsInformation"] == put
    assert call("GET", f"{SETTINGS}?productType=PAYBYLINK").json() != put  # kept apart
    again = call("PUT", url, {"invoiceSettingsInformation": {"shipTo": True}}).json()
    assert again["invoiceSettingsInformation"]["enableReminders"] is False  # back to default


def test_a_logo_that_is_no_image_is_refused(call: Call) -> None:
    body = {"invoiceSettingsInformation": {"merchantLogo": base64.b64encode(b"text").decode()}}
    response = call("PUT", f"{SETTINGS}?productType=INVOICING", body)
    assert_refused(response, 400, "INVALID_IMAGE", ["invoiceSettingsInformation.merchantLogo"])


def test_the_list_links_to_the_next_and_previous_pages(call: Call) -> None:
    for number in ("INV-1", "INV-2", "INV-3"):
        created(call, invoice(number))
    middle = call("GET", f"{INVOICES}?offset=1&limit=1&status=draft").json()
    assert {name: link["href"] for name, link in middle["_links"].items()} == {
        "self": "/v2/invoices/?offset=1&limit=1&status=draft",
        "next": "/v2/invoices/?offset=2&limit=1&status=draft",
        "previous": "/v2/invoices/?offset=0&limit=1&status=draft",
    }
    assert [item["id"] for item in middle["invoices"]] == ["INV-2"]
    assert middle["totalInvoices"] == 3
    whole = call("GET", f"{INVOICES}?offset=0&limit=5").json()
    assert set(whole["_links"]) == {"self"}

"""The merchant's journey against the real invoices API and the Cybersource simulator:
create in each of the four modes, reply with the link (read) or insert it (compose), send,
cancel after a confirmation, the customer panel, API field errors next to their fields, and
an upstream failure explained with the draft kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from playwright.sync_api import Page, Request, expect

if TYPE_CHECKING:
    from tests.browser.conftest import LiveApp, TaskpaneSession

pytestmark = pytest.mark.browser

OpenTaskpane = Callable[..., "TaskpaneSession"]
MIA = {"displayName": "Mia Merchant", "emailAddress": "mia@merchant.example"}
CREATE = "/api/v1/invoices"


def request_from(
    name: str, email: str, *, item_id: str, subject: str = "Invoice please"
) -> dict[str, Any]:
    """A customer's email asking for an invoice (each test its own customer)."""
    return {
        "mode": "read",
        "itemId": item_id,
        "internetMessageId": f"<{item_id}@customer.example>",
        "subject": subject,
        "from": {"displayName": name, "emailAddress": email},
        "to": [MIA],
        "body": {
            "html": f"<p>Hi Mia,</p><p>Please invoice 2 x Logo design at $450.00.</p>"
            f"<p>Due by December 15, 2026.</p><p>Thanks,<br>{name}</p>",
            "text": "",
        },
    }


def signed_in(live_app: LiveApp, **config: Any) -> dict[str, Any]:
    return {"accessToken": {"token": live_app.access_token()}, **config}


def form(page: Page) -> Page:
    expect(page.locator("#view-invoice")).to_be_visible(timeout=15_000)
    return page


def choose_usd_account(page: Page, live_app: LiveApp) -> None:
    page.get_by_label("Merchant account").select_option(live_app.profiles["USD"]["id"])
    expect(page.locator("#field-currency")).to_have_value("USD")


def create(page: Page, mode_label: str) -> Page:
    page.get_by_label(mode_label).check()
    page.locator("#create-button").click()
    expect(page.locator("#view-result")).to_be_visible(timeout=20_000)
    return page


def open_form(
    open_taskpane: OpenTaskpane, live_app: LiveApp, item: dict[str, Any], **extra: Any
) -> TaskpaneSession:
    pane = open_taskpane(**signed_in(live_app, item=item, **extra))
    choose_usd_account(form(pane.page), live_app)
    return pane


MODES = [
    ("draft", "Save as draft", "Draft", False),
    ("deliverable_draft", "Save, email it when I send it", "Draft", False),
    ("send", "Email it to the customer now", "Sent", True),
    ("publish", "Create and give me the link to share", "Created", True),
]


@pytest.mark.parametrize(("mode", "label", "status", "has_link"), MODES)
def test_each_way_of_creating_shows_its_result(
    open_taskpane: OpenTaskpane,
    live_app: LiveApp,
    mode: str,
    label: str,
    status: str,
    has_link: bool,
) -> None:
    item = request_from("Nia Mode", f"nia.{mode}@modes.example", item_id=f"AAMk-mode-{mode}")
    pane = open_form(open_taskpane, live_app, item)
    page = pane.page
    sent: list[Request] = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.method == "POST" and r.url.endswith(CREATE) else None,
    )
    expect(page.locator("#create-button")).to_have_text("Create and email")

    create(page, label)

    expect(page.locator("#result-heading")).to_contain_text("Invoice USD-")
    expect(page.locator("#result-status")).to_have_text(status)
    expect(page.locator("#result-facts")).to_contain_text("$900.00")
    shown = "#result-link" if has_link else "#result-nolink"
    expect(page.locator(shown)).to_be_visible()
    (request,) = sent
    body = json.loads(request.post_data or "{}")
    assert body["mode"] == mode
    assert body["total"] == "900.00"
    assert body["source_email"]["internet_message_id"] == f"<AAMk-mode-{mode}@customer.example>"
    assert request.headers["idempotency-key"].startswith("draft-")
    assert pane.accessibility_violations() == []
    pane.screenshot(f"result-{mode}")

    # The result survives a reload: it is the item's stored state.
    page.reload()
    expect(page.locator("#view-result")).to_be_visible(timeout=15_000)
    expect(page.locator("#result-status")).to_have_text(status)


def test_reply_with_link_opens_a_reply_holding_the_link_and_the_escaped_summary(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Ann <b>& Co</b>", "ann@reply.example", item_id="AAMk-reply")
    pane = open_form(open_taskpane, live_app, item)
    page = create(pane.page, "Create and give me the link to share")
    link = page.locator("#result-link").input_value()
    assert link.startswith("http")
    number = page.locator("#result-heading").inner_text().removeprefix("Invoice ")

    page.get_by_role("button", name="Reply with link").click()
    expect(page.locator("#announcer")).to_have_text(
        "A reply with the payment link is open. Check it, then send it."
    )
    (call,) = pane.office_calls("item.displayReplyFormAsync")
    html = call["args"][0]["htmlBody"]
    assert f'href="{link.replace("&", "&amp;")}"' in html
    assert "Hello Ann &lt;b&gt;&amp; Co&lt;/b&gt;," in html
    assert f"Here is invoice {number} for $900.00, due Dec 15, 2026." in html
    assert "Pay invoice" in html
    assert "<b>& Co</b>" not in html


def test_clients_without_mailbox_1_9_reply_with_display_reply_form(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Old Client", "old@reply.example", item_id="AAMk-reply-old")
    pane = open_form(open_taskpane, live_app, item, requirementSets={"Mailbox": "1.8"})
    page = create(pane.page, "Create and give me the link to share")
    page.get_by_role("button", name="Reply with link").click()
    expect(page.locator("#announcer")).not_to_be_empty()
    (call,) = pane.office_calls("item.displayReplyForm")
    assert page.locator("#result-link").input_value() in call["args"][0]["htmlBody"]


@pytest.mark.parametrize(("body_type", "coercion"), [("html", "html"), ("text", "text")])
def test_compose_mode_inserts_the_link_at_the_cursor(
    open_taskpane: OpenTaskpane, live_app: LiveApp, body_type: str, coercion: str
) -> None:
    draft = {
        "mode": "compose",
        "conversationId": f"AAQk-compose-{body_type}",
        "subject": "Your invoice",
        "from": MIA,
        "to": [
            {"displayName": "Cleo Compose", "emailAddress": f"cleo.{body_type}@compose.example"}
        ],
        "cc": [],
        "bodyType": body_type,
        "body": {"html": "<p>Hi Cleo, 3 x Workshop at $100.00.</p>", "text": ""},
    }
    pane = open_form(open_taskpane, live_app, draft)
    page = create(pane.page, "Create and give me the link to share")
    link = page.locator("#result-link").input_value()

    page.get_by_role("button", name="Insert link").click()
    expect(page.locator("#announcer")).to_have_text("The payment link is in your message.")
    (call,) = pane.office_calls("body.setSelectedDataAsync")
    data, options = call["args"]
    assert options == {"coercionType": coercion}
    assert (f'href="{link}"' in data) if coercion == "html" else (f"Pay invoice: {link}" in data)
    if coercion == "text":
        assert "<" not in data


def test_a_saved_draft_is_sent_from_the_result(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Sam Send", "sam@send.example", item_id="AAMk-send")
    pane = open_form(open_taskpane, live_app, item)
    page = create(pane.page, "Save, email it when I send it")
    expect(page.locator("#result-status")).to_have_text("Draft")

    page.get_by_role("button", name="Email it now").click()
    expect(page.locator("#result-status")).to_have_text("Sent")
    expect(page.locator("#result-next")).to_contain_text("sam@send.example")
    expect(page.get_by_role("button", name="Email it now")).to_be_visible()  # re-send allowed


def test_cancel_asks_naming_the_invoice_first(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Cara Cancel", "cara@cancel.example", item_id="AAMk-cancel")
    pane = open_form(open_taskpane, live_app, item)
    page = create(pane.page, "Create and give me the link to share")
    number = page.locator("#result-heading").inner_text().removeprefix("Invoice ")

    page.get_by_role("button", name="Cancel invoice").click()
    question = page.locator("#cancel-question")
    expect(question).to_have_text(
        f"Cancel invoice {number} for $900.00? Cara Cancel can no longer pay it."
    )
    assert pane.accessibility_violations() == []
    pane.screenshot("cancel-confirmation")
    page.get_by_role("button", name="Keep it").click()
    expect(page.locator("#result-status")).to_have_text("Created")

    page.get_by_role("button", name="Cancel invoice").click()
    page.get_by_role("button", name=f"Cancel invoice {number}").click()
    expect(page.locator("#result-status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel invoice")).to_have_count(0)


def test_the_customer_panel_lists_their_invoices_and_opens_each(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Pia Panel", "pia@panel.example", item_id="AAMk-panel")
    pane = open_form(open_taskpane, live_app, item)
    page = create(pane.page, "Create and give me the link to share")
    number = page.locator("#result-heading").inner_text().removeprefix("Invoice ")

    page.get_by_role("button", name="Back to the email").click()
    form(page)
    panel = page.get_by_role("region", name="This customer")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("pia@panel.example · Invoices: 1")
    expect(page.locator("#customer-totals")).to_contain_text("Open $900.00")
    expect(page.locator("#existing-notice")).to_contain_text(
        f"An invoice already exists for this email: {number}."
    )
    assert pane.accessibility_violations() == []
    pane.screenshot("customer-panel")

    panel.get_by_role("button", name=number).click()
    expect(page.locator("#view-result")).to_be_visible()
    expect(page.locator("#result-heading")).to_have_text(f"Invoice {number}")


def test_field_errors_from_the_api_appear_next_to_their_fields(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Fay Field", "fay@field.example", item_id="AAMk-field")
    pane = open_form(open_taskpane, live_app, item)
    page = pane.page
    page.locator("#field-customer-company").fill("C" * 61)  # the API allows 60
    page.locator("#create-button").click()

    error = page.locator("#error-customer-company")
    expect(error).to_be_visible(timeout=15_000)
    expect(error).not_to_be_empty()
    expect(page.locator("#field-customer-company")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#view-invoice")).to_be_visible()
    pane.screenshot("api-field-error")
    page.locator("#field-customer-company").fill("Field & Co")
    create(page, "Create and give me the link to share")


def test_an_upstream_failure_is_explained_and_the_draft_kept(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = request_from("Uma Upstream", "uma@upstream.example", item_id="AAMk-upstream")
    pane = open_form(open_taskpane, live_app, item)
    page = pane.page
    page.locator("#field-customer-name").fill("Uma U.")
    keys: list[str] = []
    page.on(
        "request",
        lambda r: keys.append(r.headers["idempotency-key"]) if r.url.endswith(CREATE) else None,
    )
    knobs = {"faults": [{"kind": "status", "status": 503, "method": "POST", "count": 10}]}
    requests.post(f"{live_app.simulator_url}/__sim/knobs", json=knobs, timeout=5).raise_for_status()
    try:
        page.get_by_label("Create and give me the link to share").check()
        page.locator("#create-button").click()
        expect(page.locator("#form-error")).to_contain_text(
            "Cybersource is not answering right now. Your draft is kept", timeout=20_000
        )
        pane.screenshot("upstream-failure")
    finally:
        requests.post(
            f"{live_app.simulator_url}/__sim/knobs", json={}, timeout=5
        ).raise_for_status()
    expect(page.locator("#field-customer-name")).to_have_value("Uma U.")

    page.locator("#create-button").click()
    expect(page.locator("#view-result")).to_be_visible(timeout=20_000)
    # The retry is the same attempt: one key, so Cybersource gets one invoice.
    assert len(keys) == 2
    assert keys[0] == keys[1]


def test_a_payment_shows_in_the_open_result_without_a_reload(
    open_taskpane: OpenTaskpane,
    live_app: LiveApp,
    identity_ca_bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The customer pays on Cybersource's page; the signed notification reaches the app
    (webhooks set up through the admin API); the open result view's next poll shows it."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))  # the app's TLS
    profile_id = live_app.profiles["USD"]["id"]
    headers = {"Authorization": f"Bearer {live_app.access_token()}"}
    webhook = f"{live_app.url}/api/v1/merchants/{profile_id}/webhook"
    if not requests.get(webhook, headers=headers, timeout=10).json()["configured"]:
        requests.put(webhook, headers=headers, timeout=10).raise_for_status()

    item = request_from("Pay Later", "pay@later.example", item_id="AAMk-pays")
    pane = open_form(open_taskpane, live_app, item)
    page = pane.page
    page.clock.install()  # the pane polls every 15 s: time is moved on by the test
    create(page, "Create and give me the link to share")
    expect(page.locator("#result-status")).to_have_text("Created")
    number = page.locator("#result-heading").inner_text().removeprefix("Invoice ")

    paid = requests.post(
        f"{live_app.simulator_url}/__sim/invoices/{number}/payments",
        json={"amount": "900.00", "merchant_id": live_app.profiles["USD"]["merchant_id"]},
        timeout=10,
    )
    assert paid.status_code == 200, paid.text
    requests.get(f"{live_app.simulator_url}/__sim/webhooks/deliveries", timeout=10)  # delivered
    page.clock.run_for(16_000)
    expect(page.locator("#result-status")).to_have_text("Paid", timeout=10_000)
    expect(page.locator("#action-cancel")).to_have_count(0)
    pane.screenshot("result-paid-by-webhook")

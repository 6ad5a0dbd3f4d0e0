"""The pane's states in headless Chromium at 320 px: accessible (axe-core, any impact), in
light, dark and German; drafts kept per item across switches and reloads; the session kept
across opens; the merchant's edits kept when the account changes; old clients told why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import LiveApp, TaskpaneSession

pytestmark = pytest.mark.browser

OpenTaskpane = Callable[..., "TaskpaneSession"]

CARLA = {"displayName": "Carla Customer", "emailAddress": "carla@acme.example"}
DEAN = {"displayName": "Dean Buyer", "emailAddress": "dean@globex.example"}
MIA = {"displayName": "Mia Merchant", "emailAddress": "mia@merchant.example"}

REQUEST = {
    "mode": "read",
    "itemId": "AAMk-states-request",
    "subject": "Invoice request: website redesign",
    "from": CARLA,
    "to": [MIA],
    "body": {
        "html": "<p>Hi Mia,</p><p>Please send an invoice for:</p><ul>"
        "<li>2 x Logo design at $450.00</li><li>1 x Website hosting (1 year) at $120.00</li>"
        "</ul><p>Total $1,020.00, due by December 15, 2026. PO 4471.</p>"
        "<p>Thanks,<br>Carla Customer<br>Acme Corp</p>",
        "text": "",
    },
}
UNPRICED = {
    "mode": "read",
    "itemId": "AAMk-states-unpriced",
    "subject": "Consulting",
    "from": DEAN,
    "to": [MIA],
    "body": {"html": "<p>Hello Mia, please bill me for the consulting.</p>", "text": ""},
}


def signed_in(live_app: LiveApp, **config: Any) -> dict[str, Any]:
    return {"accessToken": {"token": live_app.access_token()}, **config}


def form(page: Page) -> Page:
    expect(page.locator("#view-invoice")).to_be_visible(timeout=15_000)
    return page


def assert_accessible(pane: TaskpaneSession) -> None:
    assert pane.accessibility_violations() == []


def test_form_fits_320px_and_is_accessible_in_light_and_dark(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in(live_app, item=REQUEST))
    page = form(pane.page)
    expect(page.locator("#invoice-total")).to_have_text("$1,020.00")
    # One h1, every control labelled, nothing wider than the pane.
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert_accessible(pane)
    pane.screenshot("form-light")
    page.get_by_role("button", name="From the email").click()
    expect(page.get_by_role("button", name="From the email")).to_have_attribute(
        "aria-expanded", "true"
    )
    assert_accessible(pane)
    pane.screenshot("form-evidence")

    dark = open_taskpane(**signed_in(live_app, item=REQUEST, dark=True))
    form(dark.page)
    assert dark.page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = dark.page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(31, 31, 31)"
    assert_accessible(dark)
    dark.screenshot("form-dark")


def test_german_display_language_gets_german_words(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in(live_app, item=REQUEST, displayLanguage="de-DE"))
    page = form(pane.page)
    assert page.evaluate("document.documentElement.lang") == "de"
    expect(page.locator("h1")).to_have_text("Rechnung aus E-Mail")
    expect(page.get_by_role("radio", name="Jetzt per E-Mail an den Kunden senden")).to_be_checked()
    expect(page.locator("#create-button")).to_have_text("Erstellen und senden")
    expect(page.locator("#invoice-total")).to_have_text("1.020,00 $")
    assert_accessible(pane)
    pane.screenshot("form-german")


def test_the_form_is_usable_with_the_keyboard_alone(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    page = form(open_taskpane(**signed_in(live_app, item=REQUEST)).page)
    page.locator("#field-customer-name").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "field-customer-email"
    page.locator("#mode-send").focus()
    page.keyboard.press("ArrowUp")  # radios move with the arrow keys
    expect(page.locator("#mode-deliverable_draft")).to_be_checked()
    expect(page.locator("#create-button")).to_have_text("Save invoice")
    page.locator("#add-line").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "field-line_items-2-name"
    page.keyboard.type("Rush fee")
    focused_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused_ring == "solid"


def test_missing_values_are_named_next_to_their_fields(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in(live_app, item=UNPRICED))
    page = form(pane.page)
    page.locator("#field-customer-email").fill("dean at globex")
    page.locator("#create-button").click()

    expect(page.locator("#error-customer-email")).to_have_text(
        "Enter an email address like name@example.com."
    )
    expect(page.locator("#field-customer-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-line_items-0-unit_price")).to_have_text(
        "Enter an amount like 12.50."
    )
    expect(page.locator("#form-error")).to_have_text("Check the fields marked below.")
    assert page.evaluate("document.activeElement.id") == "field-customer-email"
    assert_accessible(pane)
    pane.screenshot("form-field-errors")
    page.locator("#field-customer-email").fill("dean@globex.example")
    expect(page.locator("#error-customer-email")).to_be_hidden()


def test_switching_items_and_reloading_keep_each_draft(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in(live_app, item=REQUEST))
    page = form(pane.page)
    page.locator("#field-customer-name").fill("Carla C. (edited)")
    page.locator("#mode-publish").check()

    pane.switch_item(UNPRICED)
    expect(page.locator("#field-customer-email")).to_have_value("dean@globex.example")
    page.locator(".line-unit-price").first.fill("300")

    pane.switch_item(REQUEST)
    expect(page.locator("#field-customer-name")).to_have_value("Carla C. (edited)")
    expect(page.locator("#mode-publish")).to_be_checked()
    prefills = pane.office_calls("body.getAsync")
    pane.switch_item(UNPRICED)
    expect(page.locator(".line-unit-price").first).to_have_value("300")
    # Restored from the stored draft, not read and pre-filled again.
    assert pane.office_calls("body.getAsync") == prefills

    page.reload()  # Outlook reloads the pane on the item it was opened with
    form(page)
    expect(page.locator("#field-customer-name")).to_have_value("Carla C. (edited)")
    expect(page.locator("#mode-publish")).to_be_checked()


def test_changing_merchant_account_keeps_what_the_merchant_typed(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    page = form(open_taskpane(**signed_in(live_app, item=UNPRICED)).page)
    picker = page.get_by_label("Merchant account")
    picker.select_option(live_app.profiles["USD"]["id"])
    expect(page.locator("#field-currency")).to_have_value("USD")
    page.locator("#field-customer-name").fill("Dean B. (typed)")
    page.locator(".line-unit-price").first.fill("75")

    picker.select_option(live_app.profiles["EUR"]["id"])
    # The euro account's currency and payment terms; the typed values stay.
    expect(page.locator("#field-currency")).to_have_value("EUR")
    expect(page.locator("#invoice-total")).to_have_text("€75.00")
    expect(page.locator("#field-customer-name")).to_have_value("Dean B. (typed)")
    expect(picker).to_have_value(live_app.profiles["EUR"]["id"])


def test_dialog_session_is_kept_so_the_next_open_needs_no_dialog(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(item=REQUEST, accessToken={"error": 13012})
    page = pane.page
    expect(page.locator("#view-signin")).to_be_visible(timeout=15_000)
    assert_accessible(pane)
    pane.screenshot("sign-in")
    page.get_by_role("button", name="Sign in").click()
    form(page)
    assert len(pane.office_calls("ui.displayDialogAsync")) == 1
    stored = page.evaluate("JSON.stringify(Object.keys(sessionStorage))")
    assert "addin-session:v1" in stored
    assert page.evaluate("Object.keys(localStorage).length") == 0

    page.reload()  # the pane opened again in the same Outlook window
    form(page)
    expect(page.locator("#account-name")).to_have_text("Mia Merchant")
    assert pane.office_calls("ui.displayDialogAsync") == []


def test_expired_session_says_so(open_taskpane: OpenTaskpane, live_app: LiveApp) -> None:
    pane = open_taskpane(item=REQUEST, accessToken={"error": 13012})
    page = pane.page
    expect(page.locator("#view-signin")).to_be_visible(timeout=15_000)
    page.evaluate(
        """sessionStorage.setItem('addin-session:v1', JSON.stringify(
            {token: 'x.e30.x', source: 'session', expiresAt: Date.now() - 1000, account: null}))"""
    )
    page.reload()
    expect(page.locator("#signin-error")).to_have_text(
        "Your session has ended. Sign in again to continue.", timeout=15_000
    )


@pytest.mark.parametrize(
    ("config", "sentence"),
    [
        ({"requirementSets": {"Mailbox": "1.2"}}, "needs a newer Outlook (mail API 1.3 or later)"),
        (
            {"requirementSets": {"DialogApi": None}, "accessToken": {"error": 13000}},
            "cannot open the sign-in window the add-in needs",
        ),
    ],
)
def test_old_clients_get_a_clear_sentence(
    open_taskpane: OpenTaskpane, config: dict[str, Any], sentence: str
) -> None:
    pane = open_taskpane(item=REQUEST, **config)
    page = pane.page
    expect(page.locator("#view-unsupported")).to_be_visible(timeout=15_000)
    expect(page.locator("#unsupported-text")).to_contain_text(sentence)
    assert pane.office_calls("ui.displayDialogAsync") == []
    assert_accessible(pane)


MSAL_CHUNKS = (
    "() => performance.getEntriesByType('resource')"
    ".map(e => e.name).filter(name => name.includes('/chunks/dist-'))"
)


def test_msal_is_loaded_only_where_nested_app_authentication_is_used(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    sso = open_taskpane(**signed_in(live_app, item=REQUEST))
    form(sso.page)
    assert sso.page.evaluate(MSAL_CHUNKS) == []

    # A client with NAA but no account in its broker: MSAL is fetched on demand (allowed by
    # the CSP), finds nobody signed in, and the pane waits for a click on Sign in.
    naa = open_taskpane(item=REQUEST, requirementSets={"NestedAppAuth": "1.1"})
    expect(naa.page.locator("#view-signin")).to_be_visible(timeout=15_000)
    expect(naa.page.locator("#signin-error")).to_be_hidden()
    assert len(naa.page.evaluate(MSAL_CHUNKS)) == 1
    assert naa.office_calls("ui.displayDialogAsync") == []


def test_the_currency_list_is_the_api_table(
    open_taskpane: OpenTaskpane, live_app: LiveApp, identity_ca_bundle: Path
) -> None:
    answer = requests.get(
        f"{live_app.url}/api/v1/currencies",
        headers={"Authorization": f"Bearer {live_app.access_token()}"},
        verify=str(identity_ca_bundle),
        timeout=10,
    )
    table = sorted(currency["code"] for currency in answer.json()["currencies"])
    page = form(open_taskpane(**signed_in(live_app, item=REQUEST)).page)
    options = page.locator("#field-currency option").evaluate_all("os => os.map(o => o.value)")
    assert len(table) > 10
    assert sorted(options) == table

"""The taskpane in headless Chromium against the live app, with a fake Office.js.

Sign-in here goes through Office SSO (the fake's getAccessToken hands out real tokens from
the test provider) or the dialog; /api/v1/me and /api/v1/prefill are the real endpoints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import LiveApp, TaskpaneSession

pytestmark = pytest.mark.browser

OpenTaskpane = Callable[..., "TaskpaneSession"]

CARLA = {"displayName": "Carla Customer", "emailAddress": "carla@acme.example"}
DEAN = {"displayName": "Dean Buyer", "emailAddress": "dean@globex.example"}
MIA = {"displayName": "Mia Merchant", "emailAddress": "mia@merchant.example"}

WEBSITE_REQUEST = {
    "mode": "read",
    "subject": "Invoice request: website redesign",
    "from": CARLA,
    "to": [MIA],
    "dateTimeCreated": "2026-11-20T09:30:00Z",
    "body": {
        "html": (
            "<p>Hi Mia,</p><p>Please send an invoice for:</p><ul>"
            "<li>2 x Logo design at $450.00</li>"
            "<li>1 x Website hosting (1 year) at $120.00</li></ul>"
            "<p>Total $1,020.00, due by December 15, 2026. PO 4471.</p>"
            "<p>Thanks,<br>Carla Customer<br>Acme Corp</p>"
        ),
        "text": "unused: the HTML body is read first",
    },
}

CONSULTING_REQUEST = {
    "mode": "read",
    "subject": "Consulting hours for October",
    "from": DEAN,
    "to": [MIA],
    "body": {
        "html": "<p>Hello Mia, please bill:</p>"
        "<ul><li>12 x Consulting hours at EUR 95.00</li></ul>",
        "text": "Hello Mia, please bill:\n- 12 x Consulting hours at EUR 95.00\n",
    },
}


def signed_in_office(live_app: LiveApp, **config: Any) -> dict[str, Any]:
    """Fake Office configuration for a client with Office SSO and no NAA (older builds)."""
    return {"accessToken": {"token": live_app.access_token()}, **config}


def invoice_form(page: Page) -> Page:
    expect(page.locator("#view-invoice")).to_be_visible(timeout=15_000)
    return page


def line_item_names(page: Page) -> list[str]:
    return [
        page.locator(".line-name").nth(i).input_value()
        for i in range(page.locator(".line-name").count())
    ]


def test_signs_in_and_fills_the_invoice_from_the_email(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in_office(live_app, item=WEBSITE_REQUEST))
    page = invoice_form(pane.page)

    expect(page.locator("#account-name")).to_have_text("Mia Merchant")
    expect(page.locator("#account-username")).to_have_text("mia@merchant.example")
    expect(page.locator("#field-customer-email")).to_have_value("carla@acme.example")
    expect(page.locator("#field-customer-name")).to_have_value("Carla Customer")
    expect(page.locator("#field-currency")).to_have_value("USD")
    expect(page.locator("#field-due_date")).to_have_value("2026-12-15")
    assert line_item_names(page) == ["Logo design", "Website hosting (1 year)"]
    expect(page.locator("#invoice-total")).to_have_text("$1,020.00")
    # Where each value came from is shown on demand, not under every field.
    evidence = page.locator(".line-item").first.locator(".evidence")
    expect(evidence).to_be_hidden()
    page.get_by_role("button", name="From the email").click()
    expect(evidence).to_contain_text("Logo design")
    # The HTML body was read, so tables and lists reach the extractor intact.
    assert [c["args"] for c in pane.office_calls("body.getAsync")] == [["html"]]


def test_editing_lines_recomputes_the_total(open_taskpane: OpenTaskpane, live_app: LiveApp) -> None:
    page = invoice_form(open_taskpane(**signed_in_office(live_app, item=WEBSITE_REQUEST)).page)

    page.locator(".line-quantity").first.fill("3")
    expect(page.locator("#invoice-total")).to_have_text("$1,470.00")
    page.locator("#add-line").click()
    page.locator(".line-name").last.fill("Rush fee")
    page.locator(".line-unit-price").last.fill("0.10")
    expect(page.locator("#invoice-total")).to_have_text("$1,470.10")
    page.locator(".line-remove").first.click()
    assert line_item_names(page) == ["Website hosting (1 year)", "Rush fee"]
    expect(page.locator("#invoice-total")).to_have_text("$120.10")
    page.locator("#field-currency").select_option("JPY")
    expect(page.locator("#invoice-total")).to_have_text("¥120")


def test_email_markup_is_shown_as_text_and_never_runs(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    attack = '<img src=x onerror="window.__pwned = 1">'
    hostile = {
        **WEBSITE_REQUEST,
        "subject": f"Invoice {attack}",
        "from": {"displayName": f"Eve {attack}", "emailAddress": "eve@evil.example"},
        "body": {
            "html": (
                f"<p>Please bill 1 x Audit {attack} at $10.00</p>"
                "<script>window.__pwned = 2</script>"
            ),
            "text": "",
        },
    }
    page = invoice_form(open_taskpane(**signed_in_office(live_app, item=hostile)).page)

    expect(page.locator("#source-line")).to_contain_text("<img src=x")
    expect(page.locator("#field-description")).to_have_value(f"Invoice {attack}")
    page.wait_for_timeout(200)  # time for an injected onerror to have fired
    assert page.evaluate("window.__pwned") is None
    # The only images are the header logo: nothing from the email became markup.
    assert page.locator("main img, main script").count() == 0


def test_pinned_pane_follows_the_selected_item(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in_office(live_app, item=WEBSITE_REQUEST))
    page = invoice_form(pane.page)
    expect(page.locator("#field-customer-email")).to_have_value("carla@acme.example")
    assert len(pane.office_calls("mailbox.addHandlerAsync")) == 1

    pane.switch_item(CONSULTING_REQUEST)
    expect(page.locator("#field-customer-email")).to_have_value("dean@globex.example")
    expect(page.locator("#field-currency")).to_have_value("EUR")
    expect(page.locator("#invoice-total")).to_have_text("€1,140.00")

    pane.switch_item(None)
    expect(page.locator("#view-empty")).to_be_visible()
    expect(page.locator("#view-invoice")).to_be_hidden()

    pane.switch_item(WEBSITE_REQUEST)
    expect(page.locator("#field-customer-email")).to_have_value("carla@acme.example")


def test_compose_mode_reads_the_recipients(open_taskpane: OpenTaskpane, live_app: LiveApp) -> None:
    draft = {
        "mode": "compose",
        "subject": "Your invoice for October consulting",
        "from": MIA,
        "to": [DEAN],
        "cc": [],
        "body": {"html": "<p>Hi Dean, 12 hours of consulting at EUR 95.00.</p>", "text": ""},
    }
    pane = open_taskpane(**signed_in_office(live_app, item=draft))
    page = invoice_form(pane.page)

    expect(page.locator("#field-customer-email")).to_have_value("dean@globex.example")
    expect(page.locator("#source-line")).to_have_text(
        "To Dean Buyer: “Your invoice for October consulting”"
    )
    called = {c["method"] for c in pane.office_calls()}
    assert {"subject.getAsync", "to.getAsync", "cc.getAsync", "from.getAsync"} <= called


def test_html_body_failure_falls_back_to_text(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    item = {**CONSULTING_REQUEST, "bodyErrors": {"html": 5001}}
    pane = open_taskpane(**signed_in_office(live_app, item=item))
    page = invoice_form(pane.page)

    expect(page.locator("#field-customer-email")).to_have_value("dean@globex.example")
    assert [c["args"] for c in pane.office_calls("body.getAsync")] == [["html"], ["text"]]


def test_invalid_request_shows_the_problem_per_field(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    config = signed_in_office(
        live_app, item=WEBSITE_REQUEST, userProfile={"timeZone": "Mars/Olympus_Mons"}
    )
    page = open_taskpane(**config).page

    expect(page.locator("#view-error")).to_be_visible(timeout=15_000)
    expect(page.locator("#error-title")).to_have_text("Invalid request")
    field_error = page.locator('#error-fields li[data-field="time_zone"]')
    expect(field_error).to_contain_text("Not a known IANA time zone")


def test_rejected_token_is_refreshed_once_and_the_call_retried(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    expired = live_app.access_token(now=int(time.time()) - 7200)
    pane = open_taskpane(
        item=WEBSITE_REQUEST,
        accessToken=[{"token": expired}, {"token": live_app.access_token()}],
    )
    page = invoice_form(pane.page)

    expect(page.locator("#account-name")).to_have_text("Mia Merchant")
    # The expired token, then one fresh token for the retried call and all calls after it.
    assert len(pane.office_calls("auth.getAccessToken")) == 2


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (13002, "Sign-in was cancelled."),
        (13013, "Too many sign-in attempts in a short time"),
    ],
)
def test_office_sign_in_error_is_explained_and_sign_in_retries(
    open_taskpane: OpenTaskpane, live_app: LiveApp, code: int, message: str
) -> None:
    pane = open_taskpane(
        item=WEBSITE_REQUEST,
        accessToken=[{"error": code}, {"token": live_app.access_token()}],
    )
    page = pane.page

    expect(page.locator("#view-signin")).to_be_visible(timeout=15_000)
    expect(page.locator("#signin-error")).to_contain_text(message)
    expect(page.locator("#account")).to_be_hidden()
    page.locator("#signin-button").click()
    expect(invoice_form(page).locator("#account-name")).to_have_text("Mia Merchant")


def test_without_office_sso_the_dialog_signs_in_after_a_click(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    # 13012: this client cannot do Office SSO; the backend's sign-in dialog takes over and
    # runs the real auth-code flow against the test provider in a popup window — but only
    # once the user asks for it.
    pane = open_taskpane(item=WEBSITE_REQUEST, accessToken={"error": 13012})
    page = pane.page
    expect(page.locator("#view-signin")).to_be_visible(timeout=15_000)
    expect(page.locator("#signin-error")).to_be_hidden()
    assert not pane.office_calls("ui.displayDialogAsync")

    page.get_by_role("button", name="Sign in").click()
    invoice_form(page)
    expect(page.locator("#account-name")).to_have_text("Mia Merchant")
    expect(page.locator("#field-customer-email")).to_have_value("carla@acme.example")
    (opened,) = pane.office_calls("ui.displayDialogAsync")
    assert opened["args"][0].startswith(f"{live_app.url}/auth/dialog/start?")
    assert pane.office_calls("dialog.close")


def test_closed_sign_in_dialog_is_explained(open_taskpane: OpenTaskpane, live_app: LiveApp) -> None:
    pane = open_taskpane(
        item=WEBSITE_REQUEST,
        accessToken={"error": 13001},
        dialog={"mode": "none", "event": 12006},
    )
    page = pane.page
    expect(page.locator("#view-signin")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#signin-error")).to_have_text(
        "The sign-in window was closed before sign-in finished."
    )


def test_server_error_is_shown_and_try_again_reloads_the_draft(
    open_taskpane: OpenTaskpane, live_app: LiveApp
) -> None:
    pane = open_taskpane(**signed_in_office(live_app))
    page = pane.page
    expect(page.locator("#view-empty")).to_be_visible(timeout=15_000)
    unavailable = {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Pre-fill is restarting.",
        "errors": [],
        "request_id": "req-42",
    }
    page.route(
        "**/api/v1/prefill",
        lambda route: route.fulfill(
            status=503, content_type="application/problem+json", json=unavailable
        ),
        times=1,
    )

    pane.switch_item(WEBSITE_REQUEST)
    expect(page.locator("#view-error")).to_be_visible()
    expect(page.locator("#error-title")).to_have_text("Service Unavailable")
    expect(page.locator("#error-detail")).to_have_text("Pre-fill is restarting.")
    expect(page.locator("#error-reference")).to_have_text("Reference: req-42")
    page.locator("#error-retry").click()
    expect(invoice_form(page).locator("#invoice-total")).to_have_text("$1,020.00")

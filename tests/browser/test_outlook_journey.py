"""The browser Outlook (/dev/outlook) in headless Chromium, as a newcomer uses it: demo mode
with its own sign-in provider and Cybersource simulator, the real taskpane beside sample
emails, driven by the Office.js stand-in. Screenshots of each state go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, FrameLocator, Page, Route, expect

from addin_server import create_app
from addin_server.config import load_settings
from addin_server.dev.demo_environment import start_demo
from addin_server.dev.loopback import LoopbackServer, free_port
from addin_server.dev.outlook import install
from addin_server.devcert import TlsFiles, ensure_tls_certificate
from addin_server.storage import Database, migrate

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "test-artifacts" / "screenshots" / "outlook"
AXE_JS = PROJECT / "taskpane" / "node_modules" / "axe-core" / "axe.min.js"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1"}
NORTHWIND = "AAMkAD-demo-northwind-redesign"
CATERING = "AAMkAD-demo-catering-2"
HTML_DRAFT = "draft-northwind-followup"
TEXT_DRAFT = "draft-licencias-text"
SHARE = "Create and give me the link to share"
HOSTILE_NAME = "Jordan <b>Lee</b> & Co"


@dataclass
class DemoOutlook:
    url: str
    simulator_url: str


@pytest.fixture(scope="module")
def demo_outlook(
    identity_tls: TlsFiles,
    taskpane_bundle: Path,
    tmp_path_factory: pytest.TempPathFactory,
    no_rate_limits: dict[str, str],
) -> Iterator[DemoOutlook]:
    """``addin-server serve`` in demo mode, in process: the demo provider, the simulator,
    the seeded merchant profiles and /dev/outlook. Its certificate is the one the test
    browser trusts (the demo reuses a valid certificate in its instance folder)."""
    instance = tmp_path_factory.mktemp("dev-outlook")
    shutil.copytree(identity_tls.cert.parent, instance / "tls")
    port = free_port()
    url = f"https://localhost:{port}"
    overrides = {
        "instance_dir": instance,
        "public_url": url,
        "bind": f"127.0.0.1:{port}",
        **no_rate_limits,
    }
    settings = load_settings({}, overrides)
    database = Database(settings.database_url)
    migrate(database.engine)
    database.dispose()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", os.environ.get("REQUESTS_CA_BUNDLE", ""))
        demo = start_demo(settings)  # points REQUESTS_CA_BUNDLE at the demo's CA
        app = create_app(demo.settings)
        install(app)
        tls = ensure_tls_certificate(instance / "tls")
        server = LoopbackServer(
            app, port=port, ssl_context=tls.server_context(), hostname="localhost"
        ).start()
        yield DemoOutlook(url, demo.settings.cybersource_sandbox_url)
        server.stop()
        demo.stop()
        app.extensions["addin.db"].dispose()


def _loopback_only(route: Route) -> None:
    """Nothing leaves the machine: not even Office.js from the CDN (the stand-in replaces it)."""
    url = route.request.url
    if urlsplit(url).hostname in LOOPBACK_HOSTS or url.startswith(("data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


@dataclass
class Outlook:
    page: Page
    errors: list[str]

    @property
    def pane(self) -> FrameLocator:
        return self.page.frame_locator("#addin-frame")

    def select(self, item_id: str) -> None:
        self.page.locator(f'.mail-item[data-id="{item_id}"]').click()

    def open_pane(self) -> FrameLocator:
        self.page.locator("#open-addin").click()
        return self.pane

    def accessibility_violations(self) -> list[str]:
        """axe-core's violations of any impact on the browser Outlook's own page."""
        # Through the debugger protocol: the page's CSP forbids inline scripts, and stays so.
        self.page.evaluate(AXE_JS.read_text("utf-8") + "\n;undefined")
        results = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return [f"{v['id']} ({v['impact']}): {v['help']}" for v in results["violations"]]

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


OpenOutlook = Callable[..., Outlook]


@pytest.fixture
def open_outlook(browser: Browser, demo_outlook: DemoOutlook) -> Iterator[OpenOutlook]:
    contexts = []
    outlooks: list[Outlook] = []

    def open_(query: str = "") -> Outlook:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
        context.route("**/*", _loopback_only)
        contexts.append(context)
        page = context.new_page()
        outlook = Outlook(page, [])
        page.on("pageerror", lambda error: outlook.errors.append(str(error)))
        outlooks.append(outlook)
        page.goto(f"{demo_outlook.url}/dev/outlook{query}")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        return outlook

    yield open_
    for context in contexts:
        context.close()
    for outlook in outlooks:
        assert not outlook.errors, f"uncaught errors: {outlook.errors}"


def sign_in(outlook: Outlook) -> FrameLocator:
    """The pane asks; a click opens the dialog, where the demo provider knows the mailbox's
    owner (Adele, Contoso's admin) and hands back a session."""
    pane = outlook.pane
    expect(pane.locator("#view-signin")).to_be_visible(timeout=15_000)
    outlook.screenshot("sign-in")
    with outlook.page.expect_popup() as popup:
        pane.locator("#signin-button").click()
    popup.value.wait_for_event("close", timeout=15_000)
    expect(pane.locator("#view-invoice")).to_be_visible(timeout=15_000)
    return pane


def create(pane: FrameLocator, mode_label: str) -> str:
    pane.get_by_label(mode_label).check()
    pane.locator("#create-button").click()
    expect(pane.locator("#view-result")).to_be_visible(timeout=20_000)
    return pane.locator("#result-heading").inner_text().removeprefix("Invoice ")


def test_the_whole_journey_from_an_email(open_outlook: OpenOutlook) -> None:
    outlook = open_outlook()
    outlook.select(NORTHWIND)
    expect(outlook.page.locator(".message-subject")).to_have_text(
        "Website redesign: please send the invoice"
    )
    assert outlook.accessibility_violations() == []
    outlook.screenshot("1-email")
    outlook.open_pane()
    pane = sign_in(outlook)
    expect(pane.locator("#field-customer-email")).to_have_value("jordan@northwind.example")
    outlook.screenshot("2-prefilled")
    pane.locator("#field-customer-name").fill(HOSTILE_NAME)  # everything the reply shows is escaped

    number = create(pane, SHARE)
    link = pane.locator("#result-link").input_value()
    assert link.startswith("http")
    outlook.screenshot("3-created")

    pane.get_by_role("button", name="Reply with link").click()
    draft = outlook.page.locator("#reply-draft")
    expect(draft).to_be_visible()
    expect(outlook.page.locator("#reply-to")).to_have_text(
        "To: Jordan Lee <jordan@northwind.example>"
    )
    html = outlook.page.locator("#reply-body").get_attribute("data-html") or ""
    assert f'href="{link.replace("&", "&amp;")}"' in html
    assert f"Here is invoice {number} for $3,150.00" in html
    assert "Hello Jordan &lt;b&gt;Lee&lt;/b&gt; &amp; Co," in html
    assert "<b>Lee</b>" not in html
    reply = outlook.page.frame_locator("#reply-body")
    expect(reply.get_by_role("link", name="Pay invoice")).to_have_attribute("href", link)
    expect(reply.locator("body")).to_contain_text(f"Hello {HOSTILE_NAME},")  # shown as text
    outlook.screenshot("4-reply-draft")

    pane.get_by_role("button", name="Back to the email").click()
    panel = pane.get_by_role("region", name="This customer")
    expect(panel).to_contain_text("jordan@northwind.example")
    expect(pane.locator("#existing-notice")).to_contain_text(number)
    outlook.screenshot("5-customer-panel")

    panel.get_by_role("button", name=number).click()
    pane.get_by_role("button", name="Cancel invoice").click()
    expect(pane.locator("#cancel-question")).to_contain_text(f"Cancel invoice {number}")
    outlook.screenshot("6-cancel-confirmation")
    pane.get_by_role("button", name=f"Cancel invoice {number}").click()
    expect(pane.locator("#result-status")).to_have_text("Cancelled", timeout=15_000)
    outlook.screenshot("7-cancelled")


@pytest.mark.parametrize(("draft", "inserted"), [(HTML_DRAFT, "html"), (TEXT_DRAFT, "text")])
def test_compose_inserts_the_link_into_the_visible_draft(
    open_outlook: OpenOutlook,
    draft: str,
    inserted: str,
) -> None:
    outlook = open_outlook()
    outlook.select(draft)
    outlook.open_pane()
    pane = sign_in(outlook)
    pane.locator("#field-description").fill("Website redesign")
    create(pane, SHARE)
    link = pane.locator("#result-link").input_value()
    pane.get_by_role("button", name="Insert link").click()
    editor = outlook.page.locator("#compose-editor")
    if inserted == "html":
        expect(editor.get_by_role("link", name="Pay invoice")).to_have_attribute("href", link)
    else:
        # The insert is asynchronous (setSelectedDataAsync): wait for it, as for the HTML one.
        expect(editor).to_have_value(re.compile(re.escape(f"Pay invoice: {link}")))
    outlook.screenshot(f"compose-{inserted}")


def test_switching_emails_while_pinned_keeps_each_draft(open_outlook: OpenOutlook) -> None:
    outlook = open_outlook()
    outlook.select(NORTHWIND)
    outlook.open_pane()
    pane = sign_in(outlook)
    outlook.page.locator("#pin-addin").click()
    pane.locator("#field-customer-name").fill("Jordan L. (edited)")

    outlook.select(CATERING)
    expect(pane.locator("#field-customer-email")).to_have_value("priya@fourthcoffee.example")
    pane.locator("#field-customer-name").fill("Priya S. (edited)")
    outlook.screenshot("pinned-second-email")

    outlook.select(NORTHWIND)
    expect(pane.locator("#field-customer-name")).to_have_value("Jordan L. (edited)")
    outlook.select(CATERING)
    expect(pane.locator("#field-customer-name")).to_have_value("Priya S. (edited)")


def test_an_unpinned_pane_closes_when_another_email_is_selected(open_outlook: OpenOutlook) -> None:
    outlook = open_outlook()
    outlook.select(NORTHWIND)
    outlook.open_pane()
    expect(outlook.pane.locator("#view-signin")).to_be_visible(timeout=15_000)
    outlook.select(CATERING)
    expect(outlook.page.locator("#addin")).to_be_hidden()


def test_an_old_client_is_told_why_in_a_sentence(open_outlook: OpenOutlook) -> None:
    outlook = open_outlook("?client=old")
    outlook.select(NORTHWIND)
    pane = outlook.open_pane()
    expect(pane.locator("#view-unsupported")).to_be_visible(timeout=15_000)
    expect(pane.locator("#unsupported-text")).to_contain_text("1.3 or later")
    outlook.screenshot("old-client")


def test_the_mailbox_can_be_another_demo_users(open_outlook: OpenOutlook) -> None:
    """The dialog passes the owner's address as login_hint: the provider signs them in."""
    outlook = open_outlook("?user=megan")
    outlook.select(NORTHWIND)
    expect(outlook.page.locator(".message-head")).to_contain_text(
        "To: Megan Bowen <megan@fabrikam.example>"
    )
    outlook.open_pane()
    pane = sign_in(outlook)
    expect(pane.locator("#account-name")).to_have_text("Megan Bowen (Fabrikam admin)")
    expect(pane.locator("#field-customer-email")).to_have_value("jordan@northwind.example")
    outlook.screenshot("megan-fabrikam")


# --- the Office.js stand-in itself -------------------------------------------------------

PROBE = """async () => {
  const office = window.Office;
  const item = office.context.mailbox.item;
  const threw = (call) => { try { call(); return null; } catch (error) { return error.name; } };
  const sets = ["Mailbox 1.3", "Mailbox 1.8", "Mailbox 1.9", "DialogApi 1.2",
                "IdentityAPI 1.3", "NestedAppAuth 1.1"];
  const html = await new Promise((done) => item.body.getAsync("html", {asyncContext: 7}, done));
  const external = await new Promise((done) =>
    office.context.ui.displayDialogAsync("https://elsewhere.example/", done));
  return {
    supported: sets.filter((s) => office.context.requirements.isSetSupported(...s.split(" "))),
    html: [html.status, html.asyncContext, html.value.includes("Homepage design")],
    externalDialog: [external.status, external.error.code],
    sso: await office.auth.getAccessToken({}).then(() => "token", (error) => error.code),
    asyncReply: typeof item.displayReplyFormAsync,
    errors: {
      coercion: threw(() => item.body.getAsync("pdf", () => {})),
      noArguments: threw(() => item.body.getAsync()),
      tooMany: threw(() => item.body.getAsync("text", {}, () => {}, 1)),
      replyForm: threw(() => item.displayReplyForm(42)),
      setName: threw(() => office.context.requirements.isSetSupported(1)),
      dialogSize: threw(() => office.context.ui.displayDialogAsync(location.origin, {height: 0})),
    },
    language: office.context.displayLanguage,
    background: office.context.officeTheme.bodyBackgroundColor,
  };
}"""
STRICT = {
    "coercion": "Sys.ArgumentException",
    "noArguments": "Sys.ParameterCountException",
    "tooMany": "Sys.ParameterCountException",
    "replyForm": "Sys.ArgumentException",
    "setName": "Sys.ArgumentException",
    "dialogSize": "Sys.ArgumentOutOfRangeException",
}


@pytest.mark.parametrize(
    ("query", "supported", "async_reply"),
    [
        ("", ["Mailbox 1.3", "Mailbox 1.8", "Mailbox 1.9", "DialogApi 1.2"], "function"),
        (
            "?client=classic&lang=de-DE&theme=dark",
            ["Mailbox 1.3", "Mailbox 1.8", "DialogApi 1.2"],
            "undefined",
        ),
    ],
)
def test_the_standin_is_as_strict_and_truthful_as_office(
    open_outlook: OpenOutlook, query: str, supported: list[str], async_reply: str
) -> None:
    outlook = open_outlook(query)
    outlook.select(NORTHWIND)
    expect(outlook.open_pane().locator("#view-signin")).to_be_visible(timeout=15_000)
    frame = next(f for f in outlook.page.frames if f.url.endswith("/taskpane.html"))
    probe = frame.evaluate(PROBE)
    assert probe["supported"] == supported  # no identity API, no NAA: the dialog signs in
    assert probe["html"] == ["succeeded", 7, True]
    assert probe["externalDialog"] == ["failed", 12004]
    assert probe["sso"] == 13000
    assert probe["asyncReply"] == async_reply
    assert probe["errors"] == STRICT
    dark = "dark" in query
    assert probe["language"] == ("de-DE" if dark else "en-US")
    assert probe["background"] == ("#292929" if dark else "#FFFFFF")
    assert outlook.accessibility_violations() == []
    outlook.screenshot("german-dark" if dark else "standin-web")


def test_the_customer_pays_and_the_open_pane_says_paid(open_outlook: OpenOutlook) -> None:
    """Demo mode's whole status loop: the "customer pays" control, the simulator's signed
    webhook to the add-in, and the open result view's next poll."""
    outlook = open_outlook()
    outlook.page.clock.install()  # the pane polls every 15 s: the test moves time on
    outlook.select(NORTHWIND)
    outlook.open_pane()
    pane = sign_in(outlook)
    number = create(pane, SHARE)
    expect(pane.locator("#result-status")).to_have_text("Created")

    outlook.page.locator("#pay-number").fill(number)
    outlook.page.locator("#pay-amount").fill("3150.00")
    outlook.page.get_by_role("button", name="Pay", exact=True).click()
    expect(outlook.page.locator("#pay-result")).to_contain_text("now PAID")
    outlook.page.clock.run_for(16_000)
    expect(pane.locator("#result-status")).to_have_text("Paid", timeout=15_000)
    outlook.screenshot("8-paid-by-the-customer")


@pytest.mark.parametrize(
    ("label", "status", "then_send"),
    [
        ("Save as draft", "Draft", False),
        ("Save, email it when I send it", "Draft", True),
        ("Email it to the customer now", "Sent", False),
        (SHARE, "Created", False),
    ],
)
def test_each_way_of_creating_through_the_browser_outlook(
    open_outlook: OpenOutlook, label: str, status: str, then_send: bool
) -> None:
    outlook = open_outlook()
    outlook.select(CATERING)
    outlook.open_pane()
    pane = sign_in(outlook)
    create(pane, label)
    expect(pane.locator("#result-status")).to_have_text(status)
    if then_send:
        pane.get_by_role("button", name="Email it now").click()
        expect(pane.locator("#result-status")).to_have_text("Sent", timeout=15_000)


def test_a_field_error_and_an_upstream_failure_are_explained_in_the_pane(
    open_outlook: OpenOutlook, demo_outlook: DemoOutlook
) -> None:
    outlook = open_outlook()
    outlook.select(CATERING)
    outlook.open_pane()
    pane = sign_in(outlook)
    pane.locator("#field-customer-company").fill("C" * 61)  # Cybersource allows 60
    pane.get_by_label(SHARE).check()
    pane.locator("#create-button").click()
    expect(pane.locator("#error-customer-company")).to_be_visible(timeout=15_000)
    expect(pane.locator("#field-customer-company")).to_have_attribute("aria-invalid", "true")
    pane.locator("#field-customer-company").fill("Catering & Co")

    knobs = f"{demo_outlook.simulator_url}/__sim/knobs"
    faults = {"faults": [{"kind": "status", "status": 503, "method": "POST", "count": 10}]}
    requests.post(knobs, json=faults, timeout=5).raise_for_status()
    try:
        pane.locator("#create-button").click()
        expect(pane.locator("#form-error")).to_contain_text("Your draft is kept", timeout=20_000)
        expect(pane.locator("#field-customer-company")).to_have_value("Catering & Co")
        outlook.screenshot("upstream-failure")
    finally:
        requests.post(knobs, json={}, timeout=5).raise_for_status()
    pane.locator("#create-button").click()
    expect(pane.locator("#view-result")).to_be_visible(timeout=20_000)

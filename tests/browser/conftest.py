"""Real-browser fixtures: the app over HTTPS on loopback, headless Chromium, a fake Office.js.

One Chromium per session; each test gets a fresh browser context (cookies, storage) and a
taskpane page whose Office.js is ``fake_office.js`` configured for that test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    ViewportSize,
    sync_playwright,
)

from addin_server import create_app
from addin_server.dev.loopback import LoopbackServer, free_port
from addin_server.dev.openid_provider import OpenIdProvider, ProviderClient, ProviderUser
from addin_server.dev.simulator import DemoMerchant, create_simulator_app, demo_merchant
from addin_server.devcert import TlsFiles
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.storage import migrate

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TASKPANE_DIR = Path(__file__).resolve().parents[2] / "taskpane"
OFFICE_JS_URL = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
FAKE_OFFICE_JS = Path(__file__).with_name("fake_office.js")
AXE_JS = TASKPANE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots of each state, kept as test artifacts (gitignored).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
# The narrowest Outlook sidebar.
TASKPANE_VIEWPORT: ViewportSize = {"width": 320, "height": 760}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test that fails is run once more before it counts: headless Chromium on a
    shared 2-core machine has timing variance (seen: a field edit racing a re-render under
    load 14+). A test that fails twice fails the run; reruns are listed in the summary."""
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture(scope="session")
def taskpane_bundle() -> Path:
    """Build the taskpane so the tests run the current sources, not a stale dist/."""
    if not (TASKPANE_DIR / "node_modules").is_dir():
        pytest.skip("taskpane packages not installed: run 'npm ci' in taskpane/")
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm not found: install Node.js 20+")
    subprocess.run([npm, "run", "--silent", "build"], cwd=TASKPANE_DIR, check=True)
    return TASKPANE_DIR / "dist" / "taskpane.html"


def _spki_hash(cert_path: Path) -> str:
    """Chromium's pin for one certificate: base64 SHA-256 of its SubjectPublicKeyInfo."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright, identity_tls: TlsFiles) -> Iterator[Browser]:
    # Trust exactly the certificate of the test servers (app and provider), nothing else.
    pin = f"--ignore-certificate-errors-spki-list={_spki_hash(identity_tls.cert)}"
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, pin]
    )
    yield browser
    browser.close()


@dataclass
class LiveApp:
    """The app over HTTPS on loopback at ``url`` (its public URL), signing in through the
    test provider as the app registration ``client_id``; ``merchant`` can sign in there."""

    url: str
    app: Flask
    provider: OpenIdProvider
    client_id: str
    merchant: ProviderUser
    simulator_url: str
    profiles: dict[str, dict[str, Any]]  # by default currency: "USD", "EUR"

    def access_token(self, **claims: Any) -> str:
        """An access token for the app's API, as Office SSO would hand the taskpane."""
        user = self.merchant
        claims = {"name": user.name, "username": user.username, **claims}
        return self.provider.issue_access_token(
            user.tid, user.oid, audience=self.client_id, **claims
        )


MERCHANT_TENANT = "c0ffee00-3333-4000-8000-00000000000c"
# One merchant drives every browser test: at the default 30 pre-fills a minute a fast machine
# gets 429s. Rate limits have their own tests (tests/hardening).
NO_RATE_LIMITS = {
    "rate_limit_user": "100000/minute",
    "rate_limit_costly": "100000/minute",
    "rate_limit_merchant": "100000/minute",
}
BROWSER_CLIENT_ID = "b7095e70-5a1e-4c3d-8e2f-0000000b0b01"
MERCHANT = ProviderUser(
    tid=MERCHANT_TENANT,
    oid="6d1c0c8e-4f3a-4c1e-9d7b-00000000e001",
    name="Mia Merchant",
    username="mia@merchant.example",
)
# Two Cybersource accounts of the merchant: US dollars (the first) and euros.
ACCOUNTS = {"USD": ("browser_usd", "Mia US", 14), "EUR": ("browser_eur", "Mia Europe", 30)}


def _create_profiles(
    url: str, token: str, demos: dict[str, DemoMerchant], ca_bundle: Path
) -> dict[str, dict[str, Any]]:
    """The merchant's profiles, created through the API as an admin would (the first one
    makes its creator the tenant's admin)."""
    profiles = {}
    for currency, (merchant_id, name, due_days) in ACCOUNTS.items():
        demo = demos[merchant_id]
        body = {
            "display_name": name,
            "environment": "sandbox",
            "merchant_id": merchant_id,
            "auth_scheme": "jwt_shared_secret",
            "key_id": demo.credentials.key_id,
            "shared_secret": demo.credentials.shared_secret_b64,
            "default_currency": currency,
            "invoice_number_prefix": f"{currency}-",
            "default_due_days": due_days,
        }
        response = requests.post(
            f"{url}/api/v1/merchants",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            verify=str(ca_bundle),
            timeout=30,
        )
        assert response.status_code == 201, response.text
        profiles[currency] = response.json()
    return profiles


@pytest.fixture(scope="session")
def no_rate_limits() -> dict[str, str]:
    """Settings that lift the rate limits, for a demo app many browser tests share."""
    return NO_RATE_LIMITS


@pytest.fixture(scope="session")
def live_app(
    identity_tls: TlsFiles,
    identity_ca_bundle: Path,
    taskpane_bundle: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveApp]:
    """Production mode, so every sign-in method (NAA, Office SSO, dialog) is offered; the
    Cybersource sandbox is the simulator, where the merchant has two accounts."""
    demos = {merchant_id: demo_merchant(merchant_id) for merchant_id, _, _ in ACCOUNTS.values()}
    simulator = LoopbackServer(
        create_simulator_app({d.merchant.merchant_id: d.merchant for d in demos.values()})
    ).start()
    port = free_port()
    url = f"https://localhost:{port}"
    secret = "browser-tests-" + "client-secret-0123456789"
    app_id_uri = f"api://localhost:{port}/{BROWSER_CLIENT_ID}"
    # A provider of its own: the shared one's users and clients stay as other tests expect.
    provider = OpenIdProvider()
    provider_server = provider.serve(identity_tls)
    provider.register_client(
        ProviderClient(BROWSER_CLIENT_ID, secret, app_id_uri, (url + DIALOG_CALLBACK_PATH,))
    )
    provider.add_user(MERCHANT)
    instance = tmp_path_factory.mktemp("browser-app")
    key = base64.b64encode(hashlib.sha256(b"browser tests").digest()).decode()
    app = create_app(
        {
            "mode": "production",
            "instance_dir": instance,
            "database_url": f"sqlite:///{instance / 'app.sqlite3'}",
            "public_url": url,
            "bind": f"127.0.0.1:{port}",
            "secret_key": secrets.token_urlsafe(48),
            "encryption_keys": f"browser-1:{key}",
            "authority": provider.base_url,
            "client_id": BROWSER_CLIENT_ID,
            "client_secret": secret,
            "app_id_uri": app_id_uri,
            "allowed_tenants": (MERCHANT_TENANT,),
            "cybersource_sandbox_url": simulator.url,
            **NO_RATE_LIMITS,
        }
    )
    database = app.extensions["addin.db"]
    migrate(database.engine)
    context = identity_tls.server_context()
    server = LoopbackServer(app, port=port, ssl_context=context, hostname="localhost").start()
    # The same claims as every later token: a changed name or username would make each
    # request update the user row first.
    token = provider.issue_access_token(
        MERCHANT.tid,
        MERCHANT.oid,
        audience=BROWSER_CLIENT_ID,
        name=MERCHANT.name,
        username=MERCHANT.username,
    )
    with pytest.MonkeyPatch.context() as env:
        # The backend fetches the test provider's keys, whose CA only tests trust.
        env.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))
        profiles = _create_profiles(url, token, demos, identity_ca_bundle)
    yield LiveApp(url, app, provider, BROWSER_CLIENT_ID, MERCHANT, simulator.url, profiles)
    server.stop()
    simulator.stop()
    provider_server.stop()
    database.dispose()


@dataclass
class TaskpaneSession:
    """One test's taskpane page and what the fake Office.js saw."""

    page: Page
    context: BrowserContext
    page_errors: list[str] = field(default_factory=list)
    policy_violations: list[str] = field(default_factory=list)

    def note_policy_violation(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.policy_violations.append(message.text)

    def office_calls(self, method: str | None = None) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.page.evaluate("window.__fakeOffice.calls")
        return [c for c in calls if method is None or c["method"] == method]

    def switch_item(self, item: dict[str, Any] | None) -> None:
        self.page.evaluate("(item) => window.__fakeOffice.switchItem(item)", item)

    def screenshot(self, name: str) -> Path:
        """The pane as it looks now, saved as a test artifact (full height)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # From the top: a full-page shot of a scrolled page repeats the sticky header.
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def accessibility_violations(self) -> list[str]:
        """axe-core's violations of any impact on the page as it is now."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the debugger protocol: the page's CSP still forbids inline
            # scripts, and no test should loosen it.
            self.page.evaluate(AXE_JS.read_text("utf-8") + "\n;undefined")
        results: dict[str, Any] = self.page.evaluate(
            "async () => await window.axe.run(document, {resultTypes: ['violations']})"
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(str(node["target"]) for node in v["nodes"])
            for v in results["violations"]
        ]


def _route_network(route: Route) -> None:
    """Office.js from the fake; loopback as is; nothing else leaves the machine."""
    url = route.request.url
    if url.split("?")[0] == OFFICE_JS_URL:
        route.fulfill(
            status=200, content_type="text/javascript", body=FAKE_OFFICE_JS.read_text("utf-8")
        )
    elif urlsplit(url).hostname in LOOPBACK_HOSTS or url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


@pytest.fixture
def open_taskpane(
    browser: Browser,
    live_app: LiveApp,
    identity_ca_bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., TaskpaneSession]]:
    """``open_taskpane(item={...}, accessToken=..., dialog=..., requirementSets=...)``:
    the taskpane in a new context whose fake Office.js has that configuration."""
    # The backend redeems dialog sign-in codes at the test provider, whose CA only tests trust.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))
    sessions: list[TaskpaneSession] = []

    def open_(**office_config: Any) -> TaskpaneSession:
        context = browser.new_context(viewport=TASKPANE_VIEWPORT, locale="en-US")
        context.route("**/*", _route_network)
        context.add_init_script(f"window.__fakeOfficeConfig = {json.dumps(office_config)};")
        page = context.new_page()
        session = TaskpaneSession(page, context)
        page.on("pageerror", lambda error: session.page_errors.append(str(error)))
        page.on("console", session.note_policy_violation)
        sessions.append(session)
        page.goto(f"{live_app.url}/taskpane.html")
        return session

    yield open_
    for session in sessions:
        unimplemented = session.page.evaluate("window.__fakeOffice?.unimplemented ?? []")
        session.context.close()
        assert not unimplemented, f"the taskpane used Office APIs the fake lacks: {unimplemented}"
        assert not session.page_errors, f"uncaught errors in the taskpane: {session.page_errors}"
        assert not session.policy_violations, f"CSP blocked: {session.policy_violations}"

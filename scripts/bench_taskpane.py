"""How fast the taskpane shows a prefilled form, and how many bytes its first load moves.

Usage: .venv/bin/python scripts/bench_taskpane.py [--runs N]

Runs the app in production mode over HTTPS on loopback (the test OpenID provider signs
tokens; the Cybersource simulator is the sandbox with one merchant profile), and opens the
real taskpane in headless Chromium (/usr/bin/chromium) at 320 px with the browser tests'
Office.js stand-in, signed in through Office SSO (a silent token, as for a signed-in user).
Office.js itself is served by the stand-in and not counted.

Prints, over N fresh browser contexts (cold cache) and a reload in each (warm cache):
- time from navigation start to the prefilled form on screen (the pane's
  ``performance.mark("invoice-form-shown")``), median / min / max in ms;
- bytes transferred (compressed, headers included) by the first load, and which files;
- whether MSAL's chunk was fetched (it must not be, for a client without NAA).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Browser, Page, Route, sync_playwright

from addin_server import create_app
from addin_server.dev.loopback import LoopbackServer, free_port
from addin_server.dev.openid_provider import OpenIdProvider, ProviderUser
from addin_server.dev.simulator import create_simulator_app, demo_merchant
from addin_server.devcert import TlsFiles, combined_ca_bundle, ensure_tls_certificate
from addin_server.storage import migrate

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
OFFICE_JS_URL = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
FAKE_OFFICE_JS = ROOT / "tests" / "browser" / "fake_office.js"
CLIENT_ID = "b7095e70-5a1e-4c3d-8e2f-00000000be7c"
USER = ProviderUser(
    tid="c0ffee00-3333-4000-8000-0000000be7c0",
    oid="6d1c0c8e-4f3a-4c1e-9d7b-0000000be7c1",
    name="Bench Merchant",
    username="bench@merchant.example",
)
EMAIL = {
    "mode": "read",
    "itemId": "AAMk-bench",
    "subject": "Invoice request: website redesign",
    "from": {"displayName": "Carla Customer", "emailAddress": "carla@acme.example"},
    "to": [{"displayName": USER.name, "emailAddress": USER.username}],
    "body": {
        "html": "<p>Hi,</p><p>Please send an invoice for:</p><ul>"
        "<li>2 x Logo design at $450.00</li><li>1 x Website hosting (1 year) at $120.00</li>"
        "</ul><p>Total $1,020.00, due by December 15, 2026. PO 4471.</p>"
        "<p>Thanks,<br>Carla Customer<br>Acme Corp</p>",
        "text": "",
    },
}
FORM_SHOWN = "() => performance.getEntriesByName('invoice-form-shown')[0]?.startTime ?? null"
RESOURCES = """() => [performance.getEntriesByType('navigation')[0],
                     ...performance.getEntriesByType('resource')]
    .map(e => ({name: e.name, bytes: e.transferSize, type: e.initiatorType}))"""


def _spki_pin(cert: Path) -> str:
    key = x509.load_pem_x509_certificate(cert.read_bytes()).public_key()
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


class Stack:
    """Provider, simulator and app on loopback, with one merchant profile."""

    def __init__(self, folder: Path) -> None:
        self.tls: TlsFiles = ensure_tls_certificate(folder / "tls")
        ca_bundle = combined_ca_bundle(self.tls.ca_cert, folder / "ca-bundle.pem")
        # The app fetches the provider's signing keys, whose CA only this process trusts.
        os.environ["REQUESTS_CA_BUNDLE"] = str(ca_bundle)
        self.provider = OpenIdProvider()
        self.provider.add_user(USER)
        self._provider_server = self.provider.serve(self.tls)
        demo = demo_merchant("bench_merchant")
        self._simulator = LoopbackServer(
            create_simulator_app({demo.merchant.merchant_id: demo.merchant})
        ).start()
        port = free_port()
        self.url = f"https://localhost:{port}"
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        self.app = create_app(
            {
                "mode": "production",
                "instance_dir": folder,
                "database_url": f"sqlite:///{folder / 'bench.sqlite3'}",
                "public_url": self.url,
                "bind": f"127.0.0.1:{port}",
                "secret_key": secrets.token_urlsafe(48),
                "encryption_keys": f"bench-1:{key}",
                "authority": self.provider.base_url,
                "client_id": CLIENT_ID,
                "client_secret": "bench-client-secret-0123456789",
                "app_id_uri": f"api://localhost:{port}/{CLIENT_ID}",
                "allowed_tenants": (USER.tid,),
                "cybersource_sandbox_url": self._simulator.url,
            }
        )
        migrate(self.app.extensions["addin.db"].engine)
        self._server = LoopbackServer(
            self.app, port=port, ssl_context=self.tls.server_context(), hostname="localhost"
        ).start()
        profile = {
            "display_name": "Bench",
            "environment": "sandbox",
            "merchant_id": demo.merchant.merchant_id,
            "auth_scheme": "jwt_shared_secret",
            "key_id": demo.credentials.key_id,
            "shared_secret": demo.credentials.shared_secret_b64,
            "default_currency": "USD",
            "invoice_number_prefix": "B-",
            "default_due_days": 14,
        }
        answer = requests.post(
            f"{self.url}/api/v1/merchants",
            json=profile,
            headers={"Authorization": f"Bearer {self.token()}"},
            verify=str(ca_bundle),
            timeout=30,
        )
        answer.raise_for_status()

    def token(self) -> str:
        return self.provider.issue_access_token(
            USER.tid, USER.oid, audience=CLIENT_ID, name=USER.name, username=USER.username
        )

    def stop(self) -> None:
        self._server.stop()
        self._simulator.stop()
        self._provider_server.stop()
        self.app.extensions["addin.db"].dispose()


def _office_js(route: Route) -> None:
    route.fulfill(status=200, content_type="text/javascript", body=FAKE_OFFICE_JS.read_text())


def _form_time(page: Page) -> float:
    # A function, not a string: the page's CSP forbids evaluating strings.
    page.wait_for_function(FORM_SHOWN, timeout=30_000)
    shown: float = page.evaluate(FORM_SHOWN)
    return shown


def _one_run(browser: Browser, stack: Stack) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 320, "height": 760})
    # Only Office.js is intercepted: routing every request through Playwright would add its
    # own round trip to each and measure the harness instead of the pane.
    context.route(OFFICE_JS_URL, _office_js)
    config = {"item": EMAIL, "accessToken": {"token": stack.token()}}
    context.add_init_script(f"window.__fakeOfficeConfig = {json.dumps(config)};")
    page = context.new_page()
    page.goto(f"{stack.url}/taskpane.html")
    cold = _form_time(page)
    resources: list[dict[str, Any]] = page.evaluate(RESOURCES)
    page.evaluate("sessionStorage.clear()")  # the draft would skip the pre-fill call
    page.reload()
    warm = _form_time(page)
    context.close()
    return {"cold": cold, "warm": warm, "resources": resources}


def _counted(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in resources if not r["name"].startswith(OFFICE_JS_URL)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not (ROOT / "taskpane" / "dist" / "taskpane.html").is_file():
        print("build the taskpane first: (cd taskpane && npm run build)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        f"--ignore-certificate-errors-spki-list={_spki_pin(stack.tls.cert)}",
                    ],
                )
                _one_run(browser, stack)  # warm up the server (imports, key fetch)
                runs = [_one_run(browser, stack) for _ in range(args.runs)]
                browser.close()
        finally:
            stack.stop()
    report(runs)
    return 0


def report(runs: list[dict[str, Any]]) -> None:
    def line(label: str, values: list[float]) -> str:
        median, low, high = statistics.median(values), min(values), max(values)
        return f"{label:<44} median {median:7.1f} ms   min {low:7.1f}   max {high:7.1f}"

    print(f"taskpane on localhost, {len(runs)} runs, headless Chromium, 320 px")
    print(line("prefilled form after open (cold cache)", [r["cold"] for r in runs]))
    print(line("prefilled form after open (warm cache)", [r["warm"] for r in runs]))
    resources = _counted(runs[-1]["resources"])
    total = sum(r["bytes"] for r in resources)
    print(f"first load transferred besides Office.js: {total / 1024:.1f} KB ({total} bytes)")
    for r in sorted(resources, key=lambda r: -r["bytes"]):
        print(f"  {r['bytes']:>8}  {urlsplit(r['name']).path}")
    msal = [r for r in resources if "/chunks/dist-" in r["name"]]
    print(f"MSAL chunk fetched: {'yes' if msal else 'no'}")


if __name__ == "__main__":
    raise SystemExit(main())

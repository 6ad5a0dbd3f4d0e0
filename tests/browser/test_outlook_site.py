"""/dev/outlook as a site: only in demo mode, and the framed taskpane gets the Office.js
stand-in only when the browser Outlook frames it."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from addin_server import create_app
from addin_server.dev.loopback import free_port
from addin_server.dev.outlook import install

OFFICE_JS_CDN = b"https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
STANDIN = b"/dev/outlook/static/office-standin.js"
DEMO_URL = "https://localhost:3000"
FRAMED = {"Referer": f"{DEMO_URL}/dev/outlook?client=web", "Sec-Fetch-Dest": "iframe"}


@contextmanager
def _app(tmp_path: Path, **overrides: Any) -> Iterator[Flask]:
    app = create_app(
        {
            "instance_dir": tmp_path / "instance",
            "database_url": f"sqlite:///{tmp_path / 'site.sqlite3'}",
            **overrides,
        }
    )
    yield app
    app.extensions["addin.db"].dispose()


@pytest.fixture
def demo(tmp_path: Path, taskpane_bundle: Path) -> Iterator[FlaskClient]:
    with _app(tmp_path) as app:
        install(app)
        yield app.test_client()


@pytest.fixture
def production(tmp_path: Path, taskpane_bundle: Path) -> Iterator[Flask]:
    key = base64.b64encode(bytes(range(32))).decode()
    with _app(
        tmp_path,
        mode="production",
        public_url="https://invoices.example.com",
        bind="0.0.0.0:8000",
        secret_key="k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789",
        encryption_keys=f"k1:{key}",
        client_id="6a0d3a8e-3f5c-4d7e-9a59-2c1f0e8b7d41",
        client_secret="s" * 8 + "0123456789abcdef",
        allowed_tenants="organizations",
    ) as app:
        yield app


def get(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    with client.get(path, headers=headers or {}, base_url=DEMO_URL) as response:
        return response.status_code, response.get_data()


def test_production_answers_404_and_cannot_install_it(production: Flask) -> None:
    client = production.test_client()
    for path in ("/dev/outlook", "/dev/outlook/static/office-standin.js"):
        assert get(client, path)[0] == 404
    status, page = get(client, "/taskpane.html", FRAMED)
    assert status == 200
    assert OFFICE_JS_CDN in page
    assert STANDIN not in page
    with pytest.raises(RuntimeError, match="demo mode only"):
        install(production)


def test_demo_serves_the_browser_outlook_with_its_own_policy(demo: FlaskClient) -> None:
    with demo.get("/dev/outlook", base_url=DEMO_URL) as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        policy = response.headers["Content-Security-Policy"]
    assert 'id="addin-frame"' in page
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    for name in ("office-standin.js", "outlook.js", "outlook.css", "mailbox.json"):
        assert get(demo, f"/dev/outlook/static/{name}")[0] == 200


def test_the_framed_taskpane_loads_the_standin_and_is_never_cached(demo: FlaskClient) -> None:
    with demo.get("/taskpane.html", headers=FRAMED, base_url=DEMO_URL) as response:
        page = response.get_data()
        assert response.headers["Cache-Control"] == "no-store"
        assert "Referer" in response.headers["Vary"]
        # The taskpane's own policy still applies: the stand-in is on this origin.
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert STANDIN in page
    assert OFFICE_JS_CDN not in page


@pytest.mark.parametrize(
    "headers",
    [
        {},  # opened directly, or by Outlook itself
        {"Referer": f"{DEMO_URL}/dev/outlook"},  # not as a frame
        {"Referer": f"{DEMO_URL}/support", "Sec-Fetch-Dest": "iframe"},  # framed elsewhere
        {"Referer": "https://evil.example/dev/outlook", "Sec-Fetch-Dest": "iframe"},
    ],
)
def test_the_taskpane_keeps_the_real_office_js_otherwise(
    demo: FlaskClient, headers: dict[str, str]
) -> None:
    status, page = get(demo, "/taskpane.html", headers)
    assert status == 200
    assert OFFICE_JS_CDN in page
    assert STANDIN not in page


def test_serve_in_demo_mode_ends_by_printing_the_browser_outlook(tmp_path: Path) -> None:
    """``./scripts/dev`` runs ``addin-server serve``: its last line is where to start."""
    port = free_port()
    url = f"https://localhost:{port}"
    env = {
        **os.environ,
        "ADDIN_INSTANCE_DIR": str(tmp_path / "instance"),
        "ADDIN_PUBLIC_URL": url,
        "ADDIN_BIND": f"127.0.0.1:{port}",
    }
    env.pop("ADDIN_MODE", None)
    cli = Path(sys.executable).with_name("addin-server")
    with subprocess.Popen(
        [str(cli), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            assert server.stdout is not None
            lines = [server.stdout.readline().rstrip("\n") for _ in range(7)]
            assert lines[-1] == f"Try it in the browser Outlook: {url}/dev/outlook", lines
            ca = tmp_path / "instance" / "tls" / "ca.pem"
            response = requests.get(f"{url}/dev/outlook", verify=str(ca), timeout=10)
            assert response.status_code == 200
            assert 'id="addin-frame"' in response.text
        finally:
            server.terminate()
            rest = server.communicate(timeout=10)[0]
    assert rest == ""  # nothing printed after it

"""The taskpane site: pages, bundle, icons and manifest, with the headers Outlook needs."""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from werkzeug.test import TestResponse

from addin_server import create_app

PROJECT_TASKPANE = Path(__file__).resolve().parents[1] / "taskpane"
STRONG_SECRET = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
OFFICE_APP_NS = "{http://schemas.microsoft.com/office/appforoffice/1.1}"


def _taskpane_copy(root: Path, *, built: bool) -> Path:
    """The taskpane folder's served files, with a stand-in bundle when ``built``."""
    folder = root / "taskpane"
    for name in ("taskpane.html", "support.html"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_TASKPANE / name, folder / name)
    shutil.copytree(PROJECT_TASKPANE / "css", folder / "css")
    shutil.copytree(PROJECT_TASKPANE / "assets", folder / "assets")
    shutil.copy(PROJECT_TASKPANE.parent / "manifest.xml", root / "manifest.xml")
    if built:
        (folder / "dist").mkdir()
        (folder / "dist" / "taskpane.js").write_text("export {};\n")
    return folder


@contextmanager
def _site(tmp_path: Path, overrides: dict[str, Any], *, built: bool = True) -> Iterator[Flask]:
    config = {
        "instance_dir": tmp_path / "instance",
        "database_url": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        **overrides,
    }
    app = create_app(config)
    app.config["TASKPANE_DIR"] = _taskpane_copy(tmp_path / "checkout", built=built)
    try:
        yield app
    finally:
        app.extensions["addin.db"].dispose()


def fetch(client: FlaskClient, path: str) -> TestResponse:
    """GET ``path`` with the body read and the file it streams from closed."""
    with client.get(path) as response:
        response.get_data()
    return response


@pytest.fixture
def site(tmp_path: Path) -> Iterator[FlaskClient]:
    with _site(tmp_path, {"mode": "demo"}) as app:
        yield app.test_client()


@pytest.fixture
def production_site(tmp_path: Path) -> Iterator[FlaskClient]:
    key = base64.b64encode(bytes(range(32))).decode()
    overrides = {
        "mode": "production",
        "public_url": "https://invoices.example.com",
        "bind": "0.0.0.0:8000",
        "secret_key": STRONG_SECRET,
        "encryption_keys": f"k1:{key}",
        "client_id": "6a0d3a8e-3f5c-4d7e-9a59-2c1f0e8b7d41",
        "client_secret": "s" * 8 + "0123456789abcdef",
        "allowed_tenants": "organizations",
        "authority": "https://login.example-idp.com/tenant-a",
    }
    with _site(tmp_path, overrides) as app:
        yield app.test_client()


def test_taskpane_page_is_served_with_security_headers(site: FlaskClient) -> None:
    response = fetch(site, "/taskpane.html")
    assert response.status_code == 200
    assert b"appsforoffice.microsoft.com/lib/1/hosted/office.js" in response.data
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"].split() == ["'self'", "https://appsforoffice.microsoft.com"]
    assert csp["connect-src"].split() == ["'self'", "https://login.microsoftonline.com"]
    ancestors = csp["frame-ancestors"].split()
    assert "'self'" in ancestors
    assert {"https://outlook.office.com", "https://*.cloud.microsoft"} <= set(ancestors)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-cache"


def test_connect_src_follows_the_configured_authority(production_site: FlaskClient) -> None:
    csp = fetch(production_site, "/taskpane.html").headers["Content-Security-Policy"]
    assert "connect-src 'self' https://login.example-idp.com;" in csp


def test_page_says_how_to_build_when_the_bundle_is_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with _site(tmp_path, {"mode": "demo"}, built=False) as app:
        response = fetch(app.test_client(), "/taskpane.html")
        assert response.status_code == 503
        assert b"npm ci &amp;&amp; npm run build" in response.data
        assert "npm ci && npm run build" in caplog.text
        assert fetch(app.test_client(), "/taskpane/dist/taskpane.js").status_code == 503


def test_icons_are_cacheable_pngs(site: FlaskClient) -> None:
    for size in (16, 32, 64, 80, 128):
        response = fetch(site, f"/taskpane/assets/icon-{size}.png")
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        cache = response.headers["Cache-Control"]
        assert "public" in cache
        assert re.search(r"max-age=\d{4,}", cache)
        assert "no-cache" not in cache
        assert "no-store" not in cache


def test_files_outside_the_served_folders_are_not_reachable(site: FlaskClient) -> None:
    assert fetch(site, "/taskpane/dist/../../manifest.xml").status_code == 404
    assert fetch(site, "/taskpane/assets/missing.png").status_code == 404
    assert fetch(site, "/taskpane/dist/%2e%2e/taskpane.html").status_code == 404


def _manifest_urls(document: etree._Element) -> list[str]:
    return [
        value
        for element in document.iter()
        for value in (element.get("DefaultValue"),)
        if value and value.startswith("https://")
    ]


def test_dev_manifest_is_the_committed_file_and_every_url_resolves(site: FlaskClient) -> None:
    response = fetch(site, "/manifest.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.data == (PROJECT_TASKPANE.parent / "manifest.xml").read_bytes()
    urls = _manifest_urls(etree.fromstring(response.data))
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.netloc == "localhost:3000"
        assert fetch(site, parts.path).status_code == 200, url


def test_manifest_is_rewritten_for_the_public_url(production_site: FlaskClient) -> None:
    response = fetch(production_site, "/manifest.xml")
    document = etree.fromstring(response.data)
    assert b"https://localhost" not in response.data
    urls = _manifest_urls(document)
    assert all(url.startswith("https://invoices.example.com/") for url in urls), urls
    for url in urls:
        assert fetch(production_site, urlsplit(url).path).status_code == 200, url
    domains = [d.text for d in document.iter(f"{OFFICE_APP_NS}AppDomain")]
    assert domains == ["https://login.example-idp.com", "https://invoices.example.com"]

    committed = etree.parse(str(PROJECT_TASKPANE.parent / "manifest.xml")).getroot()
    served_id = document.findtext(f"{OFFICE_APP_NS}Id")
    assert served_id != committed.findtext(f"{OFFICE_APP_NS}Id")
    # Stable per deployment: the same public URL always gets the same Id.
    assert fetch(production_site, "/manifest.xml").data == response.data

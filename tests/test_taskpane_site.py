"""The taskpane site: pages, bundle, icons and manifest, with the headers Outlook needs."""

from __future__ import annotations

import base64
import gzip
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
from addin_server.taskpane_site.precompressed import is_hashed

PROJECT_TASKPANE = Path(__file__).resolve().parents[1] / "taskpane"
STRONG_SECRET = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
OFFICE_APP_NS = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
BUNDLE = "taskpane-AB12CD34.js"
BUNDLE_SOURCE = b"export const answer = 42;\n" * 40
# Not real brotli: the site only picks the file; what is in it is the build's business.
BROTLI_STAND_IN = b"brotli bytes"


def _write_built(dist: Path) -> None:
    """What ``npm run build`` writes, in miniature: pages naming a hashed bundle, and the
    bundle with its compressed copies."""
    dist.mkdir()
    for page in ("taskpane.html", "support.html"):
        template = (PROJECT_TASKPANE / page).read_text(encoding="utf-8")
        html = template.replace("{{script}}", f"/taskpane/dist/{BUNDLE}").replace(
            "{{stylesheet}}", "/taskpane/dist/styles-AB12CD34.css"
        )
        (dist / page).write_text(html, encoding="utf-8")
    (dist / BUNDLE).write_bytes(BUNDLE_SOURCE)
    (dist / f"{BUNDLE}.gz").write_bytes(gzip.compress(BUNDLE_SOURCE))
    (dist / f"{BUNDLE}.br").write_bytes(BROTLI_STAND_IN)
    (dist / "dist-AB12CD34.js.LEGAL.txt").write_text("licences\n")


def _taskpane_copy(root: Path, *, built: bool) -> Path:
    """The taskpane folder's served files, with a stand-in build when ``built``."""
    folder = root / "taskpane"
    folder.mkdir(parents=True)
    shutil.copytree(PROJECT_TASKPANE / "assets", folder / "assets")
    shutil.copy(PROJECT_TASKPANE.parent / "manifest.xml", root / "manifest.xml")
    if built:
        _write_built(folder / "dist")
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
    response = client.get(path)
    with response:
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
        assert fetch(app.test_client(), f"/taskpane/dist/{BUNDLE}").status_code == 503


def fetch_encoded(client: FlaskClient, path: str, accept_encoding: str) -> TestResponse:
    response = client.get(path, headers={"Accept-Encoding": accept_encoding})
    with response:
        response.get_data()
    return response


def test_the_build_serves_compressed_copies_by_accept_encoding(site: FlaskClient) -> None:
    path = f"/taskpane/dist/{BUNDLE}"
    brotli = fetch_encoded(site, path, "gzip, deflate, br")
    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.data == BROTLI_STAND_IN
    gzipped = fetch_encoded(site, path, "gzip")
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.data) == BUNDLE_SOURCE
    plain = fetch_encoded(site, path, "identity")
    assert "Content-Encoding" not in plain.headers
    assert plain.data == BUNDLE_SOURCE
    refused = fetch_encoded(site, path, "br;q=0, gzip")
    assert refused.headers["Content-Encoding"] == "gzip"
    for response in (brotli, gzipped, plain):
        assert response.mimetype == "text/javascript"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["ETag"]
    assert len({r.headers["ETag"] for r in (brotli, gzipped, plain)}) == 3


def test_hashed_files_are_immutable_and_pages_revalidated(site: FlaskClient) -> None:
    bundle = fetch(site, f"/taskpane/dist/{BUNDLE}")
    assert bundle.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    unhashed = fetch(site, "/taskpane/dist/dist-AB12CD34.js.LEGAL.txt")
    assert unhashed.headers["Cache-Control"] == "no-cache"
    page = fetch_encoded(site, "/taskpane.html", "gzip")
    assert page.headers["Cache-Control"] == "no-cache"
    assert f"/taskpane/dist/{BUNDLE}".encode() in page.data
    assert fetch(site, "/support").status_code == 200


@pytest.mark.parametrize(
    ("name", "hashed"),
    [
        ("taskpane-6WVZI2RR.js", True),
        ("chunks/dist-SRVZAJ7U.js", True),
        ("styles-R7TBSPS6.css", True),
        ("taskpane.js", False),
        ("dist-SRVZAJ7U.js.LEGAL.txt", False),
        ("my-lowercase.js", False),
    ],
)
def test_only_content_hashed_names_count_as_hashed(name: str, hashed: bool) -> None:
    assert is_hashed(name) is hashed


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

"""Serves the pages Outlook loads: the taskpane, its built bundle, icons and the manifest.

Files come from the project's ``taskpane/`` folder (``app.config["TASKPANE_DIR"]`` overrides
it for tests); the build (``npm ci && npm run build``) writes ``taskpane/dist/``: the pages
with hashed asset names filled in, the hashed bundle and stylesheet, and a brotli and gzip
copy of each. Hashed files are cached for good; pages are revalidated on every load.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

from addin_server.context import current_settings
from addin_server.taskpane_site.manifest import origin_of, render_manifest
from addin_server.taskpane_site.precompressed import is_hashed, send_precompressed

bp: Blueprint = Blueprint("taskpane_site", __name__)
log = logging.getLogger(__name__)

# addin_server/taskpane_site/views.py -> the checkout's taskpane/ folder.
DEFAULT_TASKPANE_DIR = Path(__file__).resolve().parents[2] / "taskpane"
PAGE = "taskpane.html"
ICON_MAX_AGE = 7 * 24 * 3600
IMMUTABLE = "public, max-age=31536000, immutable"

# Where Outlook on the web and new Outlook frame the pane (desktop clients use a top-level
# webview, which frame-ancestors does not restrict). No X-Frame-Options: it cannot list them.
OUTLOOK_FRAME_ANCESTORS = (
    "https://outlook.office.com",
    "https://outlook.office365.com",
    "https://outlook.live.com",
    "https://outlook-sdf.office.com",
    "https://outlook-sdf.office365.com",
    "https://*.cloud.microsoft",
)
OFFICE_JS_ORIGIN = "https://appsforoffice.microsoft.com"

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Taskpane not built</title></head>
<body><h1>The taskpane is not built yet</h1>
<p>Run <code>npm ci &amp;&amp; npm run build</code> in the <code>taskpane/</code> folder,
then reload.</p></body></html>
"""


def taskpane_dir() -> Path:
    return Path(current_app.config.get("TASKPANE_DIR") or DEFAULT_TASKPANE_DIR)


@functools.lru_cache(maxsize=8)
def content_security_policy(authority: str) -> str:
    """Built once per authority (settings do not change while the app runs)."""
    authority_origin = origin_of(authority)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {OFFICE_JS_ORIGIN}",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": f"'self' {authority_origin}",
        "frame-src": f"'self' {authority_origin}",
        "frame-ancestors": " ".join(("'self'", *OUTLOOK_FRAME_ANCESTORS)),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = content_security_policy(
        current_settings().authority
    )
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _revalidated(response: Response) -> Response:
    """Pages and unhashed files: cached, but checked against the ETag on every load."""
    response.headers["Cache-Control"] = "no-cache"
    return response


def _built_page(name: str) -> Response:
    dist = taskpane_dir() / "dist"
    if not (dist / name).is_file():
        log.error(
            "taskpane not built; run 'npm ci && npm run build' in taskpane/",
            extra={"expected": str(dist / name)},
        )
        return Response(
            NOT_BUILT_PAGE, status=503, mimetype="text/html", headers={"Retry-After": "30"}
        )
    return _revalidated(send_precompressed(dist, name))


@bp.get("/taskpane.html")
def taskpane_page() -> Response:
    return _built_page(PAGE)


@bp.get("/support")
def support_page() -> Response:
    return _built_page("support.html")


@bp.get("/taskpane/dist/<path:name>")
def bundle(name: str) -> Response:
    dist = taskpane_dir() / "dist"
    if not dist.is_dir():
        log.error("taskpane/dist missing; run 'npm ci && npm run build' in taskpane/")
        abort(503)
    response = send_precompressed(dist, name)
    if is_hashed(name):
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    return _revalidated(response)


@bp.get("/taskpane/assets/<name>.png")
def icon(name: str) -> Response:
    response = send_from_directory(taskpane_dir() / "assets", f"{name}.png", max_age=ICON_MAX_AGE)
    response.cache_control.public = True
    return response


@bp.get("/manifest.xml")
def manifest() -> Response:
    settings = current_settings()
    template = (taskpane_dir().parent / "manifest.xml").read_text(encoding="utf-8")
    body = render_manifest(
        template,
        public_url=settings.public_url,
        authority=settings.authority,
        client_id=settings.client_id,
        app_id_uri=settings.app_id_uri,
    )
    response = Response(body, mimetype="application/xml")
    response.headers["Content-Disposition"] = 'inline; filename="manifest.xml"'
    return _revalidated(response)

"""The browser Outlook's pages, and the seam that gives the framed taskpane the stand-in.

The taskpane page loads Office.js from Microsoft's CDN. When ``/taskpane.html`` is requested
by the ``/dev/outlook`` page's iframe (same origin, ``Sec-Fetch-Dest: iframe``, referred by
``/dev/outlook``), this package answers it instead, with the CDN script's URL replaced by the
stand-in's. Opened any other way (in Outlook, or directly), the page is the production one.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import requests
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from addin_server.context import SETTINGS_KEY, current_settings, request_session
from addin_server.invoices import InvoiceRecord
from addin_server.merchants import MerchantProfile
from addin_server.taskpane_site.views import PAGE, taskpane_dir

OFFICE_JS_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
PREFIX = "/dev/outlook"
STANDIN = "office-standin.js"

bp = Blueprint(
    "dev_outlook",
    __name__,
    url_prefix=PREFIX,
    static_folder="static",
    template_folder="templates",
)

# Scripts and styles from this origin only; sample bodies and reply drafts render in
# sandboxed frames (no scripts), whose inline styles are the email's own.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def install(app: Flask) -> None:
    """Serve ``/dev/outlook`` from ``app``, which must run in demo mode."""
    settings = app.extensions[SETTINGS_KEY]
    if not settings.is_demo:
        raise RuntimeError("/dev/outlook is part of demo mode only")
    app.register_blueprint(bp)
    app.before_request(_taskpane_with_standin)


@bp.get("")
def outlook_page() -> Response:
    settings = current_settings()
    response = Response(render_template("dev_outlook/outlook.html", public_url=settings.public_url))
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Referrer-Policy"] = "same-origin"  # the iframe's request names us
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/payments")
def customer_pays() -> tuple[Response, int]:
    """The customer pays ``amount`` of invoice ``number`` on Cybersource's hosted page: the
    simulator's control records it and delivers the signed webhook to the add-in."""
    data = request.get_json(silent=True)
    number = str(data.get("number", "")).strip() if isinstance(data, dict) else ""
    amount = str(data.get("amount", "")).strip() if isinstance(data, dict) else ""
    session = request_session()
    record = session.scalar(select(InvoiceRecord).where(InvoiceRecord.invoice_number == number))
    if record is None or not amount:
        return jsonify(error=f"No invoice {number!r} in this demo, or no amount."), 404
    profile = session.get_one(MerchantProfile, record.merchant_profile_id)
    answer = requests.post(
        f"{current_settings().cybersource_sandbox_url}/__sim/invoices/"
        f"{quote(number, safe='')}/payments",
        json={"amount": amount, "merchant_id": profile.merchant_id},
        timeout=10,
    )
    return jsonify(answer.json()), answer.status_code


def _framed_by_dev_outlook() -> bool:
    referrer = urlsplit(request.referrer or "")
    same_origin = f"{referrer.scheme}://{referrer.netloc}" == request.host_url.rstrip("/")
    return (
        same_origin
        and referrer.path.rstrip("/") == PREFIX
        and request.headers.get("Sec-Fetch-Dest") == "iframe"
    )


def _taskpane_with_standin() -> Response | None:
    """``before_request``: the built taskpane page with the stand-in for Office.js, when the
    browser Outlook frames it; ``None`` (the production page) otherwise."""
    if request.path != f"/{PAGE}" or request.method != "GET" or not _framed_by_dev_outlook():
        return None
    built = taskpane_dir() / "dist" / PAGE
    if not built.is_file():
        return None  # the production view explains how to build it
    html = built.read_text(encoding="utf-8")
    if OFFICE_JS_CDN not in html:
        current_app.logger.error("taskpane page no longer loads Office.js from the CDN")
        return None
    standin = url_for("dev_outlook.static", filename=STANDIN)
    response = Response(html.replace(OFFICE_JS_CDN, standin, 1), mimetype="text/html")
    # The same URL answers differently when framed here: never cache this copy.
    response.headers["Cache-Control"] = "no-store"
    response.vary.update(("Referer", "Sec-Fetch-Dest"))
    return response

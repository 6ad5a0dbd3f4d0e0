"""Conditional GETs for the API: every successful JSON ``GET /api/...`` answer carries a
strong ``ETag`` of its body, and a request whose ``If-None-Match`` names it gets ``304 Not
Modified`` with no body. The taskpane polls an invoice and the customer's invoices with it,
so a status change (a payment reported by a webhook) shows without a reload and an unchanged
answer costs a few bytes. Polling was chosen over server-sent events: it needs no long-lived
connection through Outlook's webview, proxies and gunicorn's workers, and survives sleep.
"""

from __future__ import annotations

from flask import Flask, Response, request


def _conditional(response: Response) -> Response:
    if (
        request.method == "GET"
        and request.path.startswith("/api/")
        and response.status_code == 200
        and response.mimetype == "application/json"
        and not response.direct_passthrough
    ):
        response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_conditional)

"""Headers every response carries, on top of what each page sets for itself.

- ``/api/`` answers are never stored by a browser or a proxy (``Cache-Control: no-store``):
  they carry invoices, customers and tokens.
- ``X-Content-Type-Options: nosniff`` everywhere, so nothing is run as other than it says.
- In production, ``Strict-Transport-Security``: once a browser has seen the add-in over
  HTTPS it never tries plain HTTP again. (Demo mode runs on localhost, where HSTS would
  stick to every other local development server.)

Pages keep their own policies: the taskpane's CSP (Office.js CDN, Outlook
``frame-ancestors``) and the sign-in dialog's, which must not set a same-origin
``Cross-Origin-Opener-Policy`` (Office's dialog API loses its opener: error 12006).
"""

from __future__ import annotations

from flask import Flask, Response, request

from addin_server.config import Settings

HSTS = "max-age=31536000"


def _api_or_metrics() -> bool:
    return request.path.startswith("/api/") or request.path == "/metrics"


def init_app(app: Flask, settings: Settings) -> None:
    hsts = not settings.is_demo

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if _api_or_metrics():
            response.headers["Cache-Control"] = "no-store"
        if hsts:
            response.headers["Strict-Transport-Security"] = HSTS
        return response

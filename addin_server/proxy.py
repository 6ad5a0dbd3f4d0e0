"""Behind a reverse proxy: which ``X-Forwarded-*`` headers to believe.

``ADDIN_TRUSTED_PROXIES`` is the number of proxies in front of the app that append to
``X-Forwarded-For`` and set ``X-Forwarded-Proto`` (0, the default: believe none, use the
connection's address). With 1, the last address in ``X-Forwarded-For`` (the one your proxy
added) becomes the client's address — for logs, rate limits by address and the ``/metrics``
network check — and ``X-Forwarded-Proto`` the scheme. ``X-Forwarded-Host`` is never used:
every URL the app builds comes from ``ADDIN_PUBLIC_URL``.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from addin_server.config import Settings


def init_app(app: Flask, settings: Settings) -> None:
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0
        )

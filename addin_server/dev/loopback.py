"""Serve a WSGI app on a loopback port in a background thread.

Used by demo mode (the Cybersource simulator and the built-in OpenID provider) and by tests,
which talk to real servers over loopback HTTP(S) rather than to mocks.
"""

from __future__ import annotations

import socket
import ssl
import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

LOOPBACK_HOST = "127.0.0.1"


def free_port() -> int:
    """A port free on loopback now, for a server whose app must know its URL before it
    starts (e.g. an app whose public URL includes the port)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK_HOST, 0))
        return int(probe.getsockname()[1])


class LoopbackServer:
    """``with LoopbackServer(app) as server: requests.get(server.url + "/path")``."""

    def __init__(
        self,
        app: Any,
        *,
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        hostname: str = LOOPBACK_HOST,
    ) -> None:
        self._server: BaseWSGIServer = make_server(
            LOOPBACK_HOST, port, app, threaded=True, ssl_context=ssl_context
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"loopback-{self.port}", daemon=True
        )
        scheme = "https" if ssl_context else "http"
        # ``hostname`` lets an HTTPS server be addressed as "localhost" to match its certificate.
        self.url = f"{scheme}://{hostname}:{self.port}"

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

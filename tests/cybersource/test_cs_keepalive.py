"""Connection reuse: against a keep-alive server the transport keeps one connection per host.

The simulator's werkzeug server closes every connection, so this uses a small HTTP/1.1
server that keeps connections open and counts the ones it accepts.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from addin_server.cybersource import NotFoundError, RetryPolicy, Transport, UpstreamUnavailableError
from addin_server.cybersource.errors import CybersourceError
from addin_server.cybersource.requestor import Requestor
from addin_server.dev.loopback import LOOPBACK_HOST
from tests.cybersource.cybersource_support import NoAuth


class KeepAliveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((LOOPBACK_HOST, 0), _Handler)
        self.connections = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK_HOST}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    """``/status/<code>`` answers that status with a JSON body; HTTP/1.1, never closes."""

    protocol_version = "HTTP/1.1"
    server: KeepAliveServer

    def setup(self) -> None:
        with self.server.lock:
            self.server.connections += 1
        super().setup()

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = int(self.path.rsplit("/", 1)[-1].split("?")[0])
        body = json.dumps({"status": status, "reason": "TEST"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_transport_reuses_one_connection_for_answers_of_every_kind(
    server: KeepAliveServer,
) -> None:
    transport = Transport(retry=RetryPolicy(attempts=2), sleep=lambda _seconds: None)
    requestor = Requestor(NoAuth(), server.url, transport)
    try:
        assert requestor.request("GET", "/status/200").data["status"] == 200
        assert requestor.request("POST", "/status/201", json_body={"a": 1}).status == 201
        assert requestor.request("PUT", "/status/200", query={"x": 1}).status == 200
        with pytest.raises(NotFoundError):
            requestor.request("GET", "/status/404")
        with pytest.raises(CybersourceError):
            requestor.request("POST", "/status/400")
        with pytest.raises(UpstreamUnavailableError):
            requestor.request("GET", "/status/502")  # retried once, on the same connection
        assert requestor.request("GET", "/status/200").status == 200
    finally:
        transport.close()
    assert server.connections == 1

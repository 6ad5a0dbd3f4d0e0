"""Requests exactly as they came over the wire: recorded in front of a WSGI app, sent again.

``Recorder`` wraps the simulator and keeps every request (method and target as on the
request line, headers, body) with the status it got; ``send`` replays one byte for byte
with ``http.client`` (no normalising: a lower-case method or a foreign Host stays so).
"""

from __future__ import annotations

import http.client
import io
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

# The headers WSGI servers keep outside HTTP_*.
_PLAIN_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


@dataclass(frozen=True)
class WireRequest:
    method: str
    target: str  # the raw request target: path and query, percent-encoded as sent
    headers: tuple[tuple[str, str], ...]  # lower-case names, in the order seen
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    def with_header(self, name: str, value: str | None) -> WireRequest:
        """Replaced (or added at the end); removed when ``value`` is None."""
        kept = tuple((key, old) for key, old in self.headers if key != name)
        return replace(self, headers=kept if value is None else (*kept, (name, value)))

    def with_body(self, body: bytes) -> WireRequest:
        return replace(self, body=body).with_header("content-length", str(len(body)))


class AppSlot:
    """A WSGI app that forwards to whichever app is installed: one loopback server can serve
    a fresh simulator per test or per run (stopping a werkzeug server takes its 0.5 s poll)."""

    def __init__(self) -> None:
        self.app: Callable[..., Iterable[bytes]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None, "no app installed"
        return self.app(environ, start_response)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Recorder:
    """WSGI middleware: ``app``'s requests, each with the status it answered."""

    app: Callable[..., Iterable[bytes]]
    seen: list[tuple[WireRequest, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        request = WireRequest(
            method=environ["REQUEST_METHOD"],
            target=environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"],
            headers=tuple(_headers(environ)),
            body=body,
        )

        def recording_start(status: str, headers: Any, *args: Any) -> Any:
            with self._lock:
                self.seen.append((request, int(status.split(" ", 1)[0])))
            return start_response(status, headers, *args)

        return self.app(environ, recording_start)


def _headers(environ: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:].replace("_", "-").lower(), value
        elif key in _PLAIN_HEADERS and value:
            yield _PLAIN_HEADERS[key], value


def send(base_url: str, request: WireRequest, timeout: float = 10.0) -> Answer:
    """Send ``request`` as it is (its own Host header, its method's case) to ``base_url``."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.putrequest(
            request.method, request.target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in request.headers:
            connection.putheader(name, value)
        connection.endheaders(request.body or None)
        response = connection.getresponse()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, body)
    finally:
        connection.close()

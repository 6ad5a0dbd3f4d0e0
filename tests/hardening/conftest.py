"""Fixtures of the hardening tests: Redis servers that fail in the two ways that matter."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from addin_server.dev.loopback import LOOPBACK_HOST, free_port


@pytest.fixture
def hung_redis_url() -> Iterator[str]:
    """A loopback TCP server that accepts connections and never answers (a hung Redis)."""
    listener = socket.create_server((LOOPBACK_HOST, 0))
    listener.settimeout(0.1)  # so the accepting thread notices the end of the test
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)  # held open, never read from or written to

    thread = threading.Thread(target=accept, name="hung-redis", daemon=True)
    thread.start()
    yield f"redis://{LOOPBACK_HOST}:{listener.getsockname()[1]}/0"
    stopping.set()
    thread.join(timeout=5)
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.fixture
def down_redis_url() -> str:
    """A Redis URL where nothing listens (Redis down)."""
    return f"redis://{LOOPBACK_HOST}:{free_port()}/0"

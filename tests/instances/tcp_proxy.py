"""A loopback TCP proxy that can be cut and restored, to take a server away from the app as a
restart does: while cut, every open connection is closed and new ones are refused; restored,
it listens again on the same port."""

from __future__ import annotations

import contextlib
import socket
import threading

from addin_server.dev.loopback import LOOPBACK_HOST

CHUNK = 65536


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(CHUNK):
            sink.sendall(data)
    except OSError:
        pass  # cut, or the other side went away: end both directions below
    for end in (source, sink):
        with contextlib.suppress(OSError):  # already closed
            end.shutdown(socket.SHUT_RDWR)


class TcpProxy:
    """``TcpProxy(("127.0.0.1", 5432))``: connect to ``proxy.port`` instead."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.port = 0
        self.restore()

    def restore(self) -> None:
        """Listen again (on the same port after a cut)."""
        listener = socket.create_server((LOOPBACK_HOST, self.port))  # SO_REUSEADDR
        listener.settimeout(0.1)
        self.port = int(listener.getsockname()[1])
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and close every open one, as a server going down."""
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(OSError):  # its pipe already ended it
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # cut: the listener is closed
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while this one was connecting
                    client.close()
                    upstream.close()
                    continue
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

"""A TCP listener on 127.0.0.1 that counts the connections it receives.

The guard and network-block tests point SERVICE and LOAD at it: a query that gets past both
shows up here as a connection, whatever became of the query itself.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Listener:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self._count = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.sock.settimeout(0.05)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        # closing at once makes a client that did connect fail fast instead of waiting
        while not self._closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with self._lock:
                self._count += 1
            conn.close()

    @property
    def connections(self) -> int:
        with self._lock:
            return self._count

    def close(self) -> None:
        self._closing.set()
        self._thread.join(2)
        self.sock.close()


@contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()

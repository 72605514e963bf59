"""What the tests' raw socket servers share: a 127.0.0.1 listener on a free port, one thread per connection,
stopped with every thread when the `with` block ends (also when the test fails)."""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Self


class ThreadedListener:
    """Accepts connections on 127.0.0.1 and hands each to `_serve` on its own thread; subclasses answer."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # the accept loop polls, so stopping never waits on accept()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, name=self._name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._accepted()
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _accepted(self) -> None:
        """Called on the accept thread for each new connection, before it is served."""

    def _serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

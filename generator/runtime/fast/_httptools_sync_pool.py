"""`SyncConnectionPool`: the keep-alive connections of one `SyncHttptoolsTransport`, shared by threads.

Every connection holds a slot from the moment it starts connecting until it closes; at most
``max_connections`` slots exist (None: no cap). A request takes the most recently used idle connection
of its origin (LIFO keeps the busy few warm and lets the rest expire), else opens one if a slot is free,
else closes another origin's idle connection to make room, else waits for a slot within the ``pool``
timeout. Idle connections are dropped once ``keepalive_expiry`` has passed (checked when their origin is
next asked for) and beyond ``max_keepalive_connections``.

A blocking socket cannot hear the server while idle. An idle connection is handed out only if nothing is
waiting on its socket (one ``poll``): not the server's close, nor bytes it sent unasked (a stray 408, say),
which the next request would read as its own answer. A server may still close just after that check, so a
caller that can send again asks with `fresh` (a new connection) when the reused one fails before answering.
One lock guards the bookkeeping; connecting and closing sockets happen outside it.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable

from ..core import httpx
from ._httptools_idle import IdleConnections
from ._httptools_sync_connection import Origin, SyncHttptoolsConnection, open_connection

__all__ = ["SyncConnectionPool"]


class SyncConnectionPool:
    """The connections of one sync transport (see the module docstring).

    Args:
        limits: httpx's pool limits.
        ssl_context: the TLS context for https origins.
        clock: monotonic seconds, for idle expiry (tests pass a fake).
    """

    def __init__(
        self,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_open = limits.max_connections
        self._max_idle = limits.max_keepalive_connections
        self._expiry_s = limits.keepalive_expiry
        self._ssl_context = ssl_context
        self._clock = clock
        # Reentrant: a response dropped unread gives its slot back from `__del__`, which the garbage collector
        # may run in this very thread while it holds the lock.
        self._lock = threading.RLock()
        self._slot_freed = threading.Condition(self._lock)
        self._open = 0  # slots held: connecting, busy and idle connections
        self._idle: IdleConnections[SyncHttptoolsConnection] = IdleConnections()
        self._closed = False

    def acquire(
        self,
        origin: Origin,
        request: httpx.Request,
        *,
        connect_s: float | None,
        pool_s: float | None,
        fresh: bool = False,
    ) -> SyncHttptoolsConnection:
        """A connection to `origin` for one exchange: an idle one (none when `fresh`), else a new one.

        Raises:
            httpx.PoolTimeout: no connection or slot within `pool_s`.
            httpx.ConnectTimeout, httpx.ConnectError: opening a connection failed (nothing was sent).
        """
        to_close: list[SyncHttptoolsConnection] = []
        deadline: float | None = None
        try:
            with self._lock:
                while True:
                    if self._closed:
                        raise httpx.ConnectError("the transport was closed", request=request)
                    if not fresh:
                        connection, expired = self._idle.take(origin, None if self._expiry_s is None else self._clock())
                        for old in expired:
                            self._give_up(old, to_close)
                        if connection is not None:
                            if connection.readable():  # closed, or holding bytes nobody asked for
                                self._give_up(connection, to_close)
                                continue
                            connection.reused = True
                            return connection
                    if self._max_open is None or self._open < self._max_open:
                        self._open += 1
                        break
                    oldest = self._idle.pop_oldest()
                    if oldest is not None:  # full of other origins' idle connections: make room
                        self._give_up(oldest, to_close)
                        continue
                    if pool_s is None:
                        self._slot_freed.wait()
                        continue
                    now = time.monotonic()
                    deadline = now + pool_s if deadline is None else deadline
                    if now >= deadline:
                        raise httpx.PoolTimeout("timed out waiting for a free connection", request=request)
                    self._slot_freed.wait(deadline - now)
        finally:
            for old in to_close:
                old.close()
        try:
            connection = open_connection(origin, request, self._ssl_context, connect_s)
        except BaseException:
            self._free_slot()
            raise
        connection.holds_slot = True
        return connection

    def release(self, connection: SyncHttptoolsConnection) -> None:
        """Take back a connection whose exchange ended: keep it for reuse if it can be, else close it."""
        if connection.reusable:
            connection.end()
            with self._lock:
                if not self._closed and (self._max_idle is None or len(self._idle) < self._max_idle):
                    self._idle.put(connection, 0.0 if self._expiry_s is None else self._clock() + self._expiry_s)
                    self._slot_freed.notify()
                    return
        self.discard(connection)

    def discard(self, connection: SyncHttptoolsConnection) -> None:
        """Close a connection that cannot serve again and free its slot (once, however often called)."""
        connection.close()
        if connection.holds_slot:
            connection.holds_slot = False
            self._free_slot()

    def close(self) -> None:
        """Close the idle connections; busy ones close when given back. The pool takes no more requests."""
        with self._lock:
            self._closed = True
            idle = self._idle.drain()
            for connection in idle:
                self._give_up(connection, [])
            self._slot_freed.notify_all()
        for connection in idle:
            connection.close()

    def _free_slot(self) -> None:
        with self._lock:
            self._open -= 1
            self._slot_freed.notify()

    def _give_up(self, connection: SyncHttptoolsConnection, to_close: list[SyncHttptoolsConnection]) -> None:
        """Free the slot of a connection out of the idle lists; the caller closes it outside the lock."""
        connection.idle = False
        connection.holds_slot = False
        self._open -= 1
        to_close.append(connection)

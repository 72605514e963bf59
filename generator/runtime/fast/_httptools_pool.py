"""`ConnectionPool`: the keep-alive connections of one `HttptoolsTransport`, keyed by origin.

Every connection holds a slot from the moment it starts connecting until it closes; at most
``max_connections`` slots exist (None: no cap). A request takes the most recently used idle connection
of its origin (LIFO keeps the busy few warm and lets the rest expire), else opens one if a slot is free,
else waits in line. A released connection goes to the first waiter for its origin, or, when only other
origins wait, closes so its slot passes on; a freed slot goes to the first waiter. Idle connections are
dropped once ``keepalive_expiry`` has passed (checked when the origin is next asked for) and beyond
``max_keepalive_connections``; one the server closes while idle leaves the pool at once.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque

from ..core import httpx
from ._httptools_connection import HttptoolsConnection, Origin
from ._httptools_deadlines import WaitDeadlines
from ._httptools_idle import IdleConnections

__all__ = ["ConnectionPool"]

_Waiter = asyncio.Future[HttptoolsConnection | None]  # a connection handed over, or None: a slot to connect with


def _time_out(waiter: _Waiter, request: httpx.Request) -> None:
    """Timer callback: the pool timeout ran out before a connection or a slot came."""
    if not waiter.done():
        waiter.set_exception(httpx.PoolTimeout("timed out waiting for a free connection", request=request))


class ConnectionPool:
    """The connections of one event loop (see the module docstring)."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, limits: httpx.Limits, ssl_context: ssl.SSLContext | None
    ) -> None:
        self.loop = loop
        self._max_open = limits.max_connections
        self._max_idle = limits.max_keepalive_connections
        self._expiry_s = limits.keepalive_expiry
        self._ssl_context = ssl_context
        self._open = 0  # slots held: connecting, busy and idle connections
        self._idle: IdleConnections[HttptoolsConnection] = IdleConnections()
        self._connections: set[HttptoolsConnection] = set()
        self._waiters: deque[tuple[Origin, _Waiter]] = deque()
        self._closed = False
        self.deadlines = WaitDeadlines(loop)  # the read and write timeouts of every connection's waits

    async def acquire(
        self,
        origin: Origin,
        request: httpx.Request,
        *,
        connect_s: float | None,
        pool_s: float | None,
        fresh: bool = False,
    ) -> HttptoolsConnection:
        """A connection to `origin` for one exchange (`fresh`: not an idle one, for a request sent again after
        an idle one turned out closed).

        Raises:
            httpx.PoolTimeout: no connection or slot within `pool_s`.
            httpx.ConnectTimeout, httpx.ConnectError: opening a connection failed (nothing was sent).
        """
        if self._closed:  # a request that was in flight when the pool closed, about to be sent again
            raise httpx.ConnectError("the transport was closed", request=request)
        while True:
            connection = None if fresh else self.take_idle(origin)
            if connection is not None:
                return connection
            if self._max_open is None or self._open < self._max_open:
                self._open += 1
                return await self._connect(origin, request, connect_s)
            oldest = self._idle.pop_oldest()
            if oldest is not None:  # full of other origins' idle connections: make room
                oldest.close()
                continue
            handed = await self._wait_turn(origin, request, pool_s)
            if handed is None:
                return await self._connect(origin, request, connect_s)
            if not handed.closed:
                return handed

    def release(self, connection: HttptoolsConnection) -> None:
        """Take back a connection whose exchange ended: keep it for reuse if it can be, else close it."""
        if connection.closed:
            return
        if not connection.reusable or self._closed:
            connection.close()
            return
        connection.end()
        if self._waiters:
            for entry in self._waiters:
                if entry[0] == connection.origin and not entry[1].done():
                    self._waiters.remove(entry)
                    entry[1].set_result(connection)
                    return
            connection.close()  # only other origins wait: its slot serves them better
            return
        if self._max_idle is not None and len(self._idle) >= self._max_idle:
            connection.close()
            return
        self._idle.put(connection, 0.0 if self._expiry_s is None else self.loop.time() + self._expiry_s)

    async def aclose(self) -> None:
        """Drop every connection and fail every waiter; the pool takes no more requests."""
        self._closed = True
        for connection in list(self._connections):
            connection.abort()
        self.deadlines.close()
        while self._waiters:
            _, waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(httpx.ConnectError("the transport was closed"))
        await asyncio.sleep(0)  # lets the aborted sockets report connection_lost before the loop moves on

    def take_idle(self, origin: Origin) -> HttptoolsConnection | None:
        """The newest idle connection of `origin` (None: `acquire` opens or waits); expired ones are closed."""
        connection, expired = self._idle.take(origin, None if self._expiry_s is None else self.loop.time())
        for old in expired:
            old.close()
        return connection

    async def _wait_turn(
        self, origin: Origin, request: httpx.Request, timeout_s: float | None
    ) -> HttptoolsConnection | None:
        """Queue until a connection of `origin` or a free slot (None) is handed over."""
        if self._closed:
            raise httpx.ConnectError("the transport was closed", request=request)
        waiter: _Waiter = self.loop.create_future()
        entry = (origin, waiter)
        self._waiters.append(entry)
        timer = None if timeout_s is None else self.loop.call_later(timeout_s, _time_out, waiter, request)
        try:
            return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                handed = waiter.result()  # handed over just as this task was cancelled: pass it on
                if handed is None:
                    self._free_slot()
                else:
                    self.release(handed)
            elif entry in self._waiters:
                self._waiters.remove(entry)
            raise
        finally:
            if timer is not None:
                timer.cancel()

    async def _connect(self, origin: Origin, request: httpx.Request, timeout_s: float | None) -> HttptoolsConnection:
        """Open a connection with the slot the caller holds (the connection returns it when it closes)."""
        connection = HttptoolsConnection(self.loop, origin, self._forget, self.deadlines)
        scheme, raw_host, port = origin
        host = raw_host.decode("ascii")
        tls = scheme == "https"
        server_hostname = (request.extensions.get("sni_hostname") or host) if tls else None
        try:
            async with asyncio.timeout(timeout_s):
                transport, _ = await self.loop.create_connection(
                    lambda: connection,
                    host,
                    port,
                    ssl=self._ssl_context if tls else None,
                    server_hostname=server_hostname,
                )
        except TimeoutError:
            connection.abort()
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}", request=request) from None
        except OSError as exc:
            connection.abort()
            raise httpx.ConnectError(f"cannot connect to {host}:{port}: {exc}", request=request) from exc
        except BaseException:
            connection.abort()
            raise
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None and ssl_object.selected_alpn_protocol() not in (None, "http/1.1"):
            connection.abort()  # the context offered h2 and the server took it; this transport speaks HTTP/1.1
            raise httpx.ConnectError(f"{host}:{port} chose {ssl_object.selected_alpn_protocol()}", request=request)
        self._connections.add(connection)
        return connection

    def _forget(self, connection: HttptoolsConnection) -> None:
        """A connection closed (ours or the server's doing): drop it and pass its slot on."""
        self._connections.discard(connection)
        self._idle.remove(connection)
        self._free_slot()

    def _free_slot(self) -> None:
        """Hand a freed slot to the first live waiter, or give it up."""
        while self._waiters and not self._closed:
            _, waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._open -= 1

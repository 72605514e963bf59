"""`HttptoolsConnection`: one HTTP/1.1 connection of `HttptoolsTransport`, an asyncio Protocol whose bytes go
straight into httptools' C parser (llhttp).

A connection carries one exchange at a time. The transport calls `begin`, writes the request with `send`
(and `drain` while the socket's buffer is full), waits for the status line and headers with
`receive_head`, then takes the body with `take_body` / `read_body`; the pool decides reuse from
`reusable`. Each segment from the socket is parsed as it arrives and wakes the one waiting task, so an
answer that arrives in one segment is complete before that task runs again (the transport then skips
streaming).

Unread body bytes above `READ_HIGH_WATER_BYTES` pause reading from the socket and taking them resumes it,
so a large download holds at most that much plus one socket read in memory.

The parser and the answer's state live in `Exchange` (`_httptools_exchange.py`, shared with the sync
connection): the answer is read from ``connection.exchange``; this module adds asyncio's side (waiting,
backpressure, the close that ends a close-delimited body). The read and write timeouts of its waits are
kept by the pool's `WaitDeadlines` (`_httptools_deadlines.py`), one loop timer for all of them.
"""

from __future__ import annotations

import asyncio
import select
from collections.abc import Callable
from typing import Final

from ..core import httpx
from ._httptools_deadlines import WaitDeadlines
from ._httptools_exchange import Exchange

__all__ = ["READ_HIGH_WATER_BYTES", "HttptoolsConnection", "Origin"]

Origin = tuple[str, bytes, int]
"""Where a connection goes, the pool's key: scheme, host (ASCII, as in the URL) and port."""

READ_HIGH_WATER_BYTES: Final = 256 * 1024
"""Unread response body bytes above which a connection stops reading from its socket."""

_POLL: Final = hasattr(select, "poll")  # not on Windows


class HttptoolsConnection(asyncio.Protocol):
    """One HTTP/1.1 connection and the state of its current exchange (see the module docstring).

    The transport reads the answer from `exchange` (plain attributes, no property calls on the hot path)
    and `closed`; `write_paused` says whether a write must wait for `drain`; `reused` (an exchange ended on
    it before) and `answered` (a byte of the answer arrived) tell a connection the server had closed while
    idle apart. `origin`, `idle` and `expires_at` belong to the pool.
    """

    __slots__ = (
        "_deadlines",
        "_drain_waiter",
        "_error",
        "_loop",
        "_on_close",
        "_read_paused",
        "_transport",
        "_waiter",
        "answered",
        "closed",
        "exchange",
        "expires_at",
        "idle",
        "origin",
        "reused",
        "write_paused",
    )

    _error: httpx.TransportError | None  # how the connection failed, raised to the exchange waiting on it

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        origin: Origin,
        on_close: Callable[[HttptoolsConnection], None],
        deadlines: WaitDeadlines,
    ) -> None:
        self.origin = origin
        self.idle = False
        self.expires_at = 0.0
        self.closed = False
        self.write_paused = False
        self.exchange = Exchange()
        self.reused = False  # an exchange ended on it before the current one (a stale one can be told apart)
        self.answered = False  # a byte of the current exchange's answer arrived
        self._loop = loop
        self._deadlines = deadlines  # the pool's: every wait's read or write timeout, on one timer
        self._on_close: Callable[[HttptoolsConnection], None] | None = on_close
        self._transport: asyncio.Transport | None = None
        self._read_paused = False
        self._error = None
        self._waiter: asyncio.Future[bool] | None = None
        self._drain_waiter: asyncio.Future[bool] | None = None

    def __repr__(self) -> str:
        scheme, host, port = self.origin
        state = "closed" if self.closed else "idle" if self.idle else "active"
        return f"<HttptoolsConnection {scheme}://{host.decode('ascii')}:{port} {state}>"

    @property
    def reusable(self) -> bool:
        """Whether another exchange may follow: the answer is whole and neither side asked to close."""
        exchange = self.exchange
        return exchange.complete and exchange.keep_alive and not self.closed and self._error is None

    def readable(self) -> bool:
        """Whether the idle socket holds bytes the loop has not delivered yet: most likely the server's close,
        which `connection_lost` would report on the loop's next turn. One ``poll``, asked only for a request
        that cannot be sent again should the connection turn out closed."""
        transport = self._transport
        if self.closed or transport is None:
            return True
        sock = transport.get_extra_info("socket")
        if sock is None:
            return False
        try:
            if _POLL:  # poll, unlike select, takes any descriptor number
                poller = select.poll()
                poller.register(sock.fileno(), select.POLLIN)
                return bool(poller.poll(0))
            return bool(select.select([sock.fileno()], [], [], 0)[0])
        except (OSError, ValueError):  # closed under us
            return True

    # --- the exchange, driven by the transport -------------------------------------------------------------

    def begin(self, request: httpx.Request, *, head_only: bool) -> None:
        """Start an exchange: `head_only` for a HEAD, whose answer has no body whatever its headers say."""
        self.exchange.begin(request, head_only=head_only)
        self._error = None
        self.answered = False

    def send(self, data: bytes) -> None:
        """Queue request bytes on the socket (call `drain` while `write_paused`)."""
        if self.closed or self._transport is None:
            raise httpx.WriteError(
                "the connection closed while the request was being sent", request=self.exchange.request
            )
        self._transport.write(data)

    async def drain(self, timeout_s: float | None) -> None:
        """Wait until the socket takes more request bytes; each wait is bounded by the write timeout."""
        while self.write_paused and not self.closed:
            waiter = self._drain_waiter = self._loop.create_future()
            if await self._wait(waiter, timeout_s):
                raise httpx.WriteTimeout("timed out sending the request", request=self.exchange.request)
        if self.closed:
            raise httpx.WriteError(
                "the connection closed while the request was being sent", request=self.exchange.request
            )

    async def receive_head(self, timeout_s: float | None) -> None:
        """Wait for the status line and headers; each wait for data is bounded by the read timeout."""
        exchange = self.exchange
        while not exchange.head_ready:
            if self._error is not None:
                raise self._error
            waiter = self._waiter = self._loop.create_future()
            if timeout_s is None:  # `_wait`, inlined: every request waits here, so one coroutine less each
                timed_out = await waiter
            else:
                self._deadlines.add(waiter, timeout_s)
                try:
                    timed_out = await waiter
                finally:
                    self._deadlines.discard(waiter)
            if timed_out:
                raise httpx.ReadTimeout("timed out waiting for the response", request=exchange.request)

    def take_body(self) -> bytes:
        """Every body byte that arrived and was not taken yet (b"" for none); resumes a paused socket."""
        body = self.exchange.take_body()
        if self._read_paused and self._transport is not None:
            self._read_paused = False
            self._transport.resume_reading()
        return body

    async def read_body(self, timeout_s: float | None) -> bytes:
        """The next body bytes, b"" once the body is complete; each wait is bounded by the read timeout."""
        exchange = self.exchange
        while not exchange.buffered:
            if exchange.complete:
                return b""
            if self._error is not None:
                raise self._error
            waiter = self._waiter = self._loop.create_future()
            if await self._wait(waiter, timeout_s):
                raise httpx.ReadTimeout("timed out reading the response body", request=exchange.request)
        return self.take_body()

    def end(self) -> None:
        """Forget the finished exchange before the connection idles (drops a body nobody read)."""
        self.exchange.end()
        self.reused = True
        if self._read_paused and self._transport is not None:
            self._read_paused = False
            self._transport.resume_reading()

    def close(self) -> None:
        """Close politely (TLS sends close_notify); the pool hears of it now, not when the socket is gone."""
        if not self.closed:
            self.closed = True
            if self._transport is not None:
                self._transport.close()
        self._forget()

    def abort(self) -> None:
        """Drop the connection at once: its exchange failed or was abandoned, so bytes in flight are moot."""
        self.closed = True
        if self._transport is not None:
            self._transport.abort()
        self._forget()

    async def _wait(self, waiter: asyncio.Future[bool], timeout_s: float | None) -> bool:
        """Await a waiter the protocol callbacks resolve; True when `timeout_s` ran out first (the pool's
        `WaitDeadlines` keeps the timeout: no timer per wait)."""
        if timeout_s is None:
            return await waiter
        self._deadlines.add(waiter, timeout_s)
        try:
            return await waiter
        finally:
            self._deadlines.discard(waiter)

    def _wake(self) -> None:
        """Let the waiting task look again (it re-checks what it waits for)."""
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(False)

    def _fail(self, error: httpx.TransportError) -> None:
        """The answer cannot be trusted: record why and drop the connection."""
        if self._error is None:
            self._error = error
        self.exchange.keep_alive = False
        self.abort()

    def _forget(self) -> None:
        """Tell the pool once that this connection no longer counts (its slot is free)."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close(self)

    # --- asyncio.Protocol --------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        exchange = self.exchange
        if exchange.request is None:  # bytes nobody asked for: the connection's framing is lost
            self.abort()
            return
        self.answered = True
        try:
            exchange.feed(data)
        except httpx.RemoteProtocolError as exc:
            self._fail(exc)
        else:  # (bytes after a whole answer turned keep_alive off: the pool closes the connection)
            if exchange.buffered > READ_HIGH_WATER_BYTES and not self._read_paused and self._transport is not None:
                self._read_paused = True
                self._transport.pause_reading()
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        exchange = self.exchange
        if exchange.request is not None and not exchange.complete and self._error is None:
            if exc is None and exchange.head_ready and exchange.ends_at_close():
                exchange.complete = True
            elif exc is None:
                message = "the server closed the connection before the response was complete"
                error: httpx.TransportError = httpx.RemoteProtocolError(message, request=exchange.request)
                self._error = error
            else:
                error = httpx.ReadError(f"the connection broke: {exc}", request=exchange.request)
                self._error = error
        self._wake()
        drain_waiter = self._drain_waiter
        if drain_waiter is not None and not drain_waiter.done():
            drain_waiter.set_result(False)
        self._forget()

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        drain_waiter = self._drain_waiter
        if drain_waiter is not None and not drain_waiter.done():
            drain_waiter.set_result(False)

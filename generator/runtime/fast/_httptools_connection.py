"""`HttptoolsConnection`: one HTTP/1.1 connection of `HttptoolsTransport`, an asyncio Protocol whose bytes go
straight into httptools' C parser (llhttp).

A connection carries one exchange at a time. The transport calls `begin`, writes the request with `send`
(and `drain` while the socket's buffer is full), waits for the status line and headers with
`receive_head`, then takes the body with `take_body` / `read_body`; the pool decides reuse from
`reusable`. The parser callbacks only record what arrived and wake the one waiting task, so an answer that
arrives in one segment is complete before that task runs again (the transport then skips streaming).

Unread body bytes above `READ_HIGH_WATER_BYTES` pause reading from the socket and taking them resumes it,
so a large download holds at most that much plus one socket read in memory.

httptools can neither be told to skip a body (llhttp's "skip body" answer to headers-complete is not
exposed) nor that the stream ended (no ``llhttp_finish``). So the answer to a HEAD is complete at its
headers and its parser is replaced before the next exchange, and a body framed by neither Content-Length
nor chunked encoding ends when the server closes the connection, which is decided here from the headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Final

import httptools

from ..core import httpx

__all__ = ["READ_HIGH_WATER_BYTES", "HttptoolsConnection", "Origin"]

Origin = tuple[str, bytes, int]
"""Where a connection goes, the pool's key: scheme, host (ASCII, as in the URL) and port."""

READ_HIGH_WATER_BYTES: Final = 256 * 1024
"""Unread response body bytes above which a connection stops reading from its socket."""

_FRAMING_HEADERS: Final = frozenset({b"content-length", b"transfer-encoding"})


class _UnsolicitedResponse(Exception):
    """Raised inside the parser when a second answer starts after the exchange's answer was complete."""


def _expire(waiter: asyncio.Future[bool]) -> None:
    """Timer callback: end a wait with True ("timed out") unless something ended it already."""
    if not waiter.done():
        waiter.set_result(True)


class HttptoolsConnection(asyncio.Protocol):
    """One HTTP/1.1 connection and the state of its current exchange (see the module docstring).

    The transport reads the answer from plain attributes (no property calls on the hot path): `status`,
    `reason`, `headers` (raw name/value pairs in order), `http_version` ("1.1"), `head_ready` (status and
    headers are in), `complete` (the whole answer is in), `keep_alive` and `closed`; `write_paused` says
    whether a write must wait for `drain`. `origin`, `idle` and `expires_at` belong to the pool.
    """

    __slots__ = (
        "_buffered",
        "_drain_waiter",
        "_error",
        "_head_only",
        "_informational",
        "_loop",
        "_on_close",
        "_parser",
        "_pieces",
        "_read_paused",
        "_request",
        "_spent_parser",
        "_transport",
        "_waiter",
        "closed",
        "complete",
        "expires_at",
        "head_ready",
        "headers",
        "http_version",
        "idle",
        "keep_alive",
        "origin",
        "reason",
        "status",
        "write_paused",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        origin: Origin,
        on_close: Callable[[HttptoolsConnection], None],
    ) -> None:
        self.origin = origin
        self.idle = False
        self.expires_at = 0.0
        self.closed = False
        self.write_paused = False
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.http_version = "1.1"
        self.head_ready = False
        self.complete = False
        self.keep_alive = False
        self._loop = loop
        self._on_close: Callable[[HttptoolsConnection], None] | None = on_close
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._spent_parser = False
        self._request: httpx.Request | None = None
        self._head_only = False
        self._informational = False
        self._pieces: list[bytes] = []
        self._buffered = 0
        self._read_paused = False
        self._error: httpx.TransportError | None = None
        self._waiter: asyncio.Future[bool] | None = None
        self._drain_waiter: asyncio.Future[bool] | None = None

    def __repr__(self) -> str:
        scheme, host, port = self.origin
        state = "closed" if self.closed else "idle" if self.idle else "active"
        return f"<HttptoolsConnection {scheme}://{host.decode('ascii')}:{port} {state}>"

    @property
    def reusable(self) -> bool:
        """Whether another exchange may follow: the answer is whole and neither side asked to close."""
        return self.complete and self.keep_alive and not self.closed and self._error is None

    # --- the exchange, driven by the transport -------------------------------------------------------------

    def begin(self, request: httpx.Request, *, head_only: bool) -> None:
        """Start an exchange: `head_only` for a HEAD, whose answer has no body whatever its headers say."""
        if self._spent_parser:  # the last answer was a HEAD's: its parser may still expect a body
            self._parser = httptools.HttpResponseParser(self)
            self._spent_parser = False
        self._request = request
        self._head_only = head_only
        self.headers = []
        self.reason = b""
        self.head_ready = self.complete = False
        self._error = None

    def send(self, data: bytes) -> None:
        """Queue request bytes on the socket (call `drain` while `write_paused`)."""
        if self.closed or self._transport is None:
            raise httpx.WriteError("the connection closed while the request was being sent", request=self._request)
        self._transport.write(data)

    async def drain(self, timeout_s: float | None) -> None:
        """Wait until the socket takes more request bytes; each wait is bounded by the write timeout."""
        while self.write_paused and not self.closed:
            waiter = self._drain_waiter = self._loop.create_future()
            if await self._wait(waiter, timeout_s):
                raise httpx.WriteTimeout("timed out sending the request", request=self._request)
        if self.closed:
            raise httpx.WriteError("the connection closed while the request was being sent", request=self._request)

    async def receive_head(self, timeout_s: float | None) -> None:
        """Wait for the status line and headers; each wait for data is bounded by the read timeout."""
        while not self.head_ready:
            if self._error is not None:
                raise self._error
            waiter = self._waiter = self._loop.create_future()
            if await self._wait(waiter, timeout_s):
                raise httpx.ReadTimeout("timed out waiting for the response", request=self._request)

    def take_body(self) -> bytes:
        """Every body byte that arrived and was not taken yet (b"" for none); resumes a paused socket."""
        pieces = self._pieces
        if not pieces:
            return b""
        self._pieces = []
        self._buffered = 0
        if self._read_paused and self._transport is not None:
            self._read_paused = False
            self._transport.resume_reading()
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    async def read_body(self, timeout_s: float | None) -> bytes:
        """The next body bytes, b"" once the body is complete; each wait is bounded by the read timeout."""
        while not self._pieces:
            if self.complete:
                return b""
            if self._error is not None:
                raise self._error
            waiter = self._waiter = self._loop.create_future()
            if await self._wait(waiter, timeout_s):
                raise httpx.ReadTimeout("timed out reading the response body", request=self._request)
        return self.take_body()

    def end(self) -> None:
        """Forget the finished exchange before the connection idles (drops a body nobody read)."""
        self._request = None
        if self._pieces:
            self.take_body()

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
        """Await a waiter the protocol callbacks resolve; True when `timeout_s` ran out first."""
        if timeout_s is None:
            return await waiter
        timer = self._loop.call_later(timeout_s, _expire, waiter)
        try:
            return await waiter
        finally:
            timer.cancel()

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
        self.keep_alive = False
        self.abort()

    def _forget(self) -> None:
        """Tell the pool once that this connection no longer counts (its slot is free)."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close(self)

    def _ends_at_close(self) -> bool:
        """Whether the body is delimited by the connection's close (no Content-Length, not chunked)."""
        return not self._head_only and not any(name.lower() in _FRAMING_HEADERS for name, _ in self.headers)

    # --- asyncio.Protocol --------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._request is None:  # bytes nobody asked for: the connection's framing is lost
            self.abort()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            message = "the server switched protocols, which this transport does not support"
            self._fail(httpx.RemoteProtocolError(message, request=self._request))
        except httptools.HttpParserError as exc:
            if self.complete:  # bytes after a whole answer: the answer stands, the connection goes
                self.keep_alive = False
                self.abort()
            else:
                self._fail(httpx.RemoteProtocolError(f"malformed HTTP response: {exc}", request=self._request))
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._request is not None and not self.complete and self._error is None:
            if exc is None and self.head_ready and self._ends_at_close():
                self.complete = True
            elif exc is None:
                message = "the server closed the connection before the response was complete"
                self._error = httpx.RemoteProtocolError(message, request=self._request)
            else:
                self._error = httpx.ReadError(f"the connection broke: {exc}", request=self._request)
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

    # --- httptools callbacks (names fixed by httptools) ------------------------------------------------------

    def on_status(self, status: bytes) -> None:
        self.reason += status  # llhttp may hand the reason phrase over in pieces

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.complete:
            raise _UnsolicitedResponse
        parser = self._parser
        status = parser.get_status_code()
        if status < 200:  # 1xx (100 Continue, 103 Early Hints): skipped, the final answer follows
            self._informational = True
            return
        self.status = status
        self.keep_alive = parser.should_keep_alive()
        self.http_version = parser.get_http_version()
        self.head_ready = True
        if self._head_only:
            self.complete = True
            self._spent_parser = True

    def on_body(self, body: bytes) -> None:
        if self.complete:  # a HEAD's answer has no body, whatever its server sends
            return
        self._pieces.append(body)
        self._buffered += len(body)
        if self._buffered > READ_HIGH_WATER_BYTES and not self._read_paused and self._transport is not None:
            self._read_paused = True
            self._transport.pause_reading()

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            self.headers = []
            self.reason = b""
            return
        self.complete = True

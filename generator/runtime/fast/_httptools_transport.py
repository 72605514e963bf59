"""`HttptoolsTransport`: an httpx async transport that speaks HTTP/1.1 itself, on asyncio with httptools' parser.

The SDK's async client stays an `httpx.AsyncClient` (auth, hooks, retries, typed errors and the generated
code do not change); only the innermost I/O is replaced, by the leanest path asyncio allows: a
`loop.create_connection` Protocol (`_httptools_connection.py`) that feeds the socket's bytes to llhttp, the
C parser behind uvicorn, and a small keep-alive pool (`_httptools_pool.py`). Per request that costs a
fraction of aiohttp's CPU, let alone httpcore's. The async client uses it by default, or with
``transport="httptools"`` (the factory builds one from the settings' pool limits and TLS verification;
`pipeline/_default_transport.py` says when httpx's pool serves instead); httptools, a regular dependency of
every SDK, is imported only when such a transport is built.

What httpx would do, this transport does too: it sends exactly the request's headers (and adds none),
follows no redirects and keeps no cookies (the httpx client does both), and returns the body undecoded and
streamed (httpx decodes ``Content-Encoding``); an answer that is whole by the time its headers are parsed
comes back as one buffered chunk. Request timeouts come from httpx's ``extensions["timeout"]``:
``connect`` bounds opening a connection (TCP and TLS), ``pool`` bounds waiting for a pool slot, ``read``
bounds each wait for data and ``write`` each wait for the socket to take more. The pool holds at most
``max_connections`` connections (None: no cap), keeps at most ``max_keepalive_connections`` idle for
``keepalive_expiry`` each, and never reuses one after ``Connection: close``, an HTTP/1.0 answer without
keep-alive, or a body that was not read to the end. HTTP/2, proxies and upgrades (101) are not supported
(nor proxies by `AiohttpTransport`); a 1xx answer before the final one is skipped.

Failures become httpx errors chosen so retries stay safe (`_retry.py` retries a POST only when the request
cannot have been sent): only failures before the first request byte is written are connect errors. A
kept-alive connection the server closed just as it was taken from the pool (its close not read yet) fails
before any byte of the answer; an idempotent request with an in-memory body is then sent once more, at
once, on a new connection. A request of another method (a POST) takes an idle connection only after a
``poll`` shows no close waiting on it, and fails if the server closes it later (it may have read it).

==============================================================  ======================================
failure                                                         httpx
==============================================================  ======================================
no pool slot within the ``pool`` timeout                        ``PoolTimeout``
TCP connect or TLS handshake slower than ``connect``            ``ConnectTimeout``
connect refused, DNS or TLS failure, server chose HTTP/2        ``ConnectError``
scheme other than http/https                                    ``UnsupportedProtocol``
CR/LF in a header, invalid method, body length unlike declared  ``LocalProtocolError``
socket gone or ``write`` timeout while sending the request      ``WriteError`` / ``WriteTimeout``
``read`` timeout waiting for the answer or its body             ``ReadTimeout``
server closed before the answer was complete, malformed answer  ``RemoteProtocolError``
connection reset while waiting for the answer                   ``ReadError``
==============================================================  ======================================
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Final

from ..core import httpx
from ..core._defaults import IDEMPOTENT_METHODS
from ..core._errors import transport_dependency_missing
from ..core._whole_body import WholeBody
from ._httptools_answer import answer
from ._httptools_request import INLINE_BODY_MAX_BYTES, BodyFraming, Origins, RequestHeads, resendable

if TYPE_CHECKING:
    from ._httptools_connection import HttptoolsConnection
    from ._httptools_pool import ConnectionPool

__all__ = ["HttptoolsTransport"]

_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
_NO_TIMEOUTS: Final[dict[str, float | None]] = {}
_STALE_FAILURES: Final = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
"""What using a connection the server closed while idle raises (before any answer byte)."""


def _import_pool() -> type[ConnectionPool]:
    """The pool class, or a ConfigurationError saying how to get httptools."""
    try:
        import httptools  # noqa: F401  # imported here first so a missing extra is told apart from a bug
    except ImportError:
        raise transport_dependency_missing("httptools") from None
    from ._httptools_pool import ConnectionPool

    return ConnectionPool


async def _send_stream(connection: HttptoolsConnection, request: httpx.Request, write_s: float | None) -> None:
    """A streamed body, framed as its headers say (`BodyFraming`)."""
    assert isinstance(request.stream, httpx.AsyncByteStream), "an async client sends async streams"
    framing = BodyFraming(request)
    async for chunk in request.stream:
        if data := framing.frame(chunk):
            connection.send(data)
            if connection.write_paused:
                await connection.drain(write_s)
    if data := framing.end():
        connection.send(data)


class _BodyStream(httpx.AsyncByteStream):
    """A body still arriving; reading it to the end gives the connection back, closing it early drops it."""

    __slots__ = ("_connection", "_pool", "_read_s")

    def __init__(self, connection: HttptoolsConnection, pool: ConnectionPool, read_s: float | None) -> None:
        self._connection: HttptoolsConnection | None = connection
        self._pool, self._read_s = pool, read_s

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        try:
            while chunk := await connection.read_body(self._read_s):
                yield chunk
        finally:
            self._give_back()

    async def aclose(self) -> None:
        self._give_back()

    def _give_back(self) -> None:
        """Return the connection once: to the pool if the whole answer arrived, else closed."""
        connection, self._connection = self._connection, None
        if connection is not None:
            if connection.exchange.complete:
                self._pool.release(connection)
            else:
                connection.abort()

    def __del__(self) -> None:
        # An answer dropped unclosed would hold its pool slot forever (aiohttp frees its connection likewise).
        if self._connection is not None and not self._connection.closed:
            with contextlib.suppress(RuntimeError):  # the event loop is closed, and its sockets with it
                self._connection.abort()


class HttptoolsTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests over its own HTTP/1.1 connections (see the module docstring).

    Args:
        limits: pool size (`max_connections`, None: unlimited), idle connections kept
            (`max_keepalive_connections`) and their lifetime (`keepalive_expiry`, None: forever); the SDK
            passes its `PoolLimits`.
        verify: TLS verification: True (httpx's default CA bundle), False, or an `ssl.SSLContext`.

    Raises:
        ConfigurationError: httptools is not installed.

    The pool is created on the first request, in the event loop that sends it, and closed by `aclose()`;
    one transport serves one event loop.
    """

    def __init__(self, *, limits: httpx.Limits = _DEFAULT_LIMITS, verify: ssl.SSLContext | bool = True) -> None:
        self._pool_class = _import_pool()
        self._limits = limits
        context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
        self._ssl = context
        self._pool: ConnectionPool | None = None
        self._heads = RequestHeads()  # each distinct header list written once
        self._origins = Origins()

    def __repr__(self) -> str:
        return f"HttptoolsTransport(max_connections={self._limits.max_connections})"

    def _pool_for_loop(self, loop: asyncio.AbstractEventLoop) -> ConnectionPool:
        """The pool of the running loop, made on first use."""
        if self._pool is None:
            self._pool = self._pool_class(loop, self._limits, self._ssl)
        elif self._pool.loop is not loop:
            raise RuntimeError("an HttptoolsTransport serves the event loop it first ran in; build a client per loop")
        return self._pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._pool
        loop = asyncio.get_running_loop()
        if pool is None or pool.loop is not loop:
            pool = self._pool_for_loop(loop)
        origin = self._origins.of(request)  # scheme, host, port: without parsing a lazy request's URL
        head = self._heads.head(request)
        timeouts = request.extensions.get("timeout") or _NO_TIMEOUTS
        connection = pool.take_idle(origin)  # the usual case, without a coroutine for `acquire`
        if connection is not None and request.method not in IDEMPOTENT_METHODS and connection.readable():
            connection.close()  # closed by the server, its close not read yet: a POST must not find out by sending
            connection = None
        if connection is None:
            connection = await pool.acquire(
                origin, request, connect_s=timeouts.get("connect"), pool_s=timeouts.get("pool")
            )
        read_s = timeouts.get("read")
        while True:
            try:
                connection.begin(request, head_only=request.method == "HEAD")
                try:
                    if isinstance(request.stream, httpx.ByteStream):
                        body = request.content
                        if len(body) <= INLINE_BODY_MAX_BYTES:
                            connection.send(head + body if body else head)
                        else:
                            connection.send(head)
                            connection.send(body)
                        if connection.write_paused:
                            await connection.drain(timeouts.get("write"))
                    else:
                        connection.send(head)
                        await _send_stream(connection, request, timeouts.get("write"))
                except httpx.WriteError:
                    if not connection.exchange.head_ready:  # unless the server answered early (then closed), lost
                        raise
                if not connection.exchange.head_ready:
                    await connection.receive_head(read_s)
            except _STALE_FAILURES:
                connection.abort()
                if not (connection.reused and not connection.answered and resendable(request)):
                    raise
                # The server closed the idle connection as it was taken (its close not read yet): no byte of an
                # answer came, so an idempotent request goes once more, on a new connection (as the sync twin).
                connection = await pool.acquire(
                    origin, request, connect_s=timeouts.get("connect"), pool_s=timeouts.get("pool"), fresh=True
                )
                continue
            except BaseException:
                connection.abort()
                raise
            break
        exchange = connection.exchange  # its fields are read before the connection may serve another exchange
        status, headers, version, reason = exchange.status, exchange.headers, exchange.http_version, exchange.reason
        stream: httpx.AsyncByteStream
        if exchange.complete:  # the whole answer is in: no streaming, and the connection is free now
            stream = WholeBody(connection.take_body())  # its bytes readable without a generator
            pool.release(connection)
        else:
            stream = _BodyStream(connection, pool, read_s)
        return answer(status, headers, version, reason, stream)

    async def aclose(self) -> None:
        """Close every connection (safe to call twice, or before any request)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

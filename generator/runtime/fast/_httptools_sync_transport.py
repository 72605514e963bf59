"""`SyncHttptoolsTransport`: an httpx sync transport that speaks HTTP/1.1 itself, on blocking sockets with
httptools' parser.

The twin of `HttptoolsTransport` for `httpx.Client`: the SDK's sync client stays an httpx client (auth,
hooks, retries, typed errors and the generated code do not change); only the innermost I/O is replaced,
by a blocking socket per connection (`_httptools_sync_connection.py`) whose bytes go to llhttp, and a
small keep-alive pool shared by threads (`_httptools_sync_pool.py`). Per request that is a fraction of
httpcore's CPU. The sync client uses it by default, or with ``transport="httptools"``
(`pipeline/_default_transport.py` says when httpx's pool serves instead, e.g. behind a proxy); httptools is
imported only when such a transport is built.

What httpx would do, this transport does too, as its async twin does: exactly the request's headers,
no redirects, no cookies, the body undecoded and streamed (an answer whole by the time its headers are
parsed comes back as one buffered chunk). Timeouts come from httpx's ``extensions["timeout"]``:
``connect`` bounds TCP and TLS, ``pool`` the wait for a slot, ``read`` each wait for data and ``write``
each wait for the socket to take more. The pool never reuses a connection after ``Connection: close``,
an HTTP/1.0 answer without keep-alive, or a body that was not read to the end. HTTP/2, proxies and
upgrades (101) are not supported; a 1xx answer before the final one is skipped.

Failures map to httpx's errors as in `HttptoolsTransport` (only failures before the first request byte
is written are connect errors, so `_retry.py` retries a POST only when it cannot have been sent). One
more case belongs to blocking sockets, which cannot hear the server while idle: a request gets an idle
connection only after a ``poll`` shows nothing waiting on it, neither the server's close nor bytes it
sent unasked (which would otherwise be read as this request's answer). A server that closes just after
that check is found out by using the connection: an idempotent request with an in-memory body is then
sent once more on a new connection, at once, when the old one failed before a byte of the answer came;
any other request fails.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from ..core import httpx
from ..core._errors import transport_dependency_missing
from ._httptools_answer import answer
from ._httptools_request import INLINE_BODY_MAX_BYTES, BodyFraming, Origins, RequestHeads, resendable

if TYPE_CHECKING:
    from ._httptools_sync_connection import SyncHttptoolsConnection
    from ._httptools_sync_pool import SyncConnectionPool

__all__ = ["SyncHttptoolsTransport"]

_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
_NO_TIMEOUTS: Final[dict[str, float | None]] = {}
_STALE_FAILURES: Final = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
"""What using a connection the server closed while idle raises (before any answer byte)."""


def _import_pool() -> type[SyncConnectionPool]:
    """The pool class, or a ConfigurationError saying how to get httptools."""
    try:
        import httptools  # noqa: F401  # imported here first so a missing install is told apart from a bug
    except ImportError:
        raise transport_dependency_missing("httptools") from None
    from ._httptools_sync_pool import SyncConnectionPool

    return SyncConnectionPool


def _send(connection: SyncHttptoolsConnection, request: httpx.Request, head: bytes, write_s: float | None) -> None:
    """Write the request: an in-memory body with its head in one send when small, a stream chunk by chunk."""
    if isinstance(request.stream, httpx.ByteStream):
        body = request.content
        if len(body) <= INLINE_BODY_MAX_BYTES:
            connection.send(head + body if body else head, write_s)
        else:
            connection.send(head, write_s)
            connection.send(body, write_s)
        return
    assert isinstance(request.stream, httpx.SyncByteStream), "a sync client sends sync streams"
    connection.send(head, write_s)
    framing = BodyFraming(request)
    for chunk in request.stream:
        if data := framing.frame(chunk):
            connection.send(data, write_s)
    if data := framing.end():
        connection.send(data, write_s)


def _exchange(
    connection: SyncHttptoolsConnection, request: httpx.Request, head: bytes, timeouts: dict[str, float | None]
) -> None:
    """Send the request and read the answer's head."""
    read_s = timeouts.get("read")
    connection.begin(request, head_only=request.method == "HEAD")
    try:
        _send(connection, request, head, timeouts.get("write"))
    except httpx.WriteError as write_error:
        try:  # the server may have answered early (a 413, say) and closed: that answer is the one to return
            connection.receive_head(read_s)
        except httpx.TransportError:
            raise write_error from None
        return
    connection.receive_head(read_s)


class _BodyStream(httpx.SyncByteStream):
    """A body still arriving; reading it to the end gives the connection back, closing it early drops it."""

    __slots__ = ("_connection", "_pool", "_read_s")

    def __init__(self, connection: SyncHttptoolsConnection, pool: SyncConnectionPool, read_s: float | None) -> None:
        self._connection: SyncHttptoolsConnection | None = connection
        self._pool, self._read_s = pool, read_s

    def __iter__(self) -> Iterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        try:
            while chunk := connection.read_body(self._read_s):
                yield chunk
        finally:
            self._give_back()

    def close(self) -> None:
        self._give_back()

    def _give_back(self) -> None:
        """Return the connection once: to the pool if the whole answer arrived, else closed."""
        connection, self._connection = self._connection, None
        if connection is not None:
            if connection.exchange.complete:
                self._pool.release(connection)
            else:
                self._pool.discard(connection)

    def __del__(self) -> None:
        # An answer dropped unclosed would hold its pool slot forever.
        with contextlib.suppress(Exception):
            self._give_back()


class SyncHttptoolsTransport(httpx.BaseTransport):
    """Sends httpx requests over its own HTTP/1.1 connections (see the module docstring); thread-safe.

    Args:
        limits: pool size (`max_connections`, None: unlimited), idle connections kept
            (`max_keepalive_connections`) and their lifetime (`keepalive_expiry`, None: forever); the SDK
            passes its `PoolLimits`.
        verify: TLS verification: True (httpx's default CA bundle), False, or an `ssl.SSLContext`.

    Raises:
        ConfigurationError: httptools is not installed.
    """

    def __init__(self, *, limits: httpx.Limits = _DEFAULT_LIMITS, verify: ssl.SSLContext | bool = True) -> None:
        self._limits = limits
        context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
        self._pool = _import_pool()(limits, context)
        self._heads = RequestHeads()  # each distinct header list written once
        self._origins = Origins()

    def __repr__(self) -> str:
        return f"SyncHttptoolsTransport(max_connections={self._limits.max_connections})"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._pool
        origin = self._origins.of(request)  # scheme, host, port: without parsing a lazy request's URL
        head = self._heads.head(request)
        timeouts = request.extensions.get("timeout") or _NO_TIMEOUTS
        connect_s, pool_s = timeouts.get("connect"), timeouts.get("pool")
        connection = pool.acquire(origin, request, connect_s=connect_s, pool_s=pool_s)
        try:
            _exchange(connection, request, head, timeouts)
        except _STALE_FAILURES:
            pool.discard(connection)
            if not (resendable(request) and connection.reused and not connection.answered):
                raise
            connection = pool.acquire(origin, request, connect_s=connect_s, pool_s=pool_s, fresh=True)
            try:
                _exchange(connection, request, head, timeouts)
            except BaseException:
                pool.discard(connection)
                raise
        except BaseException:
            pool.discard(connection)
            raise
        exchange = connection.exchange
        status, headers, version, reason = exchange.status, exchange.headers, exchange.http_version, exchange.reason
        stream: httpx.SyncByteStream
        if exchange.complete:  # the whole answer is in: no streaming, and the connection is free now
            stream = httpx.ByteStream(exchange.take_body())
            pool.release(connection)
        else:
            stream = _BodyStream(connection, pool, timeouts.get("read"))
        return answer(status, headers, version, reason, stream)

    def close(self) -> None:
        """Close the idle connections; a response still streaming closes its own (safe to call twice)."""
        self._pool.close()

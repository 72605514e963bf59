"""`AiohttpTransport`: an httpx async transport that sends each request with aiohttp.

The SDK's async client stays an `httpx.AsyncClient` (auth, hooks, retries, typed errors and the
generated code do not change); only the innermost I/O is aiohttp's, which is several times cheaper per
request than httpcore's under concurrency. Ask for it with ``transport="aiohttp"`` on the async client
(the factory then builds one from the settings' pool limits and TLS verification); it needs aiohttp,
the SDK's ``fast`` extra. aiohttp is imported only when such a transport is built.

What httpx would do, this transport does too: it sends exactly the request's headers (aiohttp adds none
of its own), follows no redirects and keeps no cookies (the httpx client does both), and returns the body
undecoded and streamed (httpx decodes ``Content-Encoding``). Request timeouts come from httpx's
``extensions["timeout"]``: ``connect`` bounds opening a connection, ``pool`` + ``connect`` bounds getting
one (aiohttp waits for a pool slot and connects under one limit), ``read`` bounds each wait for data;
aiohttp has no write timeout. The pool holds at most ``max_connections`` connections and keeps idle ones
for ``keepalive_expiry`` (aiohttp has no separate ``max_keepalive_connections``).

aiohttp's errors become httpx's, chosen so retries stay safe (`_retry.py` retries a POST only when the
request cannot have been sent):

====================================================  ==============================================
aiohttp                                               httpx
====================================================  ==============================================
``ConnectionTimeoutError`` (pool wait or connect)     ``ConnectTimeout``
``SocketTimeoutError`` / other ``ServerTimeoutError``  ``ReadTimeout``
``ClientConnectorError`` (refused, DNS, TLS)          ``ConnectError``
``ServerDisconnectedError``, ``ClientPayloadError``,   ``RemoteProtocolError``
``ClientResponseError`` (malformed answer)
``ClientConnectionResetError``                        ``WriteError``
other ``ClientConnectionError`` / ``ClientOSError``   ``ReadError``
``InvalidURL``, ``NonHttpUrlClientError``             ``UnsupportedProtocol``
any other ``ClientError``                             ``TransportError``
====================================================  ==============================================
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ..core import httpx
from ..core._errors import fast_extra_missing

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport"]

# aiohttp adds these when a request lacks them; httpx always sets the ones it wants, so none are added.
_NO_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


def _import_aiohttp() -> tuple[Any, Any]:
    """aiohttp and yarl's `URL` (an aiohttp dependency), or a ConfigurationError saying how to get them."""
    try:
        import aiohttp
        from yarl import URL
    except ImportError:
        raise fast_extra_missing("aiohttp") from None
    return aiohttp, URL


def _mapped(aiohttp: Any, exc: Exception, request: httpx.Request) -> httpx.TransportError | None:
    """The httpx error for an aiohttp failure (module docstring), or None for anything else."""
    message = f"{type(exc).__name__}: {exc}"
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientConnectionResetError):
        kind = httpx.WriteError
    elif isinstance(exc, aiohttp.ClientConnectionError):
        kind = httpx.ReadError
    elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        kind = httpx.UnsupportedProtocol
    elif isinstance(exc, aiohttp.ClientError):
        kind = httpx.TransportError
    else:
        return None
    return kind(message, request=request)


class _ResponseStream(httpx.AsyncByteStream):
    """An aiohttp response body as httpx reads it; closing it hands the connection back to the pool."""

    def __init__(self, aiohttp: Any, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._aiohttp, self._response, self._request = aiohttp, response, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            mapped = _mapped(self._aiohttp, exc, self._request)
            if mapped is None:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        self._response.release()  # keeps the connection only if the body was read to the end


async def _body(stream: httpx.AsyncByteStream) -> AsyncIterator[bytes]:
    """A streamed request body, as aiohttp sends one (chunked unless a Content-Length was set)."""
    async for chunk in stream:
        yield chunk


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests with one aiohttp `ClientSession` (see the module docstring).

    Args:
        limits: pool size (`max_connections`, None: unlimited) and idle lifetime (`keepalive_expiry`,
            None: forever); the SDK passes its `PoolLimits`.
        verify: TLS verification: True (httpx's default CA bundle), False, or an `ssl.SSLContext`.

    Raises:
        ConfigurationError: aiohttp is not installed.

    The session is created on the first request, in the event loop that sends it, and closed by
    `aclose()`; one transport serves one event loop.
    """

    def __init__(self, *, limits: httpx.Limits = _DEFAULT_LIMITS, verify: ssl.SSLContext | bool = True) -> None:
        self._aiohttp, self._url = _import_aiohttp()
        self._limits = limits
        context: ssl.SSLContext | bool = httpx.create_ssl_context(verify=True) if verify is True else verify
        self._ssl = context
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def __repr__(self) -> str:
        return f"AiohttpTransport(max_connections={self._limits.max_connections})"

    def _session_for_loop(self) -> aiohttp.ClientSession:
        """The session of the running loop, made on first use."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed:
            aiohttp = self._aiohttp
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                keepalive_timeout=self._limits.keepalive_expiry,
                ssl=self._ssl,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                skip_auto_headers=_NO_AUTO_HEADERS,
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None),
                trust_env=False,
            )
            self._loop = loop
        elif loop is not self._loop:
            raise RuntimeError("an AiohttpTransport serves the event loop it first ran in; build a client per loop")
        return self._session

    def _timeout(self, request: httpx.Request) -> aiohttp.ClientTimeout:
        """aiohttp's limits for httpx's ``extensions["timeout"]`` (cached: clients reuse a few)."""
        phases = request.extensions.get("timeout") or {}
        connect, read, pool = phases.get("connect"), phases.get("read"), phases.get("pool")
        key = (connect, read, pool)
        timeout = self._timeouts.get(key)
        if timeout is None:
            acquire = None if connect is None or pool is None else connect + pool
            timeout = self._aiohttp.ClientTimeout(total=None, connect=acquire, sock_connect=connect, sock_read=read)
            if len(self._timeouts) < 64:
                self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session_for_loop()
        headers = request.headers.multi_items()
        data: bytes | AsyncIterator[bytes] | None
        if isinstance(request.stream, httpx.ByteStream):
            data = request.content or None
        else:
            assert isinstance(request.stream, httpx.AsyncByteStream), "an async client sends async streams"
            data = _body(request.stream)
            headers = [(name, value) for name, value in headers if name.lower() != "transfer-encoding"]
        try:
            response = await session.request(
                request.method,
                self._url(str(request.url), encoded=True),
                headers=headers,
                data=data,
                allow_redirects=False,
                timeout=self._timeout(request),
                server_hostname=request.extensions.get("sni_hostname"),
            )
        except Exception as exc:
            mapped = _mapped(self._aiohttp, exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        version = response.version
        http_version = f"HTTP/{version.major}.{version.minor}".encode("ascii") if version else b"HTTP/1.1"
        extensions: dict[str, Any] = {"http_version": http_version}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(self._aiohttp, response, request),
            extensions=extensions,
        )

    async def aclose(self) -> None:
        """Close the session and its connections (safe to call twice, or before any request)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

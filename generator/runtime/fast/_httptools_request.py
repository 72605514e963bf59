"""Writing a request for the httptools transports, async and sync: the request line and headers, and the
framing of a streamed body. Pure: the transports do the I/O.

What httpx would send, these send too: exactly the request's headers in their order (none added), the
URL's raw path, HTTP/1.1. Anything that would split the message (CR or LF in a header, a method that is
not an RFC 9110 token) or lie about its length is refused with ``httpx.LocalProtocolError`` before a byte
goes out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ..core import httpx
from ..core._defaults import IDEMPOTENT_METHODS
from ..core._lazy_request import PerOriginURL, origin_url, raw_target, wire_headers

__all__ = [
    "INLINE_BODY_MAX_BYTES",
    "BodyFraming",
    "Origins",
    "RequestHeads",
    "origin_port",
    "request_head",
    "resendable",
]

_SCHEME_PORTS: Final = {"http": 80, "https": 443}
INLINE_BODY_MAX_BYTES: Final = 64 * 1024
"""In-memory bodies up to this size share the head's write (one send); larger ones are written apart."""

_METHODS: Final = {name: name.encode("ascii") for name in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")}
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token: what a method may be


def resendable(request: httpx.Request) -> bool:
    """Whether the request may go twice (on a new connection, when a reused one turned out closed before any
    answer byte): idempotent, with a body in memory (a stream cannot be replayed)."""
    return request.method in IDEMPOTENT_METHODS and isinstance(request.stream, httpx.ByteStream)


def origin_port(request: httpx.Request) -> int:
    """The port the request goes to (the scheme's default when the URL names none).

    Raises:
        httpx.UnsupportedProtocol: a scheme other than http or https.
    """
    url = origin_url(request)
    port = url.port or _SCHEME_PORTS.get(url.scheme)
    if port is None:
        message = f"unsupported URL scheme {url.scheme!r}: use http or https"
        raise httpx.UnsupportedProtocol(message, request=request)
    return port


def _method(request: httpx.Request) -> bytes:
    method = _METHODS.get(request.method)
    if method is None:
        if not _TOKEN.fullmatch(request.method):
            raise httpx.LocalProtocolError(f"invalid HTTP method {request.method!r}", request=request)
        method = request.method.encode("ascii")
    return method


def _header_block(raw: Sequence[tuple[bytes, bytes]], request: httpx.Request) -> bytes:
    """The header lines and the blank line that ends them; refuses a CR or LF inside a name or value."""
    fields = b"".join([b"%b: %b\r\n" % field for field in raw])
    if fields.count(b"\n") != len(raw) or fields.count(b"\r") != len(raw):
        raise httpx.LocalProtocolError("a request header contains CR or LF", request=request)
    return fields + b"\r\n"


class Origins(PerOriginURL[tuple[str, bytes, int]]):
    """The pool key (scheme, host, port) of a request's origin, worked out once per base URL (`PerOriginURL`)
    instead of from three URL properties per request. `of` raises `origin_port`'s error for a scheme other
    than http and https."""

    __slots__ = ()

    def derive(self, url: httpx.URL, request: httpx.Request) -> tuple[str, bytes, int]:
        return (url.scheme, url.raw_host, origin_port(request))

    of = PerOriginURL.value_for


def request_head(request: httpx.Request) -> bytes:
    """The request line and header block, exactly httpx's headers; refuses what would split the message."""
    method = _method(request)
    block = _header_block(request.headers.raw, request)
    return b"".join((method, b" ", raw_target(request), b" HTTP/1.1\r\n", block))


class RequestHeads:
    """`request_head` for one transport, each distinct header list written and checked once.

    An SDK sends the same headers on most requests (only the path changes), and writing them costs more
    than looking them up: the block is kept per header list, up to `_BLOCKS_KEPT` lists (then started
    afresh, as per-request values such as an idempotency key never repeat). Kept per transport, so the
    credentials in them go when the client does.
    """

    __slots__ = ("_blocks",)

    def __init__(self) -> None:
        self._blocks: dict[tuple[tuple[bytes, bytes], ...], bytes] = {}

    def head(self, request: httpx.Request) -> bytes:
        method = _method(request)
        key = wire_headers(request)  # a lean request's, without applying the headers it noted (`set_header`)
        block = self._blocks.get(key)
        if block is None:
            block = _header_block(key, request)
            if len(self._blocks) >= _BLOCKS_KEPT:
                self._blocks.clear()
            self._blocks[key] = block
        return b"".join((method, b" ", raw_target(request), b" HTTP/1.1\r\n", block))


_BLOCKS_KEPT: Final = 64


class BodyFraming:
    """How a streamed body goes on the wire: chunk-encoded when httpx chose chunked, else raw and checked
    against its Content-Length. `frame` each chunk as it comes, then send `end()`."""

    __slots__ = ("_chunked", "_declared", "_request", "_sent")

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        self._chunked = request.headers.get("transfer-encoding", "").lower() == "chunked"
        try:
            self._declared = None if self._chunked else int(request.headers.get("content-length", "0"))
        except ValueError:
            raise httpx.LocalProtocolError("the request's Content-Length is not a number", request=request) from None
        self._sent = 0

    def frame(self, chunk: bytes) -> bytes:
        """The wire bytes of one body chunk (b"" for an empty one, which must not end a chunked body)."""
        if not chunk:
            return b""
        self._sent += len(chunk)
        if self._chunked:
            return b"%x\r\n%b\r\n" % (len(chunk), chunk)
        if self._declared is not None and self._sent > self._declared:
            request = self._request
            raise httpx.LocalProtocolError("the request body is longer than its Content-Length", request=request)
        return chunk

    def end(self) -> bytes:
        """The bytes that close the body (the last chunk), once every chunk was framed."""
        if self._chunked:
            return b"0\r\n\r\n"
        if self._sent != self._declared:
            request = self._request
            raise httpx.LocalProtocolError("the request body is shorter than its Content-Length", request=request)
        return b""

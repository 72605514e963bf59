"""The request and response objects of `LeanClient`'s short path, without httpx's generic machinery.

Two things httpx does per request cost more than they need to when there is no body either way:

- `bodyless_request`: ``httpx.Request(method, url, headers=...)`` runs the body encoder (which, for no
  body, produces nothing) and then rebuilds the headers to put ``Host`` first, checking each automatic
  header by scanning and decoding every header. For a request with no body we give httpx the finished
  header list (``Host`` first, as httpx would put it) and an empty stream, which httpx's constructor
  takes as is. The result is field for field what httpx builds (a test compares them).
- `read_in_memory`: reading a response body that a transport already holds in memory (an
  `httpx.ByteStream`) goes through httpx's chunker, decoder selection and error-mapping context for one
  chunk. When the body is not content-encoded we store it the way ``Response.read()`` does. httpx has no
  public way to do that, so this sets ``Response._content`` (httpx 0.28, which the SDK pins); the
  `READS_IN_MEMORY` probe turns it off if a future httpx stores content differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["READS_IN_MEMORY", "HostHeaders", "bodyless_request", "read_in_memory"]

_BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE"})  # httpx adds no Content-Length


class HostHeaders:
    """The client's default headers with ``Host`` in front, rebuilt only when the defaults change."""

    __slots__ = ("_defaults", "_headers", "_netloc")

    def __init__(self, netloc: bytes) -> None:
        self._netloc = netloc
        self._defaults: list[tuple[bytes, bytes]] | None = None
        self._headers = httpx.Headers()

    def for_defaults(self, defaults: httpx.Headers) -> httpx.Headers | None:
        """The request headers for `defaults`, or None if they set ``Host`` themselves (httpx's path)."""
        raw = defaults.raw
        if raw != self._defaults:
            if any(name.lower() == b"host" for name, _ in raw):
                return None
            self._headers = httpx.Headers([(b"Host", self._netloc), *raw], encoding=defaults.encoding)
            self._defaults = raw
        return self._headers


def bodyless_request(
    method: str, url: httpx.URL | str, headers: httpx.Headers, params: Any, extensions: Mapping[str, Any]
) -> httpx.Request | None:
    """A request with no body whose `headers` already hold ``Host``; None for methods that send a length."""
    method = method.upper()
    if method not in _BODYLESS_METHODS:
        return None
    request = httpx.Request(
        method, url, params=params, headers=headers, stream=httpx.ByteStream(b""), extensions=extensions
    )
    request.read()  # as httpx does for an in-memory body: `request.content` is b""
    return request


def _probe() -> bool:
    """Whether a response marked read this way behaves like one `read()` filled."""
    response = httpx.Response(200, stream=httpx.ByteStream(b'{"a": 1}'))
    try:
        _store(response, b'{"a": 1}')
        return response.content == b'{"a": 1}' and response.json() == {"a": 1} and response.is_closed
    except Exception:  # any change in httpx's internals means: use read()
        return False


def _store(response: httpx.Response, content: bytes) -> None:
    response._content = content
    response._num_bytes_downloaded = len(content)
    response.is_stream_consumed = True
    response.is_closed = True  # an httpx.ByteStream has nothing to close


READS_IN_MEMORY = _probe()


def read_in_memory(response: httpx.Response) -> bool:
    """Mark `response` read if its body is an unencoded `httpx.ByteStream`; False when it must be read."""
    stream = response.stream
    if not READS_IN_MEMORY or type(stream) is not httpx.ByteStream or response.is_stream_consumed:
        return False
    if any(name.lower() == b"content-encoding" for name, _ in response.headers.raw):
        return False
    _store(response, b"".join(stream))
    return True

"""The request objects of `LeanClient`'s short path, without httpx's generic machinery.

``httpx.Request(method, url, headers=...)`` runs the body encoder (which, for no body, produces nothing)
and then rebuilds the headers to put ``Host`` first, checking each automatic header by scanning and
decoding every header. For a request with no body, `bodyless_request` gives httpx the finished header
list (``Host`` first, as httpx would put it) and an empty `httpx.ByteStream`, which httpx's public
constructor takes as is. The result is field for field what httpx builds (a test compares them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core import httpx

__all__ = ["HostHeaders", "bodyless_request"]

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

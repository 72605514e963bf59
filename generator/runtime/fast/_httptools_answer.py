"""Building the `httpx.Response` of an answer the httptools transports parsed, async and sync alike."""

from __future__ import annotations

from typing import Final

from ..core import httpx
from ..core._defaults import RAW_HEADERS_EXTENSION

__all__ = ["answer"]

_HTTP_VERSIONS: Final = {"1.1": b"HTTP/1.1", "1.0": b"HTTP/1.0"}


def answer(
    status: int,
    headers: list[tuple[bytes, bytes]],
    http_version: str,
    reason: bytes,
    stream: httpx.SyncByteStream | httpx.AsyncByteStream,
) -> httpx.Response:
    """The response, with the extensions httpx's own pool sets: ``http_version`` and, when the server gave
    one, ``reason_phrase``; and the parsed header list as `RAW_HEADERS_EXTENSION`. The headers stay raw
    bytes in the server's order; the body stays undecoded."""
    extensions: dict[str, object] = {
        "http_version": _HTTP_VERSIONS.get(http_version) or f"HTTP/{http_version}".encode()
    }
    if reason:
        extensions["reason_phrase"] = reason
    extensions[RAW_HEADERS_EXTENSION] = headers  # read without rebuilding it (the request id of a log line)
    return httpx.Response(status, headers=headers, stream=stream, extensions=extensions)

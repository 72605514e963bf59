"""Building the `httpx.Response` of an answer the httptools transports parsed, async and sync alike."""

from __future__ import annotations

from typing import Final

from ..core import httpx
from ..core._defaults import RAW_HEADERS_EXTENSION

__all__ = ["ParsedResponse", "answer"]

_HTTP_VERSIONS: Final = {"1.1": b"HTTP/1.1", "1.0": b"HTTP/1.0"}
_NO_HEADERS: Final = httpx.Headers()  # never changed: only copied


class ParsedResponse(httpx.Response):
    """An `httpx.Response` whose ``headers`` are built from the parsed header list when first read.

    httpx's constructor turns the list into an `httpx.Headers` at once, checking and lowering every name in
    Python: for a small answer that costs more than parsing it did, and on the SDK's usual path nothing
    reads ``response.headers`` (the runtime's layers look headers up in `ReceivedHeaders`, made from the same
    list). So the list is kept and ``headers`` is exactly what httpx would have built, only later; assigning
    ``headers`` replaces it, as on any response.
    """

    _parsed: list[tuple[bytes, bytes]]  # the header list as received
    _built: httpx.Headers | None  # the headers once built, or as assigned

    def __init__(
        self,
        status: int,
        parsed: list[tuple[bytes, bytes]],
        stream: httpx.SyncByteStream | httpx.AsyncByteStream,
        extensions: dict[str, object],
    ) -> None:
        # An empty `httpx.Headers` of httpx's own class: its constructor copies it without the ABC checks it
        # runs on anything else (None included); the copy is forgotten below.
        super().__init__(status, headers=_NO_HEADERS, stream=stream, extensions=extensions)
        self._parsed, self._built = parsed, None  # the empty headers the constructor assigned: forgotten

    @property  # httpx declares a plain attribute: a property with a setter reads and assigns alike
    def headers(self) -> httpx.Headers:
        built = self._built
        if built is None:
            parsed = self._parsed
            built = httpx.Headers(parsed)
            self._built = built
        return built

    @headers.setter
    def headers(self, value: httpx.Headers) -> None:
        self._built = value


def answer(
    status: int,
    headers: list[tuple[bytes, bytes]],
    http_version: str,
    reason: bytes,
    stream: httpx.SyncByteStream | httpx.AsyncByteStream,
) -> httpx.Response:
    """The response, with the extensions httpx's own pool sets: ``http_version`` and, when the server gave
    one, ``reason_phrase``; and the parsed header list as `RAW_HEADERS_EXTENSION`. The headers stay raw
    bytes in the server's order (`ParsedResponse` builds ``response.headers`` from them when read); the body
    stays undecoded."""
    extensions: dict[str, object] = {
        "http_version": _HTTP_VERSIONS.get(http_version) or f"HTTP/{http_version}".encode()
    }
    if reason:
        extensions["reason_phrase"] = reason
    extensions[RAW_HEADERS_EXTENSION] = headers  # read without rebuilding it (the request id of a log line)
    return ParsedResponse(status, headers, stream, extensions)

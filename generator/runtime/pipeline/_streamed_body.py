"""A binary answer streamed to the caller, held to the rules of an in-memory body as the caller reads it.

`ResponseBodyTransport` reads a body whole within its attempt (`_response_body.py`). A call whose answer
is a binary file (`STREAMED_BODY_EXTENSION`, set by the call for operations answering
``application/octet-stream``) keeps the body unread instead, so a file of any size passes in constant
memory; its stream is wrapped here so the same rules still hold, only later:

- a ``Content-Length`` over `max_response_bytes` fails before the response is handed up (nothing read);
  while reading, one byte over the limit raises `ResponseTooLargeError` and the rest is never read. The
  limit is also left on the response (`MAX_BYTES_EXTENSION`) for the reader, which counts the decoded
  bytes of a ``Content-Encoding`` body against it as it decodes them (download/_response_stream.py);
- the call's deadline (`_deadline.py`) keeps running: a chunk that arrives after it raises `RequestTimeout`;
- a connection that closes before the body ends raises `IncompleteResponseError`. The retry transport
  has already returned by then, so a streamed body is never retried: the caller has bytes of it.

The shared counting and error wording is `_Body` in `_response_body.py` (passed in, kept apart from the
stream classes here so that module stays about reading bodies whole).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Final, Protocol

from ..core import httpx

__all__ = ["MAX_BYTES_EXTENSION", "guard_async", "guard_sync"]

MAX_BYTES_EXTENSION: Final = "sdk.max_response_bytes"
"""Response extension: the `max_response_bytes` a streamed body is held to (None: no limit)."""


class _Counted(Protocol):
    """What the guard needs of `_response_body._Body` (an attempt's body, counted as it arrives)."""

    response: httpx.Response
    limit: int | None

    def check_declared(self) -> None: ...
    def add(self, chunk: bytes) -> None: ...
    def failed(self, exc: httpx.TransportError) -> Exception: ...


class _SyncGuarded(httpx.SyncByteStream):
    """`inner`'s chunks, each counted by `body` before it is handed on; transport failures translated."""

    def __init__(self, inner: httpx.SyncByteStream, body: _Counted) -> None:
        self._inner, self._body = inner, body

    def __iter__(self) -> Iterator[bytes]:
        body = self._body
        try:
            for chunk in self._inner:
                body.add(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise body.failed(exc) from exc

    def close(self) -> None:
        self._inner.close()


class _AsyncGuarded(httpx.AsyncByteStream):
    """The async twin of `_SyncGuarded`."""

    def __init__(self, inner: httpx.AsyncByteStream, body: _Counted) -> None:
        self._inner, self._body = inner, body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        body = self._body
        try:
            async for chunk in self._inner:
                body.add(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise body.failed(exc) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def guard_sync(body: _Counted, stream: httpx.SyncByteStream) -> httpx.Response:
    """`body.response` with its stream guarded (see the module docstring); a declared size over the limit raises."""
    try:
        body.check_declared()
    except BaseException:
        stream.close()
        raise
    response = body.response
    response.extensions[MAX_BYTES_EXTENSION] = body.limit
    response.stream = _SyncGuarded(stream, body)
    return response


async def guard_async(body: _Counted, stream: httpx.AsyncByteStream) -> httpx.Response:
    """The async form of `guard_sync`."""
    try:
        body.check_declared()
    except BaseException:
        await stream.aclose()
        raise
    response = body.response
    response.extensions[MAX_BYTES_EXTENSION] = body.limit
    response.stream = _AsyncGuarded(stream, body)
    return response

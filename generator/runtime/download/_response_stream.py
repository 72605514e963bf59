"""The body of an open binary answer, read as it arrives: a file-like object (sync) or async reads.

A binary answer (`StreamedFile`) keeps its response open, and these read it. The transport below has
already wrapped the raw stream (pipeline/_streamed_body.py): each raw chunk is counted against
`max_response_bytes`, checked against the call's deadline, and a connection closed mid-body raises
`IncompleteResponseError`. What is left here:

- decoding: httpx decodes a ``Content-Encoding`` body as it is read; the decoded bytes are counted too,
  and one byte over the same limit raises `ResponseTooLargeError` (a small gzip body can expand a thousandfold);
- errors: a transport failure while reading (a read timeout) raises the SDK's typed error, as a call does;
- closing: the response is closed when the body ends, when reading fails, and on `close()`, which returns
  the connection to the pool (unread bytes are dropped with it).

`ResponseStream` is an `io.RawIOBase`, so ``read()``, ``read(n)`` (n bytes unless the body ends first, as
a buffered file gives), ``readinto()`` and `io.BufferedReader` work as on a file; `iter_bytes()` hands
the chunks on as they come, without copying them.
`AsyncResponseStream` offers `aread()`, `aiter_bytes()` and `aclose()`.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from typing import Any

from ..core import httpx
from ..core._errors import translate_transport_errors
from ..pipeline._response_body import too_large
from ..pipeline._streamed_body import MAX_BYTES_EXTENSION

__all__ = ["AsyncResponseStream", "ResponseStream"]


class _Decoded:
    """The decoded size so far, held to the limit the transport left on the response."""

    __slots__ = ("limit", "response", "size")

    def __init__(self, response: httpx.Response) -> None:
        limit: Any = response.extensions.get(MAX_BYTES_EXTENSION)
        self.limit: int | None = limit if isinstance(limit, int) else None  # None: no limit, or not sent by a client
        self.response = response
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise too_large(self.response.request, self.limit, " (once decompressed)")


class ResponseStream(io.RawIOBase):
    """A sync response's body as a read-only binary file (see the module docstring)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self._response = response
        self._chunks: Iterator[bytes] | None = None
        self._pending = memoryview(b"")  # the part of the last chunk `readinto` has not handed out yet

    def readable(self) -> bool:
        return True

    def iter_bytes(self) -> Iterator[bytes]:
        """The rest of the body, chunk by chunk as it arrives (decoded); the response is closed at the end."""
        if self.closed:
            raise ValueError("read of a closed StreamedFile")
        if self._pending:
            pending, self._pending = self._pending, memoryview(b"")
            yield bytes(pending)
        if self._chunks is None:
            self._chunks = self._decoded()
        yield from self._chunks

    def _decoded(self) -> Iterator[bytes]:
        decoded = _Decoded(self._response)
        try:
            with translate_transport_errors():
                for chunk in self._response.iter_bytes():
                    decoded.add(chunk)
                    yield chunk
        finally:
            self._response.close()  # the end of the body, a failure, or a caller who stopped iterating

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all the rest when negative): fewer only at the end of the body, as a file gives."""
        if size is None or size < 0:
            return self.readall()
        taken = bytearray(size)
        filled = 0
        with memoryview(taken) as view:
            while filled < size:
                count = self.readinto(view[filled:])
                if not count:
                    break
                filled += count
        return bytes(taken[:filled]) if filled < size else bytes(taken)

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` with the next bytes of the body; 0 at its end."""
        if self.closed:
            raise ValueError("read of a closed StreamedFile")
        if not self._pending:
            if self._chunks is None:
                self._chunks = self._decoded()
            chunk = next(self._chunks, b"")
            while chunk == b"":  # a decoder may yield an empty chunk before the body ends
                if self._response.is_closed:
                    return 0
                chunk = next(self._chunks, b"")
            self._pending = memoryview(chunk)
        target = memoryview(buffer).cast("B")
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        """Close the response (the connection goes back to the pool); further reads raise ValueError."""
        if not self.closed:
            self._response.close()
            self._pending = memoryview(b"")
        super().close()


class AsyncResponseStream:
    """An async response's body: `aread()`, `aiter_bytes()`, `aclose()` (see the module docstring)."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._chunks: AsyncIterator[bytes] | None = None
        self._pending = b""  # what `aread(n)` took from a chunk but did not return
        self.closed = False

    def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The rest of the body, chunk by chunk as it arrives (decoded); the response is closed at the end."""
        return self._rest()

    async def _rest(self) -> AsyncIterator[bytes]:
        if self._pending:
            pending, self._pending = self._pending, b""
            yield pending
        async for chunk in self._source():
            yield chunk

    def _source(self) -> AsyncIterator[bytes]:
        if self.closed:
            raise ValueError("read of a closed StreamedFile")
        if self._chunks is None:
            self._chunks = self._decoded()
        return self._chunks

    async def _decoded(self) -> AsyncIterator[bytes]:
        decoded = _Decoded(self._response)
        try:
            async with translate_transport_errors():
                async for chunk in self._response.aiter_bytes():
                    decoded.add(chunk)
                    yield chunk
        finally:
            await self._response.aclose()

    async def aread(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all the rest when negative); b"" at the end of the body."""
        if size < 0:
            return b"".join([chunk async for chunk in self._rest()])
        source = self._source()
        while len(self._pending) < size:
            chunk = await anext(source, None)
            if chunk is None:
                break
            self._pending += chunk
        taken, self._pending = self._pending[:size], self._pending[size:]
        return taken

    async def aclose(self) -> None:
        """Close the response (the connection goes back to the pool); further reads raise ValueError."""
        if not self.closed:
            self.closed = True
            self._pending = b""
            await self._response.aclose()

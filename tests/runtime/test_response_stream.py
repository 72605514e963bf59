"""The open body of a binary answer reads like a file (sync) or with aread (async), its decoded size limited."""

from __future__ import annotations

import asyncio
import gzip
import io
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from runtime import AsyncResponseStream, ResponseStream, ResponseTooLargeError
from runtime.pipeline._streamed_body import MAX_BYTES_EXTENSION

CHUNKS = [b"abc", b"", b"defgh", b"i", b"jklmnop"]
BODY = b"".join(CHUNKS)
REQUEST = httpx.Request("GET", "https://api.example.test/files/f")


class _Chunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.closed = chunks, False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    def close(self) -> None:
        self.closed = True


class _AsyncChunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.closed = chunks, False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


def _response(stream: httpx.SyncByteStream | httpx.AsyncByteStream, **headers: str) -> httpx.Response:
    return httpx.Response(200, headers=headers, stream=stream, request=REQUEST)


@pytest.mark.parametrize("size", [1, 2, 4, 100])
def test_reads_of_any_size_cross_chunk_boundaries(size: int) -> None:
    """read(n) hands out exactly the body, whatever n and however the chunks fall (an empty one included)."""
    stream = ResponseStream(_response(_Chunks(CHUNKS)))
    pieces = list(iter(lambda: stream.read(size), b""))
    assert b"".join(pieces) == BODY
    assert all(len(piece) <= size for piece in pieces)


def test_buffered_reader_and_iter_bytes_share_one_body() -> None:
    """io.BufferedReader works over it; iter_bytes() continues where the reads stopped; the end closes the body."""
    chunks = _Chunks(CHUNKS)
    stream = ResponseStream(_response(chunks))
    assert stream.read(4) == b"abcd"
    assert b"".join(stream.iter_bytes()) == BODY[4:]
    assert chunks.closed
    assert io.BufferedReader(ResponseStream(_response(_Chunks(CHUNKS)))).read() == BODY


def test_closed_stream_refuses_reads_and_closes_the_body() -> None:
    """close() closes the response at once; any later read raises ValueError."""
    chunks = _Chunks(CHUNKS)
    stream = ResponseStream(_response(chunks))
    stream.close()
    assert chunks.closed
    with pytest.raises(ValueError, match="closed"):
        stream.read(1)
    with pytest.raises(ValueError, match="closed"):
        next(stream.iter_bytes())


def test_decoded_size_over_the_limit_raises() -> None:
    """A gzip body is decoded as read; decoded bytes past the response's limit raise ResponseTooLargeError."""
    compressed = gzip.compress(b"z" * 5000)
    response = _response(_Chunks([compressed]), **{"Content-Encoding": "gzip"})
    response.extensions[MAX_BYTES_EXTENSION] = 4096
    with pytest.raises(ResponseTooLargeError, match="once decompressed") as caught:
        ResponseStream(response).read()
    assert caught.value.limit_bytes == 4096


def test_no_limit_without_the_extension() -> None:
    """A response no client limited (a test's or a cached one) is read whole."""
    compressed = gzip.compress(b"z" * 5000)
    response = _response(_Chunks([compressed]), **{"Content-Encoding": "gzip"})
    assert ResponseStream(response).read() == b"z" * 5000


def test_async_reads_of_any_size_then_the_rest() -> None:
    """aread(n) crosses chunks, aread() gives the rest, aiter_bytes() after the end gives nothing."""

    async def main() -> None:
        chunks = _AsyncChunks(CHUNKS)
        stream = AsyncResponseStream(_response(chunks))
        assert await stream.aread(2) == b"ab"
        assert await stream.aread(6) == b"cdefgh"
        assert await stream.aread() == BODY[8:]
        assert [chunk async for chunk in stream.aiter_bytes()] == []
        assert chunks.closed
        await stream.aclose()
        with pytest.raises(ValueError, match="closed"):
            await stream.aread(1)

    asyncio.run(main())

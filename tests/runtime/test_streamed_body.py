"""A streamed binary answer passes `ResponseBodyTransport` unread, its stream guarded: limit, deadline, cut body."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from runtime import IncompleteResponseError, ResponseTooLargeError
from runtime.core._defaults import STREAMED_BODY_EXTENSION
from runtime.pipeline._response_body import AsyncResponseBodyTransport, ResponseBodyTransport
from runtime.pipeline._streamed_body import MAX_BYTES_EXTENSION


class _Stream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Chunks, then optionally a read error (the connection closing mid-body); records how far it was read."""

    def __init__(self, chunks: list[bytes], *, fail: bool = False) -> None:
        self.chunks, self.fail = chunks, fail
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk
        if self.fail:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in iter(self):
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


class _Inner(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, stream: _Stream, headers: dict[str, str] | None = None) -> None:
        self.stream, self.headers = stream, headers or {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=self.headers, stream=self.stream, request=request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


def _request() -> httpx.Request:
    return httpx.Request("GET", "https://api.example.test/f", extensions={STREAMED_BODY_EXTENSION: True})


def test_body_is_left_unread_and_read_through_the_guard() -> None:
    """The transport returns before reading a byte; the caller's reads are counted against the limit."""
    stream = _Stream([b"a" * 10, b"b" * 10])
    response = ResponseBodyTransport(15, inner=_Inner(stream)).handle_request(_request())
    assert stream.read == 0
    assert response.extensions[MAX_BYTES_EXTENSION] == 15
    chunks = iter(response.stream)  # type: ignore[arg-type]
    assert next(chunks) == b"a" * 10
    with pytest.raises(ResponseTooLargeError):
        next(chunks)


def test_declared_size_over_the_limit_fails_before_the_body_and_closes_it() -> None:
    """A Content-Length over the limit raises from the transport and hands the connection back."""
    stream = _Stream([b"a" * 10])
    transport = ResponseBodyTransport(5, inner=_Inner(stream, {"Content-Length": "10"}))
    with pytest.raises(ResponseTooLargeError, match="of 10 bytes"):
        transport.handle_request(_request())
    assert stream.closed and stream.read == 0


def test_cut_body_raises_incomplete_response() -> None:
    """A connection closed mid-body raises IncompleteResponseError naming how much arrived."""
    stream = _Stream([b"a" * 10], fail=True)
    response = ResponseBodyTransport(None, inner=_Inner(stream, {"Content-Length": "20"})).handle_request(_request())
    with pytest.raises(
        IncompleteResponseError, match=r"body broke off after 10 of 20 bytes .* streamed file is not retried"
    ):
        b"".join(response.stream)  # type: ignore[arg-type]


def test_async_twin_guards_the_same_way() -> None:
    """The async transport leaves the body unread too, and a cut body raises IncompleteResponseError."""

    async def main() -> None:
        stream = _Stream([b"a" * 10], fail=True)
        transport = AsyncResponseBodyTransport(None, inner=_Inner(stream))
        response = await transport.handle_async_request(_request())
        assert stream.read == 0
        with pytest.raises(IncompleteResponseError):
            [chunk async for chunk in response.stream]  # type: ignore[union-attr]

    asyncio.run(main())

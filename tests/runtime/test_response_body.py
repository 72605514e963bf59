"""The body of an in-memory response is read within its attempt: a cut body is retried when that is safe,
a body over the size limit (as sent, or once decompressed) raises without being held, downloads stream on.

Every test runs against a local `WireServer` (or `FaultServer`) through the SDK's stack, sync and async
on httpx's pool, aiohttp and httptools.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from runtime import (
    ClientSettings,
    FakeClock,
    Hooks,
    IncompleteResponseError,
    ResponseTooLargeError,
    RetryPolicy,
    build_sync_client,
    download,
)

from tests.support.fault_server import FaultServer, ServedFile
from tests.support.wire_server import BACKENDS, Answer, WireServer, call

BODY = b'{"items": [' + b", ".join(b'"%d"' % n for n in range(400)) + b"]}"
RETRYING = {"retry": RetryPolicy(max_attempts=3)}


@pytest.mark.parametrize("lean", [True, False], ids=["lean-path", "httpx-path"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_cut_body_of_a_get_is_retried(backend: str, lean: bool) -> None:
    """A GET whose body stops half way is retried (one backoff sleep) and returns the whole body, on the
    lean client's short path (a relative URL) and on httpx's own (an absolute one)."""
    clock = FakeClock()
    with WireServer() as server:
        server.answers.append(Answer(body=BODY, cut_after=len(BODY) // 2))
        server.default = Answer(body=BODY)
        path = "/items" if lean else f"{server.url}/items"
        response = call(server.url, backend, path=path, clock=clock, settings=RETRYING)
    assert response.content == BODY
    assert [r.method for r in server.received] == ["GET", "GET"]
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_cut_body_of_a_keyed_post_is_retried_with_the_same_key(backend: str) -> None:
    """A POST carrying an Idempotency-Key is retried after a cut body, with the same key."""
    with WireServer() as server:
        server.answers.append(Answer(body=BODY, cut_after=100))
        server.default = Answer(body=BODY)
        response = call(
            server.url,
            backend,
            "POST",
            clock=FakeClock(),
            settings=RETRYING,
            content=b"{}",
            headers={"Idempotency-Key": "key-1"},
        )
    assert response.content == BODY
    assert [r.headers["idempotency-key"] for r in server.received] == ["key-1", "key-1"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_cut_body_of_a_plain_post_raises_and_is_never_resent(backend: str) -> None:
    """A POST without a key is not re-sent after a cut body: IncompleteResponseError says why."""
    clock = FakeClock()
    with WireServer() as server:
        server.default = Answer(body=BODY, cut_after=100)
        with pytest.raises(IncompleteResponseError) as caught:
            call(server.url, backend, "POST", clock=clock, settings=RETRYING, content=b"{}")
    assert len(server.received) == 1 and clock.sleeps == []
    message = str(caught.value)
    assert f"body broke off after 100 of {len(BODY)} bytes" in message and "This was attempt 1." in message
    assert "any other request is never re-sent" in message


@pytest.mark.parametrize("backend", BACKENDS)
def test_cut_body_of_a_get_whose_retries_are_spent_says_which_attempt_it_was(backend: str) -> None:
    """A GET cut off on every attempt raises after the policy's last one, and the error does not claim the
    request was never re-sent: it names the attempt (the message once said "this one was not re-sent")."""
    clock = FakeClock()
    with WireServer() as server:
        server.default = Answer(body=BODY, cut_after=100)
        with pytest.raises(IncompleteResponseError) as caught:
            call(server.url, backend, clock=clock, settings=RETRYING)
    assert [r.method for r in server.received] == ["GET"] * 3 and len(clock.sleeps) == 2
    message = str(caught.value)
    assert "This was attempt 3." in message and "not re-sent" not in message


@pytest.mark.parametrize("close_delimited", [False, True], ids=["content-length", "until-close"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_body_over_the_limit_raises_response_too_large(backend: str, close_delimited: bool) -> None:
    """A body one byte over max_response_bytes raises ResponseTooLargeError naming the limit, not retried:
    at once for a Content-Length over it, as the bytes arrive for a body that ends when the server closes."""
    with WireServer() as server:
        server.default = Answer(body=b"x" * 2049, headers=(), close_delimited=close_delimited)
        with pytest.raises(ResponseTooLargeError) as caught:
            call(server.url, backend, clock=FakeClock(), settings={"max_response_bytes": 2048, **RETRYING})
        assert call(server.url, backend, "GET", settings={"max_response_bytes": 2049}).content == b"x" * 2049
    assert caught.value.limit_bytes == 2048 and "limit of 2048 bytes" in str(caught.value)
    assert len(server.received) == 2  # the failed call once, the call within its limit once


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("GET", 204), ("GET", 304)])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_length_declared_by_an_answer_without_a_body_is_not_over_the_limit(
    backend: str, method: str, status: int
) -> None:
    """A HEAD's Content-Length is the size a GET would get (a big file's size, asked without its bytes), and
    a 204 or 304 has no body either: none is a body over max_response_bytes."""
    with WireServer() as server:
        server.default = Answer(status=status, body=b"", length=10**10, headers=())
        response = call(server.url, backend, method, settings={"max_response_bytes": 2048})
    assert (response.status_code, response.headers["content-length"], response.content) == (status, str(10**10), b"")


def _gzip_of_zeros(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed piece by piece (never held whole)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [compressor.compress(block[: min(len(block), size - done)]) for done in range(0, size, len(block))]
    return b"".join([*parts, compressor.flush()])


@pytest.mark.parametrize("backend", BACKENDS)
def test_decompression_bomb_raises_without_holding_the_expansion(backend: str) -> None:
    """A small gzip body that expands past the limit raises ResponseTooLargeError; the Python heap's peak
    during the call (tracemalloc: bytes held, not RSS) stays far below the expanded size."""
    limit = 1 << 20
    bomb = _gzip_of_zeros(64 << 20)  # 64 MiB of zeros in about 64 KB
    with WireServer() as server:
        server.default = Answer(body=bomb, headers=(("Content-Encoding", "gzip"),))
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError, match="once decompressed"):
                call(server.url, backend, settings={"max_response_bytes": limit})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert len(bomb) < limit
    assert peak < 8 * limit  # the expansion is 64 MiB; what was held is a few slices' output


@pytest.mark.parametrize("backend", BACKENDS)
def test_compressed_body_within_the_limit_is_decoded(backend: str) -> None:
    """A gzip body whose expansion fits comes back decoded, as httpx would decode it."""
    with WireServer() as server:
        server.default = Answer(body=gzip.compress(BODY), headers=(("Content-Encoding", "gzip"),))
        response = call(server.url, backend, settings={"max_response_bytes": len(BODY)})
    assert response.content == BODY


def test_downloads_stream_past_the_limit(tmp_path: Path) -> None:
    """download() is not limited: a file 32 times max_response_bytes streams to disk whole."""
    served = ServedFile(2 << 20)
    with FaultServer({"/model.bin": served}) as server:
        settings = ClientSettings(base_url=server.url, max_response_bytes=64 << 10)
        with build_sync_client(settings, auth=None, hooks=Hooks(), logger_name="sdk.wire_test") as client:
            result = download(client, "/model.bin", tmp_path / "model.bin", expected_sha256=served.sha256)
    assert result.size_bytes == served.size and result.requests == 1


def test_stream_extension_leaves_the_body_to_the_caller() -> None:
    """A request marked sdk.stream comes back unread, so the caller can stream it."""
    with WireServer() as server:
        server.default = Answer(body=BODY)
        settings = ClientSettings(base_url=server.url, max_response_bytes=16)
        with (
            build_sync_client(settings, auth=None, hooks=Hooks(), logger_name="sdk.wire_test") as client,
            client.stream("GET", "/items", extensions={"sdk.stream": True}) as response,
        ):
            assert not isinstance(response.stream, httpx.ByteStream)
            assert response.read() == BODY


# --- a body already in memory (the usual answer) keeps the same rules as one that streams in ----------------


class _Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives through a transport's live stream (in one piece, as the one in memory)."""

    def __init__(self, body: bytes) -> None:
        self._pieces = [body]

    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


class _Answering(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers 200 with `body` in memory (`in_memory`: `httpx.ByteStream` or `WholeBody`, as the async httptools
    transport answers) or streamed (None), after `takes_s` of the fake clock."""

    def __init__(
        self, clock: FakeClock, body: bytes, headers: list[tuple[str, str]], in_memory: type | None, takes_s: float
    ):
        self.clock, self.body, self.headers, self.in_memory, self.takes_s = clock, body, headers, in_memory, takes_s

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.clock.advance(self.takes_s)
        stream = self.in_memory(self.body) if self.in_memory is not None else _Pieces(self.body)
        return httpx.Response(200, headers=self.headers, stream=stream)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


BODY_CASES = {
    "fits": (BODY, [("Content-Length", str(len(BODY)))], 0.0),
    "declared-over": (b"{}", [("Content-Length", "5000")], 0.0),
    "over": (BODY * 3, [], 0.0),
    "past-deadline": (BODY, [], 6.0),
    "bomb": (_gzip_of_zeros(1 << 16), [("Content-Encoding", "gzip")], 0.0),
    "gzip-fits": (gzip.compress(BODY), [("Content-Encoding", "GZip ")], 0.0),
    "not-gzip": (b"not gzip at all", [("Content-Encoding", "gzip")], 0.0),
    "identity": (BODY, [("Content-Encoding", "identity")], 0.0),
}


def _outcome(in_memory: type | None, case: str, is_async: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    from runtime.pipeline import _response_body
    from runtime.pipeline._deadline import AsyncDeadlineTransport, DeadlineTransport
    from runtime.pipeline._response_body import AsyncResponseBodyTransport, ResponseBodyTransport

    if in_memory is not None:  # the whole body's path must not fall back on the per-chunk one
        monkeypatch.setattr(_response_body, "_Body", None)
    body, headers, takes_s = BODY_CASES[case]
    clock = FakeClock()
    inner = _Answering(clock, body, headers, in_memory, takes_s)
    request = httpx.Request("GET", "https://api.test/items", extensions={"timeout": {"read": 5.0}})
    try:
        if is_async:
            import asyncio

            body_layer = AsyncResponseBodyTransport(4096, inner=inner, clock=clock)
            stack = AsyncDeadlineTransport(5.0, inner=body_layer, clock=clock)
            response = asyncio.run(stack.handle_async_request(request))
        else:
            stack_ = DeadlineTransport(5.0, inner=ResponseBodyTransport(4096, inner=inner, clock=clock), clock=clock)
            response = stack_.handle_request(request)
        return ("ok", response.read())
    except Exception as exc:  # the outcome compared: the error's class and message
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", sorted(BODY_CASES))
def test_a_body_in_memory_keeps_the_rules_of_a_streamed_one(
    case: str, is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limit (declared and actual), deadline and decoded size: the same outcome, error message included,
    whether the transport handed the body over in memory or as a stream."""
    from runtime.core._whole_body import WholeBody

    streamed = _outcome(None, case, is_async, monkeypatch)
    assert _outcome(httpx.ByteStream, case, is_async, monkeypatch) == streamed
    if is_async:  # only the async httptools transport answers with a WholeBody
        assert _outcome(WholeBody, case, is_async, monkeypatch) == streamed
    expected = {"declared-over": "of 5000 bytes", "over": "larger than", "bomb": "once decompressed"}
    expected |= {"past-deadline": "still reading the body after"}
    if case in expected:
        assert expected[case] in str(streamed[1])
    elif case == "not-gzip":
        assert streamed[0] == "DecodingError"  # left for httpx to raise as it decodes
    else:
        assert streamed[0] == "ok"

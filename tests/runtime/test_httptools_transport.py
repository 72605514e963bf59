"""`HttptoolsTransport` on its own, over real sockets: framing, pooling, TLS, backpressure and failures.

The runtime's stack on top of it (retries, hooks, logging, ...) is tested on every backend in
test_async_backends.py. Here a raw HTTP/1.1 server on 127.0.0.1 (`RawServer`, below) answers each request
with bytes written by the test, so each case shows exactly what the wire carried.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import ssl
import struct
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Literal

import attrs
import httpx
import pytest
import trustme
from runtime import HttptoolsTransport
from runtime.fast._httptools_connection import READ_HIGH_WATER_BYTES
from runtime.fast._httptools_exchange import MAX_HEAD_BYTES

from tests.support.raw_http_server import Answer as ThreadedAnswer
from tests.support.raw_http_server import RawServer as ThreadedServer
from tests.support.raw_http_server import Seen

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

# --- a raw loopback server ----------------------------------------------------------------------------------


@attrs.frozen
class Answer:
    """What the server does with one request: write `data` (or run `write`), then keep the connection,
    close it, hold it open until the client closes it, or reset it (RST)."""

    data: bytes = OK
    then: Literal["keep", "close", "hold", "reset"] = "keep"
    write: Callable[[asyncio.StreamWriter], Awaitable[None]] | None = None


class RawServer:
    """Reads each request whole, answers from `answers` in order, then with `default`."""

    def __init__(self, tls: ssl.SSLContext | None = None, *, mute: bool = False) -> None:
        self.answers: deque[Answer] = deque()
        self.default = Answer()
        self.seen: list[Seen] = []
        self.connections = 0
        self.ended = 0
        self.mute = mute  # accept connections but never read or answer
        self._tls = tls
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._tls)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()

    async def _read_body(self, reader: asyncio.StreamReader, head: bytes) -> tuple[bytes, bytes]:
        seen = Seen(head, b"", b"")
        if (length := seen.header("content-length")) is not None:
            body = await reader.readexactly(int(length))
            return body, body
        if (seen.header("transfer-encoding") or "").lower() != "chunked":
            return b"", b""
        wire, chunks = [], []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.strip(), 16)
            data = await reader.readexactly(size + 2)
            wire += [size_line, data]
            if not size:
                return b"".join(wire), b"".join(chunks)
            chunks.append(data[:-2])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            if self.mute:
                await asyncio.Event().wait()  # until stop() cancels it
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                wire, body = await self._read_body(reader, head)
                self.seen.append(Seen(head, wire, body))
                answer = self.answers.popleft() if self.answers else self.default
                if answer.write is not None:
                    await answer.write(writer)
                else:
                    writer.write(answer.data)
                    await writer.drain()
                if answer.then == "close":
                    return
                if answer.then == "hold":
                    await reader.read()
                    return
                if answer.then == "reset":
                    writer.get_extra_info("socket").setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    writer.transport.abort()
                    return
        except (ConnectionError, asyncio.CancelledError):  # the client went away, or stop() ended the handler
            pass
        finally:
            self.ended += 1
            self._tasks.discard(task)
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[RawServer]:
    raw = RawServer()
    await raw.start()
    try:
        yield raw
    finally:
        await raw.stop()


def client_for(
    server: RawServer,
    *,
    limits: httpx.Limits | None = None,
    verify: ssl.SSLContext | bool = True,
    timeout: httpx.Timeout | None = None,
) -> httpx.AsyncClient:
    transport = HttptoolsTransport(limits=limits or httpx.Limits(), verify=verify)
    return httpx.AsyncClient(base_url=server.url, transport=transport, timeout=timeout or httpx.Timeout(5.0))


async def until(condition: Callable[[], bool]) -> None:
    """Let the loop run (in 5 ms steps, at most 2 s) until `condition` holds."""
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never held")


# --- response framing ------------------------------------------------------------------------------------------


async def test_keep_alive_reuses_one_connection_and_keeps_raw_headers(server: RawServer) -> None:
    """Answers framed by Content-Length leave the connection reusable; raw headers keep their order and case."""
    server.default = Answer(b"HTTP/1.1 200 Fine\r\nX-B: 2\r\nx-a: 1\r\nContent-Length: 2\r\n\r\nok")
    async with client_for(server) as client:
        for _ in range(3):
            response = await client.get("/items/1?q=a%20b")
            assert response.content == b"ok"
    assert response.headers.raw == [(b"X-B", b"2"), (b"x-a", b"1"), (b"Content-Length", b"2")]
    assert response.reason_phrase == "Fine" and response.http_version == "HTTP/1.1"
    assert server.connections == 1
    assert server.seen[0].head.startswith(b"GET /items/1?q=a%20b HTTP/1.1\r\nHost: 127.0.0.1:")


async def test_chunked_answer_is_decoded_and_the_connection_reused(server: RawServer) -> None:
    """A chunked body arrives without its framing; the connection serves the next request."""
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    server.answers.append(Answer(chunked))
    async with client_for(server) as client:
        assert (await client.get("/chunked")).content == b"hello world"
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 1


async def test_close_delimited_answer_ends_at_close(server: RawServer) -> None:
    """Without Content-Length or chunking the body runs to the close, streamed; that connection is not reused."""

    async def in_parts(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nfirst-")
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.write(b"second")

    server.answers.append(Answer(write=in_parts, then="close"))
    async with client_for(server) as client:
        assert (await client.get("/until-close")).content == b"first-second"
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 2


async def test_truncated_answer_is_a_remote_protocol_error(server: RawServer) -> None:
    """A close before Content-Length bytes arrived is RemoteProtocolError, not a short body."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", then="close"))
    async with client_for(server) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/short")


async def test_head_answer_has_no_body_and_the_connection_stays_usable(server: RawServer) -> None:
    """A HEAD's Content-Length announces a body that never comes; the next answer on that connection is intact."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))
    async with client_for(server) as client:
        head = await client.head("/h")
        assert head.content == b"" and head.headers["content-length"] == "5"
        assert (await client.get("/g")).content == b"ok"
    assert server.connections == 1


@pytest.mark.parametrize("status", [204, 304])
async def test_no_body_statuses_ignore_content_length(server: RawServer, status: int) -> None:
    """204 and 304 carry no body even with a Content-Length; the connection is reused."""
    server.answers.append(Answer(b"HTTP/1.1 %d Nothing\r\nContent-Length: 7\r\n\r\n" % status))
    async with client_for(server) as client:
        response = await client.get("/empty")
        assert response.status_code == status and response.content == b""
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 1


async def test_informational_answers_are_skipped(server: RawServer) -> None:
    """100 Continue and 103 Early Hints before the final answer are dropped with their headers."""
    data = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
        b"HTTP/1.1 201 Created\r\nX-Final: 1\r\nContent-Length: 2\r\n\r\nok"
    )
    server.answers.append(Answer(data))
    async with client_for(server) as client:
        response = await client.post("/make", content=b"{}", headers={"Expect": "100-continue"})
    assert (response.status_code, response.reason_phrase, response.content) == (201, "Created", b"ok")
    assert response.headers.raw == [(b"X-Final", b"1"), (b"Content-Length", b"2")]


@pytest.mark.parametrize(
    ("answer", "reused"),
    [
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", False),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", False),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", True),
    ],
)
async def test_connection_close_and_http_1_0(server: RawServer, answer: bytes, reused: bool) -> None:
    """`Connection: close` and HTTP/1.0 without keep-alive end the connection (closed by the client)."""
    server.answers.append(Answer(answer))
    async with client_for(server) as client:
        first = await client.get("/first")
        assert (await client.get("/second")).content == b"ok"
    assert first.http_version == answer[:8].decode()
    assert server.connections == (1 if reused else 2)


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        (b"HTTP/1.1 200 OK\nX-A: 1\nContent-Length: 2\n\nok", "1"),  # lines ended by a bare LF
        (b"HTTP/1.1 200 OK\r\nX-A: one,\r\n two\r\nContent-Length: 2\r\n\r\nok", "one, two"),  # a folded value
    ],
)
async def test_answers_a_client_must_read_leniently_are_read(server: RawServer, answer: bytes, value: str) -> None:
    """RFC 9112: a bare LF may end a line (2.2), a folded header value is read with spaces (5.2), as httpx reads
    them; the connection then serves the next request."""
    server.answers.append(Answer(answer))
    async with client_for(server) as client:
        response = await client.get("/lenient")
        assert (response.status_code, response.content, response.headers["X-A"]) == (200, b"ok", value)
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 1


async def test_malformed_answer_is_a_remote_protocol_error(server: RawServer) -> None:
    """Bytes that are not HTTP/1.1 raise RemoteProtocolError."""
    server.answers.append(Answer(b"HTPT/1.1 200 OK\r\n\r\n"))
    async with client_for(server) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/garbage")


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"identity"])
async def test_a_transfer_coding_other_than_chunked_is_a_remote_protocol_error(
    server: RawServer, coding: bytes
) -> None:
    """llhttp would hand over the gzip bytes of "gzip, chunked" as the body, which nobody decodes: refused, as
    httpx refuses it, and the connection goes."""
    body = b"5\r\n\x1f\x8b\x08\x00\x00\r\n0\r\n\r\n"
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: %b\r\n\r\n%b" % (coding, body)))
    async with client_for(server) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="only chunked is supported"):
            await client.get("/coded")
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 2


HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"


@pytest.mark.parametrize(
    "head",
    [b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 3 * MAX_HEAD_BYTES, HINTS * (3 * MAX_HEAD_BYTES // len(HINTS))],
    ids=["endless-header", "endless-1xx"],
)
async def test_a_head_without_end_is_a_remote_protocol_error(server: RawServer, head: bytes) -> None:
    """llhttp bounds no head: once MAX_HEAD_BYTES (httpx's bound) were read without the head ending, the
    answer is refused, neither kept in memory nor read from until the read timeout."""
    server.answers.append(Answer(head, then="hold"))
    async with client_for(server, timeout=httpx.Timeout(5.0, read=1.0)) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="still incomplete"):
            await client.get("/long")


async def test_an_answer_behind_the_answer_is_kept_out_of_it(server: RawServer) -> None:
    """A second answer in the same bytes as the first (nobody asked for it) adds nothing to the first's reason
    or headers (its Set-Cookie would reach the jar), and the connection is not used again."""
    stray = b"HTTP/1.1 408 Request Timeout\r\nSet-Cookie: stale=1\r\nContent-Length: 0\r\n\r\n"
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + stray))
    async with client_for(server) as client:
        first = await client.get("/first")
        assert (first.reason_phrase, first.headers.raw, first.content) == ("OK", [(b"Content-Length", b"2")], b"ok")
        assert (await client.get("/second")).content == b"ok"
    assert server.connections == 2


# --- request bodies and the request line -------------------------------------------------------------------------


async def test_streamed_upload_is_chunk_encoded(server: RawServer) -> None:
    """A streamed body without a length goes chunk-encoded (empty pieces skipped), ending with a zero chunk."""

    async def pieces() -> AsyncIterator[bytes]:
        for piece in (b"alpha-", b"", b"beta" * 10):
            yield piece

    async with client_for(server) as client:
        await client.post("/upload", content=pieces())
    seen = server.seen[0]
    assert seen.header("transfer-encoding") == "chunked" and seen.header("content-length") is None
    assert seen.wire_body == b"6\r\nalpha-\r\n28\r\n" + b"beta" * 10 + b"\r\n0\r\n\r\n"
    assert seen.body == b"alpha-" + b"beta" * 10


async def test_streamed_upload_with_content_length_is_sent_raw(server: RawServer) -> None:
    """With a Content-Length the streamed body goes unframed; a length that does not match is refused."""

    async def ten_bytes() -> AsyncIterator[bytes]:
        yield b"01234"
        yield b"56789"

    async with client_for(server) as client:
        await client.post("/raw", content=ten_bytes(), headers={"Content-Length": "10"})
        with pytest.raises(httpx.LocalProtocolError):
            await client.post("/raw", content=ten_bytes(), headers={"Content-Length": "12"})
    assert server.seen[0].wire_body == b"0123456789" and server.seen[0].header("transfer-encoding") is None


async def test_header_with_line_break_is_refused_before_sending(server: RawServer) -> None:
    """CR/LF in a header value would split the message: LocalProtocolError, and nothing reaches the server."""
    async with client_for(server) as client:
        with pytest.raises(httpx.LocalProtocolError):
            await client.get("/", headers={"X-Bad": "a\r\nInjected: 1"})
    assert server.connections == 0


async def test_unsupported_scheme() -> None:
    """Only http and https are spoken."""
    transport = HttptoolsTransport()
    with pytest.raises(httpx.UnsupportedProtocol):
        await transport.handle_async_request(httpx.Request("GET", "ftp://127.0.0.1/file"))


# --- streaming and backpressure ------------------------------------------------------------------------------


async def test_large_download_is_streamed_with_bounded_buffer(server: RawServer) -> None:
    """While the reader stalls, the socket is paused: no chunk handed over exceeds the high-water mark plus one
    socket read (a stall without backpressure would buffer what the server sent meanwhile, tens of MiB)."""
    size = 64 * 1024 * 1024

    async def big(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        piece = b"x" * (1024 * 1024)
        for _ in range(size // len(piece)):
            writer.write(piece)
            await writer.drain()

    server.answers.append(Answer(write=big))
    sizes: list[int] = []
    async with client_for(server) as client, client.stream("GET", "/big") as response:
        async for chunk in response.aiter_raw():
            if not sizes:
                await asyncio.sleep(0.05)  # the server keeps sending meanwhile
            sizes.append(len(chunk))
    assert sum(sizes) == size
    assert max(sizes) <= 2 * READ_HIGH_WATER_BYTES


async def test_stream_closed_early_drops_its_connection(server: RawServer) -> None:
    """Closing a half-read body closes that connection (the server sees it go); the next request gets a new one."""

    async def partial(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 1000)
        await writer.drain()

    server.answers.append(Answer(write=partial, then="hold"))
    async with client_for(server) as client:
        async with client.stream("GET", "/part") as response:
            async for chunk in response.aiter_raw():
                assert chunk
                break
        await until(lambda: server.ended == 1)
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 2


async def test_stream_dropped_unclosed_frees_its_slot(server: RawServer) -> None:
    """A streamed answer nobody closes gives its pool slot back when it is garbage-collected."""

    async def partial(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()

    server.answers.append(Answer(write=partial, then="hold"))
    limits = httpx.Limits(max_connections=1)
    async with client_for(server, limits=limits, timeout=httpx.Timeout(5.0, pool=1.0)) as client:
        response = await client.send(client.build_request("GET", "/dropped"), stream=True)
        del response
        gc.collect()
        assert (await client.get("/next")).content == b"ok"
    assert server.connections == 2


async def test_stalled_body_is_a_read_timeout(server: RawServer) -> None:
    """The read timeout bounds each wait for body bytes, not only the wait for the headers."""

    async def partial(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()

    server.answers.append(Answer(write=partial, then="hold"))
    async with client_for(server, timeout=httpx.Timeout(5.0, read=0.05)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/stall")


async def test_read_timeouts_share_one_loop_timer(server: RawServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests with a read timeout set no loop timer each (`WaitDeadlines`): a cancelled timer per request
    would cost more than the rest of the transport's work."""
    loop = asyncio.get_running_loop()
    timers: list[float] = []
    call_at = loop.call_at

    def counted(when: float, *args: object, **kwargs: object) -> asyncio.TimerHandle:
        timers.append(when)
        return call_at(when, *args, **kwargs)  # type: ignore[arg-type]

    async with client_for(server, timeout=httpx.Timeout(5.0, read=30.0)) as client:
        assert (await client.get("/items")).content == b"ok"  # connects (its timeout has a timer) and arms one
        monkeypatch.setattr(loop, "call_at", counted)
        for _ in range(20):
            assert (await client.get("/items")).content == b"ok"
    assert timers == []  # each later expiry is after the armed one: no timer set, none cancelled


# --- the pool ------------------------------------------------------------------------------------------------


async def test_idle_connection_closed_by_the_server_is_not_reused(server: RawServer) -> None:
    """A keep-alive connection the server closes while idle leaves the pool: the next request connects anew."""
    server.answers.append(Answer(then="close"))
    async with client_for(server) as client:
        assert (await client.get("/first")).content == b"ok"
        await until(lambda: server.ended == 1)
        await asyncio.sleep(0.01)  # lets the client's loop read the close
        assert (await client.post("/second", content=b"x")).content == b"ok"
    assert server.connections == 2


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_answer_sent_unasked_to_an_idle_connection_is_not_taken_for_the_next(
    server: RawServer, method: str
) -> None:
    """Bytes a server sends on an idle connection (a stray 408 before it closes, say) are no request's answer:
    the connection is dropped and the next request gets its own answer on a new one."""
    answered, stray_sent = asyncio.Event(), asyncio.Event()

    async def answer_then_stray(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")
        await answered.wait()
        writer.write(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 5\r\n\r\nstale")
        await writer.drain()
        stray_sent.set()

    server.answers.append(Answer(write=answer_then_stray, then="hold"))
    async with client_for(server) as client:
        assert (await client.request(method, "/first")).content == b"first"
        answered.set()
        await until(stray_sent.is_set)
        await asyncio.sleep(0.01)  # lets the client's loop read the stray bytes
        second = await client.request(method, "/second")
    assert (second.status_code, second.content) == (200, b"ok")
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/second"]
    assert server.connections == 2


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_idle_connection_closed_by_the_server_before_the_loop_saw_it(method: str) -> None:
    """The server closed the kept-alive connection, and the client's loop has not read the close yet (as when a
    server closes right after answering): a GET sent on it goes once more on a new connection, a POST finds
    the close before sending (a poll) and takes a new one. Each reaches the server once."""
    with ThreadedServer() as server:  # a server in threads: its close needs no turn of the client's loop
        server.answers.append(ThreadedAnswer(then="close"))
        transport = HttptoolsTransport(limits=httpx.Limits())
        async with httpx.AsyncClient(base_url=server.url, transport=transport, timeout=5.0) as client:
            assert (await client.get("/first")).content == b"ok"
            server.until(lambda: server.ended == 1)  # blocks the loop: the client cannot hear the close
            second = await client.request(method, "/second", content=b"x" if method == "POST" else None)
        assert second.content == b"ok"
        assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/second"]


async def test_a_post_that_fails_on_a_reused_connection_is_not_sent_again(server: RawServer) -> None:
    """A reused connection closed after a POST was written: RemoteProtocolError, the POST not repeated (the
    server may have acted on it)."""
    server.answers.extend([Answer(), Answer(data=b"", then="close")])
    async with client_for(server) as client:
        assert (await client.get("/first")).content == b"ok"
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/once", content=b"x")
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/once"]


async def test_a_get_that_fails_on_a_reused_connection_is_sent_once_more_only(server: RawServer) -> None:
    """A GET whose reused connection closes before answering goes again on a new connection, once: a second
    failure is the caller's (the retry layer decides, with its backoff)."""
    server.answers.extend([Answer(), Answer(data=b"", then="close"), Answer(data=b"", then="close")])
    async with client_for(server) as client:
        assert (await client.get("/first")).content == b"ok"
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/again")
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/again", b"/again"]
    assert server.connections == 2


async def test_waiters_share_the_capped_pool(server: RawServer) -> None:
    """With max_connections=1 concurrent requests queue and are handed the one connection in turn."""
    async with client_for(server, limits=httpx.Limits(max_connections=1)) as client:
        responses = await asyncio.gather(*(client.get(f"/{n}") for n in range(5)))
    assert [response.content for response in responses] == [b"ok"] * 5
    assert server.connections == 1


async def test_pool_timeout_when_no_slot_frees(server: RawServer) -> None:
    """Waiting longer than the pool timeout for a slot raises PoolTimeout (nothing was sent)."""
    server.answers.append(Answer(data=b"", then="hold"))  # the first request is never answered
    limits = httpx.Limits(max_connections=1)
    async with client_for(server, limits=limits, timeout=httpx.Timeout(5.0, pool=0.05)) as client:
        held = asyncio.create_task(client.get("/held"))
        await until(lambda: len(server.seen) == 1)
        with pytest.raises(httpx.PoolTimeout):
            await client.get("/waits")
        held.cancel()
        with pytest.raises(asyncio.CancelledError):
            await held
        assert (await client.get("/after")).content == b"ok"  # the cancelled request gave its slot back
    assert len(server.seen) == 2


async def test_full_pool_closes_another_origins_idle_connection(server: RawServer) -> None:
    """At max_connections an idle connection to another origin makes room for the new one."""
    other = RawServer()
    await other.start()
    try:
        async with client_for(server, limits=httpx.Limits(max_connections=1)) as client:
            assert (await client.get("/here")).content == b"ok"
            assert (await client.get(f"{other.url}/there")).content == b"ok"
            await until(lambda: server.ended == 1)
            assert (await client.get("/here-again")).content == b"ok"
    finally:
        await other.stop()
    assert (server.connections, other.connections) == (2, 1)


async def test_expired_idle_connection_is_closed(server: RawServer) -> None:
    """An idle connection past keepalive_expiry is closed, not reused."""
    async with client_for(server, limits=httpx.Limits(keepalive_expiry=0.0)) as client:
        await client.get("/one")
        await client.get("/two")
        await until(lambda: server.ended == 1)
    assert server.connections == 2


async def test_aclose_closes_every_connection(server: RawServer) -> None:
    """aclose() drops idle connections and answers in flight alike; the server sees all of them end."""
    server.answers.extend([Answer(), Answer(), Answer(data=b"", then="hold")])
    client = client_for(server)
    await asyncio.gather(client.get("/a"), client.get("/b"))
    held = asyncio.create_task(client.get("/held"))
    await until(lambda: len(server.seen) == 3)
    await client.aclose()
    with pytest.raises(httpx.TransportError):
        await held
    await until(lambda: server.ended == server.connections == 2)


# --- failures, mapped so retries stay safe ------------------------------------------------------------------------


async def test_reset_after_sending_is_a_read_error_not_a_connect_error(server: RawServer) -> None:
    """A reset once the request was written is ReadError: a POST must not look unsent (retryable)."""
    server.answers.append(Answer(data=b"", then="reset"))
    async with client_for(server) as client:
        with pytest.raises(httpx.ReadError):
            await client.post("/once", content=b"x")


async def test_write_timeout_when_the_server_does_not_read() -> None:
    """A body the server never reads fills the socket buffers; the write timeout then raises WriteTimeout."""
    mute = RawServer(mute=True)
    await mute.start()
    try:
        async with client_for(mute, timeout=httpx.Timeout(5.0, write=0.05)) as client:
            with pytest.raises(httpx.WriteTimeout):
                await client.post("/upload", content=b"x" * (32 * 1024 * 1024))
    finally:
        await mute.stop()


# --- TLS ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


async def tls_server(ca: trustme.CA, names: list[str], *, mute: bool = False) -> RawServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "api.test", "127.0.0.1").configure_cert(context)

    def record_sni(_sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        names.append(name or "")

    context.sni_callback = record_sni
    server = RawServer(context, mute=mute)
    await server.start()
    return server


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


async def test_https_sends_sni_of_the_host_or_the_extension(ca: trustme.CA) -> None:
    """TLS with the given context: SNI is the URL's host, or ``extensions["sni_hostname"]`` when set."""
    names: list[str] = []
    server = await tls_server(ca, names)
    try:
        async with httpx.AsyncClient(transport=HttptoolsTransport(verify=trusting(ca))) as client:
            assert (await client.get(f"https://localhost:{server.port}/a")).content == b"ok"
            other = await client.get(f"{server.url}/b", extensions={"sni_hostname": "api.test"})
            assert other.content == b"ok"
    finally:
        await server.stop()
    assert names == ["localhost", "api.test"]


async def test_untrusted_certificate_is_a_connect_error(ca: trustme.CA) -> None:
    """A certificate the context does not trust fails the handshake: ConnectError, nothing sent."""
    server = await tls_server(ca, [])
    try:
        async with httpx.AsyncClient(transport=HttptoolsTransport(verify=True)) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(f"{server.url}/a")
    finally:
        await server.stop()
    assert server.seen == []


async def test_stalled_handshake_is_a_connect_timeout(ca: trustme.CA) -> None:
    """The connect timeout covers the TLS handshake."""
    server = RawServer(mute=True)  # accepts TCP, never answers the ClientHello
    await server.start()
    try:
        transport = HttptoolsTransport(verify=trusting(ca))
        async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(5.0, connect=0.05)) as client:
            with pytest.raises(httpx.ConnectTimeout):
                await client.get(f"https://127.0.0.1:{server.port}/a")
    finally:
        await server.stop()


# --- construction --------------------------------------------------------------------------------------------------


def test_repr_names_the_pool_size() -> None:
    """The repr shows the connection cap."""
    assert repr(HttptoolsTransport(limits=httpx.Limits(max_connections=7))) == "HttptoolsTransport(max_connections=7)"


def test_transport_serves_one_event_loop() -> None:
    """The pool belongs to the loop that first used the transport; another loop gets a RuntimeError."""
    transport = HttptoolsTransport()

    async def get_once() -> None:
        server = RawServer()
        await server.start()
        try:
            async with httpx.AsyncClient(transport=transport, base_url=server.url) as client:
                await client.get("/")
        finally:
            await server.stop()

    async def get_without_closing() -> None:
        server = RawServer()
        server.default = Answer(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
        await server.start()
        try:
            await transport.handle_async_request(httpx.Request("GET", f"{server.url}/"))
        finally:
            await server.stop()

    asyncio.run(get_once())  # the client's exit closes the transport: the next loop may use it
    asyncio.run(get_without_closing())
    with pytest.raises(RuntimeError, match="event loop"):
        asyncio.run(get_without_closing())


# --- request heads ---------------------------------------------------------------------------------------------


def test_request_heads_write_each_header_list_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A transport's heads equal `request_head`'s; the header block of a header list seen before is reused
    (only the request line is new), a new list (a CR in a value too) is written and checked afresh, and no
    more than `_BLOCKS_KEPT` lists are kept."""
    from runtime.fast import _httptools_request
    from runtime.fast._httptools_request import RequestHeads, request_head

    written: list[int] = []
    write = _httptools_request._header_block

    def counted(raw: list[tuple[bytes, bytes]], request: httpx.Request) -> bytes:
        written.append(len(raw))
        return write(raw, request)

    monkeypatch.setattr(_httptools_request, "_header_block", counted)
    heads = RequestHeads()
    first = httpx.Request("GET", "http://h.test/items/1", headers={"Authorization": "Bearer a"})
    second = httpx.Request("DELETE", "http://h.test/items/2?x=1", headers={"Authorization": "Bearer a"})
    assert heads.head(first) == request_head(first)
    assert heads.head(second) == request_head(second)
    assert heads.head(second).startswith(b"DELETE /items/2?x=1 HTTP/1.1\r\nHost: h.test\r\nAuthorization: Bearer a\r\n")
    assert len(written) == 1 + 2  # the shared list once by the heads; `request_head` (uncached) writes each time
    broken = httpx.Request("GET", "http://h.test/", headers={"Authorization": "Bearer a\r\nX-Evil: 1"})
    with pytest.raises(httpx.LocalProtocolError):
        heads.head(broken)
    for n in range(_httptools_request._BLOCKS_KEPT + 1):
        heads.head(httpx.Request("GET", "http://h.test/", headers={"Idempotency-Key": str(n)}))
    assert len(heads._blocks) <= _httptools_request._BLOCKS_KEPT


def test_origins_are_kept_for_the_last_url_only() -> None:
    """The origin of a lean request (its client's parsed base URL) is worked out once; another URL object,
    even one of the same text, is asked afresh, so a changed base URL is never served an old origin."""
    from runtime.core._lazy_request import LazyURLRequest
    from runtime.fast._httptools_request import Origins

    origins = Origins()
    base = httpx.URL("https://api.test/v1")

    def lazy(url: httpx.URL, path: str) -> httpx.Request:
        return LazyURLRequest("GET", url, f"{url}{path}", path.encode(), headers=httpx.Headers(), extensions={})

    assert origins.of(lazy(base, "/a")) == ("https", b"api.test", 443)
    assert origins._last[0] is base
    assert origins.of(lazy(base, "/b")) == ("https", b"api.test", 443)
    assert origins.of(lazy(httpx.URL("http://other.test:8080/v1"), "/a")) == ("http", b"other.test", 8080)
    assert origins.of(httpx.Request("GET", "http://third.test/x")) == ("http", b"third.test", 80)
    with pytest.raises(httpx.UnsupportedProtocol):
        origins.of(httpx.Request("GET", "ftp://files.test/x"))

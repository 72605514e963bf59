"""`SyncHttptoolsTransport` on its own, over real sockets: framing, pooling, stale connections, TLS and failures.

The twin of test_httptools_transport.py for the sync transport. The runtime's stack on top of it (retries,
deadline, cut bodies, ...) runs on it in the wire-server tests (`tests/support/wire_server.py`, backend
"sync") and in every sync-client test that builds the default pool. Here a raw loopback server
(`tests/support/raw_http_server.py`) answers each request with bytes written by the test.
"""

from __future__ import annotations

import gc
import socket
import ssl
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest
import trustme
from runtime import ConfigurationError, SyncHttptoolsTransport
from runtime.fast._httptools_exchange import MAX_HEAD_BYTES
from runtime.fast._httptools_sync_connection import READ_BYTES
from runtime.fast._httptools_sync_pool import SyncConnectionPool

from tests.support.raw_http_server import Answer, RawServer


@pytest.fixture
def server() -> Iterator[RawServer]:
    with RawServer() as raw:
        yield raw


def client_for(
    server: RawServer,
    *,
    limits: httpx.Limits | None = None,
    verify: ssl.SSLContext | bool = True,
    timeout: httpx.Timeout | None = None,
) -> httpx.Client:
    transport = SyncHttptoolsTransport(limits=limits or httpx.Limits(), verify=verify)
    return httpx.Client(base_url=server.url, transport=transport, timeout=timeout or httpx.Timeout(5.0))


# --- response framing ------------------------------------------------------------------------------------------


def test_keep_alive_reuses_one_connection_and_keeps_raw_headers(server: RawServer) -> None:
    """Answers framed by Content-Length leave the connection reusable; raw headers keep their order and case."""
    server.default = Answer(b"HTTP/1.1 200 Fine\r\nX-B: 2\r\nx-a: 1\r\nContent-Length: 2\r\n\r\nok")
    with client_for(server) as client:
        for _ in range(3):
            response = client.get("/items/1?q=a%20b")
            assert response.content == b"ok"
    assert response.headers.raw == [(b"X-B", b"2"), (b"x-a", b"1"), (b"Content-Length", b"2")]
    assert response.reason_phrase == "Fine" and response.http_version == "HTTP/1.1"
    assert server.connections == 1
    assert server.seen[0].head.startswith(b"GET /items/1?q=a%20b HTTP/1.1\r\nHost: 127.0.0.1:")


def test_chunked_answer_is_decoded_and_the_connection_reused(server: RawServer) -> None:
    """A chunked body arrives without its framing; the connection serves the next request."""
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    server.answers.append(Answer(chunked))
    with client_for(server) as client:
        assert client.get("/chunked").content == b"hello world"
        assert client.get("/next").content == b"ok"
    assert server.connections == 1


def test_close_delimited_answer_ends_at_close(server: RawServer) -> None:
    """Without Content-Length or chunking the body runs to the close, streamed; that connection is not reused."""
    arrived = threading.Event()

    def in_parts(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n\r\nfirst-")
        arrived.wait(2)  # the client has the head and the first piece before the rest comes
        conn.sendall(b"second")

    server.answers.append(Answer(write=in_parts, then="close"))
    with client_for(server) as client:
        with client.stream("GET", "/until-close") as response:
            pieces = []
            for piece in response.iter_raw():
                pieces.append(piece)
                arrived.set()
        assert b"".join(pieces) == b"first-second" and len(pieces) == 2
        assert client.get("/next").content == b"ok"
    assert server.connections == 2


def test_truncated_answer_is_a_remote_protocol_error(server: RawServer) -> None:
    """A close before Content-Length bytes arrived is RemoteProtocolError, not a short body."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", then="close"))
    with client_for(server) as client, pytest.raises(httpx.RemoteProtocolError):
        client.get("/short")


def test_head_answer_has_no_body_and_the_connection_stays_usable(server: RawServer) -> None:
    """A HEAD's Content-Length announces a body that never comes; the next answer on that connection is intact."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))
    with client_for(server) as client:
        head = client.head("/h")
        assert head.content == b"" and head.headers["content-length"] == "5"
        assert client.get("/g").content == b"ok"
    assert server.connections == 1


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses_ignore_content_length(server: RawServer, status: int) -> None:
    """204 and 304 carry no body even with a Content-Length; the connection is reused."""
    server.answers.append(Answer(b"HTTP/1.1 %d Nothing\r\nContent-Length: 7\r\n\r\n" % status))
    with client_for(server) as client:
        response = client.get("/empty")
        assert response.status_code == status and response.content == b""
        assert client.get("/next").content == b"ok"
    assert server.connections == 1


def test_informational_answers_are_skipped(server: RawServer) -> None:
    """100 Continue and 103 Early Hints before the final answer are dropped with their headers."""
    data = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
        b"HTTP/1.1 201 Created\r\nX-Final: 1\r\nContent-Length: 2\r\n\r\nok"
    )
    server.answers.append(Answer(data))
    with client_for(server) as client:
        response = client.post("/make", content=b"{}", headers={"Expect": "100-continue"})
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
def test_connection_close_and_http_1_0(server: RawServer, answer: bytes, reused: bool) -> None:
    """`Connection: close` and HTTP/1.0 without keep-alive end the connection (closed by the client)."""
    server.answers.append(Answer(answer))
    with client_for(server) as client:
        first = client.get("/first")
        assert client.get("/second").content == b"ok"
    assert first.http_version == answer[:8].decode()
    assert server.connections == (1 if reused else 2)


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        (b"HTTP/1.1 200 OK\nX-A: 1\nContent-Length: 2\n\nok", "1"),  # lines ended by a bare LF
        (b"HTTP/1.1 200 OK\r\nX-A: one,\r\n two\r\nContent-Length: 2\r\n\r\nok", "one, two"),  # a folded value
    ],
)
def test_answers_a_client_must_read_leniently_are_read(server: RawServer, answer: bytes, value: str) -> None:
    """RFC 9112: a bare LF may end a line (2.2), a folded header value is read with spaces (5.2), as httpx reads
    them; the connection then serves the next request."""
    server.answers.append(Answer(answer))
    with client_for(server) as client:
        response = client.get("/lenient")
        assert (response.status_code, response.content, response.headers["X-A"]) == (200, b"ok", value)
        assert client.get("/next").content == b"ok"
    assert server.connections == 1


def test_malformed_answer_is_a_remote_protocol_error(server: RawServer) -> None:
    """Bytes that are not HTTP/1.1 raise RemoteProtocolError."""
    server.answers.append(Answer(b"HTPT/1.1 200 OK\r\n\r\n"))
    with client_for(server) as client, pytest.raises(httpx.RemoteProtocolError):
        client.get("/garbage")


def test_a_transfer_coding_named_by_an_answer_without_a_body_is_no_concern(server: RawServer) -> None:
    """A HEAD's answer may name any transfer coding (it has no body): it stands, the connection stays usable,
    and the next answer on it is read as usual."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
    with client_for(server) as client:
        assert client.head("/coded").status_code == 200
        assert client.get("/next").content == b"ok"
    assert server.connections == 1


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"identity"])
def test_a_transfer_coding_other_than_chunked_is_a_remote_protocol_error(server: RawServer, coding: bytes) -> None:
    """llhttp would hand over the gzip bytes of "gzip, chunked" as the body, which nobody decodes: refused, as
    httpx refuses it, and the connection goes."""
    body = b"5\r\n\x1f\x8b\x08\x00\x00\r\n0\r\n\r\n"
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: %b\r\n\r\n%b" % (coding, body)))
    with client_for(server) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="only chunked is supported"):
            client.get("/coded")
        assert client.get("/next").content == b"ok"
    assert server.connections == 2


HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"


@pytest.mark.parametrize(
    "head",
    [b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 3 * MAX_HEAD_BYTES, HINTS * (3 * MAX_HEAD_BYTES // len(HINTS))],
    ids=["endless-header", "endless-1xx"],
)
def test_a_head_without_end_is_a_remote_protocol_error(server: RawServer, head: bytes) -> None:
    """llhttp bounds no head: once MAX_HEAD_BYTES (httpx's bound) were read without the head ending, the
    answer is refused, neither kept in memory nor read from until the read timeout."""
    server.answers.append(Answer(head, then="hold"))
    client = client_for(server, timeout=httpx.Timeout(5.0, read=1.0))
    with client, pytest.raises(httpx.RemoteProtocolError, match="still incomplete"):
        client.get("/long")


def test_an_answer_behind_the_answer_is_kept_out_of_it(server: RawServer) -> None:
    """A second answer in the same bytes as the first (nobody asked for it) adds nothing to the first's reason
    or headers (its Set-Cookie would reach the jar), and the connection is not used again."""
    stray = b"HTTP/1.1 408 Request Timeout\r\nSet-Cookie: stale=1\r\nContent-Length: 0\r\n\r\n"
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + stray))
    with client_for(server) as client:
        first = client.get("/first")
        assert (first.reason_phrase, first.headers.raw, first.content) == ("OK", [(b"Content-Length", b"2")], b"ok")
        assert client.get("/second").content == b"ok"
    assert server.connections == 2


def test_upgrade_is_a_remote_protocol_error(server: RawServer) -> None:
    """A 101 switch of protocols is not HTTP/1.1 any more: RemoteProtocolError, and the connection goes."""
    server.answers.append(Answer(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n"))
    with client_for(server) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="switched protocols"):
            client.get("/upgrade")
        assert client.get("/next").content == b"ok"
    assert server.connections == 2


# --- request bodies and the request line -------------------------------------------------------------------------


def test_streamed_upload_is_chunk_encoded(server: RawServer) -> None:
    """A streamed body without a length goes chunk-encoded (empty pieces skipped), ending with a zero chunk."""

    def pieces() -> Iterator[bytes]:
        yield from (b"alpha-", b"", b"beta" * 10)

    with client_for(server) as client:
        client.post("/upload", content=pieces())
    seen = server.seen[0]
    assert seen.header("transfer-encoding") == "chunked" and seen.header("content-length") is None
    assert seen.wire_body == b"6\r\nalpha-\r\n28\r\n" + b"beta" * 10 + b"\r\n0\r\n\r\n"
    assert seen.body == b"alpha-" + b"beta" * 10


def test_streamed_upload_with_content_length_is_sent_raw(server: RawServer) -> None:
    """With a Content-Length the streamed body goes unframed; a length that does not match is refused."""

    def ten_bytes() -> Iterator[bytes]:
        yield b"01234"
        yield b"56789"

    with client_for(server) as client:
        client.post("/raw", content=ten_bytes(), headers={"Content-Length": "10"})
        with pytest.raises(httpx.LocalProtocolError):
            client.post("/raw", content=ten_bytes(), headers={"Content-Length": "12"})
    assert server.seen[0].wire_body == b"0123456789" and server.seen[0].header("transfer-encoding") is None


def test_large_in_memory_body_goes_whole(server: RawServer) -> None:
    """A body above the inline size is written after its head, whole."""
    body = bytes(range(256)) * 1024  # 256 KiB
    with client_for(server) as client:
        assert client.put("/big", content=body).content == b"ok"
    assert server.seen[0].body == body


def test_header_with_line_break_is_refused_before_sending(server: RawServer) -> None:
    """CR/LF in a header value would split the message: LocalProtocolError, and nothing reaches the server."""
    with client_for(server) as client, pytest.raises(httpx.LocalProtocolError):
        client.get("/", headers={"X-Bad": "a\r\nInjected: 1"})
    assert server.connections == 0


def test_unsupported_scheme() -> None:
    """Only http and https are spoken."""
    with pytest.raises(httpx.UnsupportedProtocol):
        SyncHttptoolsTransport().handle_request(httpx.Request("GET", "ftp://127.0.0.1/file"))


# --- streaming ------------------------------------------------------------------------------------------------


def test_large_download_is_streamed_one_read_at_a_time(server: RawServer) -> None:
    """A body is read on demand: no chunk handed over exceeds one socket read, however much the server sent."""
    size = 16 * 1024 * 1024

    def big(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        piece = b"x" * (1024 * 1024)
        for _ in range(size // len(piece)):
            conn.sendall(piece)

    server.answers.append(Answer(write=big))
    sizes: list[int] = []
    with client_for(server) as client, client.stream("GET", "/big") as response:
        sizes.extend(len(chunk) for chunk in response.iter_raw())
    assert sum(sizes) == size
    assert max(sizes) <= READ_BYTES


def test_stream_closed_early_drops_its_connection(server: RawServer) -> None:
    """Closing a half-read body closes that connection (the server sees it go); the next request gets a new one."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 1000, then="hold"))
    with client_for(server) as client:
        with client.stream("GET", "/part") as response:
            for chunk in response.iter_raw():
                assert chunk
                break
        server.until(lambda: server.ended == 1)
        assert client.get("/next").content == b"ok"
    assert server.connections == 2


def test_stream_dropped_unclosed_frees_its_slot(server: RawServer) -> None:
    """A streamed answer nobody closes gives its pool slot back when it is garbage-collected."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", then="hold"))
    limits = httpx.Limits(max_connections=1)
    with client_for(server, limits=limits, timeout=httpx.Timeout(5.0, pool=1.0)) as client:
        response = client.send(client.build_request("GET", "/dropped"), stream=True)
        del response
        gc.collect()
        assert client.get("/next").content == b"ok"
    assert server.connections == 2


def test_stalled_body_is_a_read_timeout(server: RawServer) -> None:
    """The read timeout bounds each wait for body bytes, not only the wait for the headers."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", then="hold"))
    with client_for(server, timeout=httpx.Timeout(5.0, read=0.05)) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/stall")


# --- the pool and stale connections -------------------------------------------------------------------------------


def test_idle_connection_closed_by_the_server_is_not_used_for_a_get(server: RawServer) -> None:
    """A GET gets a new connection when the idle one was closed by the server (seen before sending)."""
    server.answers.append(Answer(then="close"))
    with client_for(server) as client:
        assert client.get("/first").content == b"ok"
        server.until(lambda: server.ended == 1)
        assert client.get("/second").content == b"ok"
    assert server.connections == 2
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/second"]


def test_idle_connection_closed_by_the_server_is_not_used_for_a_post(server: RawServer) -> None:
    """A POST is never written to an idle connection the server has closed: it gets a new one at once."""
    server.answers.append(Answer(then="close"))
    with client_for(server) as client:
        assert client.get("/first").content == b"ok"
        server.until(lambda: server.ended == 1)
        assert client.post("/second", content=b"x").content == b"ok"
    assert server.connections == 2


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_answer_sent_unasked_to_an_idle_connection_is_not_taken_for_the_next(server: RawServer, method: str) -> None:
    """Bytes a server sends on an idle connection (a stray 408 before it closes, say) are no request's answer:
    the next request, idempotent or not, goes on a new connection and gets its own answer."""
    answered, stray_sent = threading.Event(), threading.Event()

    def answer_then_stray(sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")
        answered.wait(5)
        sock.sendall(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 5\r\n\r\nstale")
        stray_sent.set()

    server.answers.append(Answer(write=answer_then_stray, then="hold"))
    with client_for(server) as client:
        assert client.request(method, "/first").content == b"first"
        answered.set()
        server.until(stray_sent.is_set)
        second = client.request(method, "/second")
    assert (second.status_code, second.content) == (200, b"ok")
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/second"]
    assert server.connections == 2


def test_a_post_that_fails_on_a_reused_connection_is_not_sent_again(server: RawServer) -> None:
    """A reused connection reset after a POST was written: ReadError, the POST not repeated (it may have applied)."""
    server.answers.extend([Answer(), Answer(data=b"", then="reset")])
    with client_for(server) as client:
        assert client.get("/first").content == b"ok"
        with pytest.raises(httpx.ReadError):
            client.post("/once", content=b"x")
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/once"]


def test_a_get_that_fails_on_a_reused_connection_is_sent_once_more_only(server: RawServer) -> None:
    """A GET whose reused connection closes before answering goes again on a new connection, once: a second
    failure is the caller's (the retry layer decides, with its backoff)."""
    server.answers.extend([Answer(), Answer(data=b"", then="close"), Answer(data=b"", then="close")])
    with client_for(server) as client:
        assert client.get("/first").content == b"ok"
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/again")
    assert [seen.head.split(b" ")[1] for seen in server.seen] == [b"/first", b"/again", b"/again"]
    assert server.connections == 2


def test_threads_share_the_capped_pool(server: RawServer) -> None:
    """With max_connections=1 concurrent requests from threads queue for the one connection in turn."""
    results: list[bytes] = []
    with client_for(server, limits=httpx.Limits(max_connections=1)) as client:
        threads = [threading.Thread(target=lambda n=n: results.append(client.get(f"/{n}").content)) for n in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(5)
    assert results == [b"ok"] * 5
    assert server.connections == 1


def test_pool_timeout_when_no_slot_frees(server: RawServer) -> None:
    """Waiting longer than the pool timeout for a slot raises PoolTimeout (nothing was sent)."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))  # the rest never comes
    limits = httpx.Limits(max_connections=1)
    with client_for(server, limits=limits, timeout=httpx.Timeout(5.0, pool=0.05)) as client:
        # the stream holds the only connection until its body is read or closed
        with client.stream("GET", "/held"), pytest.raises(httpx.PoolTimeout):
            client.get("/waits")
        assert client.get("/after").content == b"ok"  # the closed stream gave its slot back
    assert len(server.seen) == 2


def test_full_pool_closes_another_origins_idle_connection(server: RawServer) -> None:
    """At max_connections an idle connection to another origin makes room for the new one."""
    with RawServer() as other, client_for(server, limits=httpx.Limits(max_connections=1)) as client:
        assert client.get("/here").content == b"ok"
        assert client.get(f"{other.url}/there").content == b"ok"
        server.until(lambda: server.ended == 1)
        assert client.get("/here-again").content == b"ok"
        assert (server.connections, other.connections) == (2, 1)


def test_expired_idle_connection_is_closed(server: RawServer) -> None:
    """An idle connection past keepalive_expiry is closed, not reused (the pool's clock decides)."""
    now = [100.0]
    pool = SyncConnectionPool(httpx.Limits(keepalive_expiry=30.0), None, clock=lambda: now[0])
    request = httpx.Request("GET", f"{server.url}/")
    origin = ("http", b"127.0.0.1", server.port)
    first = pool.acquire(origin, request, connect_s=1.0, pool_s=1.0)
    first.exchange.complete = first.exchange.keep_alive = True  # as after a whole keep-alive answer
    pool.release(first)
    now[0] += 29.0
    assert pool.acquire(origin, request, connect_s=1.0, pool_s=1.0) is first
    pool.release(first)
    now[0] += 31.0
    second = pool.acquire(origin, request, connect_s=1.0, pool_s=1.0)
    assert second is not first and first.closed
    pool.discard(second)
    pool.close()


def test_idle_connections_beyond_the_keepalive_cap_are_closed(server: RawServer) -> None:
    """At most max_keepalive_connections stay idle; the others close when given back."""
    both_busy = threading.Event()

    def head_then_body(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
        both_busy.wait(2)  # neither answer is whole until both requests hold a connection
        conn.sendall(b"ok")

    server.answers.extend([Answer(write=head_then_body), Answer(write=head_then_body)])
    with client_for(server, limits=httpx.Limits(max_keepalive_connections=1)) as client:
        streams = [client.stream("GET", f"/{n}") for n in range(2)]
        responses = [stream.__enter__() for stream in streams]
        both_busy.set()
        for stream, response in zip(streams, responses, strict=True):
            assert response.read() == b"ok"
            stream.__exit__(None, None, None)
        server.until(lambda: server.ended == 1)
        assert client.get("/again").content == b"ok"
    assert server.connections == 2


def test_close_closes_idle_connections_and_refuses_new_requests(server: RawServer) -> None:
    """close() drops the idle connections (the server sees them end); the transport takes no more requests."""
    client = client_for(server)
    assert client.get("/a").content == b"ok"
    transport = client._transport
    client.close()
    server.until(lambda: server.ended == server.connections == 1)
    with pytest.raises(httpx.ConnectError):
        transport.handle_request(httpx.Request("GET", f"{server.url}/b"))


# --- failures, mapped so retries stay safe ------------------------------------------------------------------------


def test_reset_after_sending_is_a_read_error_not_a_connect_error(server: RawServer) -> None:
    """A reset once the request was written is ReadError: a POST must not look unsent (retryable)."""
    server.answers.append(Answer(data=b"", then="reset"))
    with client_for(server) as client, pytest.raises(httpx.ReadError):
        client.post("/once", content=b"x")


def test_refused_connection_is_a_connect_error() -> None:
    """Nobody listening: ConnectError (nothing was sent, so any request may be retried)."""
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with httpx.Client(transport=SyncHttptoolsTransport()) as client, pytest.raises(httpx.ConnectError):
        client.get(f"http://127.0.0.1:{port}/")


def test_write_timeout_when_the_server_does_not_read() -> None:
    """A body the server never reads fills the socket buffers; the write timeout then raises WriteTimeout."""
    with (
        RawServer(mute=True) as mute,
        client_for(mute, timeout=httpx.Timeout(5.0, write=0.05)) as client,
        pytest.raises(httpx.WriteTimeout),
    ):
        client.post("/upload", content=b"x" * (32 * 1024 * 1024))


def test_early_answer_to_an_unread_upload_is_returned(server: RawServer) -> None:
    """A server that answers (413) and closes before taking the whole body: its answer, not a WriteError."""

    def refuse(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 413 Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")

    server.answers.append(Answer(write=refuse, then="reset", early=True))

    def huge() -> Iterator[bytes]:
        yield b"x" * 1024
        server.until(lambda: server.ended == 1)  # the server has answered and gone
        yield b"x" * (8 * 1024 * 1024)

    with client_for(server) as client:
        length = str(1024 + 8 * 1024 * 1024)
        assert client.post("/upload", content=huge(), headers={"Content-Length": length}).status_code == 413


# --- TLS ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_context(ca: trustme.CA, names: list[str]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "api.test", "127.0.0.1").configure_cert(context)

    def record_sni(_sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        names.append(name or "")

    context.sni_callback = record_sni
    return context


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_https_sends_sni_of_the_host_or_the_extension_and_reuses_the_connection(ca: trustme.CA) -> None:
    """TLS with the given context: SNI is the URL's host, or ``extensions["sni_hostname"]`` when set; a TLS
    connection is kept alive like any other."""
    names: list[str] = []
    with RawServer(tls_context(ca, names)) as server:
        with httpx.Client(transport=SyncHttptoolsTransport(verify=trusting(ca))) as client:
            assert client.get(f"https://localhost:{server.port}/a").content == b"ok"
            assert client.get(f"https://localhost:{server.port}/a2").content == b"ok"
            other = client.get(f"{server.url}/b", extensions={"sni_hostname": "api.test"})
            assert other.content == b"ok"
        assert server.connections == 2
    assert names == ["localhost", "api.test"]


def test_untrusted_certificate_is_a_connect_error_caused_by_the_verification(ca: trustme.CA) -> None:
    """A certificate the context does not trust fails the handshake: ConnectError whose cause is the
    verification failure (so it is raised at once, not retried), nothing sent."""
    with RawServer(tls_context(ca, [])) as server:
        client = httpx.Client(transport=SyncHttptoolsTransport(verify=True))
        with client, pytest.raises(httpx.ConnectError) as caught:
            client.get(f"{server.url}/a")
        assert isinstance(caught.value.__cause__, ssl.SSLCertVerificationError)
        assert server.seen == []


def test_stalled_handshake_is_a_connect_timeout(ca: trustme.CA) -> None:
    """The connect timeout covers the TLS handshake."""
    with RawServer(mute=True) as server:  # accepts TCP, never answers the ClientHello
        transport = SyncHttptoolsTransport(verify=trusting(ca))
        client = httpx.Client(transport=transport, timeout=httpx.Timeout(5.0, connect=0.05))
        with client, pytest.raises(httpx.ConnectTimeout):
            client.get(f"https://127.0.0.1:{server.port}/a")


# --- construction --------------------------------------------------------------------------------------------------


def test_repr_names_the_pool_size() -> None:
    """The repr shows the connection cap."""
    transport = SyncHttptoolsTransport(limits=httpx.Limits(max_connections=7))
    assert repr(transport) == "SyncHttptoolsTransport(max_connections=7)"


def test_missing_httptools_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without httptools the transport cannot be built, and says how to get it."""
    monkeypatch.setitem(sys.modules, "httptools", None)
    with pytest.raises(ConfigurationError, match="httptools"):
        SyncHttptoolsTransport()


def test_a_response_collected_while_the_pool_is_locked_gives_its_slot_back(server: RawServer) -> None:
    """The garbage collector may drop an unread response while this thread holds the pool's lock (inside
    `acquire`): giving the slot back then must not deadlock."""
    server.answers.append(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", then="hold"))
    transport = SyncHttptoolsTransport(limits=httpx.Limits(max_connections=1))
    pool = transport._pool
    response = transport.handle_request(httpx.Request("GET", f"{server.url}/dropped"))

    def collect_under_the_lock() -> None:
        nonlocal response
        with pool._lock:
            del response
            gc.collect()

    worker = threading.Thread(target=collect_under_the_lock, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "the slot's release waited on the lock its own thread held"
    with httpx.Client(transport=transport, timeout=httpx.Timeout(5.0, pool=1.0)) as client:
        assert client.get(f"{server.url}/next").content == b"ok"  # the slot came back

"""The async stack on every innermost transport (httpx's pool, `AiohttpTransport`, `HttptoolsTransport`),
over real sockets.

Every test takes the `backend` fixture ("httpx", "aiohttp" or "httptools"), builds the SDK's async client
with ``build_async_client(..., transport=backend)`` as the generated client does, and talks to a scripted
HTTP/1.1 server on 127.0.0.1 (`ScriptedServer`, below). So each runtime behaviour (retries, hooks, the
circuit breaker, logging, token refresh, timeouts, pooling) is shown to hold on aiohttp and httptools
exactly as on httpx, and those transports send what httpx would send. Behaviour only `HttptoolsTransport`
has (its pool, framing, TLS, backpressure) is tested in test_httptools_transport.py.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import socket
from collections import deque
from collections.abc import AsyncIterator
from typing import cast

import attrs
import httpx
import pytest
from runtime import (
    AiohttpTransport,
    AsyncBackend,
    CircuitBreaker,
    CircuitOpenError,
    ClientSettings,
    ConfigurationError,
    ErrorEvent,
    FakeClock,
    Hooks,
    HttptoolsTransport,
    PoolLimits,
    RequestEvent,
    ResponseEvent,
    RetryPolicy,
    Secret,
    Timeouts,
    Token,
    TokenRefreshAuth,
    build_async_client,
)

# --- a scripted loopback server -------------------------------------------------------------------------


@attrs.frozen
class Reply:
    """What the server does with one request: answer (after `delay_s`), or drop the connection unanswered."""

    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    delay_s: float = 0.0
    drop: bool = False


@attrs.frozen
class Seen:
    """One request as it arrived: header names lower-cased, in order."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)


_REASONS = {200: "OK", 302: "Found", 401: "Unauthorized", 500: "Internal Server Error", 503: "Service Unavailable"}


class ScriptedServer:
    """HTTP/1.1 with keep-alive; answers from `replies` in order, then with `default`."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.default = Reply()
        self.seen: list[Seen] = []
        self.connections = 0
        self.open_now = 0
        self.max_open = 0
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _read_body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        return b""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.max_open = max(self.max_open, self.open_now)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                pairs = tuple(
                    (name.strip().lower(), value.strip())
                    for name, value in (line.split(":", 1) for line in lines[1:] if line)
                )
                body = await self._read_body(reader, dict(pairs))
                self.seen.append(Seen(method, target, pairs, body))
                reply = self.replies.popleft() if self.replies else self.default
                if reply.delay_s:
                    await asyncio.sleep(reply.delay_s)
                if reply.drop:
                    return
                status = f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Whatever')}\r\n"
                fields = [*reply.headers, ("Content-Length", str(len(reply.body)))]
                writer.write((status + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode() + reply.body)
                await writer.drain()
        finally:
            self.open_now -= 1
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    scripted = ScriptedServer()
    await scripted.start()
    try:
        yield scripted
    finally:
        await scripted.stop()


@pytest.fixture(params=["httpx", "aiohttp", "httptools"])
def backend(request: pytest.FixtureRequest) -> AsyncBackend:
    """The innermost transport the async client is built with."""
    return cast(AsyncBackend, request.param)


def settings(server: ScriptedServer, **changes: object) -> ClientSettings:
    """Retries off unless a test turns them on, so each failure shows on its own."""
    return ClientSettings(**{"base_url": server.url, "retry": None, **changes})  # type: ignore[arg-type]


def client_for(
    server: ScriptedServer,
    backend: AsyncBackend,
    *,
    hooks: Hooks | None = None,
    auth: httpx.Auth | None = None,
    clock: FakeClock | None = None,
    **changes: object,
) -> httpx.AsyncClient:
    return build_async_client(
        settings(server, **changes),
        auth=auth,
        hooks=hooks or Hooks(),
        logger_name="sdk.backend_test",
        transport=backend,
        clock=clock or FakeClock(),
        jitter=lambda: 0.0,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the wire ---------------------------------------------------------------------------------------------


async def test_sends_exactly_the_request_httpx_built(server: ScriptedServer, backend: AsyncBackend) -> None:
    """The server sees httpx's headers and nothing else (no transport adds its own); the answer comes back whole."""
    server.default = Reply(headers=(("Content-Type", "application/json"), ("X-Request-ID", "req-1")))
    async with client_for(server, backend) as client:
        response = await client.get("/items/7?q=1", headers={"X-Custom": "yes"})
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert response.reason_phrase == "OK" and response.http_version == "HTTP/1.1"
    assert response.headers["x-request-id"] == "req-1"
    seen = server.seen[0]
    assert (seen.method, seen.target) == ("GET", "/items/7?q=1")
    names = [name for name, _ in seen.headers]
    assert sorted(names) == sorted(["host", "accept", "accept-encoding", "connection", "user-agent", "x-custom"])
    assert seen.header("user-agent") == ClientSettings(base_url=server.url).user_agent


async def test_request_bodies_bytes_and_streamed(server: ScriptedServer, backend: AsyncBackend) -> None:
    """A bytes body goes with its Content-Length; a streamed one arrives whole (chunked) with no duplicate framing."""

    async def pieces() -> AsyncIterator[bytes]:
        for piece in (b"alpha-", b"beta-", b"gamma"):
            yield piece

    async with client_for(server, backend) as client:
        await client.post("/upload", content=b'{"n": 1}', headers={"Content-Type": "application/json"})
        await client.post("/stream", content=pieces())
    plain, streamed = server.seen
    assert plain.body == b'{"n": 1}' and plain.header("content-length") == "8"
    assert plain.header("content-type") == "application/json"
    assert streamed.body == b"alpha-beta-gamma"
    assert [name for name, _ in streamed.headers].count("transfer-encoding") <= 1


async def test_compressed_answer_is_decoded_by_httpx(server: ScriptedServer, backend: AsyncBackend) -> None:
    """The transport hands the body over undecoded; httpx decodes Content-Encoding, as with its own pool."""
    server.default = Reply(body=gzip.compress(b'{"zipped": true}'), headers=(("Content-Encoding", "gzip"),))
    async with client_for(server, backend) as client:
        response = await client.get("/z")
    assert response.json() == {"zipped": True}


async def test_redirects_are_left_to_the_client(server: ScriptedServer, backend: AsyncBackend) -> None:
    """A 302 comes back as a 302: the transport follows nothing (httpx's client decides)."""
    server.default = Reply(status=302, body=b"", headers=(("Location", "/elsewhere"),))
    async with client_for(server, backend) as client:
        response = await client.get("/moved")
    assert response.status_code == 302 and len(server.seen) == 1


async def test_streamed_answer_closed_early_leaves_the_client_usable(
    server: ScriptedServer, backend: AsyncBackend
) -> None:
    """Closing a half-read streamed answer frees its connection; the next request still works."""
    server.replies.append(Reply(body=b"x" * 200_000, headers=()))
    async with client_for(server, backend) as client:
        async with client.stream("GET", "/big") as response:
            async for chunk in response.aiter_bytes():
                assert chunk
                break
        assert (await client.get("/after")).json() == {"ok": True}


async def test_pool_limit_caps_open_connections(server: ScriptedServer, backend: AsyncBackend) -> None:
    """`PoolLimits.max_connections` bounds the connections of the built transport, whichever it is."""
    server.default = Reply(delay_s=0.05)
    async with client_for(server, backend, pool=PoolLimits(max_connections=2, max_keepalive=2)) as client:
        await asyncio.gather(*(client.get(f"/slow/{n}") for n in range(6)))
    assert len(server.seen) == 6
    assert server.max_open <= 2


# --- failures, mapped so retries stay safe -----------------------------------------------------------------


async def test_refused_connection_is_a_connect_error_retried_even_for_post(backend: AsyncBackend) -> None:
    """Refused connections raise httpx.ConnectError, which the retry policy retries even for a POST."""
    errors: list[ErrorEvent] = []
    hooks = Hooks()
    hooks.on_error(errors.append)
    client = build_async_client(
        ClientSettings(base_url=f"http://127.0.0.1:{closed_port()}", retry=RetryPolicy(max_attempts=2)),
        auth=None,
        hooks=hooks,
        logger_name="sdk.backend_test",
        transport=backend,
        clock=FakeClock(),
        jitter=lambda: 0.0,
    )
    async with client:
        with pytest.raises(httpx.ConnectError):
            await client.post("/write", content=b"x")
    assert [event.attempt for event in errors] == [1, 2]


async def test_dropped_connection_is_retried_for_get_only(server: ScriptedServer, backend: AsyncBackend) -> None:
    """A connection closed without an answer is a RemoteProtocolError: a GET is retried, a POST is not."""
    server.replies.extend([Reply(drop=True), Reply()])
    async with client_for(server, backend, retry=RetryPolicy(max_attempts=2)) as client:
        assert (await client.get("/flaky")).status_code == 200
        server.replies.append(Reply(drop=True))
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/once", content=b"x")
    assert [seen.method for seen in server.seen] == ["GET", "GET", "POST"]


async def test_slow_answer_raises_read_timeout(server: ScriptedServer, backend: AsyncBackend) -> None:
    """The read timeout from the settings (httpx's extensions["timeout"]) applies: httpx.ReadTimeout."""
    server.default = Reply(delay_s=1.0)
    async with client_for(server, backend, timeouts=Timeouts(read_s=0.1)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/slow")


# --- the runtime's stack on top ----------------------------------------------------------------------------


async def test_retries_503_with_attempt_numbers(server: ScriptedServer, backend: AsyncBackend) -> None:
    """503, 503, 200: three attempts numbered 1, 2, 3 on the wire; Retry-After is honoured by the clock."""
    server.replies.extend([Reply(status=503, headers=(("Retry-After", "2"),)), Reply(status=503), Reply()])
    clock = FakeClock()
    async with client_for(server, backend, clock=clock, retry=RetryPolicy(max_attempts=3)) as client:
        response = await client.get("/busy")
    assert response.status_code == 200
    assert [seen.header("x-attempt-number") for seen in server.seen] == ["1", "2", "3"]
    assert clock.sleeps[0] == 2.0


async def test_hooks_see_every_attempt(server: ScriptedServer, backend: AsyncBackend) -> None:
    """before_request and after_response (sync and async hooks) run once per attempt, in order."""
    server.replies.extend([Reply(status=500), Reply()])
    calls: list[tuple[str, int]] = []
    hooks = Hooks()

    @hooks.before_request
    async def before(event: RequestEvent) -> None:
        calls.append(("before", event.attempt))

    @hooks.after_response
    def after(event: ResponseEvent) -> None:
        calls.append((f"after {event.response.status_code}", event.attempt))

    async with client_for(server, backend, hooks=hooks, retry=RetryPolicy(max_attempts=2)) as client:
        await client.get("/hooked")
    assert calls == [("before", 1), ("after 500", 1), ("before", 2), ("after 200", 2)]


async def test_circuit_opens_after_consecutive_failures(server: ScriptedServer, backend: AsyncBackend) -> None:
    """Two 500s open the breaker: the third call fails fast with CircuitOpenError and never reaches the server."""
    server.default = Reply(status=500)
    async with client_for(server, backend, circuit=CircuitBreaker(failure_threshold=2)) as client:
        for _ in range(2):
            assert (await client.get("/down")).status_code == 500
        with pytest.raises(CircuitOpenError):
            await client.get("/down")
    assert len(server.seen) == 2


async def test_info_logging_one_line_per_attempt(
    server: ScriptedServer, backend: AsyncBackend, caplog: pytest.LogCaptureFixture
) -> None:
    """At INFO each attempt is one line with the status; an error answer's names the server's request id."""
    server.default = Reply(headers=(("X-Request-ID", "req-9"),))
    caplog.set_level(logging.INFO, logger="sdk.backend_test")
    async with client_for(server, backend) as client:
        await client.get("/logged?token=s3cret")
        server.default = Reply(status=404, headers=(("X-Request-ID", "req-10"),))
        await client.get("/missing")
    lines = [r.getMessage() for r in caplog.records if r.name == "sdk.backend_test"]
    assert len(lines) == 2
    assert "GET /logged?token=REDACTED -> 200 in" in lines[0] and "request id" not in lines[0]
    assert "GET /missing -> 404 in" in lines[1] and lines[1].endswith("(attempt 1, request id req-10)")
    assert "s3cret" not in lines[0]


@attrs.define
class RotatingProvider:
    """A token provider that hands out token-1, then token-2 on refresh."""

    issued: int = 0

    def _next(self) -> Token:
        self.issued += 1
        return Token(access_token=Secret(f"token-{self.issued}"))

    def fetch(self, client: httpx.Client, *, now: float) -> Token:
        return self._next()

    def refresh(self, client: httpx.Client, token: Token, *, now: float) -> Token | None:
        return self._next()

    async def async_fetch(self, client: httpx.AsyncClient, *, now: float) -> Token:
        return self._next()

    async def async_refresh(self, client: httpx.AsyncClient, token: Token, *, now: float) -> Token | None:
        return self._next()


async def test_token_refreshed_once_on_401(server: ScriptedServer, backend: AsyncBackend) -> None:
    """A 401 renews the token once and replays the request with the new one."""
    server.replies.extend([Reply(status=401), Reply()])
    auth = TokenRefreshAuth(RotatingProvider(), clock=FakeClock())
    async with client_for(server, backend, auth=auth) as client:
        response = await client.post("/secure", content=json.dumps({"a": 1}).encode())
    assert response.status_code == 200
    assert [seen.header("authorization") for seen in server.seen] == ["Bearer token-1", "Bearer token-2"]
    assert server.seen[1].body == b'{"a": 1}'


# --- configuration -----------------------------------------------------------------------------------------


def test_unknown_backend_is_a_configuration_error() -> None:
    """transport= takes a transport, "httpx", "aiohttp" or "httptools"; anything else names the setting."""
    with pytest.raises(ConfigurationError) as caught:
        build_async_client(
            ClientSettings(base_url="http://127.0.0.1:1"),
            auth=None,
            hooks=Hooks(),
            logger_name="sdk",
            transport="curl",  # type: ignore[arg-type]
        )
    assert caught.value.setting == "transport"


@pytest.mark.parametrize(
    ("package", "transport_class", "hint"),
    [("aiohttp", AiohttpTransport, "fast"), ("httptools", HttptoolsTransport, "which the SDK depends on")],
)
def test_missing_package_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, package: str, transport_class: type[httpx.AsyncBaseTransport], hint: str
) -> None:
    """Without its package, asking for a transport raises ConfigurationError saying how to get it: the SDK's
    fast extra for aiohttp; httptools is a dependency of every SDK."""
    import builtins

    real_import = builtins.__import__

    def without_package(name: str, *args: object, **kwargs: object) -> object:
        if name == package or name.startswith(f"{package}."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", without_package)
    with pytest.raises(ConfigurationError, match=hint) as caught:
        transport_class()
    assert caught.value.setting == "transport"
    assert f'transport="{package}" needs {package}' in str(caught.value)


async def test_transport_serves_one_event_loop(server: ScriptedServer) -> None:
    """The aiohttp session belongs to the loop that first used it; closing twice is harmless."""
    transport = AiohttpTransport()
    async with httpx.AsyncClient(transport=transport, base_url=server.url) as client:
        assert (await client.get("/one")).status_code == 200
    await transport.aclose()

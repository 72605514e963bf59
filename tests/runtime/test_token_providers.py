"""Static and login/refresh token providers, sync and async, over MockTransport."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from runtime import (
    ClientCredentialsProvider,
    ClientSettings,
    FakeClock,
    RetryPolicy,
    Timeouts,
    build_async_token_client,
    build_token_client,
)
from runtime.auth._token import Token
from runtime.auth._token_providers import LoginTokenProvider, StaticTokenProvider
from runtime.core._errors import ConnectError, RequestTimeout, TokenRefreshError
from runtime.core._secret import Secret

BASE = "https://api.test/v1"
NOW = 1_700_000_000.0


class Server:
    """Records token calls; answers the refresh endpoint with `refresh_status`."""

    def __init__(self, refresh_status: int = 200) -> None:
        self.refresh_status = refresh_status
        self.requests: list[tuple[str, dict[str, object]]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append((request.url.path, body))
        if request.url.path.endswith("/refresh"):
            if self.refresh_status != 200:
                return httpx.Response(self.refresh_status)
            return httpx.Response(200, json={"token": "from-refresh", "ttl": 60})
        return httpx.Response(200, json={"token": "from-login", "renew": "r-1", "ttl": 900})

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=BASE, transport=httpx.MockTransport(self.handler))

    def async_client(self) -> httpx.AsyncClient:
        async def handler(request: httpx.Request) -> httpx.Response:
            return self.handler(request)

        return httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))


def login_provider(refresh_path: str | None = "/auth/refresh") -> LoginTokenProvider:
    return LoginTokenProvider(
        "/auth/login",
        refresh_path,
        {"email": Secret("a@example.com"), "password": Secret("pw-secret-1")},
        access_token_field="token",
        refresh_token_field="renew",
        expires_in_field="ttl",
    )


def test_login_posts_credentials_as_json_under_the_base_url() -> None:
    """Login POSTs the revealed credentials as JSON to base_url + login_path and reads the fields."""
    server = Server()
    token = login_provider().fetch(server.client(), now=NOW)
    assert server.requests == [("/v1/auth/login", {"email": "a@example.com", "password": "pw-secret-1"})]
    assert token == Token(
        access_token=Secret("from-login"), refresh_token=Secret("r-1"), expires_at=NOW + 900, issued_at=NOW
    )


def test_refresh_posts_the_refresh_token_and_keeps_it_if_not_reissued() -> None:
    """Refresh POSTs {refresh_token_field: value}; a missing new refresh token keeps the old one."""
    server = Server()
    old = Token(access_token=Secret("old"), refresh_token=Secret("r-1"))
    token = login_provider().refresh(server.client(), old, now=NOW)
    assert server.requests == [("/v1/auth/refresh", {"renew": "r-1"})]
    assert token == Token(
        access_token=Secret("from-refresh"), refresh_token=Secret("r-1"), expires_at=NOW + 60, issued_at=NOW
    )


@pytest.mark.parametrize("status", [400, 401])
def test_rejected_refresh_falls_back_to_login(status: int) -> None:
    """A refresh answered 400/401 means the refresh token is dead: the provider logs in again."""
    server = Server(refresh_status=status)
    old = Token(access_token=Secret("old"), refresh_token=Secret("r-1"))
    token = login_provider().refresh(server.client(), old, now=NOW)
    assert [path for path, _ in server.requests] == ["/v1/auth/refresh", "/v1/auth/login"]
    assert token is not None and token.access_token == Secret("from-login")


def test_refresh_server_error_raises() -> None:
    """A 5xx refresh is not papered over with a login: it raises TokenRefreshError."""
    server = Server(refresh_status=502)
    old = Token(access_token=Secret("old"), refresh_token=Secret("r-1"))
    with pytest.raises(TokenRefreshError, match=r"Token refresh \(POST /auth/refresh\) failed with HTTP 502"):
        login_provider().refresh(server.client(), old, now=NOW)


@pytest.mark.parametrize("provider_refresh_path", [None, "/auth/refresh"])
def test_refresh_without_path_or_refresh_token_logs_in(provider_refresh_path: str | None) -> None:
    """No refresh operation, or no refresh token, means renewal is a login."""
    server = Server()
    old = Token(access_token=Secret("old"), refresh_token=None)
    login_provider(provider_refresh_path).refresh(server.client(), old, now=NOW)
    assert [path for path, _ in server.requests] == ["/v1/auth/login"]


async def test_async_login_and_refresh_fallback() -> None:
    """The async methods follow the same rules as the sync ones."""
    server = Server(refresh_status=401)
    async with server.async_client() as client:
        token = await login_provider().async_fetch(client, now=NOW)
        renewed = await login_provider().async_refresh(client, token, now=NOW)
    assert [path for path, _ in server.requests] == ["/v1/auth/login", "/v1/auth/refresh", "/v1/auth/login"]
    assert renewed is not None and renewed.access_token == Secret("from-login")


def test_unreachable_token_endpoint_raises_the_transport_error_naming_the_token_request() -> None:
    """A connect error during login is a ConnectError (not a TokenRefreshError) naming the login call."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(handler))
    with pytest.raises(ConnectError, match=r"The token request \(Login \(POST /auth/login\)\) got no answer") as caught:
        login_provider().fetch(client, now=NOW)
    assert not isinstance(caught.value, TokenRefreshError)
    assert "pw-secret-1" not in str(caught.value)


def test_non_json_answer_raises() -> None:
    """A 200 that is not JSON (e.g. an HTML login page) raises TokenRefreshError."""
    client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(lambda r: httpx.Response(200, text="<html>")))
    with pytest.raises(TokenRefreshError, match="not JSON"):
        login_provider().fetch(client, now=NOW)


@pytest.mark.parametrize("body", [b"<html>", b"[" * 100_000], ids=["html", "nested-too-deeply"])
def test_an_answer_without_a_readable_token_raises(body: bytes) -> None:
    """A 200 whose body no JSON reader takes (an HTML login page; JSON nested past Python's recursion limit)
    raises TokenRefreshError, never the parser's own error."""
    answer = httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
    client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(lambda r: answer))
    with pytest.raises(TokenRefreshError, match="not JSON"):
        login_provider().fetch(client, now=NOW)


def test_credentials_must_be_secrets_and_stay_out_of_repr() -> None:
    """Plain-string credentials are refused; the provider's repr masks them."""
    with pytest.raises(TypeError, match="password"):
        LoginTokenProvider("/login", None, {"password": "plain"})  # type: ignore[dict-item]
    assert "pw-secret-1" not in repr(login_provider())


async def test_static_provider_never_refreshes() -> None:
    """A static token never expires and refresh() gives None (a 401 is final)."""
    provider = StaticTokenProvider(Secret("k-1"))
    client = httpx.Client()
    token = provider.fetch(client, now=NOW)
    assert token.authorization() == "Bearer k-1" and token.expires_at is None
    assert provider.refresh(client, token, now=NOW) is None
    async with httpx.AsyncClient() as async_client:
        assert await provider.async_fetch(async_client, now=NOW) == token
        assert await provider.async_refresh(async_client, token, now=NOW) is None
    assert "k-1" not in repr(provider)


# --- against local servers, through the SDK's token client (retries) -------------------------------------


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _silent_server() -> Iterator[tuple[str, list[int]]]:
    """Accepts connections on 127.0.0.1 and never answers; counts them. Always stopped."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.02)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    counts: list[int] = []
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", counts
    finally:
        stop.set()
        thread.join(timeout=5)
        counts.append(len(accepted))
        for sock in accepted:
            sock.close()
        listener.close()


def _oauth2_provider() -> ClientCredentialsProvider:
    return ClientCredentialsProvider("/oauth/token", "client-1", Secret("oauth-secret-1"))


def _fetch(provider: Any, settings: ClientSettings, backend: str, clock: FakeClock) -> None:
    """One fetch through the token client the SDK builds for `settings`."""
    if backend == "sync":
        with build_token_client(settings, logger_name="sdk.token_test", clock=clock, jitter=lambda: 0.0) as client:
            provider.fetch(client, now=NOW)
        return

    async def fetch() -> None:
        async with build_async_token_client(
            settings,
            logger_name="sdk.token_test",
            transport=backend,
            clock=clock,
            jitter=lambda: 0.0,  # type: ignore[arg-type]
        ) as client:
            await provider.async_fetch(client, now=NOW)

    asyncio.run(fetch())


@pytest.mark.parametrize("backend", ["sync", "httpx", "aiohttp", "httptools"])
@pytest.mark.parametrize(
    ("provider", "named"), [(login_provider(), "Login (POST /auth/login)"), (_oauth2_provider(), "OAuth2")]
)
def test_unreachable_token_server_is_retried_then_raises_connect_error(
    backend: str, provider: object, named: str
) -> None:
    """Refused token requests (login or OAuth2) are retried like idempotent calls (three attempts, two
    backoff sleeps), then raise ConnectError naming the token request, never TokenRefreshError."""
    clock = FakeClock()
    settings = ClientSettings(base_url=f"http://127.0.0.1:{_closed_port()}", retry=RetryPolicy(max_attempts=3))
    with pytest.raises(ConnectError) as caught:
        _fetch(provider, settings, backend, clock)
    assert not isinstance(caught.value, TokenRefreshError)
    assert "The token request" in str(caught.value) and named in str(caught.value)
    assert clock.sleeps == [1.0, 2.0]
    assert "pw-secret-1" not in str(caught.value) and "oauth-secret-1" not in str(caught.value)


@pytest.mark.parametrize("backend", ["sync", "httpx", "aiohttp", "httptools"])
def test_silent_token_server_times_out_after_retries_with_request_timeout(backend: str) -> None:
    """A token server that never answers: each attempt hits the read timeout, the login is retried, and
    RequestTimeout (a TransportError) names the token request."""
    clock = FakeClock()
    with _silent_server() as (url, counts):
        settings = ClientSettings(base_url=url, retry=RetryPolicy(max_attempts=2), timeouts=Timeouts(read_s=0.05))
        with pytest.raises(RequestTimeout, match=r"The token request \(Login \(POST /auth/login\)\)"):
            _fetch(login_provider(), settings, backend, clock)
    assert clock.sleeps == [1.0]
    assert counts == [2]

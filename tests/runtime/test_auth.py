"""TokenRefreshAuth: proactive renewal, one renewal per 401, no loops, single flight (threads and asyncio).

Every API call goes through httpx's own clients (the auth's flow as httpx runs it, a generator) and through
the SDK's lean clients (the same flow as plain calls, `LeanAuth`): the `clients` fixture runs each test on both.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from runtime.auth._auth import TokenRefreshAuth
from runtime.auth._oauth2 import ClientCredentialsProvider
from runtime.auth._token import Token, TokenProvider
from runtime.auth._token_providers import LoginTokenProvider, StaticTokenProvider
from runtime.auth._token_store import MemoryTokenStore
from runtime.core._clock import FakeClock
from runtime.core._defaults import DEFAULT_REFRESH_SKEW_S, REFRESH_LIFETIME_FRACTION
from runtime.core._errors import ConfigurationError, ConnectError, TokenRefreshError
from runtime.core._secret import Secret
from runtime.pipeline._lean_client import AsyncLeanClient, LeanClient

BASE = "https://api.test"
PASSWORD = "hunter2-very-secret"


class TokenServer:
    """A login/refresh endpoint that issues numbered tokens and counts its calls."""

    def __init__(self, *, expires_in: float = 3600.0, fail_with: int | None = None) -> None:
        self.expires_in = expires_in
        self.fail_with = fail_with
        self.logins = 0
        self.refreshes = 0
        self.issued = 0
        self.lock = threading.Lock()
        self.gate: threading.Event | None = None
        self.async_gate: asyncio.Event | None = None

    @property
    def calls(self) -> int:
        return self.logins + self.refreshes

    def _answer(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if request.url.path == "/auth/login":
                self.logins += 1
            else:
                self.refreshes += 1
            if self.fail_with is not None:
                return httpx.Response(self.fail_with, json={"error": "nope"})
            self.issued += 1
            n = self.issued
        body = {"access_token": f"access-{n}", "refresh_token": f"refresh-{n}", "expires_in": self.expires_in}
        return httpx.Response(200, json=body)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.gate is not None:
            assert self.gate.wait(10), "the concurrent callers never all arrived"
        return self._answer(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if self.async_gate is not None:
            await asyncio.wait_for(self.async_gate.wait(), 10)
        return self._answer(request)

    @property
    def current(self) -> str:
        return f"Bearer access-{self.issued}"


class Api:
    """An API endpoint accepting only the newest token (or always refusing)."""

    def __init__(self, server: TokenServer, *, always_401: bool = False) -> None:
        self.server = server
        self.always_401 = always_401
        self.calls = 0
        self.seen: list[str | None] = []
        self.lock = threading.Lock()

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.calls += 1
            self.seen.append(request.headers.get("authorization"))
        ok = not self.always_401 and request.headers.get("authorization") == self.server.current
        return httpx.Response(200, json={"ok": True}) if ok else httpx.Response(401)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)


def provider() -> LoginTokenProvider:
    return LoginTokenProvider("/auth/login", "/auth/refresh", {"username": Secret("ann"), "password": Secret(PASSWORD)})


def make_auth(server: TokenServer, clock: FakeClock, **kwargs: object) -> TokenRefreshAuth:
    token_client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(server.handler))
    async_token_client = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(server.async_handler))
    return TokenRefreshAuth(
        kwargs.pop("provider", provider()),  # type: ignore[arg-type]
        clock=clock,
        token_client=token_client,
        async_token_client=async_token_client,
        **kwargs,  # type: ignore[arg-type]
    )


SyncClient: type[httpx.Client] = httpx.Client  # the API clients of the running test (`clients`)
AsyncClient: type[httpx.AsyncClient] = httpx.AsyncClient
CLIENTS = {"httpx": (httpx.Client, httpx.AsyncClient), "lean": (LeanClient, AsyncLeanClient)}


@pytest.fixture(autouse=True, params=sorted(CLIENTS))
def clients(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API clients: httpx's (the auth flow as a generator) or the lean ones (the flow as plain calls)."""
    sync, async_ = CLIENTS[request.param]
    monkeypatch.setattr(sys.modules[__name__], "SyncClient", sync)
    monkeypatch.setattr(sys.modules[__name__], "AsyncClient", async_)


def api_client(auth: httpx.Auth, api: Api) -> httpx.Client:
    return SyncClient(base_url=BASE, auth=auth, transport=httpx.MockTransport(api.handler))


def async_api_client(auth: httpx.Auth, api: Api) -> httpx.AsyncClient:
    return AsyncClient(base_url=BASE, auth=auth, transport=httpx.MockTransport(api.async_handler))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_first_request_logs_in_and_later_requests_reuse_the_token(clock: FakeClock) -> None:
    """The first request fetches a token; the following ones reuse it without any token call."""
    server = TokenServer()
    api = Api(server)
    with api_client(make_auth(server, clock), api) as client:
        assert [client.get("/items").status_code for _ in range(3)] == [200, 200, 200]
    assert (server.logins, server.refreshes, api.calls) == (1, 0, 3)


def test_proactive_refresh_inside_the_skew(clock: FakeClock) -> None:
    """A token within skew_s of expiry is refreshed before the request; one outside the skew is not."""
    server = TokenServer(expires_in=300)
    api = Api(server)
    with api_client(make_auth(server, clock, skew_s=60.0), api) as client:
        client.get("/items")
        clock.advance(239)  # 61 s left: outside the skew
        client.get("/items")
        assert server.refreshes == 0
        clock.advance(2)  # 59 s left: inside the skew
        assert client.get("/items").status_code == 200
    assert (server.logins, server.refreshes, api.calls) == (1, 1, 3)
    assert api.seen[-1] == "Bearer access-2"


def test_401_refreshes_once_and_replays(clock: FakeClock) -> None:
    """A 401 on a token the clock thinks valid causes one refresh and one replay with the new token."""
    server = TokenServer()
    api = Api(server)
    auth = make_auth(server, clock)
    with api_client(auth, api) as client:
        client.get("/items")
        server.issued += 1  # the server revoked access-1 behind our back
        response = client.post("/items", json={"name": "x"})
    assert response.status_code == 200
    assert (server.refreshes, api.calls) == (1, 3)
    assert api.seen[1:] == ["Bearer access-1", "Bearer access-3"]


def test_second_401_is_returned_not_looped(clock: FakeClock) -> None:
    """When the replay is refused too, that 401 goes back to the caller: one refresh, two sends."""
    server = TokenServer()
    api = Api(server, always_401=True)
    with api_client(make_auth(server, clock), api) as client:
        response = client.get("/items")
    assert response.status_code == 401
    assert (server.logins, server.refreshes, api.calls) == (1, 1, 2)


def test_refresh_failure_raises_token_refresh_error_without_loop(clock: FakeClock) -> None:
    """A failing token endpoint raises TokenRefreshError (no secret in it) and the API is not retried."""
    server = TokenServer()
    api = Api(server, always_401=True)
    with api_client(make_auth(server, clock), api) as client:
        client.get("/items")
        server.fail_with = 500
        with pytest.raises(TokenRefreshError) as info:
            client.get("/items")
    assert api.calls == 3  # 2 for the first get, 1 for the second: its refresh failed, nothing replayed
    assert "try again later" in str(info.value)
    assert PASSWORD not in str(info.value) and "refresh-1" not in str(info.value)


def test_login_failure_names_the_credential_fields_but_no_values(clock: FakeClock) -> None:
    """A refused login says to check the credentials, naming the fields, never their values."""
    server = TokenServer(fail_with=401)
    with (
        api_client(make_auth(server, clock), Api(server)) as client,
        pytest.raises(TokenRefreshError) as info,
    ):
        client.get("/items")
    message = str(info.value)
    assert "HTTP 401" in message and "password, username" in message
    assert PASSWORD not in message


def test_static_token_401_is_final(clock: FakeClock) -> None:
    """A fixed token cannot be refreshed, so its 401 is returned after a single send."""
    calls: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers.get("authorization"))
        return httpx.Response(401)

    auth = TokenRefreshAuth(StaticTokenProvider(Secret("key-123")), clock=clock)
    with SyncClient(base_url=BASE, auth=auth, transport=httpx.MockTransport(handler)) as client:
        assert client.get("/items").status_code == 401
    auth.close()
    assert calls == ["Bearer key-123"]


async def test_close_only_closes_clients_it_built(clock: FakeClock) -> None:
    """Borrowed token clients stay open; a bare client built for lack of one is closed by aclose()."""
    borrowed = httpx.Client(base_url=BASE)
    auth = TokenRefreshAuth(StaticTokenProvider(Secret("k")), clock=clock, token_client=borrowed)
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    async with AsyncClient(base_url=BASE, auth=auth, transport=transport) as client:
        await client.get("/items")  # no async token client given: a bare one is built
    built = auth._async_token_client
    assert built is not None and not built.is_closed
    await auth.aclose()
    assert built.is_closed and not borrowed.is_closed
    borrowed.close()


def test_streamed_body_is_not_replayed(clock: FakeClock) -> None:
    """A request whose body was a one-shot stream gets its 401 back instead of a refresh and replay."""
    server = TokenServer()
    api = Api(server, always_401=True)

    def chunks() -> Iterator[bytes]:
        yield b"data"

    class WireTransport(httpx.BaseTransport):
        """Consumes the body like a socket would (MockTransport buffers it, which makes it replayable)."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            assert b"".join(request.stream) == b"data"  # type: ignore[arg-type]
            return api.handler(request)

    auth = make_auth(server, clock)
    with SyncClient(base_url=BASE, auth=auth, transport=WireTransport()) as client:
        assert client.post("/upload", content=chunks()).status_code == 401
    assert (server.refreshes, api.calls) == (0, 1)


def test_failed_early_renewal_keeps_the_unexpired_token(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    """Inside the skew but not expired, a failed renewal logs a warning and the current token is used."""
    server = TokenServer(expires_in=300)
    api = Api(server)
    with api_client(make_auth(server, clock), api) as client:
        client.get("/items")
        clock.advance(250)
        server.fail_with = 503
        with caplog.at_level(logging.WARNING):
            assert client.get("/items").status_code == 200
    assert api.seen[-1] == "Bearer access-1"
    assert "current one is kept" in caplog.text


def test_early_renewal_without_an_answer_keeps_the_token_and_a_first_login_raises_it(clock: FakeClock) -> None:
    """A renewal that gets no answer (a ConnectError naming the token request) is handled like a refused
    one: inside the skew the current token is kept; once it has expired the ConnectError reaches the
    caller, not a TokenRefreshError."""
    server = TokenServer(expires_in=300)
    api = Api(server)
    unreachable = {"on": False}
    answer = server.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if unreachable["on"]:
            raise httpx.ConnectError("refused", request=request)
        return answer(request)

    auth = TokenRefreshAuth(
        provider(), clock=clock, token_client=httpx.Client(base_url=BASE, transport=httpx.MockTransport(handler))
    )
    with api_client(auth, api) as client:
        client.get("/items")
        clock.advance(250)
        unreachable["on"] = True
        assert client.get("/items").status_code == 200
        assert api.seen[-1] == "Bearer access-1"
        clock.advance(100)  # expired now: nothing to keep
        with pytest.raises(ConnectError, match="The token request") as caught:
            client.get("/items")
    assert not isinstance(caught.value, TokenRefreshError)


def test_stored_token_is_used_without_login(clock: FakeClock) -> None:
    """A token already in the store (e.g. a file from an earlier run) is used without a token call."""
    server = TokenServer()
    server.issued = 7
    store = MemoryTokenStore()
    store.save(Token(access_token=Secret("access-7"), expires_at=clock.time() + 3600))
    api = Api(server)
    with api_client(make_auth(server, clock, store=store), api) as client:
        assert client.get("/items").status_code == 200
    assert server.calls == 0


def test_new_tokens_are_saved_and_clear_forgets(clock: FakeClock) -> None:
    """Each new token is saved to the store; clear() empties it and the next request logs in."""
    server = TokenServer()
    store = MemoryTokenStore()
    auth = make_auth(server, clock, store=store)
    with api_client(auth, Api(server)) as client:
        client.get("/items")
        saved = store.load()
        assert saved is not None and saved.access_token == Secret("access-1")
        auth.clear()
        assert store.load() is None and auth.token is None
        client.get("/items")
    assert server.logins == 2


def test_plain_http_to_a_remote_host_is_refused(clock: FakeClock) -> None:
    """The token is never sent over plain HTTP to another machine; loopback is fine."""
    auth = TokenRefreshAuth(StaticTokenProvider(Secret("key")), clock=clock)
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(auth=auth, transport=transport) as client:
        with pytest.raises(ConfigurationError):
            client.get("http://api.example.com/items")
        assert client.get("http://127.0.0.1:4010/items").status_code == 200


def test_auth_flow_driven_by_hand(clock: FakeClock) -> None:
    """Driven with next()/send(): a 401 yields one replay with the new token, then the flow ends."""
    server = TokenServer()
    auth = make_auth(server, clock)
    request = httpx.Request("GET", f"{BASE}/items")
    flow = auth.sync_auth_flow(request)
    first = next(flow)
    assert first.headers["authorization"] == "Bearer access-1"
    second = flow.send(httpx.Response(401))
    assert second.headers["authorization"] == "Bearer access-2"
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(401))


class CountingAuth(httpx.Auth):
    """Counts tasks entering the wrapped flow and opens the token server's gate once all arrived.

    A task runs without suspension from entering the flow to waiting on the lock, so all have taken
    their token snapshot when the gate opens.
    """

    def __init__(self, inner: TokenRefreshAuth, expected: int, server: TokenServer) -> None:
        self.inner, self.expected, self.server = inner, expected, server
        self.entered = 0

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        self.entered += 1
        if self.entered == self.expected and self.server.async_gate is not None:
            self.server.async_gate.set()
        flow = self.inner.async_auth_flow(request)
        response = yield await flow.__anext__()
        while True:
            try:
                response = yield await flow.asend(response)
            except StopAsyncIteration:
                return


N = 100


class ThreadTrackingClock(FakeClock):
    """Opens `gate` once `expected` distinct threads have read the time, i.e. taken their token snapshot."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()
        self.expected = 0
        self.gate: threading.Event | None = None
        self.lock = threading.Lock()

    def arm(self, expected: int, gate: threading.Event) -> None:
        self.threads, self.expected, self.gate = set(), expected, gate

    def time(self) -> float:
        with self.lock:
            self.threads.add(threading.get_ident())
            if self.gate is not None and len(self.threads) >= self.expected:
                self.gate.set()
        return super().time()


def test_concurrent_threads_with_expired_token_refresh_once() -> None:
    """100 threads holding an expired token cause exactly one refresh; all succeed with the new token."""
    server = TokenServer(expires_in=100)
    api = Api(server)
    clock = ThreadTrackingClock()
    with api_client(make_auth(server, clock), api) as client:
        client.get("/items")
        clock.advance(200)
        server.gate = threading.Event()
        clock.arm(N, server.gate)
        with ThreadPoolExecutor(max_workers=N) as pool:
            statuses = list(pool.map(lambda _: client.get("/items").status_code, range(N)))
    assert statuses == [200] * N
    assert (server.logins, server.refreshes) == (1, 1)


def test_concurrent_threads_after_401_refresh_once(clock: FakeClock) -> None:
    """100 threads refused with the same revoked token share one refresh (the generation check)."""
    server = TokenServer()
    api = Api(server)
    inner = make_auth(server, clock)
    with api_client(inner, api) as client:
        client.get("/items")
        server.issued += 1  # revoke access-1
        with ThreadPoolExecutor(max_workers=N) as pool:
            statuses = list(pool.map(lambda _: client.get("/items").status_code, range(N)))
    assert statuses == [200] * N
    assert server.refreshes == 1


def test_concurrent_threads_share_one_failure() -> None:
    """When the one refresh fails, the threads that waited for it get that failure without calling again."""
    server = TokenServer(expires_in=100)
    api = Api(server)
    clock = ThreadTrackingClock()
    with api_client(make_auth(server, clock), api) as client:
        client.get("/items")
        clock.advance(200)
        server.fail_with = 500
        server.gate = threading.Event()
        clock.arm(N, server.gate)

        def call(_: int) -> str:
            try:
                client.get("/items")
            except TokenRefreshError:
                return "error"
            return "ok"

        with ThreadPoolExecutor(max_workers=N) as pool:
            outcomes = list(pool.map(call, range(N)))
    assert outcomes == ["error"] * N
    assert server.refreshes == 1


async def test_concurrent_tasks_with_expired_token_refresh_once(clock: FakeClock) -> None:
    """100 asyncio tasks holding an expired token cause exactly one refresh."""
    server = TokenServer(expires_in=100)
    api = Api(server)
    auth = CountingAuth(make_auth(server, clock), N, server)
    async with async_api_client(auth, api) as client:
        await client.get("/items")
        clock.advance(200)
        server.async_gate = asyncio.Event()
        auth.entered = 0
        responses = await asyncio.gather(*(client.get("/items") for _ in range(N)))
    assert [r.status_code for r in responses] == [200] * N
    assert (server.logins, server.refreshes) == (1, 1)


async def test_async_401_refreshes_once_and_second_401_is_final(clock: FakeClock) -> None:
    """The async flow follows the same rules: one refresh and replay; a second 401 is returned."""
    server = TokenServer()
    api = Api(server)
    async with async_api_client(make_auth(server, clock), api) as client:
        await client.get("/items")
        server.issued += 1
        assert (await client.get("/items")).status_code == 200
        api.always_401 = True
        assert (await client.get("/items")).status_code == 401
    assert server.refreshes == 2
    assert api.calls == 5


async def test_async_refresh_failure_raises(clock: FakeClock) -> None:
    """An async refresh failure raises TokenRefreshError and sends nothing more."""
    server = TokenServer(fail_with=503)
    api = Api(server)
    async with async_api_client(make_auth(server, clock), api) as client:
        with pytest.raises(TokenRefreshError, match="HTTP 503"):
            await client.get("/items")
    assert api.calls == 0


def test_one_lock_per_event_loop(clock: FakeClock) -> None:
    """The same auth serves clients on successive event loops (an asyncio.Lock is bound to one loop)."""
    server = TokenServer(expires_in=10)
    api = Api(server)
    auth = make_auth(server, clock)

    async def one_call() -> int:
        async with async_api_client(auth, api) as client:
            return (await client.get("/items")).status_code

    for _ in range(2):
        clock.advance(100)
        assert asyncio.run(one_call()) == 200
    assert server.calls == 2


def test_repr_shows_no_secret(clock: FakeClock) -> None:
    """Neither the auth nor its token shows a secret in repr."""
    server = TokenServer()
    auth = make_auth(server, clock)
    with api_client(auth, Api(server)) as client:
        client.get("/items")
    assert "access-1" not in repr(auth) and "access-1" not in repr(auth.token)
    assert PASSWORD not in repr(provider())
    json.dumps(repr(auth.token))  # plain text


def test_operations_without_security_get_no_token_and_cause_no_login() -> None:
    """A request marked sdk.anonymous (spec: security: []) is sent as is: no Authorization, no token call."""
    from runtime import FakeClock, TokenRefreshAuth
    from runtime.core._defaults import ANONYMOUS_EXTENSION

    class Unreachable:
        def fetch(self, client: object, *, now: float) -> None:
            raise AssertionError("no token may be fetched for an anonymous operation")

        refresh = async_fetch = async_refresh = fetch

    auth = TokenRefreshAuth(Unreachable(), clock=FakeClock())  # type: ignore[arg-type]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok"})

    with SyncClient(base_url="http://127.0.0.1", auth=auth, transport=httpx.MockTransport(handler)) as client:
        response = client.get("/health", extensions={ANONYMOUS_EXTENSION: True})
    assert response.status_code == 200
    assert "Authorization" not in seen[0].headers


def test_access_token_fetches_once_and_renews_inside_the_skew(clock: FakeClock) -> None:
    """access_token() returns the bare token value, logs in on first use, reuses it, refreshes near expiry."""
    server = TokenServer(expires_in=300)
    auth = make_auth(server, clock, skew_s=60.0)
    assert auth.access_token() == "access-1"
    assert auth.access_token() == "access-1"
    clock.advance(241)  # 59 s left: inside the skew
    assert auth.access_token() == "access-2"
    assert (server.logins, server.refreshes) == (1, 1)
    assert auth.token is not None and "access-2" not in repr(auth.token)


def test_access_token_failure_raises_token_refresh_error(clock: FakeClock) -> None:
    """A failed login behind access_token() raises TokenRefreshError, naming no secret."""
    server = TokenServer(fail_with=503)
    auth = make_auth(server, clock)
    with pytest.raises(TokenRefreshError) as caught:
        auth.access_token()
    assert PASSWORD not in str(caught.value)


async def test_async_access_token_shares_one_renewal_between_tasks(clock: FakeClock) -> None:
    """Concurrent async_access_token() calls with an expired token cause one refresh and get the same value."""
    server = TokenServer(expires_in=100)
    auth = make_auth(server, clock)
    assert await auth.async_access_token() == "access-1"
    clock.advance(200)
    tokens = await asyncio.gather(*(auth.async_access_token() for _ in range(20)))
    assert tokens == ["access-2"] * 20
    assert (server.logins, server.refreshes) == (1, 1)


async def test_async_access_token_and_requests_share_the_token(clock: FakeClock) -> None:
    """The token handed to a WebSocket is the one the HTTP requests carry: no second login."""
    server = TokenServer()
    api = Api(server)
    auth = make_auth(server, clock)
    async with async_api_client(auth, api) as client:
        await client.get("/items")
        assert await auth.async_access_token() == "access-1"
    assert server.calls == 1


# -- short-lived tokens: one token request per expiry ------------------------------------------------

LIFETIMES_S = [30, 60, 3600]
EXPIRIES = 3
SEQUENTIAL_CALLS = 20


def margin_s(lifetime_s: float) -> float:
    """The renewal margin the runtime promises for a token of this lifetime."""
    return min(DEFAULT_REFRESH_SKEW_S, REFRESH_LIFETIME_FRACTION * lifetime_s)


def provider_of(kind: str) -> TokenProvider:
    """A login/refresh provider, or OAuth2 client credentials against the same counting endpoint."""
    if kind == "login":
        return provider()
    return ClientCredentialsProvider("/oauth/token", "client-1", Secret("cc-secret-value"))


class ThreadArrivals(httpx.Auth):
    """Opens the token server's gate once `expected` threads have entered the wrapped flow, so the one
    token request stays open while every thread is on its way to (or waiting on) the renewal lock."""

    def __init__(self, inner: TokenRefreshAuth, expected: int, server: TokenServer) -> None:
        self.inner, self.expected, self.server = inner, expected, server
        self.entered = 0
        self.lock = threading.Lock()

    def arm(self) -> None:
        self.entered, self.server.gate = 0, threading.Event()

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self.lock:
            self.entered += 1
            if self.entered == self.expected and self.server.gate is not None:
                self.server.gate.set()
        yield from self.inner.sync_auth_flow(request)


def sequential_calls_within_the_fresh_window(call: Callable[[], int], clock: FakeClock, lifetime_s: float) -> None:
    """SEQUENTIAL_CALLS calls spread over the part of the lifetime before renewal is due, all answered 200."""
    step_s = 0.99 * (lifetime_s - margin_s(lifetime_s)) / SEQUENTIAL_CALLS
    for _ in range(SEQUENTIAL_CALLS):
        clock.advance(step_s)
        assert call() == 200


@pytest.mark.parametrize("kind", ["login", "client_credentials"])
@pytest.mark.parametrize("lifetime_s", LIFETIMES_S)
def test_threads_cause_one_token_request_per_expiry(clock: FakeClock, lifetime_s: int, kind: str) -> None:
    """With 30 s, 60 s or 3600 s tokens, 100 threads and 20 sequential calls per lifetime cost exactly one
    token request per expiry (login/refresh and client credentials alike)."""
    server = TokenServer(expires_in=lifetime_s)
    api = Api(server)
    auth = ThreadArrivals(make_auth(server, clock, provider=provider_of(kind)), N, server)
    with api_client(auth, api) as client:
        for expiry in range(EXPIRIES):
            auth.arm()
            with ThreadPoolExecutor(max_workers=N) as pool:
                statuses = list(pool.map(lambda _: client.get("/items").status_code, range(N)))
            assert statuses == [200] * N
            sequential_calls_within_the_fresh_window(lambda: client.get("/items").status_code, clock, lifetime_s)
            assert server.calls == expiry + 1
            clock.advance(lifetime_s)  # past expiry: the next round must renew, once
    assert api.calls == EXPIRIES * (N + SEQUENTIAL_CALLS)


@pytest.mark.parametrize("kind", ["login", "client_credentials"])
@pytest.mark.parametrize("lifetime_s", LIFETIMES_S)
async def test_tasks_cause_one_token_request_per_expiry(clock: FakeClock, lifetime_s: int, kind: str) -> None:
    """The async twin: 100 tasks and 20 sequential calls per lifetime cost exactly one token request per expiry."""
    server = TokenServer(expires_in=lifetime_s)
    api = Api(server)
    auth = CountingAuth(make_auth(server, clock, provider=provider_of(kind)), N, server)
    async with async_api_client(auth, api) as client:
        for expiry in range(EXPIRIES):
            auth.entered, server.async_gate = 0, asyncio.Event()
            responses = await asyncio.gather(*(client.get("/items") for _ in range(N)))
            assert [r.status_code for r in responses] == [200] * N
            step_s = 0.99 * (lifetime_s - margin_s(lifetime_s)) / SEQUENTIAL_CALLS
            for _ in range(SEQUENTIAL_CALLS):
                clock.advance(step_s)
                assert (await client.get("/items")).status_code == 200
            assert server.calls == expiry + 1
            clock.advance(lifetime_s)
    assert api.calls == EXPIRIES * (N + SEQUENTIAL_CALLS)


class SlowTokenServer(TokenServer):
    """A token endpoint whose answer takes so long (on the fake clock) that the token it issues is already
    inside its renewal margin when it arrives."""

    def __init__(self, clock: FakeClock, *, expires_in: float) -> None:
        super().__init__(expires_in=expires_in)
        self.clock = clock

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.clock.advance(self.expires_in - margin_s(self.expires_in) / 2)
        return super()._answer(request)


@pytest.mark.parametrize("lifetime_s", LIFETIMES_S)
def test_threads_that_waited_on_a_renewal_use_its_token(lifetime_s: int) -> None:
    """A caller that waited on a renewal uses the token it produced, even when that one is already due
    for renewal (a slow token endpoint): 100 threads, one token request."""
    clock = FakeClock()
    server = SlowTokenServer(clock, expires_in=lifetime_s)
    api = Api(server)
    auth = ThreadArrivals(make_auth(server, clock), N, server)
    with api_client(auth, api) as client:
        auth.arm()
        with ThreadPoolExecutor(max_workers=N) as pool:
            statuses = list(pool.map(lambda _: client.get("/items").status_code, range(N)))
    assert statuses == [200] * N
    assert server.calls == 1


@pytest.mark.parametrize("lifetime_s", LIFETIMES_S)
async def test_tasks_that_waited_on_a_renewal_use_its_token(lifetime_s: int) -> None:
    """The async twin: 100 tasks waiting on one slow renewal all use its token; one token request."""
    clock = FakeClock()
    server = SlowTokenServer(clock, expires_in=lifetime_s)
    api = Api(server)
    auth = CountingAuth(make_auth(server, clock), N, server)
    async with async_api_client(auth, api) as client:
        server.async_gate = asyncio.Event()
        responses = await asyncio.gather(*(client.get("/items") for _ in range(N)))
    assert [r.status_code for r in responses] == [200] * N
    assert server.calls == 1

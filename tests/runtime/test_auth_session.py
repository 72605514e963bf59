"""TokenRefreshAuth as a session: `is_authenticated()` says whether a usable token is held, `clear()` logs out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from runtime.auth._auth import TokenRefreshAuth
from runtime.auth._token import Token
from runtime.auth._token_providers import LoginTokenProvider
from runtime.auth._token_store import FileTokenStore, MemoryTokenStore
from runtime.core._clock import FakeClock
from runtime.core._secret import Secret

BASE = "https://api.test"


class LoginServer:
    """A login endpoint issuing numbered tokens that live `expires_in` seconds, and an API that echoes the token."""

    def __init__(self, expires_in: float = 900.0) -> None:
        self.expires_in = expires_in
        self.logins = 0
        self.seen_tokens: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/login":
            self.logins += 1
            body = {"access_token": f"access-{self.logins}", "refresh_token": "r", "expires_in": self.expires_in}
            return httpx.Response(200, json=body)
        self.seen_tokens.append(request.headers.get("Authorization"))
        return httpx.Response(200, json={"ok": True})


@pytest.fixture
def server() -> LoginServer:
    return LoginServer()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(server: LoginServer, clock: FakeClock) -> Iterator[tuple[TokenRefreshAuth, httpx.Client]]:
    """A login-driven auth (no refresh path, so every renewal logs in) and an API client using it."""
    token_client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(server))
    provider = LoginTokenProvider("/auth/login", None, {"username": Secret("ada"), "password": Secret("pw")})
    auth = TokenRefreshAuth(provider, clock=clock, token_client=token_client, store=MemoryTokenStore())
    api = httpx.Client(base_url=BASE, auth=auth, transport=httpx.MockTransport(server))
    yield auth, api
    api.close()
    token_client.close()


def test_not_authenticated_before_the_first_call(session: tuple[TokenRefreshAuth, httpx.Client]) -> None:
    """A fresh session holds no token; asking does not log in."""
    auth, _ = session
    assert auth.is_authenticated() is False
    assert auth.token is None


def test_authenticated_after_a_call_until_the_token_expires(
    session: tuple[TokenRefreshAuth, httpx.Client], server: LoginServer, clock: FakeClock
) -> None:
    """After the first call logs in, the session is authenticated until `expires_at`, then not (no renewal)."""
    auth, api = session
    api.get("/things")
    assert auth.is_authenticated() is True
    clock.advance(server.expires_in - 1)  # inside the refresh skew: still a valid token
    assert auth.is_authenticated() is True
    clock.advance(1)
    assert auth.is_authenticated() is False
    assert server.logins == 1  # asking never renews


def test_expired_token_is_renewed_by_the_next_call(
    session: tuple[TokenRefreshAuth, httpx.Client], server: LoginServer, clock: FakeClock
) -> None:
    """Expiry is not logout: the next call renews the token and the session is authenticated again."""
    auth, api = session
    api.get("/things")
    clock.advance(server.expires_in + 1)
    api.get("/things")
    assert auth.is_authenticated() is True
    assert server.seen_tokens == ["Bearer access-1", "Bearer access-2"]


def test_clear_logs_out_here_and_in_the_store(
    session: tuple[TokenRefreshAuth, httpx.Client], server: LoginServer
) -> None:
    """clear() forgets the token in memory and in the store; the next call logs in again."""
    auth, api = session
    api.get("/things")
    auth.clear()
    assert auth.is_authenticated() is False and auth.token is None
    api.get("/things")
    assert server.logins == 2 and auth.is_authenticated() is True


def test_a_token_from_an_earlier_run_counts(tmp_path: Path, clock: FakeClock) -> None:
    """A FileTokenStore's unexpired token means authenticated before any call; an expired one does not."""
    store = FileTokenStore(tmp_path / "token.json")
    store.save(Token(access_token=Secret("saved"), expires_at=clock.time() + 60))
    provider = LoginTokenProvider("/auth/login", None, {"username": Secret("ada"), "password": Secret("pw")})
    assert TokenRefreshAuth(provider, store=store, clock=clock).is_authenticated() is True
    store.save(Token(access_token=Secret("saved"), expires_at=clock.time() - 1))
    assert TokenRefreshAuth(provider, store=store, clock=clock).is_authenticated() is False


def test_a_token_without_expiry_stays_authenticated(clock: FakeClock) -> None:
    """A token with no `expires_at` (a fixed API key) never expires, so the session stays authenticated."""
    store = MemoryTokenStore()
    store.save(Token(access_token=Secret("key")))
    provider = LoginTokenProvider("/auth/login", None, {"username": Secret("ada"), "password": Secret("pw")})
    auth = TokenRefreshAuth(provider, store=store, clock=clock)
    clock.advance(10**9)
    assert auth.is_authenticated() is True

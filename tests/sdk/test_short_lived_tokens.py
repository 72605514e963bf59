"""Generated clients with short-lived tokens: one token request per expiry, however many calls run at once.

The runtime's own tests (tests/runtime/test_auth.py) prove the rule on `TokenRefreshAuth`; these prove the
generated wiring (token client, auth, clock) keeps it, over an `httpx.MockTransport` that counts the token
requests and accepts only the newest token. No mock server is needed.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from cloudconnexa_sdk import AsyncCloudConnexa, CloudConnexa
from cloudconnexa_sdk._runtime import FakeClock
from tiktrue_sdk import TikTrue

CALLS = 100
EXPIRIES = 3


class CountingServer:
    """Issues numbered tokens living `lifetime_s` at its token paths; the API accepts only the newest."""

    def __init__(self, token_paths: tuple[str, ...], lifetime_s: int) -> None:
        self.token_paths, self.lifetime_s = token_paths, lifetime_s
        self.issued = 0
        self.lock = threading.Lock()

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if request.url.path.endswith(self.token_paths):
                self.issued += 1
                token = {"access_token": f"access-{self.issued}", "token_type": "bearer", "expires_in": self.lifetime_s}
                return httpx.Response(200, json={**token, "refresh_token": f"refresh-{self.issued}"})
            fresh = request.headers.get("authorization") == f"Bearer access-{self.issued}"
        return httpx.Response(200, json={"ok": True}) if fresh else httpx.Response(401)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        return self.handle(request)


@pytest.mark.parametrize("lifetime_s", [30, 60, 3600])
def test_oauth2_client_credentials_threads_cost_one_token_request_per_expiry(lifetime_s: int) -> None:
    """CloudConnexa (OAuth2 client credentials): 100 threads per lifetime, one token request per expiry."""
    server, clock = CountingServer(("/oauth/token",), lifetime_s), FakeClock()
    transport = httpx.MockTransport(server.handle)
    with CloudConnexa(
        "https://acme.api.openvpn.com", client_id="id", client_secret="cc-secret", transport=transport, clock=clock
    ) as client:
        for expiry in range(EXPIRIES):
            with ThreadPoolExecutor(max_workers=CALLS) as pool:
                statuses = list(
                    pool.map(lambda _: client._connection.http.get("/api/v1/networks").status_code, range(CALLS))
                )
            assert statuses == [200] * CALLS
            assert server.issued == expiry + 1
            clock.advance(lifetime_s)


@pytest.mark.parametrize("lifetime_s", [30, 60, 3600])
async def test_oauth2_client_credentials_tasks_cost_one_token_request_per_expiry(lifetime_s: int) -> None:
    """The async client: 100 tasks per lifetime, one token request per expiry."""
    server, clock = CountingServer(("/oauth/token",), lifetime_s), FakeClock()
    transport = httpx.MockTransport(server.ahandle)
    async with AsyncCloudConnexa(
        "https://acme.api.openvpn.com", client_id="id", client_secret="cc-secret", transport=transport, clock=clock
    ) as client:
        for expiry in range(EXPIRIES):
            responses = await asyncio.gather(*(client._connection.http.get("/api/v1/networks") for _ in range(CALLS)))
            assert [r.status_code for r in responses] == [200] * CALLS
            assert server.issued == expiry + 1
            clock.advance(lifetime_s)


@pytest.mark.parametrize("lifetime_s", [30, 60])
def test_login_and_refresh_threads_cost_one_token_request_per_expiry(lifetime_s: int) -> None:
    """TikTrue (login, then refresh): 100 threads per lifetime, one login or refresh per expiry."""
    server = CountingServer(("/auth/login", "/auth/refresh"), lifetime_s)
    clock = FakeClock()
    credentials = {"username": "ann", "password": "password-0042", "hardware_fingerprint": "0" * 64}
    with TikTrue(
        "https://api.tiktrue.test", credentials=credentials, transport=httpx.MockTransport(server.handle), clock=clock
    ) as client:
        for expiry in range(EXPIRIES):
            with ThreadPoolExecutor(max_workers=CALLS) as pool:
                statuses = list(
                    pool.map(lambda _: client._connection.http.get("/api/v1/models").status_code, range(CALLS))
                )
            assert statuses == [200] * CALLS
            assert server.issued == expiry + 1
            clock.advance(lifetime_s)

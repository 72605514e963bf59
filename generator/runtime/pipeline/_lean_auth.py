"""`LeanAuth`: an httpx auth whose flow the SDK's lean client can run without a generator.

httpx runs an auth as a generator (async generator in async code) per request: creating it, stepping it
twice and closing it costs more than the work of an auth that only sets a header from a token in memory.
The SDK's own auths all have one shape: set the credentials (renewing them first if due), send, and after
a 401 renew once and send again. `LeanAuth` spells that shape out as plain methods, and its
`sync_auth_flow` / `async_auth_flow` are written with those same methods, so httpx (and anyone calling
the flows) gets exactly what the lean client (`_lean_client.py`) does by calling the methods directly.

The lean client calls the methods only when the auth's class keeps `LeanAuth`'s two flows (a subclass that
overrides a flow gets its flow run, generator and all).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Final

from ..core import httpx

__all__ = ["NO_REPLAY", "LeanAuth", "lean_auth"]

NO_REPLAY: Final = -1
"""The ticket of a request whose answer is never replayed (it carries no credentials to renew)."""


class LeanAuth(httpx.Auth):
    """Credentials before the send and at most one replay after it, as plain methods (module docstring).

    A ticket (an int, `NO_REPLAY` for none) says what `authorize_now` / `authorize` put on the request,
    so that `replay` can tell whether a 401 refused exactly those credentials.
    """

    requires_request_body = False
    requires_response_body = False

    def authorize_now(self, request: httpx.Request) -> int | None:
        """Put the credentials on `request` if that needs no I/O and no wait: the ticket, or None when
        `authorize` / `aauthorize` must run instead (a renewal is due). Raises what they would raise."""
        raise NotImplementedError

    def authorize(self, request: httpx.Request) -> int:
        """Put the credentials on `request`, renewing them first if due: the ticket."""
        raise NotImplementedError

    async def aauthorize(self, request: httpx.Request) -> int:
        """`authorize` for async code."""
        raise NotImplementedError

    def replay(self, request: httpx.Request, response: httpx.Response, ticket: int) -> bool:
        """After `response`: True when `request` got new credentials and must be sent again."""
        raise NotImplementedError

    async def areplay(self, request: httpx.Request, response: httpx.Response, ticket: int) -> bool:
        """`replay` for async code."""
        raise NotImplementedError

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        ticket = self.authorize_now(request)
        if ticket is None:
            ticket = self.authorize(request)
        response = yield request
        if self.replay(request, response, ticket):
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        ticket = self.authorize_now(request)
        if ticket is None:
            ticket = await self.aauthorize(request)
        response = yield request
        if await self.areplay(request, response, ticket):
            yield request


_SYNC_FLOW: Final = LeanAuth.sync_auth_flow
_ASYNC_FLOW: Final = LeanAuth.async_auth_flow


def lean_auth(auth: httpx.Auth | None, *, is_async: bool) -> LeanAuth | None:
    """`auth` when its flow may be run as `LeanAuth`'s methods (its class keeps that flow), else None."""
    if not isinstance(auth, LeanAuth):
        return None
    kept = type(auth).async_auth_flow is _ASYNC_FLOW if is_async else type(auth).sync_auth_flow is _SYNC_FLOW
    return auth if kept else None

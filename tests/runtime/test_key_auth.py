"""_key_auth.py: key schemes applied per operation; bearer/OAuth2 alternatives left to the token auth."""

from __future__ import annotations

import asyncio
from collections.abc import Generator

import httpx
from runtime.auth._key_auth import KeyScheme, KeySchemeAuth
from runtime.core._defaults import ANONYMOUS_EXTENSION
from runtime.core._secret import Secret

HEADER = KeyScheme(name="key", kind="apiKey", location="header", parameter="X-Key")


class _Bearer(httpx.Auth):
    """Stands for TokenRefreshAuth: a bearer token, renewed once on a 401."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer first"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = "Bearer second"
            yield request


def _auth(**security: tuple[tuple[str, ...], ...]) -> KeySchemeAuth:
    return KeySchemeAuth({"key": HEADER}, security, (("key",),), api_key=Secret("k"), inner=_Bearer())


def _seen(
    auth: httpx.Auth, operation_id: str, *, anonymous: bool = False, is_async: bool = False
) -> list[dict[str, str | None]]:
    seen: list[dict[str, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append({"key": request.headers.get("X-Key"), "authorization": request.headers.get("Authorization")})
        return httpx.Response(401 if len(seen) == 1 else 200)

    extensions: dict[str, object] = {"sdk.operation_id": operation_id}
    if anonymous:
        extensions[ANONYMOUS_EXTENSION] = True
    if is_async:

        async def call() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(answer), auth=auth) as client:
                await client.get("https://x/a", extensions=extensions)

        asyncio.run(call())
    else:
        with httpx.Client(transport=httpx.MockTransport(answer), auth=auth) as client:
            client.get("https://x/a", extensions=extensions)
    return seen


def test_a_key_operation_sends_the_key_once_and_never_the_token() -> None:
    """The document's security is the key: sent as is; a 401 is final (a key cannot be renewed)."""
    for is_async in (False, True):
        assert _seen(_auth(), "listThings", is_async=is_async) == [{"key": "k", "authorization": None}]


def test_a_bearer_operation_goes_through_the_token_auth_with_its_retry() -> None:
    """An operation whose security names a scheme we do not hold a key for: the inner flow, 401 replay included."""
    expected = [{"key": None, "authorization": "Bearer first"}, {"key": None, "authorization": "Bearer second"}]
    for is_async in (False, True):
        assert _seen(_auth(getThing=(("bearer",),)), "getThing", is_async=is_async) == expected


def test_anonymous_and_optional_operations_send_nothing() -> None:
    """`security: []` (the anonymous extension) or an empty alternative with no key: no credentials at all."""
    assert _seen(_auth(), "login", anonymous=True) == [{"key": None, "authorization": None}]
    auth = KeySchemeAuth({"key": HEADER}, {"open": ((), ("key",))}, (("key",),), inner=_Bearer())
    assert _seen(auth, "open") == [{"key": None, "authorization": None}]


def test_alternatives_are_taken_in_the_specs_order() -> None:
    """Bearer first, key second: with a token the bearer goes; without token auth the key does."""
    either = {"download": (("bearer",), ("key",))}
    assert _seen(_auth(**either), "download")[0] == {"key": None, "authorization": "Bearer first"}
    keys_only = KeySchemeAuth({"key": HEADER}, either, (("key",),), api_key=Secret("k"))
    assert _seen(keys_only, "download") == [{"key": "k", "authorization": None}]

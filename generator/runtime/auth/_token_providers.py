"""Token providers for a fixed token and for an API's own login/refresh operations.

The spec marks those operations with ``x-sdk-auth: login`` and ``x-sdk-auth: refresh``; the generated
client passes their paths. OAuth2 client credentials live in `_oauth2.py`. The shared helpers here
send a token call through the token client (which retries it like an idempotent call). A call that got
no answer raises its `TransportError` (`ConnectError`, `RequestTimeout`, ...) naming the token request; a
server that refuses the credentials raises `TokenRefreshError`. Messages name the call and the next
step, and never a secret or the response body (which may echo one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from ..core import httpx
from ..core._defaults import DEFAULT_TOKEN_TYPE, REQUEST_ID_HEADERS
from ..core._errors import (
    CircuitOpenError,
    RequestTimeout,
    SDKError,
    TokenRefreshError,
    TransportError,
    transport_error,
)
from ..core._secret import Secret
from ._token import Token, token_from_payload

__all__ = ["LoginTokenProvider", "StaticTokenProvider"]

FALL_BACK_TO_LOGIN_STATUSES: Final = frozenset({400, 401})
"""A refresh answered with one of these means the refresh token is dead: log in again."""


@attrs.frozen
class StaticTokenProvider:
    """A fixed token (an API key sent as ``Authorization: Bearer <token>``) that never expires.

    It cannot be refreshed, so a 401 is returned to the caller as is.
    """

    token: Secret = attrs.field(validator=attrs.validators.instance_of(Secret))
    token_type: str = attrs.field(default=DEFAULT_TOKEN_TYPE, kw_only=True)

    def _token(self) -> Token:
        return Token(access_token=self.token, token_type=self.token_type)

    def fetch(self, client: httpx.Client, *, now: float) -> Token:
        return self._token()

    def refresh(self, client: httpx.Client, token: Token, *, now: float) -> Token | None:
        return None

    async def async_fetch(self, client: httpx.AsyncClient, *, now: float) -> Token:
        return self._token()

    async def async_refresh(self, client: httpx.AsyncClient, token: Token, *, now: float) -> Token | None:
        return None


def _secrets(value: Mapping[str, Secret]) -> dict[str, Secret]:
    """Copy the credentials, refusing plain strings so they never show in a repr."""
    result = dict(value)
    for name, secret in result.items():
        if not isinstance(secret, Secret):
            raise TypeError(f"credential {name!r} must be a Secret, not {type(secret).__name__}")
    return result


@attrs.frozen
class LoginTokenProvider:
    """Logs in by POSTing the credentials as JSON to `login_path`; refreshes at `refresh_path`.

    Args:
        login_path: path of the ``x-sdk-auth: login`` operation, relative to the token client's base URL.
        refresh_path: path of the ``x-sdk-auth: refresh`` operation; None means every renewal logs in.
        credentials: the login body's fields, e.g. ``{"username": Secret(...), "password": Secret(...)}``.
        access_token_field, refresh_token_field, expires_in_field: where the answer keeps each value
            (dotted paths reach into nested objects). The refresh call sends
            ``{refresh_token_field: <refresh token>}``.

    A refresh answered with 400 or 401 (`FALL_BACK_TO_LOGIN_STATUSES`), or attempted without a refresh
    token, falls back to a login. Other failures raise `TokenRefreshError`.
    """

    login_path: str
    refresh_path: str | None
    credentials: Mapping[str, Secret] = attrs.field(converter=_secrets)
    access_token_field: str = attrs.field(default="access_token", kw_only=True)
    refresh_token_field: str = attrs.field(default="refresh_token", kw_only=True)
    expires_in_field: str = attrs.field(default="expires_in", kw_only=True)

    def fetch(self, client: httpx.Client, *, now: float) -> Token:
        source = f"Login (POST {self.login_path})"
        response = send_token_request(client, self._login_request(client), source=source)
        return self._read(response, now=now, source=source, hint=self._login_hint())

    def refresh(self, client: httpx.Client, token: Token, *, now: float) -> Token | None:
        if self.refresh_path is None or token.refresh_token is None:
            return self.fetch(client, now=now)
        source = f"Token refresh (POST {self.refresh_path})"
        request = self._refresh_request(client, self.refresh_path, token.refresh_token)
        response = send_token_request(client, request, source=source)
        if response.status_code in FALL_BACK_TO_LOGIN_STATUSES:
            return self.fetch(client, now=now)
        return self._read(response, now=now, source=source, hint=_RETRY_HINT, previous=token.refresh_token)

    async def async_fetch(self, client: httpx.AsyncClient, *, now: float) -> Token:
        source = f"Login (POST {self.login_path})"
        response = await async_send_token_request(client, self._login_request(client), source=source)
        return self._read(response, now=now, source=source, hint=self._login_hint())

    async def async_refresh(self, client: httpx.AsyncClient, token: Token, *, now: float) -> Token | None:
        if self.refresh_path is None or token.refresh_token is None:
            return await self.async_fetch(client, now=now)
        source = f"Token refresh (POST {self.refresh_path})"
        request = self._refresh_request(client, self.refresh_path, token.refresh_token)
        response = await async_send_token_request(client, request, source=source)
        if response.status_code in FALL_BACK_TO_LOGIN_STATUSES:
            return await self.async_fetch(client, now=now)
        return self._read(response, now=now, source=source, hint=_RETRY_HINT, previous=token.refresh_token)

    def _login_request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        body = {name: secret.reveal() for name, secret in self.credentials.items()}
        return client.build_request("POST", self.login_path, json=body)

    def _refresh_request(
        self, client: httpx.Client | httpx.AsyncClient, path: str, refresh_token: Secret
    ) -> httpx.Request:
        body = {self.refresh_token_field: refresh_token.reveal()}
        return client.build_request("POST", path, json=body)

    def _login_hint(self) -> str:
        fields = ", ".join(sorted(self.credentials)) or "none"
        return f"Check the login credentials given to the client (fields: {fields})."

    def _read(
        self, response: httpx.Response, *, now: float, source: str, hint: str, previous: Secret | None = None
    ) -> Token:
        payload = read_token_answer(response, source=source, hint=hint)
        return token_from_payload(
            payload,
            now=now,
            source=source,
            access_token_field=self.access_token_field,
            refresh_token_field=self.refresh_token_field,
            expires_in_field=self.expires_in_field,
            previous_refresh_token=previous,
        )


_RETRY_HINT = "Try again later; if it persists, log in again with fresh credentials."


def _unreachable(source: str, exc: httpx.TransportError | TransportError) -> TransportError:
    """The error for a token call that got no HTTP answer once its retries were spent: the transport error
    itself (`ConnectError`, `RequestTimeout`, ...), its message naming the token request."""
    error = exc if isinstance(exc, TransportError) else transport_error(exc)
    if isinstance(error, CircuitOpenError):
        return error
    copy = type(error)(f"The token request ({source}) got no answer: {error}", method=error.method, url=error.url)
    if isinstance(error, RequestTimeout) and isinstance(copy, RequestTimeout):
        copy.deadline_s = error.deadline_s
    return copy


def _unusable(source: str, exc: Exception) -> TokenRefreshError:
    """The error for a token call whose answer could not be used (undecodable, too large, ...)."""
    return TokenRefreshError(
        f"{source} failed: its answer could not be read ({type(exc).__name__}). "
        "Check that the SDK's base URL points at the API, then try again."
    )


def send_token_request(client: httpx.Client, request: httpx.Request, *, source: str) -> httpx.Response:
    """Send a token call on the token client (which retries it); a failure without an answer raises the
    `TransportError` for it, naming the token request."""
    try:
        return client.send(request)
    except (httpx.TransportError, TransportError) as exc:
        raise _unreachable(source, exc) from exc
    except (httpx.HTTPError, SDKError) as exc:
        if isinstance(exc, TokenRefreshError):
            raise
        raise _unusable(source, exc) from exc


async def async_send_token_request(client: httpx.AsyncClient, request: httpx.Request, *, source: str) -> httpx.Response:
    """`send_token_request` over an async client."""
    try:
        return await client.send(request)
    except (httpx.TransportError, TransportError) as exc:
        raise _unreachable(source, exc) from exc
    except (httpx.HTTPError, SDKError) as exc:
        if isinstance(exc, TokenRefreshError):
            raise
        raise _unusable(source, exc) from exc


def read_token_answer(response: httpx.Response, *, source: str, hint: str) -> object:
    """The decoded JSON of a successful token answer.

    Raises:
        TokenRefreshError: non-2xx status (with `hint` for 4xx), or a body that is not JSON.
    """
    request_id = next((value for name in REQUEST_ID_HEADERS if (value := response.headers.get(name))), None)
    where = f"{source} failed with HTTP {response.status_code}" + (f" (request id {request_id})" if request_id else "")
    if response.status_code >= 500:
        raise TokenRefreshError(f"{where}. The server failed; try again later.")
    if response.status_code >= 300:
        raise TokenRefreshError(f"{where}. {hint}")
    try:
        return response.json()
    except (ValueError, RecursionError) as exc:  # (RecursionError: JSON nested past Python's recursion limit)
        raise TokenRefreshError(
            f"{source} answered HTTP {response.status_code} with a body that is not JSON, so no token could "
            "be read. Check that the SDK's base URL points at the API."
        ) from exc

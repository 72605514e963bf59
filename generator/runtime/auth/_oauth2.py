"""OAuth2 client credentials (RFC 6749 section 4.4) as a `TokenProvider`.

The generated client takes `token_url` from the spec's
``securitySchemes.<name>.flows.clientCredentials.tokenUrl``. OpenAPI allows it to be relative to the
server URL; it is then resolved per RFC 3986 against the token client's base URL, which httpx always
keeps with a trailing slash: with base ``https://api.example.com/v1``, ``oauth/token`` becomes
``https://api.example.com/v1/oauth/token`` and ``/oauth/token`` becomes
``https://api.example.com/oauth/token``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Literal
from urllib.parse import quote_plus

import attrs

from ..core import httpx
from ..core._errors import ConfigurationError
from ..core._secret import Secret
from ._token import Token, token_from_payload
from ._token_providers import async_send_token_request, read_token_answer, send_token_request

__all__ = ["ClientCredentialsProvider", "resolve_token_url"]

AuthMethod = Literal["client_secret_post", "client_secret_basic"]


def resolve_token_url(token_url: str, base_url: httpx.URL) -> httpx.URL:
    """`token_url` made absolute against `base_url` (see the module docstring).

    Raises:
        ConfigurationError: `token_url` is relative and the token client has no base URL.
    """
    url = httpx.URL(token_url)
    if url.is_absolute_url:
        return url
    if not base_url.is_absolute_url:
        raise ConfigurationError(
            f"The OAuth2 token URL {token_url!r} is relative, but the token client has no base_url to "
            "resolve it against. Give the token client the API's base URL, or pass an absolute token URL.",
            setting="token_url",
        )
    return base_url.join(token_url)


def _copy_params(params: Mapping[str, str]) -> dict[str, str]:
    """A private copy, so the caller's mapping changing later has no effect."""
    return dict(params)


@attrs.frozen
class ClientCredentialsProvider:
    """Gets tokens with ``grant_type=client_credentials`` from `token_url`.

    Args:
        token_url: absolute, or relative to the token client's base URL (`resolve_token_url`).
        client_id: the OAuth2 client id (not secret).
        client_secret: the client secret.
        scope: space-separated scopes to request; None requests the client's default scopes.
        auth_method: ``client_secret_post`` sends id and secret in the form body;
            ``client_secret_basic`` sends them as HTTP Basic (each form-urlencoded first, RFC 6749 2.3.1).
        extra_params: further form fields some servers need (``audience``, ``resource``).

    Client-credential servers normally issue no refresh token, so `refresh` simply fetches a new token.
    """

    token_url: str
    client_id: str
    client_secret: Secret = attrs.field(validator=attrs.validators.instance_of(Secret))
    scope: str | None = attrs.field(default=None, kw_only=True)
    auth_method: AuthMethod = attrs.field(
        default="client_secret_post",
        kw_only=True,
        validator=attrs.validators.in_(("client_secret_post", "client_secret_basic")),
    )
    extra_params: Mapping[str, str] = attrs.field(factory=dict, kw_only=True, converter=_copy_params)

    @property
    def _source(self) -> str:
        return f"OAuth2 client-credentials token request (POST {self.token_url})"

    def fetch(self, client: httpx.Client, *, now: float) -> Token:
        response = send_token_request(client, self._request(client), source=self._source)
        return self._read(response, now=now)

    def refresh(self, client: httpx.Client, token: Token, *, now: float) -> Token | None:
        return self.fetch(client, now=now)

    async def async_fetch(self, client: httpx.AsyncClient, *, now: float) -> Token:
        response = await async_send_token_request(client, self._request(client), source=self._source)
        return self._read(response, now=now)

    async def async_refresh(self, client: httpx.AsyncClient, token: Token, *, now: float) -> Token | None:
        return await self.async_fetch(client, now=now)

    def _request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        form = {"grant_type": "client_credentials", **self.extra_params}
        if self.scope is not None:
            form["scope"] = self.scope
        headers = {"Accept": "application/json"}
        if self.auth_method == "client_secret_basic":
            pair = f"{quote_plus(self.client_id)}:{quote_plus(self.client_secret.reveal())}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        else:
            form["client_id"] = self.client_id
            form["client_secret"] = self.client_secret.reveal()
        url = resolve_token_url(self.token_url, client.base_url)
        return client.build_request("POST", url, data=form, headers=headers)

    def _read(self, response: httpx.Response, *, now: float) -> Token:
        hint = (
            f"Check the client id ({self.client_id!r}), the client secret and the requested scopes; "
            "the authorization server refused them."
        )
        payload = read_token_answer(response, source=self._source, hint=hint)
        return token_from_payload(payload, now=now, source=self._source)

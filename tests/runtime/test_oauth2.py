"""OAuth2 client credentials: post and basic client authentication, scopes, relative token URLs."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import httpx
import pytest
from runtime.auth._oauth2 import ClientCredentialsProvider, resolve_token_url
from runtime.core._errors import ConfigurationError, TokenRefreshError
from runtime.core._secret import Secret

NOW = 1_700_000_000.0


class AuthServer:
    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "invalid_client"})
        return httpx.Response(200, json={"access_token": "at-1", "token_type": "bearer", "expires_in": 3600})

    def client(self, base_url: str = "https://api.test/v1") -> httpx.Client:
        return httpx.Client(base_url=base_url, transport=httpx.MockTransport(self.handler))

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.requests[-1].content.decode())


def test_client_secret_post_sends_credentials_in_the_form() -> None:
    """client_secret_post: grant_type, client_id, client_secret and scope go in the form body."""
    server = AuthServer()
    provider = ClientCredentialsProvider("https://auth.test/token", "my-app", Secret("s3cr3t"), scope="read write")
    token = provider.fetch(server.client(), now=NOW)
    request = server.requests[0]
    assert request.method == "POST" and str(request.url) == "https://auth.test/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in request.headers
    assert server.form() == {
        "grant_type": ["client_credentials"],
        "client_id": ["my-app"],
        "client_secret": ["s3cr3t"],
        "scope": ["read write"],
    }
    assert token.authorization() == "Bearer at-1" and token.expires_at == NOW + 3600


def test_client_secret_basic_sends_an_authorization_header() -> None:
    """client_secret_basic: id and secret are form-encoded, joined by ':' and base64'd; not in the body."""
    server = AuthServer()
    provider = ClientCredentialsProvider(
        "https://auth.test/token", "my app", Secret("s:e/c+ret"), auth_method="client_secret_basic"
    )
    provider.fetch(server.client(), now=NOW)
    scheme, _, encoded = server.requests[0].headers["authorization"].partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == "my+app:s%3Ae%2Fc%2Bret"
    assert server.form() == {"grant_type": ["client_credentials"]}


def test_extra_params_are_sent() -> None:
    """extra_params (audience, resource) are added to the form."""
    server = AuthServer()
    ClientCredentialsProvider(
        "https://auth.test/token", "id", Secret("s"), extra_params={"audience": "https://api.test"}
    ).fetch(server.client(), now=NOW)
    assert server.form()["audience"] == ["https://api.test"]


@pytest.mark.parametrize(
    ("token_url", "expected"),
    [
        ("oauth/token", "https://api.test/v1/oauth/token"),
        ("/oauth/token", "https://api.test/oauth/token"),
        ("https://auth.test/token", "https://auth.test/token"),
        ("../token", "https://api.test/token"),
    ],
)
def test_relative_token_url_resolves_against_the_base_url(token_url: str, expected: str) -> None:
    """A relative tokenUrl is resolved per RFC 3986 against the token client's base URL."""
    server = AuthServer()
    ClientCredentialsProvider(token_url, "id", Secret("s")).fetch(server.client(), now=NOW)
    assert str(server.requests[0].url) == expected


def test_relative_token_url_without_base_url_is_a_configuration_error() -> None:
    """Without a base URL a relative tokenUrl cannot be resolved: ConfigurationError naming token_url."""
    with pytest.raises(ConfigurationError) as info:
        resolve_token_url("/oauth/token", httpx.URL(""))
    assert info.value.setting == "token_url"


def test_refused_credentials_raise_with_a_hint_and_no_secret() -> None:
    """A 401 from the token endpoint raises TokenRefreshError naming the client id, not the secret."""
    server = AuthServer(status=401)
    provider = ClientCredentialsProvider("https://auth.test/token", "my-app", Secret("s3cr3t-value"))
    with pytest.raises(TokenRefreshError) as info:
        provider.fetch(server.client(), now=NOW)
    assert "HTTP 401" in str(info.value) and "'my-app'" in str(info.value)
    assert "s3cr3t-value" not in str(info.value) and "s3cr3t-value" not in repr(provider)


async def test_async_fetch_and_refresh_request_new_tokens() -> None:
    """Async fetch works the same; refresh simply asks for a new token (no refresh token in this grant)."""
    server = AuthServer()

    async def handler(request: httpx.Request) -> httpx.Response:
        return server.handler(request)

    provider = ClientCredentialsProvider("/token", "id", Secret("s"))
    async with httpx.AsyncClient(base_url="https://api.test", transport=httpx.MockTransport(handler)) as client:
        token = await provider.async_fetch(client, now=NOW)
        assert await provider.async_refresh(client, token, now=NOW) == token
    assert [str(r.url) for r in server.requests] == ["https://api.test/token"] * 2


def test_invalid_auth_method_is_refused() -> None:
    """Only the two RFC 6749 client authentication methods are accepted."""
    with pytest.raises(ValueError):
        ClientCredentialsProvider("/t", "id", Secret("s"), auth_method="private_key_jwt")  # type: ignore[arg-type]

"""The clients' default pool, sync and async: httptools' wherever it can serve, httpx's through a proxy the
environment names or without httptools (`pipeline/_default_transport.py`)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from runtime import (
    ClientSettings,
    Hooks,
    HttptoolsTransport,
    SyncHttptoolsTransport,
    build_async_client,
    build_sync_client,
    build_token_client,
)
from runtime.pipeline._default_transport import default_backend, environment_proxy, proxies_from

PROXY_NAMES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.mark.parametrize(
    ("url", "proxies", "expected"),
    [
        ("https://api.example.com/v1", {}, None),
        ("https://api.example.com/v1", {"https": "http://proxy:3128"}, "http://proxy:3128"),
        ("https://api.example.com/v1", {"http": "http://proxy:3128"}, None),  # another scheme's proxy
        ("http://api.example.com", {"all": "socks5://proxy:1080"}, "socks5://proxy:1080"),
        ("http://api.example.com", {"http": "proxy:3128"}, "http://proxy:3128"),  # bare host:port: HTTP proxy
        ("https://api.example.com", {"https": "http://proxy:3128", "no": "example.com"}, None),
        ("https://api.example.com", {"https": "http://proxy:3128", "no": "*"}, None),
        ("https://api.example.com", {"https": "http://proxy:3128", "no": "other.org"}, "http://proxy:3128"),
    ],
)
def test_environment_proxy_follows_the_proxy_variables(url: str, proxies: dict[str, str], expected: str | None) -> None:
    """The proxy for the URL's scheme (else ``all``) unless ``no_proxy`` exempts its host."""
    assert environment_proxy(httpx.URL(url), proxies) == expected


def test_proxy_variables_are_read_from_the_mapping_given_lower_case_winning() -> None:
    """``*_proxy`` variables in either case; the lower-case one wins, as in the standard library."""
    environ = {"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "NO_PROXY": "a.org", "PATH": "/bin"}
    assert proxies_from(environ) == {"https": "http://lower:2", "no": "a.org"}


def test_httptools_serves_by_default() -> None:
    """No proxy named and httptools installed: httptools' pool."""
    assert default_backend("https://api.example.com", environ={}) == ("httptools", None)


def test_httpx_pool_serves_without_httptools() -> None:
    """httptools not importable: httpx's pool, no proxy."""
    backend = default_backend("https://api.example.com", environ={}, httptools_installed=lambda: False)
    assert backend == ("httpx", None)


def test_httpx_pool_serves_through_a_proxy() -> None:
    """A proxy for the base URL's scheme: httpx's pool, with that proxy."""
    backend = default_backend("https://api.example.com", environ={"HTTPS_PROXY": "proxy:3128"})
    assert backend == ("httpx", "http://proxy:3128")


class ProxyServer:
    """A loopback HTTP proxy stand-in: records each request line and answers 200 itself."""

    def __init__(self) -> None:
        self.request_lines: list[bytes] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> ProxyServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                self.request_lines.append(head.split(b"\r\n", 1)[0])
                body = b'{"ok": true}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
                )
                writer.write(body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ProxyServer]:
    for name in PROXY_NAMES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    async with ProxyServer() as server:
        yield server


async def test_a_proxy_named_by_the_environment_carries_the_async_clients_requests(
    proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``HTTP_PROXY`` set: the default async client sends through it (httpx's pool, absolute-form target)."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    settings = ClientSettings(base_url="http://api.example.invalid/v1")
    async with build_async_client(settings, auth=None, hooks=Hooks(), logger_name="sdk.proxy") as client:
        response = await client.get("/pets?limit=2")
    assert response.json() == {"ok": True}
    assert proxy.request_lines == [b"GET http://api.example.invalid/v1/pets?limit=2 HTTP/1.1"]


async def test_no_proxy_exempts_the_api_host(proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """``NO_PROXY`` naming the API's host: no proxy, so httptools' pool goes straight to the API."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with ProxyServer() as api:  # the API itself, on loopback
        settings = ClientSettings(base_url=api.url)
        async with build_async_client(settings, auth=None, hooks=Hooks(), logger_name="sdk.proxy") as client:
            innermost: object = client._transport
            while (inner := getattr(innermost, "inner", None) or getattr(innermost, "_inner", None)) is not None:
                innermost = inner
            response = await client.get("/pets")
    assert isinstance(innermost, HttptoolsTransport)
    assert response.json() == {"ok": True}
    assert api.request_lines == [b"GET /pets HTTP/1.1"]
    assert proxy.request_lines == []


def _innermost(client: httpx.Client) -> object:
    transport: object = client._transport
    while (inner := getattr(transport, "inner", None) or getattr(transport, "_inner", None)) is not None:
        transport = inner
    return transport


def _sync_get(base_url: str, path: str, *, token: bool = False) -> tuple[object, httpx.Response]:
    """One GET through the default sync client (or token client), run in a thread beside the test's loop."""
    settings = ClientSettings(base_url=base_url)
    if token:
        client = build_token_client(settings, logger_name="sdk.proxy")
    else:
        client = build_sync_client(settings, auth=None, hooks=Hooks(), logger_name="sdk.proxy")
    with client:
        response = client.get(path)
        response.read()
        return _innermost(client), response


@pytest.mark.parametrize("token", [False, True], ids=["client", "token-client"])
async def test_a_proxy_named_by_the_environment_carries_the_sync_clients_requests(
    proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch, token: bool
) -> None:
    """``HTTP_PROXY`` set: the default sync client (and token client) sends through it, on httpx's pool."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    innermost, response = await asyncio.to_thread(
        _sync_get, "http://api.example.invalid/v1", "/pets?limit=2", token=token
    )
    assert isinstance(innermost, httpx.HTTPTransport)
    assert response.json() == {"ok": True}
    assert proxy.request_lines == [b"GET http://api.example.invalid/v1/pets?limit=2 HTTP/1.1"]


@pytest.mark.skipif(os.environ.get("SDK_TEST_SYNC_POOL") == "httpx", reason="that run replaces the sync default")
async def test_no_proxy_exempts_the_api_host_for_the_sync_client(
    proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``NO_PROXY`` naming the API's host: the sync client goes straight to the API on httptools' pool."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with ProxyServer() as api:
        innermost, response = await asyncio.to_thread(_sync_get, api.url, "/pets")
    assert isinstance(innermost, SyncHttptoolsTransport)
    assert response.json() == {"ok": True}
    assert api.request_lines == [b"GET /pets HTTP/1.1"]
    assert proxy.request_lines == []

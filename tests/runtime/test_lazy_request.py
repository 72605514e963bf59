"""LazyURLRequest: the lean client's bodyless requests parse their URL only when it is read, and are then
exactly what httpx builds; the runtime's own readers (transports, breaker, auth) never need the parse."""

from __future__ import annotations

import asyncio
import pickle

import httpx
import pytest
from runtime.core._lazy_request import (
    FixedHeaders,
    LazyURLRequest,
    lazy_target,
    origin_url,
    raw_target,
    set_header,
    wire_headers,
)
from runtime.fast._httptools_request import origin_port, request_head
from runtime.pipeline._lean_client import AsyncLeanClient, LeanClient

BASES = ["https://api.example.test", "https://api.example.test/v1/", "http://127.0.0.1:8080", "http://[::1]:9/x"]
PATHS = ["/items/5", "/items/a%2Fb%20c", "/a:b@c/!$&'()*+,;=", "/v1.2/items/x.json", "/", "/items/", "/~user/-_."]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("path", PATHS)
def test_a_lazy_request_is_what_httpx_builds(base: str, path: str) -> None:
    """Field for field httpx's request once its URL is read; origin and wire path known before that."""
    parsed_base = httpx.Client(base_url=base).base_url  # as the client keeps it (a trailing slash added)
    target = str(parsed_base).rstrip("/") + path
    headers = httpx.Headers({"Host": parsed_base.netloc.decode("ascii"), "Accept": "application/json"})
    eager = httpx.Request("GET", target, headers=headers, stream=httpx.ByteStream(b""), extensions={"a": 1})
    path_bytes = lazy_target(parsed_base, path)
    assert path_bytes == eager.url.raw_path
    lazy = LazyURLRequest("GET", parsed_base, target, path_bytes, headers=headers, extensions={"a": 1})
    assert raw_target(lazy) == eager.url.raw_path
    origin = origin_url(lazy)
    assert (origin.scheme, origin.raw_host, origin.port, origin.netloc, origin.host) == (
        eager.url.scheme,
        eager.url.raw_host,
        eager.url.port,
        eager.url.netloc,
        eager.url.host,
    )
    assert (origin_port(lazy), request_head(lazy)) == (origin_port(eager), request_head(eager))
    assert (lazy.method, lazy.url, lazy.headers.raw, lazy.read(), lazy.extensions) == (
        eager.method,
        eager.url,
        eager.headers.raw,
        eager.read(),
        eager.extensions,
    )
    assert repr(lazy) == repr(eager)
    assert pickle.loads(pickle.dumps(lazy)).url == eager.url


def test_a_lazy_request_holds_what_httpx_s_constructor_assigns() -> None:
    """`LazyURLRequest` assigns httpx's fields itself (httpx's constructor is not run): every field httpx's
    constructor gives a request is there with the same value, its headers and extensions are copies, as
    httpx's are, and its body reads (sync and async) and iterates as httpx's does."""
    base = httpx.Client(base_url="https://api.example.test/v1").base_url
    headers = httpx.Headers({"Host": "api.example.test", "Accept": "application/json"})
    extensions: dict[str, object] = {"a": 1}
    eager = httpx.Request("get", f"{base}items", headers=headers, stream=httpx.ByteStream(b""), extensions=extensions)
    lazy = LazyURLRequest("get", base, f"{base}items", b"/v1/items", headers=headers, extensions=extensions)
    headers["Accept"] = "text/plain"
    extensions["a"] = 2
    fields = set(vars(eager))
    assert fields == {"method", "url", "headers", "extensions", "stream"}  # what the check below covers
    assert (lazy.method, lazy.url, lazy.headers.raw, lazy.extensions) == (
        eager.method,
        eager.url,
        eager.headers.raw,
        eager.extensions,
    )
    assert type(lazy.stream) is type(eager.stream) and list(lazy.stream) == list(eager.stream) == [b""]
    assert lazy.read() == eager.read() and asyncio.run(lazy.aread()) == asyncio.run(eager.aread()) == b""
    assert lazy.content == eager.content and repr(lazy) == repr(eager)


def test_shared_headers_are_copied_when_first_read() -> None:
    """From `FixedHeaders` (shared by many requests), a request's headers are httpx's copy, made on their
    first read, with the headers set since (`set_header`) applied as httpx's assignments would."""
    base = httpx.Client(base_url="https://api.example.test/v1").base_url
    shared = FixedHeaders(httpx.Headers({"Host": "api.example.test", "Accept": "application/json"}))
    eager = httpx.Request("GET", f"{base}items", headers=shared.headers, stream=httpx.ByteStream(b""))
    eager.headers["X-Attempt"] = "1"
    eager.headers["Accept"] = "text/plain"
    lazy = LazyURLRequest("GET", base, f"{base}items", b"/v1/items", headers=shared, extensions={})
    set_header(lazy, "X-Attempt", "1")
    set_header(lazy, "Accept", "text/plain")  # a shared name: applied on the copy at once
    assert wire_headers(lazy) == tuple(eager.headers.raw)
    assert lazy.headers.raw == eager.headers.raw and lazy.headers is lazy.headers
    lazy.headers["X-Own"] = "mine"
    assert "X-Own" not in shared.headers and shared.headers["Accept"] == "application/json"
    again = LazyURLRequest("GET", base, f"{base}items", b"/v1/items", headers=shared, extensions={})
    assert again.headers.raw == shared.headers.raw and again.headers is not shared.headers


@pytest.mark.parametrize(
    "path",
    ["/a/./b", "/a/../b", "/.well-known/x", "/a b", "/a?b=1", "/a#f", "/ü", "/a%zz", "/a{b}", "/a`b", "//x" * 3000, ""],
)
def test_anything_the_parse_may_change_is_left_to_it(path: str) -> None:
    """Dot segments, characters to encode, a query or fragment, a long path: no lazy target."""
    assert lazy_target(httpx.URL("https://api.example.test/"), path) is None


def test_a_replaced_url_is_the_one_read_and_sent() -> None:
    """An auth that puts a key in the query replaces ``url``: every reader sees the new URL from then on."""
    base = httpx.URL("https://api.example.test/")
    lazy = LazyURLRequest(
        "GET", base, "https://api.example.test/items", b"/items", headers=httpx.Headers(), extensions={}
    )
    lazy.url = lazy.url.copy_merge_params({"key": "k"})
    assert raw_target(lazy) == b"/items?key=k"
    assert origin_url(lazy) == lazy.url
    lazy.url = httpx.URL("http://other.example.test:81/x")
    assert (origin_port(lazy), origin_url(lazy).netloc) == (81, b"other.example.test:81")


def _sent(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"type": type(request).__name__, "url": str(request.url)})


def test_the_lean_clients_send_lazy_requests_only_where_the_parse_changes_nothing() -> None:
    """A plain path goes lazy; a query, a dot segment or a body takes httpx's request, as before."""
    with LeanClient(base_url="https://api.example.test/v1", transport=httpx.MockTransport(_sent)) as client:
        assert client.get("/items/5").json() == {"type": "LazyURLRequest", "url": "https://api.example.test/v1/items/5"}
        assert client.get("/items", params={"a": "1"}).json()["type"] == "Request"
        assert client.get("/items/./5").json() == {"type": "Request", "url": "https://api.example.test/v1/items/5"}
        assert client.post("/items", json={}).json()["type"] == "Request"

    async def main() -> dict[str, str]:
        transport = httpx.MockTransport(_sent)
        async with AsyncLeanClient(base_url="https://api.example.test", transport=transport) as client:
            return (await client.get("/items/5")).json()  # type: ignore[no-any-return]

    assert asyncio.run(main()) == {"type": "LazyURLRequest", "url": "https://api.example.test/items/5"}

"""Conditional GET cache: ETag revalidation, 304 served from cache, bypass, invalidation, LRU bound."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from runtime.pipeline._cache import (
    CACHE_EXTENSION,
    AsyncCachingTransport,
    CachingTransport,
    ETagCache,
)

BASE = "https://api.test"


class Origin:
    """Serves versioned JSON with an ETag and honours If-None-Match; records what it saw."""

    def __init__(self) -> None:
        self.version = 1
        self.seen: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.extra_headers: dict[str, str] = {}

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.seen.append(request)
        etag = f'"v{self.version}"'
        if request.method != "GET":
            return httpx.Response(204)
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"ETag": etag, "X-Request-ID": f"req-{len(self.seen)}"})
        return httpx.Response(
            200,
            headers={"ETag": etag, "X-Request-ID": f"req-{len(self.seen)}", **self.extra_headers},
            json={"path": request.url.path, "version": self.version},
        )

    def validators(self) -> list[str | None]:
        return [r.headers.get("if-none-match") for r in self.seen]


def client(origin: Origin, cache: ETagCache | None = None) -> httpx.Client:
    transport = CachingTransport(inner=httpx.MockTransport(origin.handler), cache=cache)
    return httpx.Client(base_url=BASE, transport=transport)


def test_304_is_served_as_the_cached_200() -> None:
    """The second GET sends If-None-Match; the 304 reaches the caller as the stored 200, marked."""
    origin = Origin()
    with client(origin) as c:
        first = c.get("/pets/1")
        second = c.get("/pets/1")
    assert origin.validators() == [None, '"v1"']
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() == {"path": "/pets/1", "version": 1}
    assert second.headers["x-cache"] == "revalidated" and "x-cache" not in first.headers
    assert second.extensions[CACHE_EXTENSION] == "revalidated"
    assert second.headers["x-request-id"] == "req-2"  # the 304's headers win


def test_changed_etag_replaces_the_entry() -> None:
    """A 200 with a new ETag is returned and stored; the next GET revalidates against the new one."""
    origin = Origin()
    with client(origin) as c:
        c.get("/pets/1")
        origin.version = 2
        changed = c.get("/pets/1")
        again = c.get("/pets/1")
    assert changed.json()["version"] == 2 and "x-cache" not in changed.headers
    assert again.json()["version"] == 2 and again.headers["x-cache"] == "revalidated"
    assert origin.validators() == [None, '"v1"', '"v2"']


def test_callers_own_if_none_match_bypasses_the_cache() -> None:
    """A caller sending If-None-Match gets the server's 304 itself, untouched."""
    origin = Origin()
    with client(origin) as c:
        c.get("/pets/1")
        response = c.get("/pets/1", headers={"If-None-Match": '"v1"'})
    assert response.status_code == 304 and "x-cache" not in response.headers


def test_retried_request_is_not_mistaken_for_a_conditional_one() -> None:
    """The validator goes on a copy: the caller's request object never gains If-None-Match."""
    origin = Origin()
    with client(origin) as c:
        c.get("/pets/1")
        request = c.build_request("GET", "/pets/1")
        c.send(request)
        assert "if-none-match" not in request.headers
        assert c.send(request).headers["x-cache"] == "revalidated"


def test_lru_bound_evicts_the_least_recently_used() -> None:
    """Beyond max_entries the least recently used entry goes; a recently used one stays."""
    origin = Origin()
    cache = ETagCache(max_entries=2)
    with client(origin, cache) as c:
        c.get("/a")
        c.get("/b")
        c.get("/a")  # /a is now the most recent
        c.get("/c")  # evicts /b
        assert len(cache) == 2
        origin.seen.clear()
        c.get("/a")
        c.get("/b")
    assert origin.validators() == ['"v1"', None]


def test_authorization_is_part_of_the_key_and_never_stored() -> None:
    """Different credentials do not share an entry, and no raw token is kept in the cache."""
    origin = Origin()
    cache = ETagCache()
    with client(origin, cache) as c:
        c.get("/me", headers={"Authorization": "Bearer token-of-ann"})
        c.get("/me", headers={"Authorization": "Bearer token-of-bob"})
        c.get("/me", headers={"Authorization": "Bearer token-of-ann"})
    assert origin.validators() == [None, None, '"v1"']
    assert "token-of" not in repr(cache._entries)


def test_vary_headers_must_match() -> None:
    """An entry whose response varies on a header is only revalidated for the same header value."""
    origin = Origin()
    origin.extra_headers = {"Vary": "Accept-Language"}
    with client(origin) as c:
        c.get("/pets", headers={"Accept-Language": "en"})
        c.get("/pets", headers={"Accept-Language": "de"})
        c.get("/pets", headers={"Accept-Language": "de"})
    assert origin.validators() == [None, None, '"v1"']


@pytest.mark.parametrize(
    "headers", [{"ETag": '"a"', "Cache-Control": "no-store"}, {"ETag": '"a"', "Vary": "*"}, {}], ids=str
)
def test_uncacheable_answers_are_not_stored(headers: dict[str, str]) -> None:
    """no-store, Vary: * and a missing ETag keep the answer out of the cache."""
    cache = ETagCache()
    inner = httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, json={}))
    with httpx.Client(base_url=BASE, transport=CachingTransport(inner=inner, cache=cache)) as c:
        c.get("/x")
    assert len(cache) == 0


def test_unsafe_request_invalidates_the_url() -> None:
    """A successful PUT/POST/DELETE to a URL drops its cached GET."""
    origin = Origin()
    cache = ETagCache()
    with client(origin, cache) as c:
        c.get("/pets/1")
        c.put("/pets/1", json={})
        assert len(cache) == 0
        c.get("/pets/1")
    assert origin.validators()[-1] is None


def test_streamed_body_is_stored_when_fully_read_and_encoding_kept() -> None:
    """A streamed, gzip-encoded 200 is stored raw once read; the revalidated copy decodes the same."""
    raw = gzip.compress(b'{"big": true}')

    class Stream(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield raw[:5]
            yield raw[5:]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"g"':
            return httpx.Response(304, headers={"ETag": '"g"'})
        return httpx.Response(200, headers={"ETag": '"g"', "Content-Encoding": "gzip"}, stream=Stream())

    cache = ETagCache()
    with httpx.Client(base_url=BASE, transport=CachingTransport(inner=httpx.MockTransport(handler), cache=cache)) as c:
        with c.stream("GET", "/big") as response:
            assert len(cache) == 0  # not before the body was read
            response.read()
        assert len(cache) == 1
        again = c.get("/big")
    assert again.json() == {"big": True} and again.headers["x-cache"] == "revalidated"


def test_large_bodies_are_not_stored() -> None:
    """Bodies above max_body_bytes pass through but are not kept."""
    origin = Origin()
    cache = ETagCache(max_body_bytes=10)
    with client(origin, cache) as c:
        c.get("/pets/1")
    assert len(cache) == 0


def test_thread_safe_under_concurrent_use() -> None:
    """Many threads over many URLs keep the table consistent and within its bound."""
    origin = Origin()
    cache = ETagCache(max_entries=8)
    with client(origin, cache) as c, ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda i: c.get(f"/p/{i % 20}").status_code, range(400)))
    assert statuses == [200] * 400 and len(cache) == 8


async def test_async_revalidation() -> None:
    """The async transport follows the same rules."""
    origin = Origin()

    async def handler(request: httpx.Request) -> httpx.Response:
        return origin.handler(request)

    transport = AsyncCachingTransport(inner=httpx.MockTransport(handler))
    async with httpx.AsyncClient(base_url=BASE, transport=transport) as c:
        await c.get("/pets/1")
        second = await c.get("/pets/1")
        bypass = await c.get("/pets/1", headers={"If-None-Match": '"v1"'})
    assert second.status_code == 200 and second.headers["x-cache"] == "revalidated"
    assert second.json()["version"] == 1
    assert bypass.status_code == 304

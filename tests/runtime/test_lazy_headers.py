"""A lazy request's deferred headers (`set_header`, `wire_headers`): what the transports send and what
``request.headers`` holds are exactly httpx's after the same ``headers[name] = value`` calls."""

from __future__ import annotations

import pickle

import httpx
import pytest
from runtime.core._lazy_request import FixedHeaders, LazyURLRequest, set_header, wire_headers
from runtime.fast._httptools_request import RequestHeads, request_head

BASE = httpx.URL("https://api.example.test/")
DEFAULTS = [("Host", "api.example.test"), ("Accept", "application/json"), ("User-Agent", "sdk/1")]

SETS = [
    [],
    [("Authorization", "Bearer t")],
    [("Authorization", "Bearer t"), ("X-Attempt-Number", "1")],
    [("Authorization", "Bearer t"), ("authorization", "Bearer u")],  # a noted name set again
    [("Accept", "text/plain"), ("X-Attempt-Number", "1")],  # a name the fixed headers hold
    [("X-Attempt-Number", "1"), ("Authorization", "Bearer t"), ("X-ATTEMPT-NUMBER", "2")],
    [("X-Note", "caf\u00e9")],  # encoded as httpx encodes a set header
]


def _pair() -> tuple[LazyURLRequest, httpx.Request]:
    fixed = FixedHeaders(httpx.Headers(DEFAULTS))
    lazy = LazyURLRequest("GET", BASE, "https://api.example.test/items", b"/items", headers=fixed, extensions={})
    eager = httpx.Request("GET", "https://api.example.test/items", headers=fixed.headers, stream=httpx.ByteStream(b""))
    return lazy, eager


@pytest.mark.parametrize("sets", SETS)
def test_deferred_headers_are_httpx_s_after_the_same_sets(sets: list[tuple[str, str]]) -> None:
    lazy, eager = _pair()
    for name, value in sets:
        set_header(lazy, name, value)
        eager.headers[name] = value
    assert wire_headers(lazy) == tuple(eager.headers.raw)
    assert RequestHeads().head(lazy) == request_head(eager)
    assert lazy.headers.raw == eager.headers.raw  # the first read applies what was noted
    assert lazy.fixed is None and lazy.later == []
    assert wire_headers(lazy) == tuple(eager.headers.raw)


def test_new_names_are_noted_and_the_fixed_headers_stay_shared() -> None:
    lazy, _ = _pair()
    fixed = lazy.fixed
    assert fixed is not None
    set_header(lazy, "Authorization", "Bearer t")
    set_header(lazy, "X-Attempt-Number", "1")
    assert [noted[0] for noted in lazy.later] == ["Authorization", "X-Attempt-Number"]
    assert fixed.headers.raw == httpx.Headers(DEFAULTS).raw  # the shared set never changes
    assert wire_headers(lazy)[:3] == fixed.raw


def test_headers_read_or_assigned_are_set_directly_from_then_on() -> None:
    lazy, _ = _pair()
    set_header(lazy, "Authorization", "Bearer t")
    read = lazy.headers
    set_header(lazy, "X-Attempt-Number", "2")
    assert lazy.later == [] and read["x-attempt-number"] == "2" and lazy.headers is read
    lazy.headers = httpx.Headers({"Only": "this"})
    set_header(lazy, "Authorization", "Bearer u")
    assert lazy.headers.raw == [(b"Only", b"this"), (b"Authorization", b"Bearer u")]
    assert wire_headers(lazy) == tuple(lazy.headers.raw)


def test_any_other_request_is_set_at_once() -> None:
    request = httpx.Request("GET", "https://api.example.test/", headers={"Accept": "x"})
    set_header(request, "Authorization", "Bearer t")
    assert request.headers.raw == [(b"Host", b"api.example.test"), (b"Accept", b"x"), (b"Authorization", b"Bearer t")]
    assert wire_headers(request) == tuple(request.headers.raw)
    plain = LazyURLRequest(
        "GET", BASE, "https://api.example.test/a", b"/a", headers=httpx.Headers(DEFAULTS), extensions={}
    )
    assert plain.fixed is None  # built from plain headers: nothing deferred
    set_header(plain, "Authorization", "Bearer t")
    assert plain.later == [] and plain.headers["authorization"] == "Bearer t"


def test_a_pickled_lazy_request_keeps_its_noted_headers() -> None:
    lazy, eager = _pair()
    set_header(lazy, "Authorization", "Bearer t")
    eager.headers["Authorization"] = "Bearer t"
    lazy.read()
    assert pickle.loads(pickle.dumps(lazy)).headers.raw == eager.headers.raw


def test_a_lazy_request_is_read_from_the_start_like_httpx_s_after_read() -> None:
    lazy, eager = _pair()
    eager.read()
    assert lazy.content == eager.content == b""
    assert lazy.read() == eager.read() == b""
    lazy.stream = httpx.ByteStream(b"late")  # httpx keeps the content it read, whatever the stream is now
    eager.stream = httpx.ByteStream(b"late")
    assert lazy.read() == eager.read() == b""
    assert isinstance(lazy.stream, httpx.ByteStream)

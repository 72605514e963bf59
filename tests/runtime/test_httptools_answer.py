"""`answer` / `ParsedResponse`: the httptools transports' response, its headers built from the parsed list
only when read, and then exactly the `httpx.Response` httpx builds from that list."""

from __future__ import annotations

import pickle

import httpx
from runtime.fast._httptools_answer import ParsedResponse, answer

RAW = [
    (b"Server", b"nginx"),
    (b"Content-Type", b"application/json; charset=utf-8"),
    (b"Set-Cookie", b"a=1"),
    (b"set-cookie", b"b=2"),
    (b"Content-Length", b"2"),
]


def _both() -> tuple[httpx.Response, httpx.Response]:
    parsed = answer(200, list(RAW), "1.1", b"OK", httpx.ByteStream(b"{}"))
    plain = httpx.Response(200, headers=list(RAW), stream=httpx.ByteStream(b"{}"), extensions=dict(parsed.extensions))
    return parsed, plain


def test_its_headers_are_httpx_s_own_for_the_same_list() -> None:
    parsed, plain = _both()
    assert isinstance(parsed, ParsedResponse) and isinstance(parsed, httpx.Response)
    assert type(parsed.headers) is httpx.Headers
    assert parsed.headers.raw == plain.headers.raw
    assert parsed.headers.multi_items() == plain.headers.multi_items()
    assert parsed.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert parsed.headers.encoding == plain.headers.encoding
    assert parsed.headers is parsed.headers  # built once: a change made through it stays
    assert repr(parsed) == repr(plain) == "<Response [200 OK]>"
    assert parsed.read() == plain.read() == b"{}"
    assert parsed.json() == plain.json() == {}
    assert parsed.encoding == plain.encoding == "utf-8"
    assert parsed.charset_encoding == "utf-8"
    assert parsed.http_version == plain.http_version == "HTTP/1.1"


def test_the_headers_are_built_only_when_read() -> None:
    parsed, _ = _both()
    assert parsed.__dict__["_built"] is None  # no httpx.Headers made by the constructor
    assert parsed.status_code == 200 and not parsed.has_redirect_location
    assert parsed.__dict__["_built"] is None
    parsed.read()  # httpx's decoder reads Content-Encoding
    assert parsed.__dict__["_built"] is not None
    assert parsed.headers["server"] == "nginx"
    assert parsed.__dict__["_built"] is parsed.headers


def test_assigned_headers_replace_the_parsed_ones() -> None:
    parsed, _ = _both()
    replacement = httpx.Headers({"X-New": "1"})
    parsed.headers = replacement
    assert parsed.headers is replacement
    parsed.headers["Server"] = "changed"
    assert parsed.headers["server"] == "changed"


def test_a_pickled_response_keeps_its_headers() -> None:
    parsed, plain = _both()
    parsed.read()
    plain.read()
    restored = pickle.loads(pickle.dumps(parsed))
    assert restored.headers.raw == plain.headers.raw
    assert restored.content == b"{}"


def test_the_shared_empty_headers_the_constructor_copies_stay_empty() -> None:
    from runtime.fast import _httptools_answer

    parsed, _ = _both()
    parsed.headers["X-Added"] = "1"
    del parsed.headers["server"]
    assert _httptools_answer._NO_HEADERS.raw == []
    assert answer(204, [], "1.1", b"", httpx.ByteStream(b"")).headers.raw == []

"""ReceivedHeaders: a response's header names lowered once and shared by every layer that looks one up
(the body reader, the lean client, the log line's and errors' request id)."""

from __future__ import annotations

import httpx
import pytest
from runtime.core._defaults import RAW_HEADERS_EXTENSION, RECEIVED_HEADERS_EXTENSION
from runtime.core._exchange import find_request_id
from runtime.core._received_headers import ReceivedHeaders, received_headers
from runtime.fast._httptools_answer import answer

RAW = [
    (b"Server", b"nginx"),
    (b"Content-Type", b"application/json"),
    (b"Set-Cookie", b"a=1"),
    (b"SET-COOKIE", b"b=2"),
    (b"X-Request-Id", b"req-42"),
]


def test_names_are_lowered_and_values_kept_as_received() -> None:
    headers = ReceivedHeaders(RAW)
    assert headers.names == [b"server", b"content-type", b"set-cookie", b"set-cookie", b"x-request-id"]
    assert b"content-type" in headers and b"content-encoding" not in headers
    assert headers.value(b"content-type") == b"application/json"
    assert headers.value(b"set-cookie") == b"a=1, b=2"  # repeated in any case: joined, as Headers.get does
    assert headers.value(b"content-length") is None
    assert ReceivedHeaders([]).names == [] and ReceivedHeaders([]).value(b"server") is None


@pytest.mark.parametrize("raw", [RAW, [(name.upper(), value) for name, value in RAW], list(reversed(RAW))])
def test_lookups_agree_with_httpx(raw: list[tuple[bytes, bytes]]) -> None:
    """Every name, in any letter case and order, gives what `Headers.get` gives."""
    httpx_headers = httpx.Headers(raw)
    ours = ReceivedHeaders(raw)
    for name in {name.lower() for name, _ in raw} | {b"absent"}:
        expected = httpx_headers.get(name.decode())
        assert ours.value(name) == (None if expected is None else expected.encode())


@pytest.mark.parametrize(
    ("raw", "request_id"),
    [
        ([], b""),
        ([(b"Request-Id", b"r1")], b"r1"),
        ([(b"x-correlation-id", b"c1"), (b"X-REQUEST-ID", b"x1")], b"x1"),  # REQUEST_ID_HEADERS' order wins
        ([(b"X-Request-ID", b""), (b"Request-Id", b"r2")], b"r2"),  # an empty value is skipped
        ([(b"X-Request-ID", b"a"), (b"x-request-id", b"b")], b"a, b"),  # repeated: joined, as `Headers.get` does
        ([(b"Request-Id", b"r3"), (b"X-Request-ID", b"x3")], b"x3"),  # the first name, read in place
    ],
)
def test_request_id_is_looked_up_once(raw: list[tuple[bytes, bytes]], request_id: bytes) -> None:
    headers = ReceivedHeaders(raw)
    assert headers.request_id() == request_id
    headers.names = []  # a second lookup reads what the first found, not the names
    assert headers.request_id() == request_id


def test_made_once_per_response_and_kept_in_its_extensions() -> None:
    response = httpx.Response(200, headers=RAW)
    first = received_headers(response)
    assert response.extensions[RECEIVED_HEADERS_EXTENSION] is first
    assert received_headers(response) is first  # the next layer reuses it
    assert first.raw == response.headers.raw  # no raw list from the transport: httpx's


def test_the_httptools_answer_hands_its_parsed_list_over() -> None:
    """The httptools transports' responses carry the list the parser filled, which is not rebuilt."""
    raw = list(RAW)
    response = answer(200, raw, "1.1", b"OK", httpx.ByteStream(b"{}"))
    assert response.extensions[RAW_HEADERS_EXTENSION] is raw
    assert received_headers(response).raw is raw
    assert find_request_id(response) == "req-42"

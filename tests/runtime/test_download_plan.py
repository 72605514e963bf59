"""The pure decisions of a resumable download (`_download_plan.py`), as tables."""

from __future__ import annotations

import httpx
import pytest
from runtime.download._download_plan import (
    ContentRange,
    Verdict,
    judge,
    parse_content_range,
    resume_headers,
    same_origin,
    validator,
)

RETRY = frozenset({429, 500, 502, 503, 504})


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes 0-99/1000", ContentRange(0, 99, 1000)),
        ("bytes 500-999/1000", ContentRange(500, 999, 1000)),
        ("BYTES 5-5/6", ContentRange(5, 5, 6)),
        ("bytes 0-99/*", ContentRange(0, 99, None)),
        ("bytes */1000", ContentRange(None, None, 1000)),
        (None, None),
        ("", None),
        ("bytes */*", None),
        ("bytes 10-5/100", None),  # last before first
        ("bytes 0-1000/1000", None),  # last beyond the size
        ("bytes=0-99/1000", None),
        ("items 0-99/1000", None),
        ("bytes -5/100", None),
    ],
)
def test_content_range_is_parsed_strictly(value: str | None, parsed: ContentRange | None) -> None:
    """Only a well-formed Content-Range is trusted; anything else reads as absent."""
    assert parse_content_range(value) == parsed


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"ETag": '"abc"'}, '"abc"'),
        ({"ETag": 'W/"abc"', "Last-Modified": "Sat, 14 Mar 2026 09:00:00 GMT"}, "Sat, 14 Mar 2026 09:00:00 GMT"),
        ({"ETag": 'W/"abc"'}, None),
        ({"Last-Modified": "Sat, 14 Mar 2026 09:00:00 GMT"}, "Sat, 14 Mar 2026 09:00:00 GMT"),
        ({}, None),
    ],
)
def test_if_range_uses_a_strong_etag_else_last_modified(headers: dict[str, str], expected: str | None) -> None:
    """If-Range may only carry a strong validator (RFC 9110 13.1.5): a weak ETag is never used."""
    assert validator(httpx.Headers(headers)) == expected


@pytest.mark.parametrize(
    ("on_disk", "file_validator", "expected"),
    [
        (0, None, {"Accept-Encoding": "identity"}),
        (0, '"e"', {"Accept-Encoding": "identity"}),
        (100, None, {"Accept-Encoding": "identity", "Range": "bytes=100-"}),
        (100, '"e"', {"Accept-Encoding": "identity", "Range": "bytes=100-", "If-Range": '"e"'}),
    ],
)
def test_resume_headers(on_disk: int, file_validator: str | None, expected: dict[str, str]) -> None:
    """A fresh attempt asks for the whole file unencoded; a resume asks from the bytes on disk, guarded by If-Range."""
    assert resume_headers(on_disk, file_validator) == expected


@pytest.mark.parametrize(
    ("status", "headers", "on_disk", "verdict", "size"),
    [
        (206, {"Content-Range": "bytes 100-199/200"}, 100, Verdict.APPEND, 200),
        (206, {"Content-Range": "bytes 0-199/200"}, 0, Verdict.APPEND, 200),
        (206, {"Content-Range": "bytes 0-99/*"}, 0, Verdict.APPEND, None),
        (206, {"Content-Range": "bytes 101-199/200"}, 100, Verdict.RESTART, None),
        (206, {"Content-Range": "bytes 0-199/200"}, 100, Verdict.RESTART, None),
        (206, {}, 100, Verdict.RESTART, None),
        (200, {"Content-Length": "200"}, 0, Verdict.RESTART_WITH_BODY, 200),
        (200, {"Content-Length": "200"}, 100, Verdict.RESTART_WITH_BODY, 200),
        (200, {"Content-Length": "80", "Content-Encoding": "gzip"}, 0, Verdict.RESTART_WITH_BODY, None),
        (200, {}, 0, Verdict.RESTART_WITH_BODY, None),
        (416, {"Content-Range": "bytes */200"}, 200, Verdict.COMPLETE, 200),
        (416, {"Content-Range": "bytes */150"}, 200, Verdict.RESTART, None),
        (416, {}, 200, Verdict.RESTART, None),
        (416, {"Content-Range": "bytes */0"}, 0, Verdict.FAIL, None),  # nothing was asked to be skipped
        (503, {}, 100, Verdict.RETRY, None),
        (429, {"Retry-After": "1"}, 0, Verdict.RETRY, None),
        (404, {}, 0, Verdict.FAIL, None),
        (401, {}, 100, Verdict.FAIL, None),
        (204, {}, 0, Verdict.FAIL, None),
    ],
)
def test_judge(status: int, headers: dict[str, str], on_disk: int, verdict: Verdict, size: int | None) -> None:
    """What each answer means for a download that has `on_disk` bytes, and the size it reveals."""
    judgement = judge(status, httpx.Headers(headers), bytes_on_disk=on_disk, retry_statuses=RETRY)
    assert (judgement.verdict, judgement.size) == (verdict, size)


@pytest.mark.parametrize(
    ("url", "base_url", "same"),
    [
        ("https://api.example/v1/files/m", "https://api.example", True),
        ("https://api.example:443/files/m", "https://api.example", True),
        ("http://127.0.0.1:4030/x", "http://127.0.0.1:4030/", True),
        ("https://cdn.example/m", "https://api.example", False),
        ("http://api.example/m", "https://api.example", False),
        ("https://api.example:8443/m", "https://api.example", False),
        ("https://api.example.evil/m", "https://api.example", False),
        ("https://api.example/m", "", False),  # a client without a base URL has no origin of its own
    ],
)
def test_same_origin(url: str, base_url: str, same: bool) -> None:
    """Credentials follow the origin: scheme, host and port (default ports made explicit) must all match."""
    assert same_origin(httpx.URL(url), httpx.URL(base_url)) is same

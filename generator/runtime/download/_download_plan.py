"""Pure decisions of a resumable download, shared by `download()` and `adownload()`.

Nothing here does I/O or reads a clock: the shells hand in what the server said (status and headers)
and how many bytes are already on disk, and get back what to do. So every rule is a table test.

Rules (RFC 9110 sections 13.1.5 If-Range, 14 Range requests, 15.3.7 206, 15.5.17 416):

- A resumed request asks for ``Range: bytes=<bytes on disk>-``, with ``If-Range`` set to the file's
  strong ETag (or, without one, its Last-Modified date) so a changed file comes back whole.
- ``206`` is appended only when its ``Content-Range`` starts exactly at the bytes on disk; any other
  start, or a missing/garbled header, discards the partial file and starts again from byte 0.
- ``200`` to a ranged request means the server ignored the range or the file changed: start again
  from byte 0 with this very response (no extra request).
- ``416`` whose ``Content-Range: bytes */<size>`` equals the bytes on disk means the file was already
  complete; otherwise start again from byte 0.
- The file's size comes from the ``Content-Range`` total or a ``200``'s ``Content-Length`` (not when
  it is content-encoded: downloads ask for ``Accept-Encoding: identity``).
"""

from __future__ import annotations

import enum
import re

import attrs

from ..core import httpx

__all__ = [
    "ContentRange",
    "Judgement",
    "Verdict",
    "judge",
    "parse_content_range",
    "resume_headers",
    "same_origin",
    "validator",
]

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@attrs.frozen
class ContentRange:
    """A parsed ``Content-Range``: `first`..`last` inclusive (None for ``*``) of `size` bytes (None: unknown)."""

    first: int | None
    last: int | None
    size: int | None


def parse_content_range(value: str | None) -> ContentRange | None:
    """``bytes 0-99/1000``, ``bytes 0-99/*`` or ``bytes */1000``; None when absent or malformed."""
    if value is None:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    first, last, size = match.groups()
    parsed_size = None if size == "*" else int(size)
    if first is None:
        return None if parsed_size is None else ContentRange(None, None, parsed_size)
    first_byte, last_byte = int(first), int(last)
    if last_byte < first_byte or (parsed_size is not None and last_byte >= parsed_size):
        return None
    return ContentRange(first_byte, last_byte, parsed_size)


def validator(headers: httpx.Headers) -> str | None:
    """What ``If-Range`` may carry: a strong ETag, else the Last-Modified date; None if neither exists."""
    etag = headers.get("etag")
    if etag and not etag.startswith(("W/", "w/")):
        return str(etag)
    modified = headers.get("last-modified")
    return str(modified) if modified else None


def resume_headers(bytes_on_disk: int, file_validator: str | None) -> dict[str, str]:
    """The headers of an attempt: never content-encoded; a range from `bytes_on_disk` when resuming."""
    headers = {"Accept-Encoding": "identity"}
    if bytes_on_disk > 0:
        headers["Range"] = f"bytes={bytes_on_disk}-"
        if file_validator is not None:
            headers["If-Range"] = file_validator
    return headers


class Verdict(enum.Enum):
    """What to do with a response's body, decided from its status and headers alone."""

    APPEND = "append"
    """A 206 continuing exactly where the file on disk ends: append the body."""
    RESTART_WITH_BODY = "restart_with_body"
    """A 200: drop what is on disk (if anything) and write this body from byte 0."""
    RESTART = "restart"
    """The answer cannot continue the file: drop what is on disk and send a fresh request from byte 0."""
    COMPLETE = "complete"
    """A 416 saying the file has exactly the bytes already on disk."""
    RETRY = "retry"
    """A retryable status: wait per the policy, then try again from the bytes on disk."""
    FAIL = "fail"
    """Any other status: raise the typed error for it."""


@attrs.frozen(kw_only=True)
class Judgement:
    """A `Verdict` plus the file size the response revealed, if any."""

    verdict: Verdict
    size: int | None = None


def judge(status: int, headers: httpx.Headers, *, bytes_on_disk: int, retry_statuses: frozenset[int]) -> Judgement:
    """What to do with a response to an attempt that asked for the bytes from `bytes_on_disk` on."""
    if status == 206:
        content_range = parse_content_range(headers.get("content-range"))
        if content_range is None or content_range.first != bytes_on_disk:
            return Judgement(verdict=Verdict.RESTART)
        return Judgement(verdict=Verdict.APPEND, size=content_range.size)
    if status == 200:
        return Judgement(verdict=Verdict.RESTART_WITH_BODY, size=_plain_length(headers))
    if status == 416 and bytes_on_disk > 0:
        content_range = parse_content_range(headers.get("content-range"))
        if content_range is not None and content_range.size == bytes_on_disk:
            return Judgement(verdict=Verdict.COMPLETE, size=bytes_on_disk)
        return Judgement(verdict=Verdict.RESTART)
    if status in retry_statuses:
        return Judgement(verdict=Verdict.RETRY)
    return Judgement(verdict=Verdict.FAIL)


def _plain_length(headers: httpx.Headers) -> int | None:
    """A 200's Content-Length, when it is the file's size (not the size of an encoded body)."""
    if headers.get("content-encoding", "identity").lower() != "identity":
        return None
    raw = headers.get("content-length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


def same_origin(url: httpx.URL, base_url: httpx.URL) -> bool:
    """True when `url` has the scheme, host and port of `base_url` (default ports made explicit)."""
    if not base_url.host:
        return False
    return (
        url.scheme == base_url.scheme
        and url.host == base_url.host
        and (url.port or _DEFAULT_PORTS.get(url.scheme)) == (base_url.port or _DEFAULT_PORTS.get(base_url.scheme))
    )

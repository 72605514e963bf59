"""The request objects of `LeanClient`'s short path, without httpx's generic machinery.

``httpx.Request(method, url, headers=...)`` runs the body encoder (which, for no body, produces nothing)
and then rebuilds the headers to put ``Host`` first, checking each automatic header by scanning and
decoding every header. For a request with no body, `bodyless_request` gives httpx the finished header
list (``Host`` first, as httpx would put it) and an empty `httpx.ByteStream`, which httpx's public
constructor takes as is. The result is field for field what httpx builds (a test compares them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core import httpx
from ..core._lazy_request import FixedHeaders, LazyURLRequest, lazy_target

__all__ = ["HostHeaders", "WatchedHeaders", "bodyless_request"]

_BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE"})  # httpx adds no Content-Length


class WatchedHeaders(httpx.Headers):
    """A lean client's default headers (``client.headers``), counting the changes made to them, so that
    `HostHeaders` knows they are unchanged without rebuilding and comparing their list per request. Every
    change goes through ``__setitem__``, ``__delitem__`` or ``update`` (the mapping's ``pop``, ``clear`` and
    ``setdefault`` call the first two); the count moves after the change, so a request that reads it sees
    the headers it counts, or older ones while the change is under way, as with any shared headers."""

    changes = 0

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self.changes += 1

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.changes += 1

    def update(self, headers: Any = None) -> None:  # type: ignore[override]  # httpx's signature, typed loosely
        super().update(headers)
        self.changes += 1

    def __repr__(self) -> str:
        return super().__repr__().replace(type(self).__name__, "Headers", 1)  # as httpx's own headers show


class HostHeaders:
    """The client's default headers with ``Host`` in front, rebuilt only when the defaults change, and the
    same merged with a call's extra headers, kept per distinct dict of them (`with_extra`)."""

    __slots__ = ("_changes", "_defaults", "_headers", "_merged", "_netloc", "_watched")

    _headers: FixedHeaders  # the defaults with Host in front
    _merged: dict[tuple[tuple[Any, Any], ...], FixedHeaders]  # the same with each distinct dict of extras

    def __init__(self, netloc: bytes) -> None:
        self._netloc = netloc
        self._defaults: list[tuple[bytes, bytes]] | None = None
        empty = httpx.Headers()
        self._headers = FixedHeaders(empty)
        self._merged = {}
        self._watched: WatchedHeaders | None = None  # the defaults `_headers` came from, at `_changes` changes
        self._changes = 0

    def for_defaults(self, defaults: httpx.Headers) -> FixedHeaders | None:
        """The request headers for `defaults`, or None if they set ``Host`` themselves (httpx's path)."""
        known = self._watched
        if defaults is known and known is not None and known.changes == self._changes:
            return self._headers  # the same defaults, unchanged since (`WatchedHeaders`)
        watched = defaults if type(defaults) is WatchedHeaders else None
        changes = watched.changes if watched is not None else 0  # read first: a change after it is seen next time
        raw = defaults.raw
        self._watched = None
        if raw != self._defaults:
            if any(name.lower() == b"host" for name, _ in raw):
                return None
            with_host = [(b"Host", self._netloc), *raw]
            headers = httpx.Headers(with_host, encoding=defaults.encoding)
            self._headers = FixedHeaders(headers)
            self._defaults = raw
            self._merged.clear()
        self._watched, self._changes = watched, changes
        return self._headers

    def with_extra(self, headers: FixedHeaders, extra: Any) -> FixedHeaders | None:
        """`headers` (from `for_defaults`) updated with a call's `extra` headers as httpx merges them, or None
        when `extra` sets ``Host`` (httpx keeps the caller's where the caller put it: its own path).

        An operation sends the same extra headers on every call (its ``Accept``), so the merge is kept per
        distinct dict of them, up to `_MERGED_KEPT` (then started afresh: per-call values such as an
        idempotency key never repeat). The result is shared: `httpx.Request` copies the headers it is given.
        """
        key = _merge_key(extra)
        merged = self._merged.get(key) if key is not None else None
        if merged is not None:
            return merged
        extra = httpx.Headers(extra)
        if "host" in extra:
            return None
        copied = headers.headers.copy()
        copied.update(extra)
        merged = FixedHeaders(copied)
        if key is not None:
            if len(self._merged) >= _MERGED_KEPT:
                self._merged.clear()
            self._merged[key] = merged
        return merged


_MERGED_KEPT = 32  # distinct extra-header dicts kept per client: one or two per operation in practice


def _merge_key(extra: Any) -> tuple[tuple[Any, Any], ...] | None:
    """A hashable key for a plain dict of extra headers; None for anything else (merged every time)."""
    if type(extra) is not dict:
        return None
    key = tuple(extra.items())
    try:
        hash(key)
    except TypeError:
        return None
    return key


def bodyless_request(
    method: str,
    url: httpx.URL | str,
    headers: FixedHeaders,
    params: Any,
    extensions: Mapping[str, Any],
    *,
    base: httpx.URL | None = None,
    path: str = "",
) -> httpx.Request | None:
    """A request with no body whose `headers` already hold ``Host``; None for methods that send a length.

    When `url` is `base` (parsed, without query or fragment) plus `path`, and no `params`, the request
    parses its URL only when something reads it, if `lazy_target` can tell its wire path without parsing.
    """
    method = method.upper()
    if method not in _BODYLESS_METHODS:
        return None
    path_bytes = lazy_target(base, path) if base is not None and params is None and isinstance(url, str) else None
    if path_bytes is not None and base is not None and isinstance(url, str):
        # read from the start: its `content` is b"", as httpx's `read` below makes it
        return LazyURLRequest(method, base, url, path_bytes, headers=headers, extensions=extensions)
    request = httpx.Request(
        method, url, params=params, headers=headers.headers, stream=httpx.ByteStream(b""), extensions=extensions
    )
    request.read()  # as httpx does for an in-memory body: `request.content` is b""
    return request

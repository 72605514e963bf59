"""Opt-in conditional GET cache: remember ETagged 200s, revalidate with ``If-None-Match``, serve 304s.

Rules:

- A 200 answer to a GET that carries an ``ETag`` (and neither side says ``Cache-Control: no-store``,
  and ``Vary`` is not ``*``) is stored, up to `DEFAULT_CACHE_MAX_BODY_BYTES` of body. Streams are
  stored only once read to the end, so streaming still works.
- The key is the full URL plus a keyed hash of the ``Authorization`` header, and the entry remembers
  keyed hashes of the request headers its ``Vary`` names. Raw credentials are never kept: the hash key
  is random per cache, so the hashes are useless outside this process.
- A later GET with the same key and Vary'd values is sent with ``If-None-Match: <etag>``. A 304 is
  answered with the stored response (status 200, stored body), its headers updated by the 304's, plus
  ``X-Cache: revalidated`` and the extension ``sdk.cache = "revalidated"``. Any other answer replaces
  or drops the entry. Nothing is ever served without asking the server: this cache saves bandwidth
  and parsing, never freshness.
- A request that carries its own validator or range (``If-None-Match``, ``If-Modified-Since``,
  ``If-Match``, ``If-Range``, ``Range``) or ``Cache-Control: no-store`` bypasses the cache: the caller
  wants the server's own answer (e.g. the 304).
- A successful unsafe request (POST, PUT, PATCH, DELETE...) drops the entries for its URL.
- Bounded: least recently used entries are evicted beyond `DEFAULT_CACHE_MAX_ENTRIES`. Thread-safe
  (one lock around the table); the sync and async transports share `ETagCache`.

Why not hishel (decision recorded after trying hishel 2.0.0 in the venv): its httpx ``CacheTransport``
would need, to meet the rules above, (1) a storage written for us — it ships SQLite (a file by default)
and Redis, bounded in bytes, not an in-memory LRU; its ``BaseStorage`` contract (entries that appear
only once their stream is fully saved) is more code than this whole module; (2) a shim hiding the
``Authorization`` header, because each stored entry keeps the full request headers, so the raw token
would be stored (we saw ``Bearer ...`` in its SQLite rows); (3) a bypass for the caller's own
``If-None-Match``, which it turns into a cached 200, though the caller asked for the 304. In RFC mode
it also serves fresh entries without asking the server, which would make behaviour depend on whether
an optional extra is installed. Wrapping all that behind ``CachingTransport(*, inner)`` is not cleaner
than the small revalidation cache here, so hishel is not used (not even as an extra).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from typing import Final

import attrs

from ..core import httpx
from ..core._defaults import DEFAULT_CACHE_MAX_BODY_BYTES, DEFAULT_CACHE_MAX_ENTRIES

__all__ = [
    "CACHE_EXTENSION",
    "CACHE_STATUS_HEADER",
    "DEFAULT_CACHE_MAX_BODY_BYTES",
    "DEFAULT_CACHE_MAX_ENTRIES",
    "AsyncCachingTransport",
    "CachingTransport",
    "ETagCache",
]

CACHE_STATUS_HEADER: Final = "X-Cache"
CACHE_EXTENSION: Final = "sdk.cache"
REVALIDATED: Final = "revalidated"

_BYPASS_HEADERS = ("if-none-match", "if-modified-since", "if-match", "if-range", "range")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_NOT_UPDATED_BY_304 = frozenset({"content-length", "content-encoding", "transfer-encoding", "content-range"})

_Key = tuple[str, str]
"""(URL, keyed hash of Authorization)."""


@attrs.frozen
class _Entry:
    """A stored 200: raw headers and raw (still content-encoded) body, and what its Vary matched."""

    etag: str
    headers: tuple[tuple[bytes, bytes], ...]
    content: bytes
    vary: tuple[tuple[str, str], ...]


class ETagCache:
    """The bounded, thread-safe table behind both transports (see the module docstring).

    Args:
        max_entries: LRU bound (default `DEFAULT_CACHE_MAX_ENTRIES`).
        max_body_bytes: bodies larger than this are not stored (default `DEFAULT_CACHE_MAX_BODY_BYTES`).
    """

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_CACHE_MAX_ENTRIES,
        max_body_bytes: int = DEFAULT_CACHE_MAX_BODY_BYTES,
    ) -> None:
        if max_entries < 1 or max_body_bytes < 0:
            raise ValueError("max_entries must be >= 1 and max_body_bytes >= 0")
        self.max_entries, self.max_body_bytes = max_entries, max_body_bytes
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._salt = os.urandom(16)

    def __len__(self) -> int:
        return len(self._entries)

    def _digest(self, value: str | None) -> str:
        """A keyed hash: equal inputs match within this cache, and the input cannot be recovered."""
        if value is None:
            return ""
        return hashlib.blake2b(value.encode("utf-8", "surrogateescape"), key=self._salt, digest_size=16).hexdigest()

    def key(self, request: httpx.Request) -> _Key:
        return (str(request.url), self._digest(request.headers.get("authorization")))

    def lookup(self, request: httpx.Request) -> _Entry | None:
        """The entry for this request whose Vary'd header values match, marking it recently used."""
        key = self.key(request)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        if any(self._digest(request.headers.get(name)) != digest for name, digest in entry.vary):
            return None
        return entry

    def store(self, request: httpx.Request, headers: httpx.Headers, content: bytes) -> None:
        """Keep a 200 (its raw headers and body), evicting the least recently used beyond the bound."""
        if len(content) > self.max_body_bytes:
            self.discard(request)
            return
        names = sorted({n.strip().lower() for v in headers.get_list("vary") for n in v.split(",") if n.strip()})
        entry = _Entry(
            etag=headers["etag"],
            headers=tuple(headers.raw),
            content=content,
            vary=tuple((name, self._digest(request.headers.get(name))) for name in names),
        )
        key = self.key(request)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def update(self, request: httpx.Request, entry: _Entry, headers: httpx.Headers) -> None:
        """Replace the stored headers after a 304 (if the entry is still the current one)."""
        key = self.key(request)
        with self._lock:
            if self._entries.get(key) is entry:
                self._entries[key] = attrs.evolve(entry, headers=tuple(headers.raw))

    def discard(self, request: httpx.Request) -> None:
        with self._lock:
            self._entries.pop(self.key(request), None)

    def invalidate_url(self, url: httpx.URL) -> None:
        """Drop every entry for `url`, whatever the credentials (after a successful unsafe request)."""
        target = str(url)
        with self._lock:
            for key in [key for key in self._entries if key[0] == target]:
                del self._entries[key]


def _bypass(request: httpx.Request) -> bool:
    """The caller's own validators or ``no-store`` mean the server's answer must reach it untouched."""
    headers = request.headers
    return any(name in headers for name in _BYPASS_HEADERS) or "no-store" in headers.get("cache-control", "")


def _conditional(request: httpx.Request, entry: _Entry) -> httpx.Request:
    """A copy of `request` carrying ``If-None-Match`` (the original stays untouched for retries)."""
    headers = request.headers.copy()
    headers["If-None-Match"] = entry.etag
    return httpx.Request(
        request.method, request.url, headers=headers, stream=request.stream, extensions=request.extensions
    )


def _storable(request: httpx.Request, response: httpx.Response) -> bool:
    headers = response.headers
    return (
        response.status_code == 200
        and "etag" in headers
        and "no-store" not in headers.get("cache-control", "")
        and "no-store" not in request.headers.get("cache-control", "")
        and "*" not in headers.get("vary", "")
    )


def _merged_headers(entry: _Entry, fresh: httpx.Headers) -> httpx.Headers:
    """The stored headers, each one the 304 repeats replaced by its new value (RFC 9111 4.3.4)."""
    replaced = {name for name in fresh if name not in _NOT_UPDATED_BY_304 and name != "x-cache"}
    kept = [(k, v) for k, v in entry.headers if k.decode("latin-1").lower() not in replaced]
    added = [(k.encode(), v.encode()) for k, v in fresh.multi_items() if k in replaced]
    return httpx.Headers([*kept, *added])


def _revalidated(
    cache: ETagCache, request: httpx.Request, entry: _Entry, not_modified: httpx.Response
) -> httpx.Response:
    """The stored 200 served for a 304, and the stored headers refreshed."""
    headers = _merged_headers(entry, not_modified.headers)
    cache.update(request, entry, headers)
    headers[CACHE_STATUS_HEADER] = REVALIDATED
    return httpx.Response(
        200,
        headers=headers,
        stream=httpx.ByteStream(entry.content),
        extensions={**not_modified.extensions, CACHE_EXTENSION: REVALIDATED},
        request=request,
    )


class _Capture:
    """Collects a streamed 200 as the caller reads it; stores it once complete and within the limit."""

    def __init__(self, cache: ETagCache, request: httpx.Request, headers: httpx.Headers) -> None:
        self.cache, self.request, self.headers = cache, request, headers
        self.chunks: list[bytes] = []
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= self.cache.max_body_bytes:
            self.chunks.append(chunk)

    def complete(self) -> None:
        if self.size <= self.cache.max_body_bytes:
            self.cache.store(self.request, self.headers, b"".join(self.chunks))
        else:
            self.cache.discard(self.request)


class _SyncCaptureStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, capture: _Capture) -> None:
        self._inner, self._capture = inner, capture

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._capture.feed(chunk)
            yield chunk
        self._capture.complete()

    def close(self) -> None:
        self._inner.close()


class _AsyncCaptureStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, capture: _Capture) -> None:
        self._inner, self._capture = inner, capture

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._capture.feed(chunk)
            yield chunk
        self._capture.complete()

    async def aclose(self) -> None:
        await self._inner.aclose()


def _after(cache: ETagCache, request: httpx.Request, response: httpx.Response) -> _Capture | None:
    """Shared by both shells for a non-304 answer: store now, capture the stream, or drop the entry."""
    if not _storable(request, response):
        cache.discard(request)
        return None
    if isinstance(response.stream, httpx.ByteStream):  # already in memory (e.g. a mock): store now
        cache.store(request, response.headers, b"".join(response.stream))
        return None
    return _Capture(cache, request, response.headers)


class CachingTransport(httpx.BaseTransport):
    """Sync conditional-GET cache around `inner` (see the module docstring).

    Args:
        inner: the next transport (in the factory, the logging transport).
        cache: the table; a new `ETagCache` with its defaults when None.
    """

    def __init__(self, *, inner: httpx.BaseTransport, cache: ETagCache | None = None) -> None:
        self._inner = inner
        self.cache = cache if cache is not None else ETagCache()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            response = self._inner.handle_request(request)
            if request.method not in _SAFE_METHODS and response.status_code < 400:
                self.cache.invalidate_url(request.url)
            return response
        if _bypass(request):
            return self._inner.handle_request(request)
        entry = self.cache.lookup(request)
        response = self._inner.handle_request(request if entry is None else _conditional(request, entry))
        if entry is not None and response.status_code == 304:
            response.read()
            response.close()
            return _revalidated(self.cache, request, entry, response)
        capture = _after(self.cache, request, response)
        if capture is not None and isinstance(response.stream, httpx.SyncByteStream):
            response.stream = _SyncCaptureStream(response.stream, capture)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncCachingTransport(httpx.AsyncBaseTransport):
    """`CachingTransport` for `httpx.AsyncClient`; same arguments and rules."""

    def __init__(self, *, inner: httpx.AsyncBaseTransport, cache: ETagCache | None = None) -> None:
        self._inner = inner
        self.cache = cache if cache is not None else ETagCache()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            response = await self._inner.handle_async_request(request)
            if request.method not in _SAFE_METHODS and response.status_code < 400:
                self.cache.invalidate_url(request.url)
            return response
        if _bypass(request):
            return await self._inner.handle_async_request(request)
        entry = self.cache.lookup(request)
        response = await self._inner.handle_async_request(request if entry is None else _conditional(request, entry))
        if entry is not None and response.status_code == 304:
            await response.aread()
            await response.aclose()
            return _revalidated(self.cache, request, entry, response)
        capture = _after(self.cache, request, response)
        if capture is not None and isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _AsyncCaptureStream(response.stream, capture)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

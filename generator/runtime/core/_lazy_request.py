"""`LazyURLRequest`: an `httpx.Request` whose URL is parsed only when something reads it.

httpx parses every request URL in full when the request is built (a per-character scan, regular
expressions, an `ipaddress` parse of an IP host, percent-encoding checks): for a small GET that is about a
fifth of the SDK's own work per request. The lean client (`pipeline/_lean_client.py`) sends most requests
to its base URL plus a path it wrote itself, and what the transports and the breaker need of that URL is
known without parsing it: the origin (scheme, host, port) is the already parsed base URL's, and the path
sent on the wire is the base URL's path followed by the call's path, unchanged (`lazy_target` admits only
paths that httpx's parse would leave as they are: no dot segments, nothing to percent-encode, no query).

So such a request keeps its target text and parses it into ``request.url`` on first read (a hook, a log
line at INFO, an error message, an auth that reads the URL): ``request.url`` is exactly the `httpx.URL`
httpx would have built, only later. The runtime's own readers ask `origin_url` and `raw_target` instead,
which answer without parsing, and from ``request.url`` for any other request, or once ``request.url``
was replaced.

Its headers are deferred likewise. The lean client builds it from `FixedHeaders`, a header set shared by
its requests whose wire lines and lowered names are worked out once; the auth and the retry layer each add
one header per request (``Authorization``, the attempt number), and httpx's ``headers[name] = value``
scans and re-encodes every header for that. `set_header` notes a header new to the set instead, and
`wire_headers` gives the transports the lines as sent; the first read of ``request.headers`` applies the
noted headers in order through httpx's own ``__setitem__``, so what anyone reads is what httpx would hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Generic, TypeVar

from . import httpx

__all__ = [
    "FixedHeaders",
    "LazyURLRequest",
    "PerOriginURL",
    "lazy_target",
    "origin_url",
    "raw_target",
    "set_header",
    "wire_headers",
]

T = TypeVar("T")

_UNCHANGED_PATH: Final = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+")
"""A path httpx's parse leaves as it is: "/"-separated unreserved characters, sub-delimiters, ":" and "@",
and percent-escapes (RFC 3986's pchar), so nothing is encoded; no "?" or "#", so it is all path."""

_LONGEST_TARGET: Final = 8192  # well under httpx's URL length limit, so the parse cannot refuse it


def lazy_target(base: httpx.URL, path: str) -> bytes | None:
    """The raw path (``url.raw_path``) that ``httpx.URL(<base without its trailing slash> + path)`` would have,
    or None when only the parse can tell (a dot segment, a character to encode, a query, a long path).

    `base` must have no query or fragment (the lean client's plan checks that once).
    """
    if len(path) > _LONGEST_TARGET or "/." in path or not _UNCHANGED_PATH.fullmatch(path):
        return None  # "/." may start a dot segment, which httpx's parse removes: left to the parse
    return base.raw_path.rstrip(b"/") + path.encode("ascii")


class FixedHeaders:
    """Request headers shared by many requests and never changed, with their wire lines (`raw`) and lowered
    names (`names`) worked out once. A request built from them copies `headers`, as httpx does."""

    __slots__ = ("headers", "names", "raw")

    headers: httpx.Headers

    def __init__(self, headers: httpx.Headers) -> None:
        self.headers = headers
        self.raw: tuple[tuple[bytes, bytes], ...] = tuple(headers.raw)
        self.names = frozenset(name.lower() for name, _ in self.raw)


class LazyURLRequest(httpx.Request):
    """A request to `base` plus a path, its ``url`` parsed from `target` when first read (module docstring).

    Built like ``httpx.Request(method, target, headers=headers, stream=httpx.ByteStream(b""),
    extensions=extensions)``, and equal to it field for field once ``url`` is read.

    Args:
        method: the HTTP method (upper case).
        base: the parsed base URL: its scheme, host and port are the target's.
        target: the whole URL, `base` (without its trailing slash) plus the path.
        path_bytes: the target's raw path, from `lazy_target`.
        headers: the request headers (copied, as httpx copies them); from `FixedHeaders`, headers set
            through `set_header` are applied when ``headers`` is first read (module docstring).
        extensions: the request extensions (copied).
    """

    _target: str
    _parsed: httpx.URL | None  # the URL once parsed, or as assigned
    _own: httpx.Headers | None  # httpx's copy of the headers; None until read while `fixed` holds
    origin: httpx.URL | None
    """The parsed base URL (the same scheme, host, port), or None once ``url`` was replaced."""
    path_bytes: bytes | None
    """The URL's raw path, or None once ``url`` was replaced."""
    fixed: FixedHeaders | None
    """The shared headers the request's own still equal, or None once ``headers`` was read or assigned."""
    later: list[tuple[str, str, bytes]]
    """Headers set since (`set_header`) and not applied yet: name, value and the name lowered."""
    wire: tuple[tuple[bytes, bytes], ...]
    """While `fixed` holds: its lines and the `later` ones, as sent."""

    def __init__(
        self,
        method: str,
        base: httpx.URL,
        target: str,
        path_bytes: bytes,
        *,
        headers: httpx.Headers | FixedHeaders,
        extensions: Mapping[str, Any],
    ) -> None:
        # httpx's constructor is not run: for a stream given and no params or cookies, all it does is assign
        # these five public fields (a copy of `base` as ``url``, which the target replaces at once).
        self.method = method.upper()
        fixed: FixedHeaders | None = None
        if isinstance(headers, FixedHeaders):  # shared and never changed: httpx's copy made on a first read
            fixed = headers
            self._own, self.later = None, []
        else:
            self.headers = httpx.Headers(headers)  # a copy, as httpx makes
        self.extensions = dict(extensions)
        self.stream = httpx.ByteStream(b"")
        self._target, self._parsed = target, None
        self.origin, self.path_bytes = base, path_bytes
        self.fixed = fixed  # after the ``headers`` setter above (given headers), which forgets it
        self.wire = fixed.raw if fixed is not None else ()

    def __repr__(self) -> str:
        return super().__repr__().replace(type(self).__name__, "Request", 1)  # as httpx's own request shows

    # Its body is empty and in memory, read from the start: what httpx's `read` (an attribute probe, an
    # isinstance against a typing ABC, a join over the stream's generator) would give, without that work.
    @property
    def content(self) -> bytes:
        return b""

    def read(self) -> bytes:
        return b""

    @property  # httpx declares a plain attribute: a property with a setter reads and assigns alike
    def url(self) -> httpx.URL:
        parsed = self._parsed
        if parsed is None:
            target = self._target
            parsed = httpx.URL(target)
            self._parsed = parsed
        return parsed

    @url.setter
    def url(self, value: httpx.URL) -> None:
        self._parsed = value
        self.origin = self.path_bytes = None  # a new URL (an auth adding a query key): ask it from now on

    @property  # a plain attribute in httpx, like ``url``
    def headers(self) -> httpx.Headers:
        own = self._own
        fixed = self.fixed
        if fixed is not None:  # first read: httpx's copy, then the noted headers in order, as httpx sets them
            self.fixed = None
            copied = httpx.Headers(fixed.headers)
            own = self._own = copied
            for name, value, _ in self.later:
                own[name] = value
            self.later, self.wire = [], ()
        assert own is not None, "copied from `fixed` on the first read"
        return own

    @headers.setter
    def headers(self, value: httpx.Headers) -> None:
        self._own = value
        self.fixed, self.later, self.wire = None, [], ()


_NAME_BYTES: dict[str, tuple[bytes, bytes]] = {}  # a set header's name as sent and lowered (a handful in use)
_NAMES_KEPT: Final = 64


def _name_bytes(name: str) -> tuple[bytes, bytes]:
    raw_name = name.encode("utf-8")  # httpx's encoding for a set header (the copied headers name none yet)
    if len(_NAME_BYTES) >= _NAMES_KEPT:
        _NAME_BYTES.clear()
    known = _NAME_BYTES[name] = (raw_name, raw_name.lower())
    return known


def set_header(request: httpx.Request, name: str, value: str) -> None:
    """``request.headers[name] = value``; on a `LazyURLRequest` whose headers were not read yet and hold no
    header `name` (nor was one noted), noted instead, which gives the same headers when first read."""
    if type(request) is LazyURLRequest:
        fixed = request.fixed
        if fixed is not None:
            known = _NAME_BYTES.get(name)
            if known is None:
                known = _name_bytes(name)
            if known[1] not in fixed.names:
                later = request.later
                for noted in later:
                    if noted[2] == known[1]:
                        break
                else:
                    later.append((name, value, known[1]))
                    request.wire += ((known[0], value.encode("utf-8")),)
                    return
    request.headers[name] = value


def wire_headers(request: httpx.Request) -> tuple[tuple[bytes, bytes], ...]:
    """The request's header lines as sent (``request.headers.raw``), without applying a lazy request's
    noted headers."""
    if type(request) is LazyURLRequest and request.fixed is not None:
        return request.wire
    return tuple(request.headers.raw)


def origin_url(request: httpx.Request) -> httpx.URL:
    """A URL with the request URL's scheme, host, port and netloc (the request's own URL, or for a
    `LazyURLRequest` its parsed base), without parsing anything."""
    if type(request) is LazyURLRequest and request.origin is not None:
        return request.origin
    return request.url


def raw_target(request: httpx.Request) -> bytes:
    """The request URL's raw path (path and query, as sent on the wire), without parsing anything."""
    if type(request) is LazyURLRequest and request.path_bytes is not None:
        return request.path_bytes
    return request.url.raw_path


class PerOriginURL(Generic[T]):
    """What a request's origin URL gives (`derive`, a subclass's), kept for the last URL object asked about.

    A lean request's origin is its client's parsed base URL, the same object for every request
    (`origin_url`), so the value is worked out once; another URL object, even one of the same text, is asked
    afresh (URLs are immutable: the same object gives the same value). One tuple holds the URL and its
    value, so threads sharing the holder never pair a URL with another's value.
    """

    __slots__ = ("_last",)

    _last: tuple[httpx.URL, T] | None  # the URL object last asked about, and its value

    def __init__(self) -> None:
        self._last = None

    def derive(self, url: httpx.URL, request: httpx.Request) -> T:
        """The value for `url`, the origin URL of `request` (which errors name)."""
        raise NotImplementedError

    def value_for(self, request: httpx.Request) -> T:
        """`derive` of the request's origin URL, from the last URL's value when it is the same object."""
        url = origin_url(request)
        last = self._last
        if last is not None and last[0] is url:
            return last[1]
        value = self.derive(url, request)
        self._last = (url, value)
        return value

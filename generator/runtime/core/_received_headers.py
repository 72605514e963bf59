"""`ReceivedHeaders`: a response's header names lowered once, for every layer that looks a header up.

Three layers read headers of every response: the body reader (``Content-Length``, ``Content-Encoding``),
the lean client (``Set-Cookie``, ``Content-Encoding``) and the INFO log line (the request id). httpx's own
lookups (`Headers.get`) run a comprehension over every header per lookup, and raise and catch a KeyError
for a name that is absent; a loop over `Headers.raw` rebuilds that list and lowers each name in Python. So
the names are lowered here once, in C (one join, one `lower`, one split), kept in the response's
extensions (`RECEIVED_HEADERS_EXTENSION`), and each lookup is a list search in C.

The names and values are the headers as received: the httptools transports hand their parsed list over
(`RAW_HEADERS_EXTENSION`), any other transport's come from `Headers.raw` when first asked, which the
innermost layer that asks does before anything above could change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from . import httpx
from ._defaults import RAW_HEADERS_EXTENSION, RECEIVED_HEADERS_EXTENSION, REQUEST_ID_HEADERS

__all__ = ["ReceivedHeaders", "received_headers"]

_name = itemgetter(0)


class ReceivedHeaders:
    """The header lines of one response: `raw` (name, value) pairs as received, and `names`, lowered."""

    __slots__ = ("_request_id", "names", "raw")

    def __init__(self, raw: Sequence[tuple[bytes, bytes]]) -> None:
        self.raw = raw
        self._request_id: bytes | None = None  # b"" once looked up and absent
        # A header name never holds a newline (the parsers refuse it), so this split gives one name per line.
        self.names = b"\n".join(map(_name, raw)).lower().split(b"\n") if raw else []

    def __contains__(self, lowered: bytes) -> bool:
        return lowered in self.names

    def value(self, lowered: bytes) -> bytes | None:
        """The value of header `lowered` (a lower-case name), repeated values joined with ``, `` as
        `Headers.get` does; None when absent."""
        names = self.names
        if lowered not in names:
            return None
        if names.count(lowered) == 1:
            return self.raw[names.index(lowered)][1]
        return b", ".join(value for name, (_, value) in zip(names, self.raw, strict=True) if name == lowered)

    def request_id(self) -> bytes:
        """The value of the first of `REQUEST_ID_HEADERS` with one (b"" for none), looked up once: the log
        line and an error built from the same response both show it."""
        found = self._request_id
        if found is None:
            names = self.names
            found = b""
            for name in _REQUEST_ID_NAMES:
                times = names.count(name)
                if not times:
                    continue
                value = self.raw[names.index(name)][1] if times == 1 else self.value(name)
                if value:
                    found = value
                    break
            self._request_id = found
        return found


_REQUEST_ID_NAMES = tuple(name.lower().encode("ascii") for name in REQUEST_ID_HEADERS)


def received_headers(response: httpx.Response) -> ReceivedHeaders:
    """The response's `ReceivedHeaders`, made on first use and kept in its extensions."""
    extensions = response.extensions
    made: ReceivedHeaders | None = extensions.get(RECEIVED_HEADERS_EXTENSION)
    if made is None:
        raw = extensions.get(RAW_HEADERS_EXTENSION)
        made = extensions[RECEIVED_HEADERS_EXTENSION] = ReceivedHeaders(
            raw if raw is not None else response.headers.raw
        )
    return made

"""`Exchange`: what httptools' parser (llhttp) has read of the answers on one HTTP/1.1 connection.

The connection feeds it every byte the socket gives (`feed`) and reads the answer from plain attributes:
`status`, `reason`, `headers` (raw name/value pairs in order), `http_version` ("1.1"), `head_ready`
(status and headers are in), `complete` (the whole answer is in) and `keep_alive`; body bytes wait in a
buffer until `take_body`. Pure: no I/O and no waiting, so the sync connection and any other shell share it.

httptools can neither be told to skip a body (llhttp's "skip body" answer to headers-complete is not
exposed) nor that the stream ended (no ``llhttp_finish``). So the answer to a HEAD is complete at its
headers and its parser is replaced before the next exchange, and a body framed by neither Content-Length
nor chunked encoding ends when the server closes the connection (`ends_at_close`, for the shell to judge).
"""

from __future__ import annotations

from typing import Final

import httptools

from ..core import httpx

__all__ = ["MAX_HEAD_BYTES", "Exchange"]

_FRAMING_HEADERS: Final = frozenset({b"content-length", b"transfer-encoding"})
MAX_HEAD_BYTES: Final = 100 * 1024
"""How many bytes may be read while an answer's head (status line, headers, and any 1xx answers before it)
is still incomplete; one read more fails. httpx's pool bounds a head at the same size. llhttp sets no bound,
so a server sending headers without end was kept in memory and read from until a read timed out."""


class _UnsolicitedResponse(Exception):
    """Raised inside the parser when a second answer starts after the exchange's answer was complete."""


class _UnsupportedCoding(Exception):
    """Raised inside the parser at the head of an answer sent with a transfer coding other than chunked."""


class Exchange:
    """The parser and the current answer of one connection (see the module docstring)."""

    __slots__ = (
        "_foreign_coding",
        "_head_bytes",
        "_head_only",
        "_informational",
        "_parser",
        "_pieces",
        "_spent_parser",
        "buffered",
        "complete",
        "head_ready",
        "headers",
        "http_version",
        "keep_alive",
        "reason",
        "request",
        "status",
    )

    def __init__(self) -> None:
        self.request: httpx.Request | None = None
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.http_version = "1.1"
        self.head_ready = False
        self.complete = False
        self.keep_alive = False
        self.buffered = 0  # body bytes fed and not taken yet
        self._parser = self._new_parser()
        self._spent_parser = False
        self._head_only = False
        self._informational = False
        self._foreign_coding = b""  # a Transfer-Encoding other than chunked, as sent
        self._head_bytes = 0  # bytes fed while the current answer's head is incomplete
        self._pieces: list[bytes] = []

    def begin(self, request: httpx.Request, *, head_only: bool) -> None:
        """Start an exchange: `head_only` for a HEAD, whose answer has no body whatever its headers say."""
        if self._spent_parser:  # the last answer was a HEAD's: its parser may still expect a body
            self._parser = self._new_parser()
            self._spent_parser = False
        self.request = request
        self._head_only = head_only
        self.headers = []
        self.reason = b""
        self.head_ready = self.complete = False
        self._head_bytes = 0
        self._foreign_coding = b""  # (a HEAD's or a 304's answer may have named one and been kept alive)

    def _new_parser(self) -> httptools.HttpResponseParser:
        """llhttp's response parser, reading what RFC 9112 asks a client to read and llhttp refuses by default
        (as httpx's h11 reads it): a line ended by a bare LF (2.2: a recipient MAY take it for CRLF) and a
        header value folded over lines (5.2: a user agent MUST replace the fold with spaces). llhttp accepts the
        fold only with its lenient header mode, which also stops it checking the characters of header values:
        a value's odd bytes are then kept as sent (names are still checked, and a bare CR still ends the
        answer as malformed). A body framed both by Content-Length and chunked stays refused (6.3: ought to be
        handled as an error), as does a repeated Content-Length. The parser is made once per connection (and
        after a HEAD), so this costs nothing per request."""
        parser = httptools.HttpResponseParser(self)
        parser.set_dangerous_leniencies(lenient_headers=True, lenient_optional_cr_before_lf=True)
        return parser

    def end(self) -> None:
        """Forget the finished exchange (drops a body nobody read)."""
        self.request = None
        self._pieces = []
        self.buffered = 0

    def feed(self, data: bytes) -> None:
        """Parse bytes from the socket.

        Raises:
            httpx.RemoteProtocolError: a malformed answer, a head past `MAX_HEAD_BYTES`, a body in a
                transfer coding other than chunked, or a switch of protocols (101, an upgrade). Bytes after
                a whole answer do not raise: the answer stands and `keep_alive` turns False.
        """
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.keep_alive = False
            message = "the server switched protocols, which this transport does not support"
            raise httpx.RemoteProtocolError(message, request=self.request) from None
        except httptools.HttpParserError as exc:
            self.keep_alive = False
            if isinstance(exc.__context__, _UnsupportedCoding):  # raised by on_headers_complete below
                coding = self._foreign_coding.decode("latin-1")
                message = f"the server sent Transfer-Encoding: {coding}; only chunked is supported"
                raise httpx.RemoteProtocolError(message, request=self.request) from None
            if not self.complete:
                raise httpx.RemoteProtocolError(f"malformed HTTP response: {exc}", request=self.request) from None
            return
        if not self.head_ready:  # every byte fed so far was head (a final answer's or 1xx ones'): bound it
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.keep_alive = False
                message = f"the response's status line and headers are still incomplete after {MAX_HEAD_BYTES} bytes"
                raise httpx.RemoteProtocolError(message, request=self.request)

    def ends_at_close(self) -> bool:
        """Whether the body is delimited by the connection's close (no Content-Length, not chunked)."""
        return not self._head_only and not any(name.lower() in _FRAMING_HEADERS for name, _ in self.headers)

    def take_body(self) -> bytes:
        """Every body byte that arrived and was not taken yet (b"" for none)."""
        pieces = self._pieces
        if not pieces:
            return b""
        self._pieces = []
        self.buffered = 0
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    # --- httptools callbacks (names fixed by httptools) ------------------------------------------------------

    def on_message_begin(self) -> None:
        # A second answer in the same bytes as this one (pipelined garbage, a server's stray 408): stopped
        # before its status line and headers reach this answer's `reason` and `headers` (the caller would get
        # its Set-Cookie, say). Raising makes llhttp fail the feed, which `feed` turns into "don't reuse".
        if self.complete:
            raise _UnsolicitedResponse

    def on_status(self, status: bytes) -> None:
        self.reason += status  # llhttp may hand the reason phrase over in pieces

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))
        # llhttp takes the chunks of "gzip, chunked" apart and hands the gzip bytes over as the body, which
        # nobody would then decode (Content-Encoding is not set): a wrong body, silently. httpx refuses any
        # coding but chunked; so does this. The length test keeps the check to one compare for other names.
        if len(name) == 17 and name.lower() == b"transfer-encoding" and value.strip().lower() != b"chunked":
            self._foreign_coding = value

    def on_headers_complete(self) -> None:
        parser = self._parser
        status = parser.get_status_code()
        if status < 200:  # 1xx (100 Continue, 103 Early Hints): skipped, the final answer follows
            self._informational = True
            return
        if self._foreign_coding and not self._head_only and status not in (204, 304):  # a body may follow
            raise _UnsupportedCoding
        self.status = status
        self.keep_alive = parser.should_keep_alive()
        self.http_version = parser.get_http_version()
        self.head_ready = True
        if self._head_only:
            self.complete = True
            self._spent_parser = True

    def on_body(self, body: bytes) -> None:
        if self.complete:  # a HEAD's answer has no body, whatever its server sends
            return
        self._pieces.append(body)
        self.buffered += len(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            self.headers = []
            self.reason = b""
            self._foreign_coding = b""
            return
        self.complete = True

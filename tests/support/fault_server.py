"""A loopback file server that misbehaves on purpose, for the download tests.

Why not Prism: Prism serves a spec's static example whole. It ignores ``Range`` (always 200), cannot
cut a transfer half way, corrupt one byte, or serve hundreds of MB, and its ``206`` example is fixed.
The download rules are about exactly those cases, so they are tested against this server, and the
spec's example file against Prism (tests/sdk/test_tiktrue_prism.py).

`FaultServer` is stdlib `http.server` (HTTP/1.1, keep-alive) in a thread on 127.0.0.1 and a free port,
stopped on exit. Files are made up on the fly from a seeded PRNG in 1 MiB blocks, so any byte range
of a file of any size is served in constant memory and the repository holds nothing big. It honours
``Range: bytes=N-`` / ``bytes=N-M`` (206 + ``Content-Range``, 416 past the end) and ``If-Range``
(a stale ETag gets the whole file), sends a strong ``ETag``, and records every request. `Faults`
says how to misbehave; each "once" fault is used up by the first response it applies to.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import random
import re
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import attrs

BLOCK = 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@functools.lru_cache(maxsize=4)
def _block(seed: int, index: int) -> bytes:
    """Block `index` of every file with this seed (recent blocks cached: ranges re-read them)."""
    return random.Random(seed * 1_000_003 + index).randbytes(BLOCK)


@attrs.frozen
class ServedFile:
    """`size` bytes drawn from a PRNG seeded with `seed`; the same bytes on every request."""

    size: int
    seed: int = 20261122

    def chunks(self, start: int, end: int) -> Iterator[bytes]:
        """Bytes `start`..`end` (exclusive), one block-sized piece at a time."""
        offset = start
        while offset < end:
            index, skip = divmod(offset, BLOCK)
            piece = _block(self.seed, index)[skip : skip + (end - offset)]
            yield piece
            offset += len(piece)

    def content(self) -> bytes:
        """The whole file in memory: only for small files in tests."""
        return b"".join(self.chunks(0, self.size))

    @functools.cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for piece in self.chunks(0, self.size):
            digest.update(piece)
        return digest.hexdigest()


@attrs.define
class Faults:
    """How the server misbehaves. "Once" faults are switched off by the first response they touch."""

    cut_after: int | None = None
    """Once: close the connection after sending this many body bytes of a 200/206."""
    corrupt_at: int | None = None
    """Always: flip the bits of the file's byte at this offset in every response that covers it."""
    ignore_range: bool = False
    """Always: answer 200 with the whole file, whatever the Range."""
    wrong_range_start: bool = False
    """Once: answer a Range request with a 206 that starts one byte later than asked."""
    statuses: list[int] = attrs.Factory(list)
    """The next requests get these statuses, one each, before any file is served (``Retry-After: 0``)."""
    send_length: bool = True
    """False: no Content-Length; the body ends when the server closes the connection."""
    etag: str | None = '"file-v1"'
    """The file's strong ETag; None sends none."""


@attrs.frozen
class SeenRequest:
    path: str
    range: str | None
    if_range: str | None
    authorization: str | None
    accept_encoding: str | None
    headers: frozenset[str] = frozenset()
    """Every header name the request carried, lowercased."""


class FaultServer:
    """The server; ``with FaultServer({"/model.bin": ServedFile(4 << 20)}) as server: server.url``."""

    def __init__(
        self, files: dict[str, ServedFile], faults: Faults | None = None, *, redirects: dict[str, str] | None = None
    ) -> None:
        self.files = files
        self.redirects = redirects or {}  # path -> Location, answered with 302 (a CDN hand-off)
        self.faults = faults or Faults()
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fault-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def record(self, seen: SeenRequest) -> None:
        with self._lock:
            self.requests.append(seen)

    def take_status(self) -> int | None:
        with self._lock:
            return self.faults.statuses.pop(0) if self.faults.statuses else None


class _QuietServer(ThreadingHTTPServer):
    """Clients hanging up (the tests cancel and cut transfers) are normal here, not errors to print."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _handler_for(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read `server.requests` instead."""

        def do_GET(self) -> None:
            server.record(
                SeenRequest(
                    path=self.path,
                    range=self.headers.get("Range"),
                    if_range=self.headers.get("If-Range"),
                    authorization=self.headers.get("Authorization"),
                    accept_encoding=self.headers.get("Accept-Encoding"),
                    headers=frozenset(name.lower() for name in self.headers),
                )
            )
            location = server.redirects.get(self.path.split("?", 1)[0])
            if location is not None:
                self._empty(302, {"Location": location})
                return
            served = server.files.get(self.path.split("?", 1)[0])
            status = server.take_status()
            if status is not None:
                self._empty(status, {"Retry-After": "0"})
                return
            if served is None:
                self._empty(404, {})
                return
            self._serve(served, server.faults)

        def _empty(self, status: int, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _serve(self, served: ServedFile, faults: Faults) -> None:
            start, end, partial = 0, served.size, False
            asked = _RANGE.match(self.headers.get("Range", ""))
            if_range = self.headers.get("If-Range")
            if asked and not faults.ignore_range and (if_range is None or if_range == faults.etag):
                first = int(asked.group(1))
                if first >= served.size:
                    self._empty(416, {"Content-Range": f"bytes */{served.size}"})
                    return
                last = min(int(asked.group(2)), served.size - 1) if asked.group(2) else served.size - 1
                start, end, partial = first, last + 1, True
                if faults.wrong_range_start:
                    faults.wrong_range_start = False
                    start += 1
            self.send_response(206 if partial else 200)
            if faults.send_length:
                self.send_header("Content-Length", str(end - start))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            if partial:
                self.send_header("Content-Range", f"bytes {start}-{end - 1}/{served.size}")
            self.send_header("Accept-Ranges", "bytes")
            if faults.etag is not None:
                self.send_header("ETag", faults.etag)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self._body(served, start, end, faults)

        def _body(self, served: ServedFile, start: int, end: int, faults: Faults) -> None:
            cut, faults.cut_after = faults.cut_after, None
            sent, offset = 0, start
            try:
                for piece in served.chunks(start, end):
                    piece = _corrupted(piece, offset, faults.corrupt_at)
                    if cut is not None and sent + len(piece) >= cut:
                        self.wfile.write(piece[: cut - sent])
                        self._hang_up()
                        return
                    self.wfile.write(piece)
                    sent += len(piece)
                    offset += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _hang_up(self) -> None:
            """Drop the connection mid-body, as a flaky network would."""
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


def _corrupted(piece: bytes, offset: int, corrupt_at: int | None) -> bytes:
    """`piece` (the file's bytes from `offset`) with the byte at `corrupt_at` flipped, if it is inside."""
    if corrupt_at is None or not offset <= corrupt_at < offset + len(piece):
        return piece
    index = corrupt_at - offset
    return piece[:index] + bytes([piece[index] ^ 0xFF]) + piece[index + 1 :]

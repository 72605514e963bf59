"""A raw HTTP/1.1 loopback server in threads whose answers are bytes written by the test, for the sync
httptools transport's tests.

Why not `WireServer`: that one builds well-formed answers from fields. The transport's tests need every
byte under the test's control (a malformed status line, an answer cut short, a reset, 1xx answers before
the final one, a server that never reads), and to see the request exactly as it went on the wire.

``with RawServer() as server:`` listens on 127.0.0.1 and a free port and stops on exit (every connection
handler ends). Each request takes the next `Answer` from `answers`, then `default`, and is recorded as a
`Seen`. `connections` counts accepted connections and `ended` the handlers that finished.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

import attrs

from tests.support.threaded_listener import ThreadedListener

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@attrs.frozen
class Answer:
    """What the server does with one request: write `data` (or run `write` on the socket), then keep the
    connection, close it, hold it open until the client closes it, or reset it (RST). `early`: answer once
    the head is in, without reading the body (a server refusing an upload)."""

    data: bytes = OK
    then: Literal["keep", "close", "hold", "reset"] = "keep"
    write: Callable[[socket.socket], None] | None = None
    early: bool = False


@attrs.frozen
class Seen:
    """One request as it arrived: its head, and its body as on the wire and decoded."""

    head: bytes
    wire_body: bytes
    body: bytes

    def header(self, name: str) -> str | None:
        for line in self.head.decode("latin-1").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


class _Reader:
    """Buffered reads from a socket that give up (None) when the server stops or the client goes."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self._sock, self._stop, self._buffer = sock, stop, b""

    def _fill(self) -> bool:
        while not self._stop.is_set():
            try:
                data = self._sock.recv(65536)
            except TimeoutError:
                continue
            except (OSError, ssl.SSLError):
                return False
            if not data:
                return False
            self._buffer += data
            return True
        return False

    def until(self, marker: bytes) -> bytes | None:
        while marker not in self._buffer:
            if not self._fill():
                return None
        data, _, self._buffer = self._buffer.partition(marker)
        return data + marker

    def exactly(self, size: int) -> bytes | None:
        while len(self._buffer) < size:
            if not self._fill():
                return None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def to_end(self) -> None:
        while self._fill():
            self._buffer = b""


class RawServer(ThreadedListener):
    """Reads each request whole, answers from `answers` in order, then with `default` (module docstring)."""

    def __init__(self, tls: ssl.SSLContext | None = None, *, mute: bool = False) -> None:
        self.answers: deque[Answer] = deque()
        self.default = Answer()
        self.seen: list[Seen] = []
        self.connections = 0
        self.ended = 0
        self.mute = mute  # accept connections but never read or answer (nor finish a TLS handshake)
        self._tls = tls
        super().__init__("raw-server")

    @property
    def url(self) -> str:
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{self.port}"

    def until(self, condition: Callable[[], bool]) -> None:
        """Wait (in 5 ms steps, at most 2 s) until `condition` holds; the server's threads run meanwhile."""
        for _ in range(400):
            if condition():
                return
            time.sleep(0.005)
        raise AssertionError("condition never held")

    def _accepted(self) -> None:
        with self._lock:
            self.connections += 1

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(0.05)  # reads poll, so a stopping server does not wait on an idle connection
            if self.mute:
                self._stop.wait()
                return
            if self._tls is not None:
                conn.settimeout(5)
                conn = self._tls.wrap_socket(conn, server_side=True)
                conn.settimeout(0.05)
            reader = _Reader(conn, self._stop)
            while (head := reader.until(b"\r\n\r\n")) is not None:
                with self._lock:
                    answer = self.answers.popleft() if self.answers else self.default
                bodies = (b"", b"") if answer.early else self._read_body(reader, head)
                if bodies is None:
                    return
                with self._lock:
                    self.seen.append(Seen(head, *bodies))
                if not self._answer(conn, reader, answer):
                    return
        except (OSError, ssl.SSLError):  # the client went away mid-answer
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with self._lock:
                self.ended += 1

    @staticmethod
    def _read_body(reader: _Reader, head: bytes) -> tuple[bytes, bytes] | None:
        seen = Seen(head, b"", b"")
        if (length := seen.header("content-length")) is not None:
            body = reader.exactly(int(length))
            return None if body is None else (body, body)
        if (seen.header("transfer-encoding") or "").lower() != "chunked":
            return b"", b""
        wire, chunks = [], []
        while True:
            size_line = reader.until(b"\r\n")
            if size_line is None:
                return None
            size = int(size_line.strip(), 16)
            data = reader.exactly(size + 2)
            if data is None:
                return None
            wire += [size_line, data]
            if not size:
                return b"".join(wire), b"".join(chunks)
            chunks.append(data[:-2])

    def _answer(self, conn: socket.socket, reader: _Reader, answer: Answer) -> bool:
        """Send `answer`; False when the connection is done."""
        conn.settimeout(10)  # a slow reader is not a gone one
        if answer.write is not None:
            answer.write(conn)
        elif answer.data:
            conn.sendall(answer.data)
        conn.settimeout(0.05)
        if answer.then == "keep":
            return True
        if answer.then == "hold":
            reader.to_end()
        elif answer.then == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False

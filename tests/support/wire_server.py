"""A loopback HTTP/1.1 server that answers from a script, and misbehaves mid-body on purpose.

Why not `FaultServer`: that one serves files to GETs. The in-memory response rules are about any method
and about the body's timing: an answer cut after N bytes, a body trickled a byte at a time, a huge or
highly compressed body. `WireServer` is raw sockets in threads on 127.0.0.1 and a free port, stopped on
exit; each request takes the next `Answer` (then `default`) and is recorded as a `Received`.

`call` sends one request through the SDK's stack, sync or async on any backend, with httpx errors
translated as generated code does, so one test body covers all four ways an SDK talks.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import deque
from typing import Any

import attrs
import httpx
from runtime import (
    ClientSettings,
    FakeClock,
    Hooks,
    build_async_client,
    build_sync_client,
    translate_transport_errors,
)

from tests.support.threaded_listener import ThreadedListener

BACKENDS = ["sync", "sync-httpx", "httpx", "aiohttp", "httptools"]
"""The sync client on its default (httptools') and on httpx's pool, and the async client on each innermost transport."""


@attrs.frozen
class Answer:
    """One response. `cut_after`: close after that many body bytes. `trickle_s`: send the body a byte at a
    time, this far apart. `chunks`: the body as pieces sent one after another (for big bodies)."""

    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    cut_after: int | None = None
    trickle_s: float | None = None
    length: int | None = None  # the Content-Length to announce (default: len(body))
    close_delimited: bool = False  # no Content-Length: the body ends when the server closes


@attrs.frozen
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class WireServer(ThreadedListener):
    """``with WireServer() as server: server.answers.append(Answer(...)); server.url``."""

    def __init__(self) -> None:
        self.answers: deque[Answer] = deque()
        self.default = Answer()
        self.received: list[Received] = []
        self.body_bytes_sent: list[int] = []  # per answer, how many body bytes went out before it ended
        super().__init__("wire-server")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self, conn: socket.socket) -> None:
        buffered = b""
        with conn:
            while not self._stop.is_set():
                request, buffered = _read_request(conn, buffered, self._stop)
                if request is None:
                    return
                with self._lock:
                    self.received.append(request)
                    answer = self.answers.popleft() if self.answers else self.default
                if not self._answer(conn, answer):
                    return

    def _answer(self, conn: socket.socket, answer: Answer) -> bool:
        """Send `answer`; False when the connection was (or must be) closed."""
        length = len(answer.body) if answer.length is None else answer.length
        head = f"HTTP/1.1 {answer.status} Whatever\r\n" + "".join(f"{k}: {v}\r\n" for k, v in answer.headers)
        head += "Connection: close\r\n\r\n" if answer.close_delimited else f"Content-Length: {length}\r\n\r\n"
        body = answer.body if answer.cut_after is None else answer.body[: answer.cut_after]
        sent = 0
        conn.settimeout(10)  # a slow reader is not a gone one (reads poll with a short timeout instead)
        try:
            conn.sendall(head.encode("latin-1"))
            if answer.trickle_s is None:
                conn.sendall(body)
                sent = len(body)
            else:
                for index in range(len(body)):
                    if self._stop.is_set():
                        break
                    conn.sendall(body[index : index + 1])
                    sent += 1
                    self._stop.wait(answer.trickle_s)  # a stopping server does not sit out the pause
        except OSError:
            self.body_bytes_sent.append(sent)
            return False
        self.body_bytes_sent.append(sent)
        if answer.cut_after is not None or sent < length or answer.close_delimited:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            return False
        return True


def _read_request(conn: socket.socket, buffered: bytes, stop: threading.Event) -> tuple[Received | None, bytes]:
    """The next request on `conn` (None when the client went away or the server stops)."""
    while b"\r\n\r\n" not in buffered:
        chunk = _recv(conn, stop)
        if not chunk:
            return None, b""
        buffered += chunk
    head, _, rest = buffered.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = _recv(conn, stop)
        if not chunk:
            return None, b""
        rest += chunk
    return Received(method, path, headers, rest[:length]), rest[length:]


def _recv(conn: socket.socket, stop: threading.Event) -> bytes:
    conn.settimeout(0.1)  # short, so a stopping server does not wait on an idle keep-alive connection
    while not stop.is_set():
        try:
            return conn.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return b""
    return b""


def call(
    url: str,
    backend: str,
    method: str = "GET",
    path: str = "/items",
    *,
    clock: FakeClock | None = None,
    settings: dict[str, Any] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One request through the SDK's stack (`backend`: one of `BACKENDS`), the body read, errors translated."""
    built = ClientSettings(base_url=url, **(settings or {}))
    options: dict[str, Any] = {"auth": None, "hooks": Hooks(), "logger_name": "sdk.wire_test", "clock": clock}
    if clock is not None:
        options["jitter"] = lambda: 0.0
    if backend.startswith("sync"):
        transport = "httpx" if backend == "sync-httpx" else "httptools"
        with build_sync_client(built, transport=transport, **options) as client, translate_transport_errors():
            return client.request(method, path, **kwargs)

    async def send() -> httpx.Response:
        async with build_async_client(built, transport=backend, **options) as client:  # type: ignore[arg-type]
            with translate_transport_errors():
                return await client.request(method, path, **kwargs)

    return asyncio.run(send())

"""A WebSocket mock driven only by an AsyncAPI 3 document and its `info.x-ws-protocol`.

    python -m mock.ws_mock openapi/<name>.asyncapi.yaml [--port 4011] [--interval 5|off] [--server local]

serves the document on 127.0.0.1 (path: the server's `pathname`), prints its URL and stops on Ctrl-C
or SIGTERM. In tests use `WebSocketMock` (`async with`) or `ThreadedWebSocketMock` (`with`, for sync
code); both stop cleanly, closing every connection. What the mock answers to each frame is described
in mock/ws_session.py, how it reads the document in mock/ws_document.py, the HTTP control in
mock/ws_control.py.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from mock.ws_control import PREFIX as CONTROL_PREFIX
from mock.ws_document import AsyncApiDocument, DocumentError, Protocol, load_document
from mock.ws_server import DEFAULT_INTERVAL_S, LOOPBACK, SERVICE_RESTART_CLOSE_CODE, WebSocketMock
from mock.ws_session import AUTH_FAILED_CLOSE_CODE, ClientSession

__all__ = [
    "AUTH_FAILED_CLOSE_CODE",
    "DEFAULT_INTERVAL_S",
    "LOOPBACK",
    "SERVICE_RESTART_CLOSE_CODE",
    "AsyncApiDocument",
    "ClientSession",
    "DocumentError",
    "Protocol",
    "ThreadedWebSocketMock",
    "WebSocketMock",
    "load_document",
    "main",
]

T = TypeVar("T")
CALL_TIMEOUT_S = 10.0


class ThreadedWebSocketMock:
    """`WebSocketMock` on an event loop in a background thread, for sync tests and `make mock`.

    `with ThreadedWebSocketMock(path) as mock:` starts it and always stops it (closing every
    connection and joining the thread). Arguments are those of `WebSocketMock`; the control methods
    are the same, made synchronous.
    """

    def __init__(
        self,
        document: str | Path | AsyncApiDocument,
        *,
        port: int = 0,
        interval_s: float | None = DEFAULT_INTERVAL_S,
        http_control: bool = False,
    ) -> None:
        self.mock = WebSocketMock(document, port=port, interval_s=interval_s, http_control=http_control)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    def start(self) -> ThreadedWebSocketMock:
        """Start the loop thread and the mock; re-raise whatever stopped it from starting."""
        if self._thread is not None:
            raise RuntimeError("the mock is already running")
        ready = threading.Event()
        failures: list[BaseException] = []
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main(ready, failures)), name="ws-mock", daemon=True
        )
        self._thread.start()
        if not ready.wait(CALL_TIMEOUT_S):
            self.stop()
            raise RuntimeError(f"the WebSocket mock did not start within {CALL_TIMEOUT_S:.0f}s")
        if failures:
            self._thread.join()
            self._thread = None
            raise failures[0]
        return self

    async def _main(self, ready: threading.Event, failures: list[BaseException]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            await self.mock.start()
        except BaseException as exc:
            failures.append(exc)
            ready.set()
            return
        ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self.mock.stop()

    def stop(self) -> None:
        """Stop the mock (closing every connection) and join the thread. Safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._loop is not None and self._stopping is not None and thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopping.set)
        thread.join(CALL_TIMEOUT_S)
        if thread.is_alive():
            raise RuntimeError("the WebSocket mock thread did not stop")

    def __enter__(self) -> ThreadedWebSocketMock:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None or self._thread is None:
            coroutine.close()
            raise RuntimeError("the mock is not running: use `with ThreadedWebSocketMock(...)` or start()")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(CALL_TIMEOUT_S)

    def _in_loop(self, function: Callable[[], T]) -> T:
        async def call() -> T:
            return function()

        return self._run(call())

    @property
    def document(self) -> AsyncApiDocument:
        return self.mock.document

    @property
    def port(self) -> int:
        return self.mock.port

    @property
    def url(self) -> str:
        return self.mock.url

    @property
    def addresses(self) -> list[tuple[str, int]]:
        return self.mock.addresses

    def push(self, channel: str, payload: Mapping[str, Any] | str | None = None) -> int:
        """See `WebSocketMock.push`."""
        return self._run(self.mock.push(channel, payload))

    def drop_all(self, *, abort: bool = False) -> int:
        """See `WebSocketMock.drop_all`."""
        return self._run(self.mock.drop_all(abort=abort))

    def refuse_auth(self, refused: bool = True, *, once: bool = False) -> None:
        """See `WebSocketMock.refuse_auth`."""
        self._in_loop(lambda: self.mock.refuse_auth(refused, once=once))

    def silence(self, silent: bool = True) -> None:
        """See `WebSocketMock.silence`."""
        self._in_loop(lambda: self.mock.silence(silent))

    @property
    def received(self) -> list[dict[str, Any]]:
        return self._in_loop(lambda: self.mock.received)

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        return self._in_loop(lambda: self.mock.duplicates)

    @property
    def sessions(self) -> list[ClientSession]:
        return self._in_loop(lambda: self.mock.sessions)

    @property
    def connections(self) -> int:
        return self._in_loop(lambda: self.mock.connections)

    def wait_for(self, predicate: Callable[[], bool], *, timeout_s: float = 2.0) -> None:
        """Return once `predicate()` (called in this thread) is true; TimeoutError after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout_s}s")
            time.sleep(0.005)


def _interval(text: str) -> float | None:
    if text.lower() in ("off", "none"):
        return None
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("give a positive number of seconds, or `off`")
    return value


def main(argv: list[str] | None = None) -> int:
    """The CLI: serve one AsyncAPI document until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m mock.ws_mock", description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path, help="the AsyncAPI 3 document to serve")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: the server's port, else a free one)")
    parser.add_argument("--server", help="the document's server whose pathname to use (default: the first ws one)")
    parser.add_argument(
        "--interval",
        type=_interval,
        default=DEFAULT_INTERVAL_S,
        metavar="SECONDS|off",
        help=f"repeat each channel's examples to subscribers this often (default {DEFAULT_INTERVAL_S:g}; off: never)",
    )
    parser.add_argument("--no-http-control", action="store_true", help=f"do not answer GET {CONTROL_PREFIX}<action>")
    args = parser.parse_args(argv)
    try:
        document = load_document(args.document, server=args.server)
    except DocumentError as exc:
        print(f"ws-mock: {exc}", file=sys.stderr)
        return 2
    port = args.port if args.port is not None else document.server_port or 0
    mock = WebSocketMock(document, port=port, interval_s=args.interval, http_control=not args.no_http_control)
    return asyncio.run(_serve(mock, port))


async def _serve(mock: WebSocketMock, port: int) -> int:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await mock.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"ws-mock: port {port} on {LOOPBACK} is busy: stop what listens there or pass --port", file=sys.stderr
            )
            return 1
        raise
    try:
        channels = ", ".join(sorted(mock.document.channels))
        print(f"ws-mock: {mock.url}   (document {mock.document.path}; channels: {channels})")
        for path in sorted(mock.document.streams):
            print(f"ws-mock: stream ws://{LOOPBACK}:{mock.port}{path}   (events at once, no frames needed)")
        if mock.http_control:
            print(f"ws-mock: control: http://{LOOPBACK}:{mock.port}{CONTROL_PREFIX}state (see mock/ws_control.py)")
        interval = "never" if mock.interval_s is None else f"every {mock.interval_s:g}s"
        print(f"ws-mock: any non-empty token is accepted; examples repeat {interval}. Ctrl-C stops it.", flush=True)
        await stopping.wait()
        print("\nws-mock: stopping", flush=True)
    finally:
        await mock.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

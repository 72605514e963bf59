"""The WebSocket mock server: serves one AsyncAPI document on 127.0.0.1, driven by its x-ws-protocol.

This module runs the server and its connections; what it answers to each frame is in
mock/ws_session.py. Tests steer the mock with `push`, `drop_all`, `refuse_auth` and `silence`, and
read what clients sent from `received`, `duplicates` and `sessions`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.typing import Subprotocol

from mock.ws_control import control_response
from mock.ws_document import AsyncApiDocument, load_document
from mock.ws_session import ClientSession, FrameHandler, cancel_all, examples, send

LOOPBACK = "127.0.0.1"
DEFAULT_INTERVAL_S = 5.0
SERVICE_RESTART_CLOSE_CODE = 1012
CLOSE_TIMEOUT_S = 1.0  # how long a closing handshake may take before the mock drops the TCP connection


class WebSocketMock:
    """Serve an AsyncAPI document over WebSocket on 127.0.0.1; `async with` starts and stops it.

    Args:
        document: the AsyncAPI 3 document (a path, or one already loaded with `load_document`).
        port: the port to bind; 0 (the default) picks a free one (see `url`).
        interval_s: seconds between repeats of a channel's example events to each subscriber;
            default `DEFAULT_INTERVAL_S`; None sends them only on subscribe and on `push`.
        http_control: also answer `GET /_mock/<action>` (see mock/ws_control.py) for demos.
    """

    def __init__(
        self,
        document: str | Path | AsyncApiDocument,
        *,
        port: int = 0,
        interval_s: float | None = DEFAULT_INTERVAL_S,
        http_control: bool = False,
    ) -> None:
        if interval_s is not None and interval_s <= 0:
            raise ValueError(f"interval_s must be positive or None (no repeats), got {interval_s}")
        self.document = document if isinstance(document, AsyncApiDocument) else load_document(document)
        self.http_control = http_control
        self._requested_port = port
        self._server: Server | None = None
        self._sessions: list[ClientSession] = []
        self._handler = FrameHandler(document=self.document, interval_s=interval_s)
        self._speaking: asyncio.Event | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1:`port` and start accepting connections."""
        if self._server is not None:
            raise RuntimeError("the mock is already running")
        self._speaking = asyncio.Event()
        self._speaking.set()
        self._server = await serve(
            self._serve_connection,
            LOOPBACK,
            self._requested_port,
            process_request=self._process_request,
            select_subprotocol=_accept_offered_subprotocol,
            ping_interval=None,  # the mock never drops a quiet client on its own
            close_timeout=CLOSE_TIMEOUT_S,
        )

    async def stop(self) -> None:
        """Close every connection (code 1001) and the listening socket; wait for every task. Idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        self.silence(False)  # a paused connection could not finish its closing handshake
        server.close()
        await server.wait_closed()  # every connection handler has returned, and cancelled its repeats

    async def __aenter__(self) -> WebSocketMock:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def interval_s(self) -> float | None:
        """Seconds between repeats of a channel's examples; None: only on subscribe and `push`."""
        return self._handler.interval_s

    @property
    def port(self) -> int:
        """The bound port (RuntimeError before `start`)."""
        if self._server is None:
            raise RuntimeError("the mock is not running: use `async with WebSocketMock(...)` or start()")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """Every (host, port) the mock listens on: just 127.0.0.1 and `port`."""
        if self._server is None:
            return []
        return [(str(s.getsockname()[0]), int(s.getsockname()[1])) for s in self._server.sockets]

    @property
    def url(self) -> str:
        """`ws://127.0.0.1:<port><pathname>`, the URL clients connect to."""
        return f"ws://{LOOPBACK}:{self.port}{self.document.pathname}"

    # --- control (tests and demos) ----------------------------------------------------------------

    async def push(self, channel: str, payload: Mapping[str, Any] | str | None = None) -> int:
        """Send `payload` (default: each of the channel's examples) to the channel's subscribers.

        `channel` may also be a stream's path: then every connection on that stream gets it.

        A str payload is sent as it is (to test how clients treat broken frames). Returns how many
        connections got it; KeyError names the channels if `channel` is not one of them.
        """
        specs = self.document.channels.get(channel) or self.document.streams.get(channel)
        if specs is None:
            known = sorted([*self.document.channels, *self.document.streams])
            raise KeyError(f"no channel {channel!r}; the document has {known}")
        payloads: Sequence[Mapping[str, Any] | str] = [payload] if payload is not None else examples(specs)
        targets = [s for s in self._sessions if s.open and channel in s.subscriptions]
        for session in targets:
            for item in payloads:
                await send(session, item)
        return len(targets)

    async def drop_all(self, *, abort: bool = False) -> int:
        """Drop every open connection: close code 1012 (service restart), or with `abort` no close frame."""
        targets = [s for s in self._sessions if s.open]
        for session in targets:
            if abort:
                session.connection.transport.abort()
            else:
                _resume(session.connection)  # a silenced connection must read the client's close frame
        if not abort:
            await asyncio.gather(
                *(s.connection.close(SERVICE_RESTART_CLOSE_CODE, "service restart") for s in targets),
                return_exceptions=True,
            )
        for session in targets:
            await session.connection.wait_closed()
        return len(targets)

    def refuse_auth(self, refused: bool = True, *, once: bool = False) -> None:
        """While refused, every `auth` frame gets error `auth_failed` and close code 4401.

        With `once`, only the next `auth` frame is refused (a client's reconnect then gets in), whatever
        `refused` says; `refuse_auth(False)` also cancels a pending `once`.
        """
        if once:
            self._handler.refuse_next_auth = True
            return
        self._handler.auth_refused = refused
        if not refused:
            self._handler.refuse_next_auth = False

    @property
    def auth_refused(self) -> bool:
        """Whether `refuse_auth` is on."""
        return self._handler.auth_refused

    @property
    def refuse_next_auth(self) -> bool:
        """Whether `refuse_auth(once=True)` is waiting for the next `auth` frame."""
        return self._handler.refuse_next_auth

    def silence(self, silent: bool = True) -> None:
        """While silent, the mock reads nothing from clients, like a dead link.

        No `pong` (and no WebSocket-level pong) answers a ping; frames wait and are handled in order
        once `silence(False)`. The mock can still `push`. Connections opened meanwhile stay unread.
        """
        if self._speaking is None:
            return
        if silent:
            self._speaking.clear()
        else:
            self._speaking.set()
        for session in self._sessions:
            if session.open:
                (_pause if silent else _resume)(session.connection)

    @property
    def silent(self) -> bool:
        """Whether `silence` is on."""
        return self._speaking is not None and not self._speaking.is_set()

    @property
    def received(self) -> list[dict[str, Any]]:
        """Every client application message stored, in arrival order (duplicates excluded)."""
        return list(self._handler.received)

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        """Client application messages whose id had been stored before (acked, not stored again)."""
        return list(self._handler.duplicates)

    @property
    def sessions(self) -> list[ClientSession]:
        """Every connection so far, open or closed, in the order they were opened."""
        return list(self._sessions)

    @property
    def connections(self) -> int:
        """How many connections are open now."""
        return sum(1 for s in self._sessions if s.open)

    async def wait_for(self, predicate: Callable[[], bool], *, timeout_s: float = 2.0) -> None:
        """Return once `predicate()` is true; TimeoutError after `timeout_s`."""
        async with asyncio.timeout(timeout_s):
            while not predicate():
                await asyncio.sleep(0.005)

    # --- one connection ---------------------------------------------------------------------------

    async def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path.split("?", 1)[0] in (self.document.pathname, *self.document.streams):
            return None
        if self.http_control:
            answer = await control_response(self, connection, request.path)
            if answer is not None:
                return answer
        return connection.respond(
            HTTPStatus.NOT_FOUND, f"Nothing here. The WebSocket endpoint is {self.document.pathname}\n"
        )

    async def _serve_connection(self, connection: ServerConnection) -> None:
        session = ClientSession(number=len(self._sessions) + 1, connection=connection)
        self._sessions.append(session)
        if self.silent:
            _pause(connection)
        stream = connection.request.path.split("?", 1)[0] if connection.request is not None else None
        try:
            if stream in self.document.streams:
                await self._handler.open_stream(session, stream)
            async for frame in connection:
                if not await self._wait_speaking(connection):
                    break
                if session.stream is None:  # a stream's clients send nothing the mock answers
                    await self._handler.handle(session, frame)
        except ConnectionClosed:
            pass
        finally:
            await cancel_all(session)

    async def _wait_speaking(self, connection: ServerConnection) -> bool:
        """Wait until the mock is not silent; False if the connection closed first."""
        assert self._speaking is not None
        if self._speaking.is_set():
            return True
        speaking = asyncio.ensure_future(self._speaking.wait())
        closed = asyncio.ensure_future(connection.wait_closed())
        await asyncio.wait({speaking, closed}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (speaking, closed):
            waiter.cancel()
        await asyncio.gather(speaking, closed, return_exceptions=True)
        return self._speaking.is_set() and connection.state is State.OPEN


def _pause(connection: ServerConnection) -> None:
    """Stop reading from the socket, so not even WebSocket-level pings get their pong."""
    if not connection.transport.is_closing():
        connection.transport.pause_reading()


def _resume(connection: ServerConnection) -> None:
    """Read again; frames that arrived meanwhile are then handled in order."""
    if not connection.transport.is_closing():
        connection.transport.resume_reading()


def _accept_offered_subprotocol(connection: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """Browsers fail the handshake when they offer a subprotocol and get none back, so echo the first."""
    return offered[0] if offered else None

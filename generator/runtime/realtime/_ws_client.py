"""`RealtimeClient`: the reconnecting WebSocket client behind `connect` (its rules: `_websocket.py`).

The client holds what outlives a connection: the subscription set and handlers (`Router`), the
outbound queue and the event stream (`_ws_queue.py`), and the state callbacks; `ConnectionLoop`
(`_ws_loop.py`) opens, serves and replaces the connections themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ..core._clock import Clock, SystemClock
from ..core._defaults import (
    DEFAULT_ACK_TIMEOUT_S,
    DEFAULT_AUTH_TIMEOUT_S,
    DEFAULT_MAX_BUFFERED_EVENTS,
    DEFAULT_MAX_FRAME_BYTES,
    DEFAULT_OPEN_TIMEOUT_S,
)
from ..core._errors import ConfigurationError, RealtimeClosedError, RealtimeTimeoutError
from ..pipeline._plaintext_guard import refuse_token_in_clear
from ..policies._options import UNSET, Unset
from ._realtime_protocol import HeartbeatPolicy, RealtimeProtocol, ReconnectPolicy, backoff_delays
from ._ws_link import TokenSource
from ._ws_loop import ConnectionLoop, ConnectionState, ConnectionStateChanged, LinkSettings
from ._ws_queue import DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_MESSAGES, STOP, EventStream, OutboundQueue, Outgoing
from ._ws_router import Decode, Router

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

__all__ = [
    "DEFAULT_ACK_TIMEOUT_S",
    "DEFAULT_AUTH_TIMEOUT_S",
    "DEFAULT_MAX_BUFFERED_EVENTS",
    "DEFAULT_MAX_FRAME_BYTES",
    "DEFAULT_OPEN_TIMEOUT_S",
    "EventHandler",
    "RealtimeClient",
    "StateCallback",
]


StateCallback = Callable[[ConnectionStateChanged], object]
EventHandler = Callable[[Any], object]


def _parsed(url: str) -> httpx.URL:
    """The WebSocket URL, parsed to judge its scheme and host."""
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"The WebSocket URL is not a valid URL ({exc}).", setting="url") from exc


class RealtimeClient:
    """A reconnecting WebSocket client for one `RealtimeProtocol` (rules: `_websocket.py`); built by `connect`.

    Args:
        url: ``ws://`` or ``wss://`` address of the server.
        protocol: message kinds and defaults (`RealtimeProtocol.from_mapping` of ``x-ws-protocol``).
        token_source: returns the bearer token for a connection's auth frame (e.g.
            `TokenRefreshAuth.async_access_token`); required when `protocol.auth` is set.
        decode: frame -> typed event (module docstring: unknown kinds, failures); None: raw dicts.
        deliver_unknown_kinds: pass frames of unknown kinds on as dicts (True) or skip them.
        reconnect: backoff and attempts; UNSET: `protocol.reconnect`; None: never reconnect.
        heartbeat: ping interval and pong timeout; UNSET: `protocol.heartbeat`; None: no pings.
        reconnect_delays: returns a fresh iterator of delays, taken anew after each good connection
            (default ``backoff_delays(reconnect)``).
        open_timeout_s, auth_timeout_s, ack_timeout_s: the handshake, the auth answer, a subscription's
            answer (`DEFAULT_OPEN_TIMEOUT_S`, `DEFAULT_AUTH_TIMEOUT_S`, `DEFAULT_ACK_TIMEOUT_S`); None: no limit.
        max_queued_messages, max_queued_bytes: bounds of the outbound queue (`DEFAULT_MAX_QUEUED_MESSAGES`,
            `DEFAULT_MAX_QUEUED_BYTES`).
        max_buffered_events: bound of the `events()` buffer and of the handlers' backlog.
        max_frame_bytes: largest frame taken from the server (`DEFAULT_MAX_FRAME_BYTES`); None: any.
        clock: reconnect waits use `clock.async_sleep` (the heartbeat and timeouts use the loop's time).
        logger: default: this module's logger, a child of the SDK package's logger. Tokens are never logged.
        require_https: refuse to send the token over plain ``ws://`` except to a loopback host, as the HTTP
            side refuses plain ``http://`` (`_plaintext_guard.py`); False for a trusted network.

    Raises:
        ConfigurationError: a ``ws://`` URL to a remote host while a token would be sent and `require_https`
            is set.
    """

    def __init__(
        self,
        url: str,
        *,
        protocol: RealtimeProtocol,
        token_source: TokenSource | None = None,
        decode: Decode | None = None,
        deliver_unknown_kinds: bool = True,
        reconnect: ReconnectPolicy | Unset | None = UNSET,
        heartbeat: HeartbeatPolicy | Unset | None = UNSET,
        reconnect_delays: Callable[[], Iterator[float]] | None = None,
        open_timeout_s: float | None = DEFAULT_OPEN_TIMEOUT_S,
        auth_timeout_s: float | None = DEFAULT_AUTH_TIMEOUT_S,
        ack_timeout_s: float | None = DEFAULT_ACK_TIMEOUT_S,
        max_queued_messages: int = DEFAULT_MAX_QUEUED_MESSAGES,
        max_queued_bytes: int = DEFAULT_MAX_QUEUED_BYTES,
        max_buffered_events: int = DEFAULT_MAX_BUFFERED_EVENTS,
        max_frame_bytes: int | None = DEFAULT_MAX_FRAME_BYTES,
        clock: Clock | None = None,
        logger: logging.Logger | None = None,
        require_https: bool = True,
    ) -> None:
        if not isinstance(protocol, RealtimeProtocol):
            raise TypeError("protocol must be a RealtimeProtocol (build it with RealtimeProtocol.from_mapping)")
        if protocol.auth is not None and token_source is not None:
            refuse_token_in_clear(_parsed(url), require_https=require_https, setting="url", fix="Use a wss:// URL")
        resolved_reconnect = protocol.reconnect if isinstance(reconnect, Unset) else reconnect
        policy = resolved_reconnect or protocol.reconnect
        self.url: str = url
        self.protocol: RealtimeProtocol = protocol
        self.ack_timeout_s: float | None = ack_timeout_s
        self._logger = logger or logging.getLogger(__name__)
        self._outbox = OutboundQueue(max_messages=max_queued_messages, max_bytes=max_queued_bytes)
        self._events = EventStream(max_buffered_events)
        self._router = Router(
            protocol,
            decode=decode,
            deliver_unknown_kinds=deliver_unknown_kinds,
            outbox=self._outbox,
            events=self._events,
            max_backlog=max_buffered_events,
            logger=self._logger,
        )
        settings = LinkSettings(
            url=url,
            protocol=protocol,
            token_source=token_source,
            reconnect=resolved_reconnect,
            heartbeat=protocol.heartbeat if isinstance(heartbeat, Unset) else heartbeat,
            reconnect_delays=reconnect_delays or (lambda: backoff_delays(policy)),
            open_timeout_s=open_timeout_s,
            auth_timeout_s=auth_timeout_s,
            ack_timeout_s=ack_timeout_s,
            max_frame_bytes=max_frame_bytes,
        )
        self._loop = ConnectionLoop(
            settings,
            router=self._router,
            outbox=self._outbox,
            events=self._events,
            clock=clock or SystemClock(),
            logger=self._logger,
            set_state=self._set_state,
            fail=self._fail,
        )
        self._state_callbacks: list[StateCallback] = []
        self._state = ConnectionState.CONNECTING
        self._task: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def subscriptions(self) -> tuple[str, ...]:
        """The channels restored after every reconnect, in subscription order."""
        return tuple(self._router.subscriptions.channels)

    @property
    def unsent(self) -> list[dict[str, object]]:
        """Copies of the messages the server has not acknowledged, oldest first (ids included)."""
        return self._outbox.messages()

    def on(self, kind: str) -> Callable[[EventHandler], EventHandler]:
        """Decorator registering a handler (sync or async) for events of `kind` (``"*"``: every kind)."""

        def register(handler: EventHandler) -> EventHandler:
            self._router.add_handler(kind, handler)
            return handler

        return register

    def on_state(self, callback: StateCallback) -> StateCallback:
        """Register `callback(ConnectionStateChanged)` (sync, or async run as a task); a decorator too."""
        self._state_callbacks.append(callback)
        return callback

    async def start(self) -> None:
        """Connect (retrying per `reconnect`); returns once authenticated and subscriptions restored.

        Raises:
            RealtimeAuthError, RealtimeConnectionError, ConfigurationError, TokenRefreshError: see the module doc.
        """
        if self._task is not None:
            raise RuntimeError("this client was already started")
        opened = self._loop.opened = asyncio.get_running_loop().create_future()
        self._router.start()
        self._task = asyncio.create_task(self._loop.run(), name="realtime connection loop")
        try:
            await asyncio.shield(opened)
        except asyncio.CancelledError:
            await asyncio.shield(self.close())
            raise

    async def subscribe(self, channel: str, *, timeout_s: float | Unset | None = UNSET) -> None:
        """Subscribe to `channel` and wait for the ack (through a reconnect if need be); restored after each one.

        Before `start()` it only records the channel: the first connection subscribes it before `start()`
        returns (a channel refused then is logged and dropped).

        Raises:
            RealtimeRequestError: the server refused (e.g. unknown channel); the channel is not kept.
            RealtimeTimeoutError: no answer within `timeout_s` (UNSET: `ack_timeout_s`); not kept.
            RealtimeClosedError: the client is closed.
        """
        self._check_usable()
        if self._task is None:  # not connected yet: the first connection subscribes it
            self._router.subscriptions.declare(channel, subscribed=True)
            return
        await self._router.subscriptions.request(
            self.protocol.subscribe, channel, self._link_if_ready, self._limit(timeout_s)
        )

    async def unsubscribe(self, channel: str, *, timeout_s: float | Unset | None = UNSET) -> None:
        """Drop `channel` (when connected, wait for the ack); a channel not subscribed is a no-op."""
        self._check_usable()
        if self._task is None:
            self._router.subscriptions.declare(channel, subscribed=False)
            return
        await self._router.subscriptions.request(
            self.protocol.unsubscribe, channel, self._link_if_ready, self._limit(timeout_s)
        )

    async def send(self, message: Mapping[str, object] | Any) -> str:
        """Queue a client message (a mapping or a generated model with `to_dict`); returns its id.

        Written at once when connected, else after the next reconnect; kept until the server acks its id
        (a missing id gets a uuid4; resends keep it).

        Raises:
            RealtimeQueueFullError: the queue is at its message or byte bound; the message is not queued.
            RealtimeClosedError: the client is closed. ValueError, TypeError: not a valid message.
        """
        self._check_usable()
        entry = Outgoing.build(message, self.protocol)
        self._outbox.put(entry)
        self._loop.wake.set()
        return entry.id

    async def drain(self, timeout_s: float | None = None) -> None:
        """Wait until the server acknowledged every queued message.

        Raises:
            RealtimeTimeoutError: some are still unacknowledged after `timeout_s`.
            RealtimeClosedError: the client closed or stopped meanwhile.
        """
        try:
            async with asyncio.timeout(timeout_s):
                while len(self._outbox):
                    self._check_usable()
                    await self._router.wait_change()
        except TimeoutError:
            raise RealtimeTimeoutError(
                f"{len(self._outbox)} messages still unacknowledged after {timeout_s} s."
            ) from None

    async def events(self) -> AsyncIterator[Any]:
        """Decoded events in arrival order, across reconnects, until `close()` (then it ends).

        Under ``async for ws in connect(...)`` it ends when the current connection drops. Raises the
        error the client ended with, if it failed.
        """
        start = self._loop.generation
        self._router.consumed = True
        while (event := await self._events.take(start)) is not STOP:
            yield event

    async def next_event(self, *, timeout_s: float | None = None) -> Any:
        """The next event, waiting at most `timeout_s` (None: no limit).

        Raises:
            TimeoutError: none arrived in time.
            RealtimeClosedError: the client is closed and every buffered event was taken.
            RealtimeConnectionError, RealtimeAuthError, ...: the error the client ended with.
        """
        self._router.consumed = True
        async with asyncio.timeout(timeout_s):
            event = await self._events.take(None)
        if event is STOP:
            raise RealtimeClosedError("The real-time client is closed; no more events.")
        return event

    async def close(self) -> list[dict[str, object]]:
        """Close the connection (code 1000) and stop; returns the unacknowledged messages (`unsent`)."""
        if self._loop.closing:
            return self.unsent
        self._loop.closing = True
        task, link, opened = self._task, self._loop.link, self._loop.opened
        if opened is not None and not opened.done():  # a start() still waiting
            opened.set_exception(RealtimeClosedError("The real-time client was closed while connecting."))
            opened.exception()
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if link is not None:
            with contextlib.suppress(Exception):
                await link.close()
        await self._router.stop(RealtimeClosedError("The real-time client was closed."))
        self._finish(None)
        return self.unsent

    async def __aenter__(self) -> RealtimeClient:
        """Start (if not started yet); the client is closed on exit."""
        if self._task is None:
            await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def connections(self) -> AsyncIterator[RealtimeClient]:
        """Yield this client after each (re)connection until it closes; raises the error it failed with."""
        self._loop.per_connection_events = True
        seen = 0
        while True:
            while self._loop.generation == seen or not self._loop.ready.is_set():
                if self._failure is not None:
                    raise self._failure
                if self._loop.closing:
                    return
                await self._router.wait_change()
            seen = self._loop.generation
            yield self

    # -- internals ----------------------------------------------------------------------------------

    def _link_if_ready(self) -> ClientConnection | None:
        return self._loop.link if self._loop.ready.is_set() else None

    def _limit(self, timeout_s: float | Unset | None) -> float | None:
        return self.ack_timeout_s if isinstance(timeout_s, Unset) else timeout_s

    def _check_usable(self) -> None:
        if self._failure is not None:
            raise RealtimeClosedError(f"The real-time client stopped: {self._failure}") from self._failure
        if self._loop.closing:
            raise RealtimeClosedError("The real-time client is closed; connect a new one.")

    def _fail(self, error: BaseException, cause: BaseException) -> None:
        """End with `error` (caused by `cause`): every waiter and consumer gets it."""
        if error is not cause and error.__cause__ is None:
            error.__cause__ = cause
        self._failure = error
        self._logger.error("The real-time client stopped: %s", error)
        opened = self._loop.opened
        if opened is not None and not opened.done():
            opened.set_exception(error)
            opened.exception()  # retrieved: the caller may be gone already
        self._router.fail(error)
        self._finish(error)

    def _finish(self, error: BaseException | None) -> None:
        if self._state is ConnectionState.CLOSED:
            return
        self._events.end(error)
        self._set_state(ConnectionState.CLOSED, error)

    def _set_state(self, new: ConnectionState, error: BaseException | None) -> None:
        old, self._state = self._state, new
        self._router.changed()
        if old is not new:
            change = ConnectionStateChanged(old=old, new=new, error=error)
            for callback in list(self._state_callbacks):
                self._router.call_soon(callback, change)

"""Where each incoming frame of the real-time client goes.

`Router` hands subscription answers to `Subscriptions`, pongs to the heartbeat, acks to the
`OutboundQueue` (removing the message), and events to delivery: decode, then the handlers' backlog
(run in order by one task) and the `EventStream`. Error frames answer a pending request, refuse a
queued message (by its id), or are delivered as events. It never raises out of `on_frame` except
`RealtimeAuthError` (the server revoked the credential mid-session).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from ..core._exchange import truncate
from ._realtime_protocol import RealtimeProtocol
from ._ws_link import auth_refused, parse_frame
from ._ws_queue import EventBuffer, EventStream, OutboundQueue
from ._ws_subscriptions import Subscriptions

__all__ = ["Decode", "Router"]

Decode = Callable[[Mapping[str, Any]], object]
"""Frame -> typed event; None or a mapping means "not a kind I know"; raising means a malformed frame."""

_DROP_LOG_EVERY = 100


class Router:
    """Routes frames (see the module docstring) and runs the handlers."""

    def __init__(
        self,
        protocol: RealtimeProtocol,
        *,
        decode: Decode | None,
        deliver_unknown_kinds: bool,
        outbox: OutboundQueue,
        events: EventStream,
        max_backlog: int,
        logger: logging.Logger,
    ) -> None:
        self._protocol, self._decode, self._deliver_unknown = protocol, decode, deliver_unknown_kinds
        self._outbox, self._events, self._logger = outbox, events, logger
        self._backlog: EventBuffer[tuple[str, object] | None] = EventBuffer(max_backlog)
        self.subscriptions = Subscriptions(protocol, logger)
        self._pong: tuple[int, asyncio.Future[None]] | None = None
        self._handlers: dict[str, list[Callable[[Any], object]]] = {}
        self._progress = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._callbacks: set[asyncio.Future[Any]] = set()
        self._drops = 0
        self._stopping = False
        self.consumed = False  # someone iterates events(): overflowing it deserves a warning

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._runner = asyncio.create_task(self._run_handlers(), name="realtime handlers")

    async def stop(self, error: BaseException) -> None:
        """Fail the waiters and stop the handler task now (a handler calling close() returns first)."""
        self.fail(error)
        current = asyncio.current_task()
        tasks = [t for t in (self._runner, *self._callbacks) if t is not None and t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def link_lost(self) -> None:
        """A connection ended: no pong is coming, and pending unsubscribes are moot."""
        self.subscriptions.link_lost()
        if self._pong is not None and not self._pong[1].done():
            self._pong[1].cancel()
        self._pong = None
        self.changed()

    def fail(self, error: BaseException) -> None:
        """Wake every waiter with `error`; the handler task ends once it has run the events before this."""
        if not self._stopping:
            self._stopping = True
            self._backlog.put(None)
        self.subscriptions.fail(error)
        self.changed()

    def changed(self) -> None:
        self._progress.set()

    async def wait_change(self) -> None:
        """Until the next ack, state change or failure."""
        self._progress.clear()
        await self._progress.wait()

    # -- handlers --------------------------------------------------------------------------------

    def add_handler(self, kind: str, handler: Callable[[Any], object]) -> None:
        if not callable(handler):
            raise TypeError(f"a handler must be callable, not {type(handler).__name__}")
        self._handlers.setdefault(kind, []).append(handler)

    def call_soon(self, callback: Callable[[Any], object], argument: object) -> None:
        """Call a state callback now; a coroutine it returns runs as a task. Exceptions are logged."""
        try:
            result = callback(argument)
        except Exception:
            self._logger.exception("The state callback %s raised; the client goes on", _name(callback))
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._callbacks.add(task)
            task.add_done_callback(self._callback_done)

    def _callback_done(self, task: asyncio.Future[Any]) -> None:
        self._callbacks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._logger.error("An async state callback raised; the client goes on", exc_info=task.exception())

    async def _run_handlers(self) -> None:
        while (item := await self._backlog.get()) is not None:
            kind, event = item
            for handler in [*self._handlers.get(kind, ()), *self._handlers.get("*", ())]:
                try:
                    result = handler(event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    self._logger.exception(
                        "The handler %s for %r events raised; delivery goes on", _name(handler), kind
                    )

    # -- incoming frames -------------------------------------------------------------------------

    def on_frame(self, raw: str | bytes) -> None:
        """Route one frame. Raises RealtimeAuthError only (credential revoked mid-session)."""
        parsed = parse_frame(raw, self._protocol.discriminator, self._logger)
        if parsed is None:
            return
        kind, frame = parsed
        protocol = self._protocol
        if self._logger.isEnabledFor(logging.DEBUG):
            self._logger.debug("<- %s frame (%d chars)", kind, len(raw))
        if protocol.heartbeat is not None and kind == protocol.heartbeat.reply:
            self._on_pong(protocol.field(frame, "id"))
        elif kind == protocol.ack.kind:
            self._on_ack(protocol.field(frame, protocol.ack.id_field))
        elif kind in (protocol.subscribe.ok, protocol.unsubscribe.ok):
            self.subscriptions.answer(kind, protocol.field(frame, protocol.channel_field), None)
        elif kind == protocol.error.kind:
            self._on_error(kind, frame)
        elif protocol.auth is None or kind != protocol.auth.ok:
            self._deliver(kind, frame)

    def _on_pong(self, number: object) -> None:
        if self._pong is not None and (number is None or number == self._pong[0]) and not self._pong[1].done():
            self._pong[1].set_result(None)

    def expect_pong(self, number: int) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        self._pong = (number, future)
        return future

    def _on_ack(self, message_id: object) -> None:
        if isinstance(message_id, str) and self._outbox.ack(message_id) is not None:
            self.changed()

    def _on_error(self, kind: str, frame: dict[str, Any]) -> None:
        protocol, error = self._protocol, self._protocol.error
        code, message = protocol.field(frame, error.code_field), protocol.field(frame, error.message_field)
        if code == error.auth_failed_code:
            raise auth_refused(str(code), message)
        message_id = protocol.field(frame, protocol.ack.id_field)
        if isinstance(message_id, str) and self._outbox.ack(message_id) is not None:
            self._logger.warning("The server refused message %s (%s); it was removed from the queue", message_id, code)
            self.changed()
        elif self.subscriptions.answer(None, protocol.field(frame, protocol.channel_field), frame):
            return
        else:
            self._logger.warning("The server reported error %r: %s", code, truncate(str(message), 200))
        self._deliver(kind, frame)

    def _deliver(self, kind: str, frame: dict[str, Any]) -> None:
        event: object = frame
        if self._decode is not None:
            try:
                event = self._decode(frame)
            except Exception as exc:
                self._logger.warning("Skipped a %r frame that does not match its model: %s", kind, describe_error(exc))
                return
        if event is None or isinstance(event, Mapping):
            if not self._deliver_unknown:
                self._logger.debug("Skipped a frame of unknown kind %r", kind)
                return
            event = frame
        if self._events.put(event) and self.consumed:
            self._dropped("events() buffer")
        if (kind in self._handlers or "*" in self._handlers) and self._backlog.put((kind, event)):
            self._dropped("handlers' backlog")

    def _dropped(self, where: str) -> None:
        self._drops += 1
        if self._drops % _DROP_LOG_EVERY == 1:
            self._logger.warning("The %s is full: dropped the oldest event (%d dropped so far)", where, self._drops)


def _name(function: object) -> str:
    return getattr(function, "__qualname__", None) or repr(function)


def describe_error(exc: BaseException) -> str:
    return truncate(f"{type(exc).__name__}: {exc}", 300)

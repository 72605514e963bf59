"""The real-time client's connection loop: connect, serve one link, and reconnect with backoff.

One `ConnectionLoop` task runs per client. Each link gets three tasks: the reader (frames to the
`Router`), the heartbeat (protocol ping, `RealtimeTimeoutError` when no pong comes back), and the
restore-then-pump task (re-subscribe, announce OPEN, then write the `OutboundQueue` in order). The
first of them to end ends the link; `classify` decides whether to reconnect.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import attrs

from ..core._clock import Clock
from ..core._errors import RealtimeTimeoutError
from ..core._exchange import redact_url
from ..policies._backoff import RetryDecision
from ._realtime_protocol import HeartbeatPolicy, RealtimeProtocol, ReconnectPolicy
from ._ws_link import TokenSource, classify, close_error, describe, gave_up, open_link
from ._ws_queue import EventStream, OutboundQueue
from ._ws_router import Router

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

__all__ = ["ConnectionLoop", "ConnectionState", "ConnectionStateChanged", "LinkSettings"]


class ConnectionState(enum.Enum):
    """Where a real-time client is: CONNECTING (first time), OPEN, RECONNECTING, CLOSED (for good)."""

    CONNECTING = "connecting"
    OPEN = "open"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@attrs.frozen(kw_only=True)
class ConnectionStateChanged:
    """The client moved from `old` to `new`; `error` says why it is reconnecting or closed (None: asked to)."""

    old: ConnectionState
    new: ConnectionState
    error: BaseException | None = None


@attrs.frozen(kw_only=True)
class LinkSettings:
    """What the loop needs to open links; `reconnect` None: a lost link is not replaced."""

    url: str
    protocol: RealtimeProtocol
    token_source: TokenSource | None
    reconnect: ReconnectPolicy | None
    heartbeat: HeartbeatPolicy | None
    reconnect_delays: Callable[[], Iterator[float]]
    open_timeout_s: float | None
    auth_timeout_s: float | None
    ack_timeout_s: float | None
    max_frame_bytes: int | None


class ConnectionLoop:
    """Runs links one after the other; reports through `set_state(new, error)` and `fail(error, cause)`."""

    def __init__(
        self,
        settings: LinkSettings,
        *,
        router: Router,
        outbox: OutboundQueue,
        events: EventStream,
        clock: Clock,
        logger: logging.Logger,
        set_state: Callable[[ConnectionState, BaseException | None], None],
        fail: Callable[[BaseException, BaseException], None],
    ) -> None:
        self.settings, self._router, self._outbox, self._events = settings, router, outbox, events
        self._clock, self._logger, self._set_state, self._fail = clock, logger, set_state, fail
        self.link: ClientConnection | None = None
        self.generation = 0  # counts authenticated connections
        self.ready = asyncio.Event()  # set while a link is authenticated and its subscriptions restored
        self.wake = asyncio.Event()  # the outbox has something new for the pump
        self.opened: asyncio.Future[None] | None = None  # resolved at the first OPEN
        self.closing = False
        self.per_connection_events = False
        self._where = redact_url(settings.url)

    async def run(self) -> None:
        """Connect, serve, and reconnect until closed or a final failure (see the module docstring)."""
        settings = self.settings
        failures, delays = 0, settings.reconnect_delays()
        while not self.closing:
            try:
                link = await open_link(
                    settings.url,
                    protocol=settings.protocol,
                    token_source=settings.token_source,
                    open_timeout_s=settings.open_timeout_s,
                    auth_timeout_s=settings.auth_timeout_s,
                    max_frame_bytes=settings.max_frame_bytes,
                    logger=self._logger,
                )
            except Exception as exc:
                failures += 1
                limit = settings.reconnect.max_attempts if settings.reconnect is not None else 1
                if classify(exc) is RetryDecision.GIVE_UP or (limit is not None and failures >= limit):
                    self._fail(gave_up(exc, settings.url, failures), exc)
                    return
                delay = next(delays)
                self._logger.warning(
                    "Connecting to %s failed (attempt %d: %s); retrying in %.2f s",
                    self._where,
                    failures,
                    describe(exc, settings.url),
                    delay,
                )
                await self._clock.async_sleep(delay)
                continue
            failures, delays = 0, settings.reconnect_delays()  # a good connection: the backoff starts over
            self.generation += 1
            lost = await self._serve(link)
            if self.closing:
                return
            if classify(lost) is RetryDecision.GIVE_UP or settings.reconnect is None:
                self._fail(gave_up(lost, settings.url, 0, lost=True), lost)
                return
            self._set_state(ConnectionState.RECONNECTING, lost)
            delay = next(delays)
            self._logger.warning(
                "Connection to %s lost (%s); reconnecting in %.2f s", self._where, describe(lost, settings.url), delay
            )
            await self._clock.async_sleep(delay)

    async def _serve(self, link: ClientConnection) -> Exception:
        """Run one authenticated link until its first task ends; returns why it ended."""
        self.link, generation = link, self.generation
        tasks = [asyncio.create_task(self._read(link)), asyncio.create_task(self._restore_and_pump(link, generation))]
        if self.settings.heartbeat is not None:
            tasks.append(asyncio.create_task(self._beat(link, self.settings.heartbeat)))
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                error = task.exception()
                if isinstance(error, Exception):
                    return error
                if error is not None:
                    raise error
            return close_error(link, None)
        finally:
            self.ready.clear()
            self.link = None
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if not self.closing:
                link.transport.abort()  # a dead link would make a polite close wait for nothing
                if self.per_connection_events:
                    self._events.link_down(generation)
            self._router.link_lost()

    async def _read(self, link: ClientConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in link:
                self._router.on_frame(raw)
        except ConnectionClosed as exc:
            error = close_error(link, exc)
            if error is exc:
                raise
            raise error from exc

    async def _restore_and_pump(self, link: ClientConnection, generation: int) -> None:
        """Re-subscribe, announce OPEN, then write queued messages in order as they come."""
        await self._router.subscriptions.restore(link, self.settings.ack_timeout_s)
        self.ready.set()
        self._set_state(ConnectionState.OPEN, None)
        if self.opened is not None and not self.opened.done():
            self.opened.set_result(None)
        self._logger.info("Connected to %s (connection %d)", self._where, generation)
        while True:
            self.wake.clear()
            for entry in self._outbox.due(generation):
                if entry.id in self._outbox:  # not acked meanwhile
                    await link.send(entry.frame)
                    entry.sent_on = generation
            await self.wake.wait()

    async def _beat(self, link: ClientConnection, policy: HeartbeatPolicy) -> None:
        """Ping every `interval_s`; a missing pong raises RealtimeTimeoutError (the link is dead)."""
        number = 0
        while True:
            await asyncio.sleep(policy.interval_s)
            number += 1
            pong = self._router.expect_pong(number)
            await link.send(json.dumps(self.settings.protocol.frame(policy.send, {"id": number})))
            try:
                async with asyncio.timeout(policy.timeout_s):
                    await pong
            except TimeoutError:
                raise RealtimeTimeoutError(
                    f"No {policy.reply!r} within {policy.timeout_s} s of {policy.send!r} {number}: the link is dead."
                ) from None

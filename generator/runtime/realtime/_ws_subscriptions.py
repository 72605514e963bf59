"""The real-time client's subscriptions: the channel set restored on every connection, and the answers.

`Subscriptions` keeps the channels in subscription order and the pending subscribe/unsubscribe
requests keyed by (answer kind, channel) in send order. A request made while disconnected is sent by
the `restore` of the next connection; an error frame naming no channel answers the oldest request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core._errors import RealtimeRequestError, RealtimeTimeoutError
from ..core._exchange import truncate
from ._realtime_protocol import RealtimeProtocol, RequestExchange

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

__all__ = ["Subscriptions"]


class Subscriptions:
    """The subscription set and its pending requests (see the module docstring)."""

    def __init__(self, protocol: RealtimeProtocol, logger: logging.Logger) -> None:
        self._protocol, self._logger = protocol, logger
        self.channels: dict[str, None] = {}  # an ordered set
        self._pending: dict[tuple[str, str], asyncio.Future[None]] = {}  # (answer kind, channel), in send order

    def declare(self, channel: str, *, subscribed: bool) -> None:
        """Change the set without asking the server (before the first connection)."""
        if subscribed:
            self.channels[_channel(channel)] = None
        else:
            self.channels.pop(channel, None)

    def fail(self, error: BaseException) -> None:
        """Every pending request raises `error`."""
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
                future.exception()  # marked retrieved: a waiter may have timed out already
        self._pending.clear()

    def link_lost(self) -> None:
        """Pending unsubscribes are done: the next connection never subscribes those channels."""
        for key in [k for k in self._pending if k[0] == self._protocol.unsubscribe.ok]:
            future = self._pending.pop(key)
            if not future.done():
                future.set_result(None)

    def answer(self, ok_kind: str | None, channel: object, error_frame: dict[str, Any] | None) -> bool:
        """Resolve the pending request for `channel` (an error frame without a channel answers the oldest)."""
        key = next(
            (k for k in self._pending if (ok_kind is None or k[0] == ok_kind) and (channel is None or k[1] == channel)),
            None,
        )
        if key is None:
            return False
        future = self._pending.pop(key)
        if future.done():
            return True
        if error_frame is None:
            future.set_result(None)
        else:
            error = self._protocol.error
            code = self._protocol.field(error_frame, error.code_field)
            subscribe, unsubscribe = self._protocol.subscribe, self._protocol.unsubscribe
            request = subscribe.send if key[0] == subscribe.ok else unsubscribe.send
            future.set_exception(
                RealtimeRequestError(
                    f"The server refused to {request} {key[1]!r}: {code} "
                    f"({truncate(str(self._protocol.field(error_frame, error.message_field)), 200)}).",
                    code=str(code) if code is not None else None,
                    request=request,
                    channel=key[1],
                )
            )
            future.exception()  # retrieved even if the caller timed out
        return True

    async def request(
        self,
        exchange: RequestExchange,
        channel: str,
        current_link: Callable[[], ClientConnection | None],
        timeout_s: float | None,
    ) -> None:
        """Subscribe or unsubscribe `channel` (see `RealtimeClient.subscribe`)."""
        _channel(channel)
        subscribing = exchange == self._protocol.subscribe
        key = (exchange.ok, channel)
        if subscribing and channel in self.channels and key not in self._pending:
            return  # already subscribed
        if not subscribing:
            if channel not in self.channels:
                return
            del self.channels[channel]
        else:
            self.channels[channel] = None
        link = current_link()
        if link is None and not subscribing:
            return  # nothing to undo: the next connection simply does not subscribe it
        future = self._pending.get(key)
        if future is None:
            future = self._pending[key] = asyncio.get_running_loop().create_future()
            if link is not None:  # when disconnected, the restore after reconnecting sends it
                with contextlib.suppress(Exception):  # a dropped link: the restore sends it again
                    await link.send(self._frame(exchange, channel))
        try:
            async with asyncio.timeout(timeout_s):
                await asyncio.shield(future)
        except TimeoutError:
            self._forget(key, future, channel if subscribing else None)
            raise RealtimeTimeoutError(f"No {exchange.ok!r} for {channel!r} within {timeout_s} s.") from None
        except RealtimeRequestError:
            self._forget(key, future, channel if subscribing else None)
            raise

    def _forget(self, key: tuple[str, str], future: asyncio.Future[None], channel: str | None) -> None:
        if self._pending.get(key) is future:
            del self._pending[key]
        if channel is not None:
            self.channels.pop(channel, None)

    async def restore(self, link: ClientConnection, timeout_s: float | None) -> None:
        """Subscribe every channel of the set on a new connection, all at once, and wait for the answers.

        A channel the server now refuses is dropped from the set (logged); no answer in time raises
        RealtimeTimeoutError (the connection is then treated as dead).
        """
        done: set[str] = set()
        while todo := [channel for channel in self.channels if channel not in done]:
            futures = []
            for channel in todo:
                done.add(channel)
                key = (self._protocol.subscribe.ok, channel)
                future = self._pending.get(key)
                if future is None or future.done():
                    future = self._pending[key] = asyncio.get_running_loop().create_future()
                futures.append((channel, future))
                await link.send(self._frame(self._protocol.subscribe, channel))
            try:
                async with asyncio.timeout(timeout_s):
                    outcomes = await asyncio.gather(*(asyncio.shield(f) for _, f in futures), return_exceptions=True)
            except TimeoutError:
                raise RealtimeTimeoutError(f"The subscriptions were not confirmed within {timeout_s} s.") from None
            for (channel, _), outcome in zip(futures, outcomes, strict=True):
                if isinstance(outcome, RealtimeRequestError):
                    self.channels.pop(channel, None)
                    self._logger.warning("Could not restore the subscription to %r: %s", channel, outcome)
                elif isinstance(outcome, BaseException):
                    raise outcome
        for channel in done - set(self.channels):  # unsubscribed while the restore ran
            await link.send(self._frame(self._protocol.unsubscribe, channel))

    def _frame(self, exchange: RequestExchange, channel: str) -> str:
        return json.dumps(self._protocol.frame(exchange.send, {self._protocol.channel_field: channel}))


def _channel(channel: object) -> str:
    if not isinstance(channel, str) or not channel:
        raise ValueError(f"a channel is a non-empty string, not {channel!r}")
    return channel

"""The real-time (WebSocket) client: `connect(url, *, protocol=..., ...)` and `RealtimeClient`.

Three shapes, as with ``websockets``::

    ws = await connect(url, protocol=p, token_source=t)        # connected; `await ws.close()` when done
    async with connect(url, protocol=p, token_source=t) as ws:  # closed on exit
        ...
    async for ws in connect(url, protocol=p, token_source=t):   # once per (re)connection
        async for event in ws.events():                         # ends when this connection drops
            ...                                                 # leaving the loop closes the client

Rules (message kinds from `RealtimeProtocol`):

- Each connection authenticates first (auth frame, token from `token_source`, asked anew per
  connection). A refused token (error `auth_failed`, close 4401, HTTP 401) raises `RealtimeAuthError`
  and is never retried. Then the subscriptions are restored, then queued messages written in order.
- A lost link (network error, server close, no pong within the heartbeat's `timeout_s`) is reconnected
  after the delays of `reconnect_delays()` (default `backoff_delays(reconnect)`), slept through `clock`;
  the delays start over after each connection that authenticated. After `reconnect.max_attempts`
  failed attempts in a row, or a failure `classify` calls final, the client ends with
  `RealtimeConnectionError` (or the SDK error itself): `connect` raises it, `events()` raises it, and
  the state callbacks see CLOSED with it.
- `send()` queues a message (bounded by count and bytes: `RealtimeQueueFullError`) until the server
  acks its id; `close()` returns the ones never acked.
- Events are decoded by `decode`; a frame it gives no model for (None or a mapping back) is of an
  unknown kind: passed on as the raw dict, or skipped when `deliver_unknown_kinds` is False. Each event
  goes to the `on(kind)` handlers (``"*"``: all kinds; sync or async, run in order by one task, an
  exception is logged) and into the `events()` buffer (one consumer; `max_buffered_events`, the oldest
  dropped with a warning). A frame that is not JSON, has no discriminator or fails to decode is
  logged and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from types import TracebackType
from typing import Any, Required, TypedDict, Unpack

from ..core._clock import Clock
from ..policies._options import Unset
from ._realtime_protocol import HeartbeatPolicy, RealtimeProtocol, ReconnectPolicy
from ._ws_client import EventHandler, RealtimeClient, StateCallback
from ._ws_link import TokenSource, classify
from ._ws_loop import ConnectionState, ConnectionStateChanged
from ._ws_router import Decode

# The client's public face: what `connect` builds and takes, re-exported from the modules behind it.
__all__ = [
    "ConnectionState",
    "ConnectionStateChanged",
    "Decode",
    "EventHandler",
    "RealtimeClient",
    "RealtimeConnector",
    "RealtimeOptions",
    "SharedOptions",
    "StateCallback",
    "TokenSource",
    "classify",
    "connect",
]


class SharedOptions(TypedDict, total=False):
    """`RealtimeClient` options shared by the async client and the sync facade (see `RealtimeClient`)."""

    protocol: Required[RealtimeProtocol]
    decode: Decode | None
    deliver_unknown_kinds: bool
    reconnect: ReconnectPolicy | Unset | None
    heartbeat: HeartbeatPolicy | Unset | None
    reconnect_delays: Callable[[], Iterator[float]] | None
    open_timeout_s: float | None
    auth_timeout_s: float | None
    ack_timeout_s: float | None
    max_queued_messages: int
    max_queued_bytes: int
    max_buffered_events: int
    max_frame_bytes: int | None
    clock: Clock | None
    logger: logging.Logger | None
    require_https: bool


class RealtimeOptions(SharedOptions, total=False):
    """The keyword arguments of `connect` (those of `RealtimeClient`)."""

    token_source: TokenSource | None


class RealtimeConnector:
    """What `connect` returns: ``await`` it, use it with ``async with``, or iterate it (module docstring)."""

    def __init__(self, client: RealtimeClient) -> None:
        self.client = client

    def __await__(self) -> Generator[Any, None, RealtimeClient]:
        return self._start().__await__()

    async def _start(self) -> RealtimeClient:
        await self.client.start()
        return self.client

    async def __aenter__(self) -> RealtimeClient:
        return await self._start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.client.close()

    async def __aiter__(self) -> AsyncIterator[RealtimeClient]:
        try:
            await self.client.start()
            async for client in self.client.connections():
                yield client
        finally:
            await self.client.close()


def connect(url: str, **options: Unpack[RealtimeOptions]) -> RealtimeConnector:
    """Open a `RealtimeClient` on `url` (keyword arguments: see `RealtimeClient`; `protocol` is required).

    Returns:
        a `RealtimeConnector`: ``await`` it for a connected client, or use ``async with`` / ``async for``.

    Raises (when awaited / entered):
        ConfigurationError: websockets is missing (``pip install '<sdk>[realtime]'``) or no token source.
        RealtimeAuthError, RealtimeConnectionError, TokenRefreshError: see the module docstring.
    """
    return RealtimeConnector(RealtimeClient(url, **options))

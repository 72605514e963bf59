"""`SyncRealtimeClient`: the real-time client for code that is not async (a device's main loop).

It runs a `RealtimeClient` on its own event loop in a background thread and blocks the caller until
each call is done there; every rule of `_websocket.py` applies unchanged. Handlers and state callbacks
registered with `on` / `on_state` run in that background thread, so they must not call back into the
facade's blocking methods (that would wait for the thread they run in: a `RuntimeError` says so).

    with SyncRealtimeClient(url, protocol=p, token_source=auth.access_token) as ws:
        ws.subscribe("timezone_update")
        ws.send({"type": "device_status", "status": "ok"})
        for event in ws.events(timeout=1.0):  # ends after 1 s without an event
            ...
    unsent = ws.close()  # also done on leaving the `with`; returns the unacknowledged messages
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar, Unpack

from ..core._errors import RealtimeClosedError
from ..policies._options import UNSET, Unset
from ._websocket import SharedOptions
from ._ws_client import EventHandler, RealtimeClient, StateCallback
from ._ws_loop import ConnectionState

__all__ = ["SyncRealtimeClient"]

_T = TypeVar("_T")


class SyncRealtimeClient:
    """A blocking facade over `RealtimeClient`, whose loop runs in a background thread.

    Args:
        url: the server's ``ws://`` / ``wss://`` address.
        token_source: returns the bearer token (e.g. `TokenRefreshAuth.access_token`); it is called in a
            worker thread, so it may block on HTTP.
        **options: as for `RealtimeClient` (`protocol` is required).
    """

    def __init__(
        self, url: str, *, token_source: Callable[[], str] | None = None, **options: Unpack[SharedOptions]
    ) -> None:
        async def token() -> str:
            assert token_source is not None
            return await asyncio.to_thread(token_source)

        self._client = RealtimeClient(url, token_source=token if token_source is not None else None, **options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._unsent: list[dict[str, object]] = []

    @property
    def state(self) -> ConnectionState:
        return self._client.state

    @property
    def subscriptions(self) -> tuple[str, ...]:
        return self._client.subscriptions

    @property
    def unsent(self) -> list[dict[str, object]]:
        """The messages the server has not acknowledged (after `close`: those `close` returned)."""
        if self._closed:
            return list(self._unsent)
        if self._thread is None:
            return self._client.unsent
        return self._call(self._unsent_now())

    def on(self, kind: str) -> Callable[[EventHandler], EventHandler]:
        """Decorator registering a handler for events of `kind` (``"*"``: all); it runs in the background thread."""
        return self._client.on(kind)

    def on_state(self, callback: StateCallback) -> StateCallback:
        """Register `callback(ConnectionStateChanged)`; it runs in the background thread."""
        return self._client.on_state(callback)

    def connect(self) -> SyncRealtimeClient:
        """Start the background thread and connect; returns once authenticated (raises as `connect` does)."""
        if self._thread is not None:
            raise RuntimeError("this client was already connected")
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(loop,), name="sdk-realtime", daemon=True)
        self._thread.start()
        try:
            self._call(self._client.start())
        except BaseException:
            self.close()
            raise
        return self

    def subscribe(self, channel: str, *, timeout_s: float | Unset | None = UNSET) -> None:
        """`RealtimeClient.subscribe`, blocking."""
        self._call(self._client.subscribe(channel, timeout_s=timeout_s))

    def unsubscribe(self, channel: str, *, timeout_s: float | Unset | None = UNSET) -> None:
        """`RealtimeClient.unsubscribe`, blocking."""
        self._call(self._client.unsubscribe(channel, timeout_s=timeout_s))

    def send(self, message: Mapping[str, object] | Any) -> str:
        """`RealtimeClient.send`: queue a message, return its id (raises `RealtimeQueueFullError` when full)."""
        return self._call(self._client.send(message))

    def drain(self, timeout_s: float | None = None) -> None:
        """`RealtimeClient.drain`: block until every queued message was acknowledged."""
        self._call(self._client.drain(timeout_s))

    def events(self, timeout: float | None = None) -> Iterator[Any]:
        """Decoded events as they arrive; the iteration ends after `timeout` seconds without one (None:
        never) or once the client is closed. Raises the error the client ended with, if it failed."""
        while not self._closed:
            try:
                yield self._call(self._client.next_event(timeout_s=timeout))
            except (TimeoutError, RealtimeClosedError, concurrent.futures.CancelledError):
                return

    def close(self) -> list[dict[str, object]]:
        """Close the connection, stop and join the background thread; returns the unacknowledged messages."""
        if self._closed:
            return list(self._unsent)
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            self._unsent = self._call(self._client.close())
            self._closed = True
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
        self._closed = True
        return list(self._unsent)

    def __enter__(self) -> SyncRealtimeClient:
        return self if self._thread is not None else self.connect()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- the background thread --------------------------------------------------------------------

    async def _unsent_now(self) -> list[dict[str, object]]:
        return self._client.unsent

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run `coroutine` on the background loop and wait for its result."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or self._closed or not thread.is_alive():
            coroutine.close()
            raise RealtimeClosedError("The real-time client is not connected (call connect()) or was closed.")
        if threading.current_thread() is thread:
            coroutine.close()
            raise RuntimeError(
                "A handler or state callback called the blocking SyncRealtimeClient; they run on its own "
                "thread, so hand the work to your main loop (e.g. through a queue.Queue) instead."
            )
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop) -> None:
        """The thread's body: run the loop until `close`, then finish every task and close it."""
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

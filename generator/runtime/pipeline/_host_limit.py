"""`HostLimitTransport`: at most N requests in flight per host, on any pool.

httpx's pool (and ours on httptools) limits connections in total, not per host; a client that talks to
the API and to a download host shares one pool, and ``PoolLimits.max_connections_per_host`` keeps one
host from taking all of it. A request holds its host's slot from the send until its response is closed
(a streamed body keeps its connection busy until then), so the limit is the number of connections a
host can use at once. Waiting for a slot is bounded by the request's ``pool`` timeout, as waiting for a
pool connection is, and raises `httpx.PoolTimeout` when it runs out.

Hosts are told apart by scheme, host and port. The slots are semaphores made on first use of a host
(for the async twin, per event loop: an asyncio primitive must not cross loops).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

from ..core import httpx

if TYPE_CHECKING:  # annotations only: asyncio is imported where async code runs
    import asyncio


__all__ = ["AsyncHostLimitTransport", "HostLimitTransport"]

_Origin = tuple[str, str, int | None]


def _origin(request: httpx.Request) -> _Origin:
    return request.url.scheme, request.url.host, request.url.port


def _pool_timeout(request: httpx.Request) -> float | None:
    """The request's ``pool`` timeout (None: wait as long as it takes)."""
    timeout = request.extensions.get("timeout")
    return timeout.get("pool") if isinstance(timeout, dict) else None


def _no_slot(request: httpx.Request, limit: int) -> httpx.PoolTimeout:
    return httpx.PoolTimeout(
        f"No connection to {request.url.host} within the pool timeout: {limit} requests to that host are in "
        "flight (PoolLimits.max_connections_per_host). Close responses you stream, or raise the limit.",
        request=request,
    )


class _ReleasingStream(httpx.SyncByteStream):
    """The response body; closing it (or reading it to the end and closing) frees the host's slot."""

    def __init__(self, inner: httpx.SyncByteStream, release: threading.BoundedSemaphore) -> None:
        self._inner, self._release, self._released = inner, release, False

    def __iter__(self) -> Iterator[bytes]:
        yield from self._inner

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            if not self._released:
                self._released = True
                self._release.release()


class HostLimitTransport(httpx.BaseTransport):
    """Lets at most `max_per_host` requests per host through to `inner` at once (see the module docstring)."""

    def __init__(self, max_per_host: int, *, inner: httpx.BaseTransport) -> None:
        if max_per_host < 1:
            raise ValueError(f"max_per_host must be >= 1, got {max_per_host}")
        self.inner = inner
        self.max_per_host = max_per_host
        self._slots: dict[_Origin, threading.BoundedSemaphore] = {}
        self._guard = threading.Lock()

    def _slot(self, origin: _Origin) -> threading.BoundedSemaphore:
        with self._guard:
            slot = self._slots.get(origin)
            if slot is None:
                slot = self._slots[origin] = threading.BoundedSemaphore(self.max_per_host)
            return slot

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        slot = self._slot(_origin(request))
        if not slot.acquire(timeout=_pool_timeout(request)):
            raise _no_slot(request, self.max_per_host)
        try:
            response = self.inner.handle_request(request)
        except BaseException:
            slot.release()
            raise
        if response.is_closed:  # an in-memory answer, read already: it holds no connection
            slot.release()
            return response
        assert isinstance(response.stream, httpx.SyncByteStream)  # a sync transport answers with one
        response.stream = _ReleasingStream(response.stream, slot)
        return response

    def close(self) -> None:
        self.inner.close()


class _AsyncReleasingStream(httpx.AsyncByteStream):
    """The async twin of `_ReleasingStream`."""

    def __init__(self, inner: httpx.AsyncByteStream, release: asyncio.Semaphore) -> None:
        self._inner, self._release, self._released = inner, release, False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if not self._released:
                self._released = True
                self._release.release()


class AsyncHostLimitTransport(httpx.AsyncBaseTransport):
    """The async twin of `HostLimitTransport`."""

    def __init__(self, max_per_host: int, *, inner: httpx.AsyncBaseTransport) -> None:
        if max_per_host < 1:
            raise ValueError(f"max_per_host must be >= 1, got {max_per_host}")
        self.inner = inner
        self.max_per_host = max_per_host
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[_Origin, asyncio.Semaphore]] = (
            weakref.WeakKeyDictionary()
        )

    def _slot(self, origin: _Origin) -> asyncio.Semaphore:
        import asyncio  # here: only async code gets this far, so a sync import stays free of asyncio

        per_loop = self._slots.setdefault(asyncio.get_running_loop(), {})
        slot = per_loop.get(origin)
        if slot is None:
            slot = per_loop[origin] = asyncio.Semaphore(self.max_per_host)
        return slot

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio  # as in _slot

        slot = self._slot(_origin(request))
        try:
            await asyncio.wait_for(slot.acquire(), _pool_timeout(request))
        except TimeoutError:
            raise _no_slot(request, self.max_per_host) from None
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            slot.release()
            raise
        if response.is_closed:  # an in-memory answer, read already: it holds no connection
            slot.release()
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)  # an async transport answers with one
        response.stream = _AsyncReleasingStream(response.stream, slot)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

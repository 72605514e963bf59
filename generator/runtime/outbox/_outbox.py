"""The durable offline outbox: writes made while the API is unreachable are kept on disk and sent later.

Opt-in, for operations the spec marks ``x-sdk-deferrable: true``. The generated method calls
`Outbox.send_or_queue` (or `asend_or_queue`) with its request kwargs:

1. The kwargs get an ``Idempotency-Key`` (the caller's, or a fresh uuid4) *before* the first attempt, and
   the same key is stored with the row, so a request that reached the server before the link dropped
   is applied once by a server that honours the key.
2. The request is sent through the SDK's own client (its retries, auth and hooks apply). On a
   connection failure, a timeout, or a `QUEUEABLE_STATUSES` answer after the retries, it is written to
   the SQLite outbox (credentials removed: see `_outbox_records`) and a `QueuedReceipt` is returned
   instead of raising. Any other answer is returned as the `httpx.Response`.
3. With `OutboxPolicy.keep_order` (the default), a call whose operation still has queued rows is queued
   behind them without being sent, so each operation's requests reach the server in call order.

A worker (`start`: daemon thread; `start_async`: asyncio task) probes the API while rows are pending and
drains them in order (see `_outbox_worker`; what each answer means: `_outbox_delivery`).

Bounds: `max_rows` and `max_bytes` with the `overflow` policy: ``"reject"`` (default) raises
`OutboxFullError` and stores nothing; ``"drop_oldest"`` moves the oldest pending rows to the dead
letters with reason ``"overflow"`` (``on_failed`` is called for each). Nothing is ever dropped silently.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._errors import ConfigurationError, OutboxError, OutboxFullError
from ..policies._retry_policy import Jitter
from ._outbox_delivery import (
    QUEUEABLE_STATUSES,
    Delivery,
    FlushSummary,
    OutboxDelivered,
    Pass,
    adrain,
    drain,
    is_offline,
)
from ._outbox_policy import DEFAULT_OUTBOX_CLOSE_TIMEOUT_S, OutboxPolicy, QueuedReceipt, default_outbox_path
from ._outbox_records import DeadLetter, OutboxItem, OutboxStats, StoredRequest, serialize_request
from ._outbox_store import OutboxStore
from ._outbox_worker import AsyncProbe, OutboxTask, OutboxThread, Probe, WorkerTiming

__all__ = ["Outbox"]


class Outbox:
    """One outbox file and its worker; see the module docstring.

    Args:
        policy: `OutboxPolicy()` when None.
        package: the SDK's package name: the default file location and the logger (``<package>.outbox``).
        clock: time for ``queued_at``, deadlines and the probe backoff (`SystemClock` when None).
        jitter: random source for the backoff jitter (`random.random` when None).

    Raises:
        OutboxError: the file is not an outbox (corrupt, another program's, newer schema) or cannot be opened.
    """

    _client: httpx.Client | None  # the client the worker sends with, once started
    _async_client: httpx.AsyncClient | None

    def __init__(
        self,
        policy: OutboxPolicy | None = None,
        *,
        package: str,
        clock: Clock | None = None,
        jitter: Jitter | None = None,
    ) -> None:
        self.policy: OutboxPolicy = policy or OutboxPolicy()
        self.path: Path = self.policy.path or default_outbox_path(package)
        self._clock: Clock = clock or SystemClock()
        self._jitter = jitter or random.random
        self._logger = logging.getLogger(f"{package}.outbox")
        self._store = OutboxStore(self.path)
        self._delivery = Delivery(self._store, clock=self._clock, logger=self._logger)
        self._drain_lock = threading.Lock()
        self._thread: OutboxThread | None = None
        self._task: OutboxTask | None = None
        self._client = None
        self._async_client = None
        self._name = f"{package}-outbox"

    def __repr__(self) -> str:
        return f"Outbox(path={str(self.path)!r}, policy={self.policy!r})"

    # -- queueing ----------------------------------------------------------------------------------

    def send_or_queue(
        self, client: httpx.Client, request_kwargs: Mapping[str, Any], *, operation_id: str
    ) -> httpx.Response | QueuedReceipt:
        """Send the request now, or keep it on disk when the API is unreachable (module docstring).

        Args:
            client: the SDK's httpx client.
            request_kwargs: what the generated ``_get_kwargs()`` returned (after `apply_request_options`).
            operation_id: the spec's operationId (the FIFO lane of the request).

        Returns:
            The response (any status outside `QUEUEABLE_STATUSES`; the caller parses or raises), or the
            `QueuedReceipt` of the stored request.

        Raises:
            ConfigurationError: the request cannot be stored (multipart files, streaming body, ...).
            OutboxFullError: it had to be queued and there is no room (``overflow="reject"``).
            httpx errors that do not mean "offline" (e.g. an unsupported URL scheme) pass through.
        """
        send, stored = serialize_request(request_kwargs, operation_id=operation_id)
        ahead = self._store.count(operation_id) if self.policy.keep_order else 0
        if ahead:
            return self._queue(stored, f"queued behind {ahead} earlier request(s)", cause=None)
        try:
            response = client.request(**send)
        except Exception as exc:
            if not is_offline(exc):
                raise
            return self._queue(stored, type(exc).__name__, cause=exc)
        if response.status_code not in QUEUEABLE_STATUSES:
            return response
        response.close()
        return self._queue(stored, f"HTTP {response.status_code}", cause=None)

    async def asend_or_queue(
        self, client: httpx.AsyncClient, request_kwargs: Mapping[str, Any], *, operation_id: str
    ) -> httpx.Response | QueuedReceipt:
        """The async twin of `send_or_queue` (the outbox write is a small local write, run inline)."""
        send, stored = serialize_request(request_kwargs, operation_id=operation_id)
        ahead = self._store.count(operation_id) if self.policy.keep_order else 0
        if ahead:
            return self._queue(stored, f"queued behind {ahead} earlier request(s)", cause=None)
        try:
            response = await client.request(**send)
        except Exception as exc:
            if not is_offline(exc):
                raise
            return self._queue(stored, type(exc).__name__, cause=exc)
        if response.status_code not in QUEUEABLE_STATUSES:
            return response
        await response.aclose()
        return self._queue(stored, f"HTTP {response.status_code}", cause=None)

    def enqueue(self, request_kwargs: Mapping[str, Any], *, operation_id: str) -> QueuedReceipt:
        """Store the request without trying to send it (e.g. the caller knows the machine is offline)."""
        _, stored = serialize_request(request_kwargs, operation_id=operation_id)
        return self._queue(stored, "enqueued", cause=None)

    def _queue(self, stored: StoredRequest, reason: str, *, cause: BaseException | None) -> QueuedReceipt:
        """Write the row (applying the overflow policy), report dropped rows, wake the worker."""
        queued_at = self._clock.time()
        try:
            outbox_id, dropped = self._store.add(
                stored,
                queued_at=queued_at,
                max_rows=self.policy.max_rows,
                max_bytes=self.policy.max_bytes,
                overflow=self.policy.overflow,
            )
        except OutboxFullError as full:
            raise full from cause
        for letter in dropped:
            self._logger.warning("Outbox full: dropped %s #%d (overflow)", letter.operation_id, letter.outbox_id)
            self._delivery.failed(letter)
        self._wake()
        return QueuedReceipt(
            outbox_id=outbox_id,
            operation_id=stored.operation_id,
            idempotency_key=stored.idempotency_key,
            queued_at=queued_at,
            reason=reason,
        )

    def _wake(self) -> None:
        for worker in (self._thread, self._task):
            if worker is not None:
                worker.wake()

    # -- delivery ----------------------------------------------------------------------------------

    def start(self, client: httpx.Client, *, probe: Probe) -> None:
        """Start the daemon thread that delivers through `client` whenever `probe()` says the API is up.

        Raises:
            ConfigurationError: a worker is already running.
        """
        self._check_no_worker()
        self._client = client
        self._thread = OutboxThread(
            run_pass=lambda stop: self._sync_pass(client, deadline=None, stop=stop, wait_s=None),
            pending=self._store.count,
            probe=probe,
            timing=self._timing(),
            logger=self._logger,
            name=self._name,
        )
        self._thread.start()

    def start_async(self, client: httpx.AsyncClient, *, probe: AsyncProbe) -> None:
        """Start the asyncio task (on the running loop) that delivers through `client`; `probe` may be async.

        Raises:
            ConfigurationError: a worker is already running.
        """
        self._check_no_worker()
        self._async_client = client
        self._task = OutboxTask(
            run_pass=lambda stop: self._async_pass(client, deadline=None, stop=stop, wait_s=None),
            pending=self._store.count,
            probe=probe,
            timing=self._timing(),
            logger=self._logger,
            name=self._name,
        )
        self._task.start()

    def flush(self, *, timeout_s: float | None = None, client: httpx.Client | None = None) -> FlushSummary:
        """Drain now (no probe): send every pending row once, in order, and say what happened.

        Args:
            timeout_s: stop starting new requests after this long (None: no limit); includes waiting for a
                pass the worker is running.
            client: the client to send through; defaults to the one given to `start`.

        Raises:
            ConfigurationError: no client given and no sync worker started.
        """
        chosen = client or self._client
        if chosen is None:
            raise ConfigurationError(
                "Outbox.flush needs a client: pass client= or call start() first", setting="client"
            )
        deadline = None if timeout_s is None else self._clock.monotonic() + timeout_s
        return self._sync_pass(chosen, deadline=deadline, stop=lambda: False, wait_s=timeout_s)

    async def aflush(self, *, timeout_s: float | None = None, client: httpx.AsyncClient | None = None) -> FlushSummary:
        """The async twin of `flush` (defaults to the client given to `start_async`)."""
        chosen = client or self._async_client
        if chosen is None:
            raise ConfigurationError(
                "Outbox.aflush needs a client: pass client= or call start_async() first", setting="client"
            )
        deadline = None if timeout_s is None else self._clock.monotonic() + timeout_s
        return await self._async_pass(chosen, deadline=deadline, stop=lambda: False, wait_s=timeout_s)

    def _sync_pass(
        self, client: httpx.Client, *, deadline: float | None, stop: Callable[[], bool], wait_s: float | None
    ) -> FlushSummary:
        """One drain pass under the drain lock (one pass at a time, whoever asks)."""
        if not self._drain_lock.acquire(timeout=-1 if wait_s is None else wait_s):
            return FlushSummary(remaining=self._store.count(), stopped=True)
        try:
            return drain(self._pass(deadline, stop), client)
        finally:
            self._drain_lock.release()

    async def _async_pass(
        self, client: httpx.AsyncClient, *, deadline: float | None, stop: Callable[[], bool], wait_s: float | None
    ) -> FlushSummary:
        """`_sync_pass` for async code: polls the lock so the event loop never blocks on it."""
        loop = asyncio.get_running_loop()
        give_up = None if wait_s is None else loop.time() + wait_s
        while not self._drain_lock.acquire(blocking=False):
            if give_up is not None and loop.time() >= give_up:
                return FlushSummary(remaining=self._store.count(), stopped=True)
            await asyncio.sleep(0.01)
        try:
            return await adrain(self._pass(deadline, stop), client)
        finally:
            self._drain_lock.release()

    def _pass(self, deadline: float | None, stop: Callable[[], bool]) -> Pass:
        return Pass(self._delivery, batch_size=self.policy.batch_size, deadline=deadline, stop=stop)

    def _timing(self) -> WorkerTiming:
        return WorkerTiming(
            interval_s=self.policy.probe_interval_s,
            max_interval_s=self.policy.max_probe_interval_s,
            jitter_s=self.policy.probe_jitter_s,
            clock=self._clock,
            jitter=self._jitter,
        )

    def _check_no_worker(self) -> None:
        if self._thread is not None or self._task is not None:
            raise ConfigurationError("This outbox already has a delivery worker", setting="outbox")

    # -- inspection and callbacks --------------------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[OutboxItem]:
        """The queued requests, oldest first (no headers, no bodies)."""
        return self._store.pending(limit)

    def stats(self) -> OutboxStats:
        """Counts of queued, delivered (ever, in this file) and dead requests, and the queued bytes."""
        return self._store.stats()

    def dead_letters(self, limit: int | None = None) -> list[DeadLetter]:
        """Requests that will not be sent again, oldest first, with the reason and the server's answer."""
        return self._store.dead_letters(limit)

    def requeue(self, outbox_id: int) -> QueuedReceipt:
        """Queue a dead letter again, at the end, with its original idempotency key.

        Raises:
            OutboxError: there is no dead letter with that id.
        """
        item = self._store.requeue(outbox_id, queued_at=self._clock.time())
        if item is None:
            raise OutboxError(f"{self.path} has no dead letter #{outbox_id}", path=str(self.path))
        self._wake()
        return QueuedReceipt(
            outbox_id=item.outbox_id,
            operation_id=item.operation_id,
            idempotency_key=item.idempotency_key,
            queued_at=item.queued_at,
            reason=f"requeued dead letter #{outbox_id}",
        )

    def purge_dead_letters(self, outbox_ids: Sequence[int] | None = None) -> int:
        """Delete the given dead letters (all when None); returns how many were deleted."""
        return self._store.purge_dead_letters(outbox_ids)

    def on_delivered(self, fn: Callable[[OutboxDelivered], None]) -> Callable[[OutboxDelivered], None]:
        """Call `fn` once per delivered request (from the worker); returns `fn`, so it works as a decorator."""
        self._delivery.delivered_callbacks.append(fn)
        return fn

    def on_failed(self, fn: Callable[[DeadLetter], None]) -> Callable[[DeadLetter], None]:
        """Call `fn` once per request moved to the dead letters: refused by the server (called from the worker
        or `flush`), or dropped for room (called from the call that overflowed)."""
        self._delivery.failed_callbacks.append(fn)
        return fn

    # -- lifecycle ---------------------------------------------------------------------------------

    def close(self, timeout_s: float | None = DEFAULT_OUTBOX_CLOSE_TIMEOUT_S) -> None:
        """Stop the sync worker (after its current request, waiting up to `timeout_s`) and close the file.

        Close the outbox before the httpx client it sends through. A request still in flight when the file
        closes stays queued and is sent again later with the same idempotency key. Idempotent. Async
        workers: use `aclose`.
        """
        if self._thread is not None and not self._thread.stop(timeout_s):
            self._logger.warning("Outbox: the worker is still sending after %s s; closing anyway", timeout_s)
        self._store.close()

    async def aclose(self, timeout_s: float | None = DEFAULT_OUTBOX_CLOSE_TIMEOUT_S) -> None:
        """Stop the async (and sync) worker and close the file."""
        if self._task is not None:
            await self._task.stop(timeout_s)
        self.close(timeout_s)

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def __aenter__(self) -> Outbox:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

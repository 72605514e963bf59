"""The background delivery workers and the probes they call before draining.

While rows are pending, a worker calls its probe (e.g. the API's health check, built with `http_probe`)
and runs a drain pass when the probe says the API is reachable. After a failed probe, or a pass that
left rows behind (offline again, or transient answers), it waits `probe_delay_s` on the injected clock:
``probe_interval_s`` doubling per failure, capped at ``max_probe_interval_s``, plus jitter. While nothing
is pending it sleeps until a row is queued (or ``max_probe_interval_s`` passes).

`OutboxThread` is a daemon thread for sync clients; `OutboxTask` an asyncio task for async clients. Both
stop within `PAUSE_SLICE_S` of being asked, after the request in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Final

import attrs

from ..core import httpx
from ..core._clock import Clock
from ..core._defaults import ANONYMOUS_EXTENSION, DEFAULT_PROBE_TIMEOUT_S
from ..core._errors import OutboxError
from ..policies._retry_policy import RETRY_DISABLED
from ._outbox_delivery import FlushSummary

__all__ = [
    "DEFAULT_PROBE_TIMEOUT_S",
    "PAUSE_SLICE_S",
    "AsyncProbe",
    "OutboxTask",
    "OutboxThread",
    "Probe",
    "WorkerTiming",
    "async_http_probe",
    "http_probe",
    "probe_delay_s",
]

PAUSE_SLICE_S: Final = 0.1
"""Workers sleep in slices this long, so `close()` stops them within about this time."""

Probe = Callable[[], bool]
"""Says whether the API is reachable now (e.g. its health check answered 2xx); must not raise."""
AsyncProbe = Callable[[], Awaitable[bool] | bool]


def probe_delay_s(
    failures: int, *, interval_s: float, max_interval_s: float, jitter_s: float | None, jitter_fraction: float
) -> float:
    """Seconds to wait after `failures` (>= 1) failed probes or passes in a row.

    ``min(max_interval_s, interval_s * 2 ** (failures - 1)) + jitter_fraction * jitter_s`` (no jitter if None).
    """
    exponent = min(max(failures, 1) - 1, 60)  # 2**60 s is past any cap; avoids float overflow
    delay = min(max_interval_s, interval_s * 2.0**exponent)
    return delay + (jitter_fraction * jitter_s if jitter_s else 0.0)


@attrs.frozen(kw_only=True)
class WorkerTiming:
    """The probe backoff of a worker (from `OutboxPolicy`), its clock and random source."""

    interval_s: float
    max_interval_s: float
    jitter_s: float | None
    clock: Clock
    jitter: Callable[[], float]

    def delay_s(self, failures: int) -> float:
        return probe_delay_s(
            failures,
            interval_s=self.interval_s,
            max_interval_s=self.max_interval_s,
            jitter_s=self.jitter_s,
            jitter_fraction=self.jitter(),
        )


class OutboxThread:
    """The sync worker: a daemon thread that probes and drains while rows are pending."""

    def __init__(
        self,
        *,
        run_pass: Callable[[Callable[[], bool]], FlushSummary],
        pending: Callable[[], int],
        probe: Probe,
        timing: WorkerTiming,
        logger: logging.Logger,
        name: str,
    ) -> None:
        self._run_pass, self._pending, self._probe = run_pass, pending, probe
        self._timing, self._logger = timing, logger
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A row was queued: stop idling (a running backoff is not cut short)."""
        self._wake.set()

    def stop(self, timeout_s: float | None) -> bool:
        """Ask the thread to stop after the current request; True when it ended within `timeout_s`."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if not self._pending():
                    failures = 0
                    self._wake.wait(self._timing.max_interval_s)
                    continue
                if self._probe_ok() and self._run_pass(self._stop.is_set).remaining == 0:
                    failures = 0
                    continue
            except OutboxError:
                return  # the outbox was closed under us
            except Exception:
                self._logger.exception("Outbox: the delivery worker failed; it retries after a pause")
            failures += 1
            self._pause(self._timing.delay_s(failures))

    def _probe_ok(self) -> bool:
        try:
            return bool(self._probe())
        except Exception as exc:
            self._logger.debug("Outbox: the probe raised %s; treated as offline", type(exc).__name__)
            return False

    def _pause(self, seconds: float) -> None:
        """Sleep on the injected clock in short slices, so `stop` is noticed quickly."""
        clock = self._timing.clock
        deadline = clock.monotonic() + seconds
        while not self._stop.is_set() and (left := deadline - clock.monotonic()) > 0:
            clock.sleep(min(left, PAUSE_SLICE_S))


class OutboxTask:
    """The async worker: an asyncio task on the running loop, the twin of `OutboxThread`."""

    def __init__(
        self,
        *,
        run_pass: Callable[[Callable[[], bool]], Awaitable[FlushSummary]],
        pending: Callable[[], int],
        probe: AsyncProbe,
        timing: WorkerTiming,
        logger: logging.Logger,
        name: str,
    ) -> None:
        self._run_pass, self._pending, self._probe = run_pass, pending, probe
        self._timing, self._logger, self._name = timing, logger, name
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Create the task on the running loop (call from async code)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run(), name=self._name)

    def wake(self) -> None:
        """Thread-safe: a row was queued."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            wake.set()
        else:
            loop.call_soon_threadsafe(wake.set)

    async def stop(self, timeout_s: float | None) -> bool:
        """Let the current request finish (up to `timeout_s`), then cancel; True when it ended in time."""
        self._stopping = True
        task = self._task
        if task is None or task.done():
            return True
        if self._wake is not None:
            self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return bool(done)

    def _stopped(self) -> bool:
        return self._stopping

    async def _run(self) -> None:
        assert self._wake is not None
        failures = 0
        while not self._stopping:
            self._wake.clear()
            try:
                if not self._pending():
                    failures = 0
                    await _wait_event(self._wake, self._timing.max_interval_s)
                    continue
                if await self._probe_ok() and (await self._run_pass(self._stopped)).remaining == 0:
                    failures = 0
                    continue
            except OutboxError:
                return
            except Exception:
                self._logger.exception("Outbox: the delivery task failed; it retries after a pause")
            failures += 1
            await self._pause(self._timing.delay_s(failures))

    async def _probe_ok(self) -> bool:
        try:
            result = self._probe()
            return bool(await result) if inspect.isawaitable(result) else bool(result)
        except Exception as exc:
            self._logger.debug("Outbox: the probe raised %s; treated as offline", type(exc).__name__)
            return False

    async def _pause(self, seconds: float) -> None:
        clock = self._timing.clock
        deadline = clock.monotonic() + seconds
        while not self._stopping and (left := deadline - clock.monotonic()) > 0:
            await clock.async_sleep(min(left, PAUSE_SLICE_S))


async def _wait_event(event: asyncio.Event, timeout_s: float) -> None:
    """Wait for `event` at most `timeout_s` (a timeout is not an error)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout_s)


def _probe_kwargs(url: str, timeout_s: float, operation_id: str, anonymous: bool) -> dict[str, Any]:
    """One quick attempt: no retries (the worker backs off itself), a short timeout."""
    extensions: dict[str, object] = {"sdk.operation_id": operation_id, "sdk.retry": RETRY_DISABLED}
    if anonymous:
        extensions[ANONYMOUS_EXTENSION] = True
    return {"method": "GET", "url": url, "timeout": timeout_s, "extensions": extensions}


def http_probe(
    client: httpx.Client,
    url: str,
    *,
    operation_id: str = "probe",
    anonymous: bool = True,
    timeout_s: float = DEFAULT_PROBE_TIMEOUT_S,
) -> Probe:
    """A probe that GETs `url` (e.g. the spec's health path) once: True on a 2xx, False on anything else.

    `anonymous` sends no credentials (the spec's ``security: []``); `operation_id` names it in logs and hooks.
    """

    def probe() -> bool:
        try:
            response = client.request(**_probe_kwargs(url, timeout_s, operation_id, anonymous))
        except Exception:
            return False
        return response.is_success

    return probe


def async_http_probe(
    client: httpx.AsyncClient,
    url: str,
    *,
    operation_id: str = "probe",
    anonymous: bool = True,
    timeout_s: float = DEFAULT_PROBE_TIMEOUT_S,
) -> Callable[[], Awaitable[bool]]:
    """The async twin of `http_probe`: returns a coroutine function for `Outbox.start_async`."""

    async def probe() -> bool:
        try:
            response = await client.request(**_probe_kwargs(url, timeout_s, operation_id, anonymous))
        except Exception:
            return False
        return response.is_success

    return probe

"""Time, injected: every wait and every timestamp in the runtime goes through a `Clock`.

Tests pass a `FakeClock` so retries, token expiry and circuit recovery run without real waiting.
"""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    """Where the runtime reads time and how it waits."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (durations, deadlines)."""
        ...

    def time(self) -> float:
        """Seconds since the epoch (token expiry, HTTP dates)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread."""
        ...

    async def async_sleep(self, seconds: float) -> None:
        """Suspend the calling task."""
        ...


class SystemClock:
    """The real clock. Its readers are the `time` functions themselves, so a reading costs no Python call
    (the wire log reads it twice per request)."""

    monotonic = staticmethod(time.monotonic)
    time = staticmethod(time.time)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def async_sleep(self, seconds: float) -> None:
        import asyncio  # here: a running loop has loaded it already, and a sync caller never pays for it

        await asyncio.sleep(seconds)


class FakeClock:
    """A clock for tests: sleeping advances time at once and is recorded in `sleeps`."""

    def __init__(self, *, start_monotonic: float = 1_000.0, start_time: float = 1_700_000_000.0) -> None:
        self._monotonic = start_monotonic
        self._time = start_time
        self.sleeps: list[float] = []

    def advance(self, seconds: float) -> None:
        """Move both clocks forward, as if `seconds` had passed."""
        self._monotonic += seconds
        self._time += seconds

    def monotonic(self) -> float:
        return self._monotonic

    def time(self) -> float:
        return self._time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        import asyncio  # here, as in SystemClock.async_sleep

        await asyncio.sleep(0)  # still yield, so concurrent tasks interleave as they would for real

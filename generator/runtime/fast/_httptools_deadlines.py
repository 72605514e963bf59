"""`WaitDeadlines`: the timeouts of every wait of one async httptools pool, kept on a single loop timer.

A timer per wait (``loop.call_later``, cancelled when the data came) costs more than the rest of a
request's transport: asyncio keeps a cancelled timer in its heap until it would have fired, and with
timeouts of seconds and thousands of requests a second the heap fills with them, is compared in Python
on every push and rebuilt in Python over and over (measured: ~24,000 instructions per request with 32
in flight). Here a wait only notes when it expires; one timer, set for the earliest noted expiry, ends
every wait that is due when it fires and is set again for the next. With the same timeout for every
request, each new expiry is later than the one the timer waits for already, so the timer is touched
about once per timeout, not once per request.

A wait still ends exactly when it would have with its own timer: the timer always waits for the
earliest expiry noted (a shorter timeout than any noted moves it forward), and an expiry is due at the
same moment asyncio would have run that wait's own timer.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Final

__all__ = ["WaitDeadlines"]

_RESOLUTION_S: Final = time.get_clock_info("monotonic").resolution
"""asyncio runs a timer once the loop's clock is within this of its time: so is an expiry due here."""


class WaitDeadlines:
    """When each pending wait of a pool expires (see the module docstring).

    A wait is a future the connection's protocol callbacks resolve with False ("something happened");
    expiring sets it to True ("timed out") unless it is done already.
    """

    __slots__ = ("_loop", "_timer", "_timer_at", "_waits")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waits: dict[asyncio.Future[bool], float] = {}  # waiter -> the loop time it expires at
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf  # when `_timer` fires (inf: no timer)

    def __len__(self) -> int:
        return len(self._waits)

    def add(self, waiter: asyncio.Future[bool], timeout_s: float) -> None:
        """Expire `waiter` `timeout_s` seconds from now, unless `discard` comes first."""
        expires_at = self._loop.time() + timeout_s
        self._waits[waiter] = expires_at
        if expires_at < self._timer_at:
            self._arm(expires_at)

    def discard(self, waiter: asyncio.Future[bool]) -> None:
        """The wait ended: forget its expiry (the timer stays; finding nothing due, it only re-arms)."""
        self._waits.pop(waiter, None)

    def close(self) -> None:
        """Cancel the timer and forget every expiry (the pool is closing)."""
        self._waits.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_at = math.inf

    def _arm(self, at: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_at(at, self._fire)
        self._timer_at = at

    def _fire(self) -> None:
        """End every wait that is due, then wait for the earliest expiry left."""
        self._timer, self._timer_at = None, math.inf
        due_by = self._loop.time() + _RESOLUTION_S
        earliest = math.inf
        expired = []
        for waiter, expires_at in self._waits.items():
            if expires_at < due_by:
                expired.append(waiter)
            elif expires_at < earliest:
                earliest = expires_at
        for waiter in expired:
            del self._waits[waiter]
            if not waiter.done():
                waiter.set_result(True)
        if earliest != math.inf:
            self._arm(earliest)

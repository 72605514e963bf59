"""`WaitDeadlines`: every wait of an async httptools pool times out on one loop timer, each at its own time.

A fake loop (its clock set by the test, its timers recorded) shows how many timers are set: one per
request would bring back the cost this module removes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from runtime.fast._httptools_deadlines import WaitDeadlines


@attrs.define(eq=False)
class Timer:
    when: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@attrs.define
class FakeLoop:
    now: float = 0.0
    timers: list[Timer] = attrs.field(factory=list)

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(when, callback)
        self.timers.append(timer)
        return timer

    def live(self) -> list[Timer]:
        return [timer for timer in self.timers if not timer.cancelled]

    def advance(self, to: float) -> None:
        """Move the clock and run each live timer that is due, as asyncio would."""
        self.now = to
        for timer in list(self.timers):
            if not timer.cancelled and timer.when <= to:
                timer.cancelled = True  # ran: not run twice
                timer.callback()


class Waiter:
    """The part of an asyncio future `WaitDeadlines` uses."""

    def __init__(self) -> None:
        self.result: bool | None = None

    def done(self) -> bool:
        return self.result is not None

    def set_result(self, value: bool) -> None:
        assert self.result is None, "a future is resolved once"
        self.result = value


def deadlines_on(loop: FakeLoop) -> WaitDeadlines:
    return WaitDeadlines(loop)  # type: ignore[arg-type]


def test_many_waits_with_one_timeout_share_one_timer() -> None:
    """Requests with the same read timeout set one loop timer between them, not one each."""
    loop = FakeLoop()
    deadlines = deadlines_on(loop)
    for step in range(100):
        loop.now = step * 0.01
        waiter: Any = Waiter()
        deadlines.add(waiter, 30.0)
        deadlines.discard(waiter)
    assert len(loop.timers) == 1 and loop.timers[0].when == 30.0
    assert len(deadlines) == 0


def test_each_wait_expires_at_its_own_time_and_the_timer_moves_on() -> None:
    loop = FakeLoop()
    deadlines = deadlines_on(loop)
    first, second, third = Waiter(), Waiter(), Waiter()
    deadlines.add(first, 5.0)  # type: ignore[arg-type]
    loop.now = 1.0
    deadlines.add(second, 5.0)  # type: ignore[arg-type]
    deadlines.add(third, 5.0)  # type: ignore[arg-type]
    deadlines.discard(third)  # its data came
    loop.advance(4.9)
    assert first.result is None
    loop.advance(5.0)
    assert first.result is True and second.result is None
    assert [timer.when for timer in loop.live()] == [6.0]  # re-armed for the next expiry
    loop.advance(6.0)
    assert second.result is True and third.result is None
    assert loop.live() == [] and len(deadlines) == 0


def test_a_shorter_timeout_moves_the_timer_forward() -> None:
    loop = FakeLoop()
    deadlines = deadlines_on(loop)
    slow, quick = Waiter(), Waiter()
    deadlines.add(slow, 30.0)  # type: ignore[arg-type]
    deadlines.add(quick, 0.5)  # type: ignore[arg-type]
    assert [timer.when for timer in loop.live()] == [0.5]
    loop.advance(0.5)
    assert quick.result is True and slow.result is None
    assert [timer.when for timer in loop.live()] == [30.0]


def test_a_wait_already_ended_is_left_alone() -> None:
    """A waiter the data resolved (not yet discarded) keeps its False: the expiry does not overwrite it."""
    loop = FakeLoop()
    deadlines = deadlines_on(loop)
    waiter = Waiter()
    deadlines.add(waiter, 1.0)  # type: ignore[arg-type]
    waiter.set_result(False)
    loop.advance(1.0)
    assert waiter.result is False


def test_a_timer_with_nothing_due_only_re_arms() -> None:
    """The timer of a wait that ended finds the later waits not yet due and waits for the earliest of them."""
    loop = FakeLoop()
    deadlines = deadlines_on(loop)
    early, late = Waiter(), Waiter()
    deadlines.add(early, 1.0)  # type: ignore[arg-type]
    deadlines.discard(early)
    loop.now = 0.5
    deadlines.add(late, 1.0)  # type: ignore[arg-type]
    loop.advance(1.0)
    assert late.result is None
    assert [timer.when for timer in loop.live()] == [1.5]
    loop.advance(1.5)
    assert late.result is True


def test_close_cancels_the_timer() -> None:
    loop = FakeLoop()
    deadlines = deadlines_on(loop)
    waiter = Waiter()
    deadlines.add(waiter, 1.0)  # type: ignore[arg-type]
    deadlines.close()
    assert loop.live() == [] and len(deadlines) == 0
    loop.advance(2.0)
    assert waiter.result is None


@pytest.mark.parametrize("timeout_s", [0.0, 1e-9])
def test_an_immediate_timeout_expires_on_the_next_timer_run(timeout_s: float) -> None:
    loop = FakeLoop(now=3.0)
    deadlines = deadlines_on(loop)
    waiter = Waiter()
    deadlines.add(waiter, timeout_s)  # type: ignore[arg-type]
    loop.advance(3.0 + timeout_s)
    assert waiter.result is True

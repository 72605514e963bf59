"""A total deadline per call: `DeadlineTransport` starts it, the layers below keep to it.

The phase timeouts (`_timeouts.py`) bound each single wait; nothing bounds their sum, so a server that
trickles a byte a second holds a call for as long as it likes. `DeadlineTransport` (outermost, above the
retries) starts a `Deadline` for each call: ``settings.deadline_s`` (`DEFAULT_DEADLINE_S`), or the call's
own ``extensions["sdk.deadline_s"]`` (`DEADLINE_EXTENSION`, None: no deadline). It travels in
``request.extensions["sdk.deadline"]`` and is kept by:

- the retry transport, which starts no attempt and no backoff sleep that would end past it;
- `_response_body.py`, which shortens each attempt's phase timeouts to the time left (`clamped`) and
  stops reading a body once the deadline has passed (between chunks).

So no single wait (connect, pool slot, each read) outlasts the time left when its attempt began, and a
body that keeps arriving is cut at the first chunk after the deadline. Sync and async keep it the same
way: an ``asyncio.timeout`` around each async call would be stricter, but costs more CPU per request
than the rest of the deadline (measured: about a quarter of the runtime's own per-request work).

When it passes, `RequestTimeout` (with `deadline_s`) names it. Streaming calls (`STREAM_EXTENSION`,
`download()`) have no deadline: their body is read by the caller, for as long as a file takes.
"""

from __future__ import annotations

import math
from collections.abc import Coroutine, Mapping
from typing import Any, Final

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._defaults import DEADLINE_EXTENSION, STREAM_EXTENSION
from ..core._errors import RequestTimeout, redact_url

__all__ = ["AsyncDeadlineTransport", "Deadline", "DeadlineTransport", "deadline_of"]

_KEY: Final = "sdk.deadline"
_PHASES: Final = ("connect", "read", "write", "pool")


class Deadline:
    """One call's deadline: `budget_s` seconds from its start, ending at `expires_at` (the clock's monotonic).

    `timeouts` are the call's own phase timeouts (httpx's ``extensions["timeout"]``). A plain slotted class:
    one is made per call, on the hot path.
    """

    __slots__ = ("budget_s", "expires_at", "longest_s", "timeouts")

    def __init__(
        self,
        *,
        budget_s: float,
        expires_at: float,
        timeouts: Mapping[str, float | None],
        longest_s: float | None = None,
    ) -> None:
        self.budget_s = budget_s
        self.expires_at = expires_at
        self.timeouts = timeouts
        self.longest_s = _longest_s(timeouts) if longest_s is None else longest_s

    def __repr__(self) -> str:
        return f"Deadline(budget_s={self.budget_s!r}, expires_at={self.expires_at!r})"

    def remaining_s(self, clock: Clock) -> float:
        return self.expires_at - clock.monotonic()

    def passed(self, clock: Clock) -> bool:
        return clock.monotonic() >= self.expires_at

    def clamped(self, clock: Clock) -> Mapping[str, float | None]:
        """The phase timeouts for an attempt starting now: none longer than the time left."""
        left = max(self.remaining_s(clock), 0.001)  # 0 would mean "no wait at all" to some transports
        if left >= self.longest_s:
            return self.timeouts  # the usual case: every phase ends before the deadline anyway
        return {phase: left if (t := self.timeouts.get(phase)) is None else min(t, left) for phase in _PHASES}

    def error(self, request: httpx.Request, *, during: str = "") -> RequestTimeout:
        """The `RequestTimeout` saying this deadline passed."""
        url = redact_url(request.url)
        return RequestTimeout(
            f"{request.method} {url} did not complete within its deadline of {self.budget_s:g} s{during}. Raise "
            "deadline_s (per call with RequestOptions(deadline_s=...), or in the client settings), or try later.",
            method=request.method,
            url=url,
            deadline_s=self.budget_s,
        )


def _longest_s(timeouts: Mapping[str, float | None]) -> float:
    """The longest single wait the phase timeouts allow (infinite when a phase has none)."""
    phases = [timeouts.get(phase) for phase in _PHASES]
    return math.inf if None in phases else max(p for p in phases if p is not None)


def deadline_of(request: httpx.Request) -> Deadline | None:
    """The call's deadline, if it has one (only `DeadlineTransport` sets the key)."""
    deadline: Deadline | None = request.extensions.get(_KEY)
    return deadline


class _Longest:
    """`_longest_s` of the last timeouts seen: clients pass the same dict on every call."""

    __slots__ = ("seconds", "timeouts")

    def __init__(self) -> None:
        self.timeouts: object = None
        self.seconds = math.inf

    def of(self, timeouts: Mapping[str, float | None]) -> float:
        if timeouts is not self.timeouts:
            self.seconds, self.timeouts = _longest_s(timeouts), timeouts
        return self.seconds


def _start(request: httpx.Request, default_s: float | None, clock: Clock, longest: _Longest) -> Deadline | None:
    """Start the call's deadline (once: an auth replay of the same call keeps the first one)."""
    extensions = request.extensions
    if extensions.get(STREAM_EXTENSION):
        return None
    existing = deadline_of(request)
    if existing is not None:
        return existing
    budget: Any = extensions.get(DEADLINE_EXTENSION, default_s)
    if budget is None:
        return None
    timeouts = extensions.get("timeout") or {}  # replaced per attempt, never changed in place
    deadline = Deadline(
        budget_s=budget, expires_at=clock.monotonic() + budget, timeouts=timeouts, longest_s=longest.of(timeouts)
    )
    extensions[_KEY] = deadline
    return deadline


class DeadlineTransport(httpx.BaseTransport):
    """Gives each call through `inner` a `Deadline` of `default_s` seconds (None: only calls that ask)."""

    def __init__(self, default_s: float | None, *, inner: httpx.BaseTransport, clock: Clock | None = None) -> None:
        self._default_s = default_s
        self.inner = inner
        self._clock = clock or SystemClock()
        self._longest = _Longest()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _start(request, self._default_s, self._clock, self._longest)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncDeadlineTransport(httpx.AsyncBaseTransport):
    """The async twin of `DeadlineTransport`."""

    def __init__(self, default_s: float | None, *, inner: httpx.AsyncBaseTransport, clock: Clock | None = None) -> None:
        self._default_s = default_s
        self.inner = inner
        self._clock = clock or SystemClock()
        self._longest = _Longest()

    def handle_async_request(self, request: httpx.Request) -> Coroutine[Any, Any, httpx.Response]:
        """`inner`'s coroutine for the request, its deadline started: not a coroutine itself (one less per call)."""
        _start(request, self._default_s, self._clock, self._longest)
        return self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

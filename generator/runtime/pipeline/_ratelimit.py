"""Client-side rate limiting (opt-in): a token bucket, slowed further by the server's quota headers.

`RateLimit` is the frozen setting; `TokenBucket` the shared, thread-safe state; `RateLimitTransport` /
`AsyncRateLimitTransport` the httpx shells that wait for a token before each request and feed every
answer's headers back to the bucket. Compose it innermost (below the retries, so every attempt takes a
token), e.g. as a generated client's ``transport=RateLimitTransport(limit, inner=httpx.HTTPTransport())``.

The bucket holds up to `RateLimit.burst` tokens and gains `RateLimit.rate_per_s` per second; a request
takes one. Callers reserve their token under a lock and then sleep outside it, so concurrent callers are
served in arrival order, ``1 / rate_per_s`` apart once the burst is spent, and none is lost or doubled.

Adaptive slow-down: when an answer says the server-side quota is low (``X-RateLimit-Remaining`` or
``RateLimit-Remaining`` <= `RateLimit.low_water`) and when it refills (``X-RateLimit-Reset`` or
``RateLimit-Reset``: delta seconds, or epoch seconds when above `EPOCH_THRESHOLD_S`), the remaining
requests are spread evenly until the reset: one every ``reset_s / max(remaining, 1)`` seconds, the first
after one interval (so with nothing remaining, none before the reset). A pause never exceeds
`RateLimit.max_pause_s`; past the reset the bucket alone paces again.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..policies._rate_limit import DEFAULT_LOW_WATER, DEFAULT_MAX_PAUSE_S, RateLimit

__all__ = [
    "DEFAULT_LOW_WATER",
    "DEFAULT_MAX_PAUSE_S",
    "EPOCH_THRESHOLD_S",
    "AsyncRateLimitTransport",
    "RateLimit",
    "RateLimitTransport",
    "TokenBucket",
    "read_quota",
]

EPOCH_THRESHOLD_S = 1_000_000_000.0
"""A reset value above this is a Unix time, not a number of seconds (about 31 years of seconds)."""

REMAINING_HEADERS = ("X-RateLimit-Remaining", "RateLimit-Remaining")
RESET_HEADERS = ("X-RateLimit-Reset", "RateLimit-Reset")


def _number(headers: Mapping[str, str], names: tuple[str, ...]) -> float | None:
    """The first of `names` that holds a finite number >= 0 (garbage is ignored, not trusted)."""
    for name in names:
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            value = float(raw.split(",")[0].strip())
        except ValueError:
            continue
        if math.isfinite(value) and value >= 0:
            return value
    return None


def read_quota(headers: Mapping[str, str], *, now: float) -> tuple[int, float] | None:
    """``(remaining, reset_s)`` from an answer's quota headers, or None unless both are there.

    Args:
        headers: the response headers (case-insensitive, like `httpx.Headers`).
        now: epoch seconds (`Clock.time()`), to turn an epoch reset into seconds from now.
    """
    remaining = _number(headers, REMAINING_HEADERS)
    reset = _number(headers, RESET_HEADERS)
    if remaining is None or reset is None:
        return None
    if reset > EPOCH_THRESHOLD_S:
        reset = max(0.0, reset - now)
    return int(remaining), reset


class TokenBucket:
    """The shared state of one `RateLimit`: thread-safe, usable from sync and async code at once.

    `reserve` takes a token and says how long the caller must wait before sending; `observe` reads an
    answer's quota headers. Neither sleeps: the transports do.
    """

    def __init__(self, limit: RateLimit, *, clock: Clock | None = None) -> None:
        self.limit = limit
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._tokens = float(limit.burst)
        self._updated = self._clock.monotonic()
        self._pace_next: float | None = None  # earliest start of the next request while the server is low
        self._pace_interval = 0.0
        self._pace_until = 0.0

    def reserve(self) -> float:
        """Take the next token; the seconds the caller must wait before sending (0 when it may go now)."""
        with self._lock:
            now = self._clock.monotonic()
            rate = self.limit.rate_per_s
            self._tokens = min(float(self.limit.burst), self._tokens + (now - self._updated) * rate)
            self._updated = now
            self._tokens -= 1.0
            start = now + (max(0.0, -self._tokens / rate))
            if self._pace_next is not None:
                if start >= self._pace_until:
                    self._pace_next = None  # the server's window has reset
                else:
                    start = max(start, self._pace_next)
                    self._pace_next = start + self._pace_interval
            return start - now

    def observe(self, headers: Mapping[str, str]) -> None:
        """Spread requests until the reset when the answer says the server's quota is low (module docstring)."""
        if self.limit.low_water is None:
            return
        quota = read_quota(headers, now=self._clock.time())
        if quota is None:
            return
        remaining, reset_s = quota
        with self._lock:
            if remaining > self.limit.low_water:
                self._pace_next = None
                return
            now = self._clock.monotonic()
            interval = reset_s / max(remaining, 1)
            if self.limit.max_pause_s is not None:
                interval = min(interval, self.limit.max_pause_s)
            self._pace_interval = interval
            self._pace_until = now + reset_s
            self._pace_next = max(self._pace_next or now, now + interval)


class RateLimitTransport(httpx.BaseTransport):
    """Waits for a token of `limit` before each request to `inner`, and lets answers slow it down.

    Pass a `TokenBucket` as `bucket` to share one limit between several transports (sync and async).
    """

    def __init__(
        self,
        limit: RateLimit,
        *,
        inner: httpx.BaseTransport,
        clock: Clock | None = None,
        bucket: TokenBucket | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self.bucket = bucket or TokenBucket(limit, clock=self._clock)
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        wait = self.bucket.reserve()
        if wait > 0:
            self._clock.sleep(wait)
        response = self.inner.handle_request(request)
        self.bucket.observe(response.headers)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRateLimitTransport(httpx.AsyncBaseTransport):
    """The async twin of `RateLimitTransport`: the same bucket rules, awaiting the clock's sleep."""

    def __init__(
        self,
        limit: RateLimit,
        *,
        inner: httpx.AsyncBaseTransport,
        clock: Clock | None = None,
        bucket: TokenBucket | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self.bucket = bucket or TokenBucket(limit, clock=self._clock)
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        wait = self.bucket.reserve()
        if wait > 0:
            await self._clock.async_sleep(wait)
        response = await self.inner.handle_async_request(request)
        self.bucket.observe(response.headers)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

"""Client-side rate limiting: the token bucket, its transports, and the slow-down from quota headers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import httpx
import pytest
from runtime.core._clock import FakeClock
from runtime.pipeline._ratelimit import (
    EPOCH_THRESHOLD_S,
    AsyncRateLimitTransport,
    RateLimit,
    RateLimitTransport,
    TokenBucket,
    read_quota,
)

Handler = Callable[[httpx.Request], httpx.Response]


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={})


def client(limit: RateLimit, clock: FakeClock, handler: Handler = ok) -> httpx.Client:
    transport = RateLimitTransport(limit, inner=httpx.MockTransport(handler), clock=clock)
    return httpx.Client(transport=transport, base_url="https://api.example")


def quota(remaining: int, reset: float, *, prefix: str = "X-") -> Handler:
    """A server that reports the same quota on every answer."""
    headers = {f"{prefix}RateLimit-Remaining": str(remaining), f"{prefix}RateLimit-Reset": str(reset)}
    return lambda request: httpx.Response(200, json={}, headers=headers)


# --- the setting ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_per_s": 0, "burst": 1},
        {"rate_per_s": float("inf"), "burst": 1},
        {"rate_per_s": 1, "burst": 0},
        {"rate_per_s": 1, "burst": 1.5},
        {"rate_per_s": 1, "burst": 1, "low_water": -1},
        {"rate_per_s": 1, "burst": 1, "max_pause_s": 0},
        {"rate_per_s": True, "burst": 1},
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, object]) -> None:
    """A rate <= 0 or infinite, a burst below 1 or fractional, a negative low-water mark or a zero pause cap fail."""
    with pytest.raises(ValueError):
        RateLimit(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "10"}, (3, 10.0)),
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "2.5"}, (0, 2.5)),
        ({"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": str(int(EPOCH_THRESHOLD_S) + 30)}, (1, 20.0)),
        ({"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": str(int(EPOCH_THRESHOLD_S) - 30)}, (1, 999999970.0)),
        ({"X-RateLimit-Remaining": "1"}, None),
        ({"X-RateLimit-Remaining": "lots", "X-RateLimit-Reset": "10"}, None),
        ({"X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "10"}, None),
        ({}, None),
    ],
)
def test_read_quota(headers: dict[str, str], expected: tuple[int, float] | None) -> None:
    """Remaining and reset come from the X- or IETF names; a reset above the epoch threshold is a Unix time."""
    assert read_quota(httpx.Headers(headers), now=EPOCH_THRESHOLD_S + 10) == expected


# --- the bucket -------------------------------------------------------------------------------------------


def test_burst_goes_at_once_then_one_per_interval() -> None:
    """With burst 2 at 1/s, five requests send two at once, then one per second (three 1 s waits)."""
    clock = FakeClock()
    with client(RateLimit(rate_per_s=1, burst=2), clock) as http:
        for _ in range(5):
            http.get("/")
    assert clock.sleeps == [1.0, 1.0, 1.0]


def test_a_quiet_spell_refills_the_bucket_up_to_the_burst() -> None:
    """After idling, the whole burst is available again, but never more than the burst."""
    clock = FakeClock()
    with client(RateLimit(rate_per_s=2, burst=3), clock) as http:
        for _ in range(3):
            http.get("/")
        clock.advance(60)
        for _ in range(4):
            http.get("/")
    assert clock.sleeps == [0.5]


def test_slow_rates_wait_the_whole_interval() -> None:
    """At 0.5 requests/s the second request waits 2 s."""
    clock = FakeClock()
    with client(RateLimit(rate_per_s=0.5, burst=1), clock) as http:
        http.get("/")
        http.get("/")
    assert clock.sleeps == [2.0]


def test_concurrent_threads_never_share_or_lose_a_token() -> None:
    """400 reservations from 8 threads get exactly the burst free and then 1/rate apart: one slot each."""
    clock = FakeClock()  # frozen: nobody sleeps, so every wait is the reservation's queue position
    bucket = TokenBucket(RateLimit(rate_per_s=4, burst=5), clock=clock)
    waits: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        mine = [bucket.reserve() for _ in range(50)]
        with lock:
            waits.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [0.0] * 5 + [k / 4 for k in range(1, 396)]


# --- slowing down from the server's headers -----------------------------------------------------------------


def test_exhausted_quota_waits_for_the_reset() -> None:
    """Remaining 0 with reset in 10 s holds the next request 10 s; a full quota afterwards lets requests go."""
    clock = FakeClock()
    answers = iter([quota(0, 10), quota(5, 60), quota(5, 60)])
    with client(RateLimit(rate_per_s=100, burst=100), clock, lambda r: next(answers)(r)) as http:
        http.get("/")
        http.get("/")
        http.get("/")
    assert clock.sleeps == [10.0]


def test_low_quota_is_spread_until_the_reset() -> None:
    """Remaining 2 (at the low-water mark) with reset in 10 s: the next requests go 5 s apart until the reset."""
    clock = FakeClock()
    with client(RateLimit(rate_per_s=100, burst=100, low_water=2), clock, quota(2, 10)) as http:
        http.get("/")  # the answer reports the low quota
        http.get("/")
        http.get("/")
    assert clock.sleeps == [5.0, 5.0]


def test_spreading_ends_at_the_reset() -> None:
    """Past the announced reset the bucket alone paces again, even if no new quota header arrived."""
    clock = FakeClock()
    answers = iter([quota(1, 4), ok, ok])
    with client(RateLimit(rate_per_s=100, burst=100), clock, lambda r: next(answers)(r)) as http:
        http.get("/")
        http.get("/")
        http.get("/")
    assert clock.sleeps == [4.0]


def test_ietf_names_and_epoch_resets_slow_down_too() -> None:
    """`RateLimit-Remaining` / `RateLimit-Reset` work like the X- names; an epoch reset counts from Clock.time()."""
    clock = FakeClock()
    reset_at = clock.time() + 8
    with client(RateLimit(rate_per_s=100, burst=100), clock, quota(0, reset_at, prefix="")) as http:
        http.get("/")
        http.get("/")
    assert clock.sleeps == [8.0]


def test_pauses_are_capped() -> None:
    """A reset an hour away holds a request at most max_pause_s."""
    clock = FakeClock()
    with client(RateLimit(rate_per_s=100, burst=100, max_pause_s=30), clock, quota(0, 3600)) as http:
        http.get("/")
        http.get("/")
    assert clock.sleeps == [30.0]


def test_low_water_none_ignores_the_headers() -> None:
    """With low_water=None only the bucket paces; the server's quota headers are not read."""
    clock = FakeClock()
    with client(RateLimit(rate_per_s=100, burst=100, low_water=None), clock, quota(0, 10)) as http:
        http.get("/")
        http.get("/")
    assert clock.sleeps == []


# --- async and composition ----------------------------------------------------------------------------------


async def test_async_transport_queues_concurrent_requests() -> None:
    """Five gathered requests with burst 2 at 1/s: two go at once, the fifth 3 s after the first.

    FakeClock advances time as soon as a task sleeps, so each queued task waits 1 s after the one before.
    """
    clock = FakeClock()
    started = clock.monotonic()
    transport = AsyncRateLimitTransport(RateLimit(rate_per_s=1, burst=2), inner=httpx.MockTransport(ok), clock=clock)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example") as http:
        await asyncio.gather(*(http.get("/") for _ in range(5)))
    assert clock.sleeps == [1.0, 1.0, 1.0]
    assert clock.monotonic() - started == 3.0


async def test_one_bucket_can_serve_sync_and_async_transports() -> None:
    """A shared TokenBucket paces a sync and an async client as one."""
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(rate_per_s=1, burst=1), clock=clock)
    limit = bucket.limit
    sync = httpx.Client(transport=RateLimitTransport(limit, inner=httpx.MockTransport(ok), clock=clock, bucket=bucket))
    asyn = httpx.AsyncClient(
        transport=AsyncRateLimitTransport(limit, inner=httpx.MockTransport(ok), clock=clock, bucket=bucket)
    )
    with sync:
        async with asyn:
            sync.get("https://api.example/")
            await asyn.get("https://api.example/")
    assert clock.sleeps == [1.0]


def test_close_reaches_the_inner_transport() -> None:
    """Closing the rate-limit transport closes the transport it wraps."""
    closed: list[bool] = []

    class Inner(httpx.MockTransport):
        def close(self) -> None:
            closed.append(True)

    RateLimitTransport(RateLimit(rate_per_s=1, burst=1), inner=Inner(ok)).close()
    assert closed == [True]

"""The delivery workers: probe backoff on the injected clock, waking on new rows, stopping cleanly."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime import ConfigurationError, FakeClock
from runtime.outbox._outbox import Outbox
from runtime.outbox._outbox_policy import OutboxPolicy
from runtime.outbox._outbox_worker import async_http_probe, http_probe, probe_delay_s


def kwargs_for(seq: int) -> dict[str, Any]:
    return {"method": "post", "url": "/m", "json": {"seq": seq}}


def accepting_client(seen: list[httpx.Request] | None = None) -> httpx.Client:
    def accept(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(201)

    return httpx.Client(transport=httpx.MockTransport(accept), base_url="https://api.example.com")


def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


@pytest.mark.parametrize(
    ("failures", "jitter_s", "fraction", "expected"),
    [
        (1, None, 0.9, 5.0),
        (2, None, 0.9, 10.0),
        (3, None, 0.0, 20.0),
        (7, None, 0.0, 300.0),  # 320 capped
        (10_000, None, 0.0, 300.0),  # no overflow
        (1, 1.0, 0.5, 5.5),
        (7, 2.0, 0.25, 300.5),  # jitter on top of the cap
    ],
)
def test_probe_delay_s(failures: int, jitter_s: float | None, fraction: float, expected: float) -> None:
    """min(max_interval_s, interval_s * 2 ** (failures - 1)) + fraction * jitter_s."""
    delay = probe_delay_s(failures, interval_s=5.0, max_interval_s=300.0, jitter_s=jitter_s, jitter_fraction=fraction)
    assert delay == pytest.approx(expected)


def test_the_worker_backs_off_on_the_injected_clock_then_drains(tmp_path: Path) -> None:
    """Failed probes are spaced probe_interval_s, doubling up to max_probe_interval_s (FakeClock: no real
    waiting); the first successful probe is followed by a drain."""
    clock = FakeClock()
    probes: list[float] = []

    def probe() -> bool:
        probes.append(clock.monotonic())
        return len(probes) > 6

    policy = OutboxPolicy(path=tmp_path / "o.db", probe_interval_s=1.0, max_probe_interval_s=8.0, probe_jitter_s=None)
    with Outbox(policy, package="t", clock=clock) as outbox, accepting_client() as client:
        outbox.enqueue(kwargs_for(1), operation_id="op")
        outbox.start(client, probe=probe)
        wait_until(lambda: outbox.stats().queued == 0)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(probes)]
    assert gaps[:6] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_a_probe_that_raises_counts_as_offline(tmp_path: Path) -> None:
    """The worker survives a raising probe and keeps probing."""
    calls: list[int] = []

    def probe() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise OSError("no route")
        return True

    policy = OutboxPolicy(path=tmp_path / "o.db", probe_interval_s=0.01, max_probe_interval_s=0.01)
    with Outbox(policy, package="t", clock=FakeClock()) as outbox, accepting_client() as client:
        outbox.enqueue(kwargs_for(1), operation_id="op")
        outbox.start(client, probe=probe)
        wait_until(lambda: outbox.stats().queued == 0)


def test_an_idle_worker_wakes_when_a_row_is_queued(tmp_path: Path) -> None:
    """With nothing pending the worker sleeps; a queued row wakes it at once (not after max_probe_interval_s)."""
    policy = OutboxPolicy(path=tmp_path / "o.db", max_probe_interval_s=600.0)
    with Outbox(policy, package="t") as outbox, accepting_client() as client:
        outbox.start(client, probe=lambda: True)
        time.sleep(0.05)
        outbox.enqueue(kwargs_for(1), operation_id="op")
        wait_until(lambda: outbox.stats().delivered == 1, timeout_s=2.0)


def test_close_stops_a_worker_in_a_long_backoff_quickly(tmp_path: Path) -> None:
    """close() returns within about PAUSE_SLICE_S even while the worker waits minutes between probes."""
    policy = OutboxPolicy(path=tmp_path / "o.db", probe_interval_s=120.0, max_probe_interval_s=600.0)
    outbox = Outbox(policy, package="t")
    outbox.enqueue(kwargs_for(1), operation_id="op")
    probed = threading.Event()

    def probe() -> bool:
        probed.set()
        return False

    with accepting_client() as client:
        outbox.start(client, probe=probe)
        assert probed.wait(2)
        started = time.monotonic()
        outbox.close()
        assert time.monotonic() - started < 1.0
    assert not any(t.name == "t-outbox" for t in threading.enumerate())


def test_only_one_worker_per_outbox(tmp_path: Path) -> None:
    """A second start raises ConfigurationError; flush without a client or worker does too."""
    with Outbox(OutboxPolicy(path=tmp_path / "o.db"), package="t") as outbox, accepting_client() as client:
        with pytest.raises(ConfigurationError):
            outbox.flush()
        outbox.start(client, probe=lambda: False)
        with pytest.raises(ConfigurationError, match="already"):
            outbox.start(client, probe=lambda: False)


def test_http_probe_sends_one_anonymous_attempt() -> None:
    """http_probe: True on 2xx, False on an error status or a connection failure; no auth, no retries."""
    answers: list[httpx.Response | Exception] = [httpx.Response(200), httpx.Response(503), httpx.ConnectError("x")]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with httpx.Client(transport=httpx.MockTransport(handler), base_url="https://api.example.com") as client:
        probe = http_probe(client, "/api/v2/health", operation_id="getHealth", timeout_s=2.0)
        assert [probe(), probe(), probe()] == [True, False, False]
    assert seen[0].url.path == "/api/v2/health" and seen[0].method == "GET"
    assert seen[0].extensions["sdk.anonymous"] is True and seen[0].extensions["sdk.operation_id"] == "getHealth"
    assert seen[0].extensions["timeout"]["read"] == 2.0


async def test_the_async_worker_drains_and_stops(tmp_path: Path) -> None:
    """start_async runs a task that drains through the AsyncClient (async probe); aclose stops it."""

    async def accept(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201)

    policy = OutboxPolicy(path=tmp_path / "o.db", probe_interval_s=0.01, max_probe_interval_s=0.02)
    async with httpx.AsyncClient(transport=httpx.MockTransport(accept), base_url="https://a.example") as client:
        outbox = Outbox(policy, package="t")
        for i in range(5):
            outbox.enqueue(kwargs_for(i), operation_id="op")
        outbox.start_async(client, probe=async_http_probe(client, "/health"))
        for _ in range(500):
            if outbox.stats().delivered == 5:
                break
            await asyncio.sleep(0.01)
        assert outbox.stats().delivered == 5
        await outbox.aclose()
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "t-outbox"]

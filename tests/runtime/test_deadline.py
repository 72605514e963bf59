"""Every call has a total deadline (settings.deadline_s, or the call's own): attempts, body reads and backoff
sleeps together. Past it the call raises RequestTimeout naming the deadline.

Retries and sleeps run on a fake clock; the trickling server is real, with a deadline of half a second.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from runtime import (
    ClientSettings,
    ConnectError,
    FakeClock,
    Hooks,
    RequestOptions,
    RequestTimeout,
    RetryPolicy,
    apply_request_options,
    build_sync_client,
    translate_transport_errors,
)
from runtime.pipeline._deadline import Deadline

from tests.support.wire_server import BACKENDS, Answer, WireServer, call

TRICKLED = Answer(body=b"x" * 200, headers=(), trickle_s=0.02)  # 4 s in all, a byte every 20 ms


@pytest.mark.parametrize("backend", BACKENDS)
def test_trickling_body_is_cut_at_the_deadline(backend: str) -> None:
    """A server sending a byte every 20 ms never trips the 30 s read timeout; the 0.5 s deadline stops the
    call with RequestTimeout naming it, long before the 200 bytes are through."""
    with WireServer() as server:
        server.default = TRICKLED
        with pytest.raises(RequestTimeout) as caught:
            call(server.url, backend, settings={"deadline_s": 0.5, "retry": RetryPolicy(max_attempts=3)})
    assert caught.value.deadline_s == 0.5
    assert "did not complete within its deadline of 0.5 s" in str(caught.value)
    assert len(server.received) == 1  # past the deadline nothing is retried
    assert server.body_bytes_sent[0] < 200


@pytest.mark.parametrize("backend", BACKENDS)
def test_stalled_body_times_out_at_the_deadline_not_the_read_timeout(backend: str) -> None:
    """A server that stops sending after one byte: the attempt's 30 s read timeout is shortened to the time
    left, so the call raises RequestTimeout naming the 0.5 s deadline, not a read timeout 30 s later."""
    with WireServer() as server:
        server.default = Answer(body=b"x" * 10, headers=(), trickle_s=60.0)
        with pytest.raises(RequestTimeout) as caught:
            call(server.url, backend, settings={"deadline_s": 0.5, "retry": RetryPolicy(max_attempts=3)})
    assert caught.value.deadline_s == 0.5
    assert len(server.received) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_per_call_deadline_wins_over_the_client_setting(backend: str) -> None:
    """RequestOptions(deadline_s=...) sets this call's deadline; the client's (none here) applies otherwise."""
    kwargs = apply_request_options(
        {}, operation_id="listItems", options=RequestOptions(deadline_s=0.3), sends_idempotency_key=False
    )
    with WireServer() as server:
        server.default = TRICKLED
        with pytest.raises(RequestTimeout, match=r"deadline of 0\.3 s"):
            call(server.url, backend, settings={"deadline_s": None}, **kwargs)


def _failing(clock: FakeClock, *, takes_s: float, error: type[httpx.TransportError]) -> httpx.MockTransport:
    """Every attempt takes `takes_s` on the fake clock, then fails with `error`."""

    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance(takes_s)
        raise error("no luck", request=request)

    return httpx.MockTransport(handler)


def _client(clock: FakeClock, transport: httpx.BaseTransport, deadline_s: float | None) -> httpx.Client:
    settings = ClientSettings(
        base_url="http://127.0.0.1:9", deadline_s=deadline_s, retry=RetryPolicy(max_attempts=10, total_timeout_s=None)
    )
    return build_sync_client(
        settings,
        auth=None,
        hooks=Hooks(),
        logger_name="sdk.deadline_test",
        transport=transport,
        clock=clock,
        jitter=lambda: 0.0,
    )


def test_no_backoff_sleep_runs_past_the_deadline() -> None:
    """Sleeps 1, 2, 4 fit in a 10 s deadline, 8 more would not: the last failure is raised without it."""
    clock = FakeClock()
    with (
        _client(clock, _failing(clock, takes_s=0.0, error=httpx.ConnectError), 10.0) as client,
        pytest.raises(ConnectError),
        translate_transport_errors(),
    ):
        client.get("/items")
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_attempts_past_the_deadline_raise_request_timeout() -> None:
    """Attempts that each take 3 s: the second ends past the 5 s deadline, which RequestTimeout names."""
    clock = FakeClock()
    with (
        _client(clock, _failing(clock, takes_s=3.0, error=httpx.ReadTimeout), 5.0) as client,
        pytest.raises(RequestTimeout) as caught,
        translate_transport_errors(),
    ):
        client.get("/items")
    assert caught.value.deadline_s == 5.0 and isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert clock.sleeps == [1.0]


def test_without_a_deadline_only_the_retry_policy_limits_a_call() -> None:
    """deadline_s=None: the same failures are retried until max_attempts."""
    clock = FakeClock()
    with (
        _client(clock, _failing(clock, takes_s=3.0, error=httpx.ReadTimeout), None) as client,
        pytest.raises(RequestTimeout) as caught,
        translate_transport_errors(),
    ):
        client.get("/items")
    assert caught.value.deadline_s is None and len(clock.sleeps) == 9


def test_attempt_timeouts_are_clamped_to_the_time_left() -> None:
    """No phase timeout of an attempt outlasts the deadline; phases without one get the time left."""
    clock = FakeClock()
    deadline = Deadline(
        budget_s=2.0,
        expires_at=clock.monotonic() + 2.0,
        timeouts={"connect": 5.0, "read": 1.0, "write": None, "pool": 10.0},
    )
    clock.advance(0.5)
    assert deadline.clamped(clock) == {"connect": 1.5, "read": 1.0, "write": 1.5, "pool": 1.5}


async def test_async_deadline_layer_starts_the_deadline_and_hands_back_the_inner_coroutine() -> None:
    """No coroutine of its own per call: the caller awaits the inner transport's, with the deadline set."""
    from runtime.pipeline._deadline import AsyncDeadlineTransport, deadline_of

    made: list[object] = []

    async def answer() -> httpx.Response:
        return httpx.Response(204)

    class Inner(httpx.AsyncBaseTransport):
        def handle_async_request(self, request: httpx.Request) -> Any:
            assert deadline_of(request) is not None  # started before the inner call
            made.append(answer())
            return made[-1]

    clock = FakeClock()
    request = httpx.Request("GET", "https://h/", extensions={"timeout": {"read": 5.0}})
    sent = AsyncDeadlineTransport(2.0, inner=Inner(), clock=clock).handle_async_request(request)
    assert sent is made[0]
    assert (await sent).status_code == 204
    deadline = deadline_of(request)
    assert deadline is not None and deadline.expires_at == clock.monotonic() + 2.0

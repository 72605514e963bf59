"""RetryTransport / AsyncRetryTransport over httpx.MockTransport with a FakeClock: nothing really sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from runtime import (
    RETRY_DISABLED,
    AsyncRetryTransport,
    CircuitOpenError,
    ConfigurationError,
    FakeClock,
    RateLimitError,
    RetryPolicy,
    RetryTransport,
    raise_for_status,
)

Step = httpx.Response | Exception


class Script:
    """A MockTransport handler answering from a list, recording each request's headers as sent."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.seen: list[dict[str, str]] = []
        self.attempts: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(dict(request.headers))
        self.attempts.append(request.extensions["sdk.attempt"])
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    @property
    def calls(self) -> int:
        return len(self.seen)


def client_for(
    script: Script,
    policy: RetryPolicy | None = None,
    *,
    clock: FakeClock,
    jitter: Callable[[], float] = lambda: 0.0,
) -> httpx.Client:
    transport = RetryTransport(policy, inner=httpx.MockTransport(script), clock=clock, jitter=jitter)
    return httpx.Client(transport=transport, base_url="https://api.example.com")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_fail_fail_succeed(clock: FakeClock) -> None:
    """Two 503s on a GET are retried with delays 1 s then 2 s (factor 2, no jitter); the 200 comes back."""
    script = Script(httpx.Response(503), httpx.Response(503), httpx.Response(200, text="ok"))
    response = client_for(script, RetryPolicy(), clock=clock).get("/pets")
    assert response.status_code == 200
    assert response.text == "ok"
    assert clock.sleeps == [1.0, 2.0]


def test_attempt_header_and_extension_count_attempts(clock: FakeClock) -> None:
    """Each attempt sends X-Attempt-Number 1, 2, 3 and sets extensions['sdk.attempt'] alike."""
    script = Script(httpx.Response(500), httpx.Response(502), httpx.Response(200))
    client_for(script, RetryPolicy(), clock=clock).get("/pets")
    assert [seen["x-attempt-number"] for seen in script.seen] == ["1", "2", "3"]
    assert script.attempts == [1, 2, 3]


def test_attempt_header_none_sends_no_header(clock: FakeClock) -> None:
    """attempt_header=None sends no header; the extension is still set for hooks and logging."""
    script = Script(httpx.Response(503), httpx.Response(200))
    client_for(script, RetryPolicy(attempt_header=None), clock=clock).get("/pets")
    assert all("x-attempt-number" not in seen for seen in script.seen)
    assert script.attempts == [1, 2]


def test_jitter_comes_from_the_injected_source(clock: FakeClock) -> None:
    """The jitter fraction is drawn from `jitter` and scaled by max_jitter_s."""
    script = Script(httpx.Response(503), httpx.Response(200))
    client_for(script, RetryPolicy(max_jitter_s=2.0), clock=clock, jitter=lambda: 0.25).get("/pets")
    assert clock.sleeps == [1.5]


def test_gives_up_after_max_attempts_and_returns_the_last_response(clock: FakeClock) -> None:
    """After max_attempts the last failed response is returned for the caller to raise."""
    script = Script(*(httpx.Response(503) for _ in range(3)))
    response = client_for(script, RetryPolicy(), clock=clock).get("/pets")
    assert response.status_code == 503
    assert script.calls == 3


def test_429_retry_after_is_honoured(clock: FakeClock) -> None:
    """A 429 with Retry-After: 7 waits exactly 7 s instead of the backoff."""
    script = Script(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200))
    assert client_for(script, RetryPolicy(), clock=clock).get("/pets").status_code == 200
    assert clock.sleeps == [7.0]


def test_retry_after_above_cap_is_returned_without_sleeping(clock: FakeClock) -> None:
    """Retry-After above max_retry_after_s: no sleep, the 429 comes back and maps to RateLimitError."""
    script = Script(httpx.Response(429, headers={"Retry-After": "120"}), httpx.Response(200))
    response = client_for(script, RetryPolicy(max_retry_after_s=60), clock=clock).get("/pets")
    assert response.status_code == 429
    assert clock.sleeps == []
    assert script.calls == 1
    with pytest.raises(RateLimitError) as caught:
        raise_for_status(response)
    assert caught.value.retry_after_s == 120.0


def test_post_is_not_retried_without_idempotency_key(clock: FakeClock) -> None:
    """A 503 on a POST without Idempotency-Key is returned at once: the server may have acted."""
    script = Script(httpx.Response(503), httpx.Response(200))
    response = client_for(script, RetryPolicy(), clock=clock).post("/pets", json={"name": "Rex"})
    assert response.status_code == 503
    assert script.calls == 1


def test_post_with_idempotency_key_is_retried_with_the_same_key(clock: FakeClock) -> None:
    """With an Idempotency-Key a POST is retried, and every attempt carries the identical key."""
    script = Script(httpx.Response(503), httpx.Response(500), httpx.Response(201))
    response = client_for(script, RetryPolicy(), clock=clock).post(
        "/pets", json={"name": "Rex"}, headers={"Idempotency-Key": "key-123"}
    )
    assert response.status_code == 201
    assert [seen["idempotency-key"] for seen in script.seen] == ["key-123"] * 3


def test_connect_error_is_retried_even_for_post(clock: FakeClock) -> None:
    """A connect error means nothing was sent, so even a keyless POST is retried."""
    script = Script(httpx.ConnectError("refused"), httpx.Response(201))
    assert client_for(script, RetryPolicy(), clock=clock).post("/pets", json={}).status_code == 201
    assert script.calls == 2


def test_read_timeout_retried_for_get_only(clock: FakeClock) -> None:
    """A read timeout is retried for GET but re-raised for a keyless POST."""
    get_script = Script(httpx.ReadTimeout("slow"), httpx.Response(200))
    assert client_for(get_script, RetryPolicy(), clock=clock).get("/pets").status_code == 200
    post_script = Script(httpx.ReadTimeout("slow"), httpx.Response(200))
    with pytest.raises(httpx.ReadTimeout):
        client_for(post_script, RetryPolicy(), clock=clock).post("/pets", json={})
    assert post_script.calls == 1


def test_last_error_is_raised_when_attempts_run_out(clock: FakeClock) -> None:
    """When every attempt fails with a connect error, the last one propagates."""
    script = Script(*(httpx.ConnectError(f"refused {n}") for n in range(3)))
    with pytest.raises(httpx.ConnectError, match="refused 2"):
        client_for(script, RetryPolicy(), clock=clock).get("/pets")


def test_total_deadline_stops_retrying(clock: FakeClock) -> None:
    """total_timeout_s=2.5: after 1 s of sleeping, a 2 s wait would overrun, so the 503 is returned."""
    script = Script(*(httpx.Response(503) for _ in range(5)))
    policy = RetryPolicy(max_attempts=5, total_timeout_s=2.5, max_jitter_s=None)
    response = client_for(script, policy, clock=clock).get("/pets")
    assert response.status_code == 503
    assert script.calls == 2
    assert clock.sleeps == [1.0]


def test_per_call_retry_disabled(clock: FakeClock) -> None:
    """extensions['sdk.retry'] = RETRY_DISABLED sends the request exactly once."""
    script = Script(httpx.Response(503), httpx.Response(200))
    client = client_for(script, RetryPolicy(), clock=clock)
    assert client.get("/pets", extensions={"sdk.retry": RETRY_DISABLED}).status_code == 503
    assert script.calls == 1


def test_per_call_policy_overrides_the_client_policy(clock: FakeClock) -> None:
    """A RetryPolicy in extensions['sdk.retry'] replaces the client's, even when the client has none."""
    script = Script(*(httpx.Response(503) for _ in range(4)), httpx.Response(200))
    client = client_for(script, None, clock=clock)
    response = client.get("/pets", extensions={"sdk.retry": RetryPolicy(max_attempts=5, initial_delay_s=0.1)})
    assert response.status_code == 200
    assert script.calls == 5


def test_client_policy_none_means_one_attempt(clock: FakeClock) -> None:
    """A transport with policy None and no per-call policy never retries."""
    script = Script(httpx.Response(503), httpx.Response(200))
    assert client_for(script, None, clock=clock).get("/pets").status_code == 503


def test_bad_override_is_a_configuration_error(clock: FakeClock) -> None:
    """Anything but a RetryPolicy or RETRY_DISABLED under sdk.retry is rejected, naming the setting."""
    client = client_for(Script(httpx.Response(200)), RetryPolicy(), clock=clock)
    with pytest.raises(ConfigurationError) as caught:
        client.get("/pets", extensions={"sdk.retry": 3})
    assert caught.value.setting == "retry"


def test_streamed_body_is_not_retried(clock: FakeClock) -> None:
    """A generator body cannot be replayed, so even a keyed POST or a connect error is not retried."""

    def body() -> Iterator[bytes]:
        yield b"chunk"

    script = Script(httpx.Response(503), httpx.Response(200))
    response = client_for(script, RetryPolicy(), clock=clock).post(
        "/upload", content=body(), headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 503
    assert script.calls == 1


def test_circuit_open_error_is_never_retried(clock: FakeClock) -> None:
    """CircuitOpenError fails fast and is not retried."""
    script = Script(CircuitOpenError("api.example.com", retry_in_s=3), httpx.Response(200))
    with pytest.raises(CircuitOpenError):
        client_for(script, RetryPolicy(), clock=clock).get("/pets")
    assert script.calls == 1


class TrackedStream(httpx.SyncByteStream):
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"busy"

    def close(self) -> None:
        self.closed = True


def test_failed_response_is_closed_before_retrying(clock: FakeClock) -> None:
    """The connection of a failed attempt goes back to the pool: its response is closed first."""
    stream = TrackedStream()
    script = Script(httpx.Response(503, stream=stream), httpx.Response(200))
    client_for(script, RetryPolicy(), clock=clock).get("/pets")
    assert stream.closed


async def test_async_twin_retries_and_awaits_the_clock(clock: FakeClock) -> None:
    """AsyncRetryTransport makes the same decisions and sleeps through Clock.async_sleep."""
    script = Script(httpx.ConnectError("refused"), httpx.Response(429, headers={"retry-after-ms": "1500"}))
    script.steps.append(httpx.Response(200))
    transport = AsyncRetryTransport(RetryPolicy(), inner=httpx.MockTransport(script), clock=clock, jitter=lambda: 0)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example.com") as client:
        response = await client.post("/pets", json={}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 200
    assert clock.sleeps == [1.0, 1.5]
    assert script.attempts == [1, 2, 3]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"max_attempts": 2.5},
        {"initial_delay_s": -1},
        {"backoff_factor": 0.5},
        {"total_timeout_s": 0},
        {"retry_methods": frozenset({"get"})},
        {"retry_statuses": {500}},
    ],
)
def test_policy_rejects_bad_values(kwargs: dict[str, object]) -> None:
    """RetryPolicy validates every field when it is built."""
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_from_retries_speaks_in_retries_and_a_doubling_first_delay() -> None:
    """from_retries(max_retries=5, first_delay_s=0.5, ...) is 6 attempts from 0.5 s doubling, capped, jittered."""
    from runtime import RetryPolicy

    policy = RetryPolicy.from_retries(
        max_retries=5, statuses=[408, 429, 500], first_delay_s=0.5, max_delay_s=120, jitter=True
    )
    assert (policy.max_attempts, policy.initial_delay_s, policy.backoff_factor, policy.max_delay_s) == (6, 0.5, 2, 120)
    assert policy.retry_statuses == {408, 429, 500} and policy.max_jitter_s is not None
    assert RetryPolicy.from_retries(jitter=False).max_jitter_s is None


@pytest.mark.parametrize(
    ("arguments", "named"), [({"max_retries": -1}, "max_retries"), ({"statuses": [99]}, "statuses")]
)
def test_from_retries_names_a_bad_argument(arguments: dict[str, object], named: str) -> None:
    """A negative retry count or a non-status is a ValueError naming the argument."""
    from runtime import RetryPolicy

    with pytest.raises(ValueError, match=named):
        RetryPolicy.from_retries(**arguments)  # type: ignore[arg-type]

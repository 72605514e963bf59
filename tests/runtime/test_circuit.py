"""Circuit breaker: per-host state machine and its sync/async transports, with a FakeClock."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from runtime import (
    AsyncCircuitBreakerTransport,
    CircuitBreaker,
    CircuitBreakerTransport,
    CircuitOpenError,
    CircuitState,
    CircuitStateChanged,
    FakeClock,
    HookError,
    Hooks,
    HostCircuits,
)
from runtime.pipeline._circuit import Outcome, Permit

CLOSED, OPEN, HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
HOST = "api.example.com"


class Server:
    """A MockTransport handler whose status can be switched, counting the calls that reached it."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.error: Exception | None = None
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return httpx.Response(self.status)


def make(
    breaker: CircuitBreaker, server: Server, clock: FakeClock
) -> tuple[httpx.Client, CircuitBreakerTransport, list[CircuitStateChanged]]:
    changes: list[CircuitStateChanged] = []
    transport = CircuitBreakerTransport(
        breaker, inner=httpx.MockTransport(server), clock=clock, on_change=changes.append
    )
    return httpx.Client(transport=transport, base_url=f"https://{HOST}"), transport, changes


def test_opens_after_threshold_and_fails_fast_without_io() -> None:
    """failure_threshold consecutive 5xx open the circuit; then calls raise CircuitOpenError, no I/O."""
    clock, server = FakeClock(), Server(503)
    client, transport, changes = make(CircuitBreaker(failure_threshold=3, recovery_timeout_s=30), server, clock)
    for _ in range(3):
        assert client.get("/").status_code == 503
    assert transport.circuits.state(HOST) is OPEN
    with pytest.raises(CircuitOpenError) as caught:
        client.get("/pets?token=s3cret")
    assert server.calls == 3
    assert caught.value.host == HOST
    assert caught.value.retry_in_s == pytest.approx(30)
    assert "s3cret" not in str(caught.value) and "s3cret" not in (caught.value.url or "")
    assert changes == [CircuitStateChanged(host=HOST, old=CLOSED, new=OPEN)]


def test_full_cycle_closed_open_half_open_closed() -> None:
    """After recovery_timeout_s one probe goes through; its success closes the circuit again."""
    clock, server = FakeClock(), Server(500)
    client, transport, changes = make(CircuitBreaker(failure_threshold=2, recovery_timeout_s=10), server, clock)
    client.get("/")
    client.get("/")
    clock.advance(9.9)
    with pytest.raises(CircuitOpenError):
        client.get("/")
    clock.advance(0.1)
    server.status = 200
    assert client.get("/").status_code == 200  # the probe
    assert transport.circuits.state(HOST) is CLOSED
    assert [(c.old, c.new) for c in changes] == [(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, CLOSED)]
    assert server.calls == 3


def test_failed_probe_reopens_and_restarts_the_timer() -> None:
    """A failing probe re-opens the circuit for another full recovery_timeout_s."""
    clock, server = FakeClock(), Server(502)
    client, transport, changes = make(CircuitBreaker(failure_threshold=1, recovery_timeout_s=300), server, clock)
    client.get("/")
    clock.advance(300)
    assert client.get("/").status_code == 502  # the probe fails
    assert transport.circuits.state(HOST) is OPEN
    clock.advance(299)
    with pytest.raises(CircuitOpenError):
        client.get("/")
    assert [(c.old, c.new) for c in changes] == [(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, OPEN)]


def test_half_open_admits_exactly_one_probe() -> None:
    """While the probe is in flight every other call fails fast; a neutral end gives the slot back."""
    circuits = HostCircuits(CircuitBreaker(failure_threshold=1, recovery_timeout_s=5))
    circuits.record(HOST, Permit.NORMAL, Outcome.FAILURE, now=0)
    probe = circuits.admit(HOST, now=5)
    assert probe.permit is Permit.PROBE
    assert circuits.admit(HOST, now=5).permit is None
    assert circuits.admit(HOST, now=6).permit is None
    circuits.record(HOST, Permit.PROBE, Outcome.NEUTRAL, now=6)  # e.g. cancelled
    assert circuits.admit(HOST, now=6).permit is Permit.PROBE


async def test_async_concurrent_calls_in_half_open_get_one_probe() -> None:
    """With the async transport, a second call during the probe fails fast and never reaches the server."""
    clock, release, calls = FakeClock(), asyncio.Event(), []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) > 1:
            await release.wait()
        return httpx.Response(200 if len(calls) > 1 else 503)

    changes: list[CircuitStateChanged] = []

    async def record(change: CircuitStateChanged) -> None:
        changes.append(change)

    transport = AsyncCircuitBreakerTransport(
        CircuitBreaker(failure_threshold=1, recovery_timeout_s=5),
        inner=httpx.MockTransport(handler),
        clock=clock,
        on_change=record,
    )
    async with httpx.AsyncClient(transport=transport, base_url=f"https://{HOST}") as client:
        await client.get("/")  # opens
        clock.advance(5)
        probe = asyncio.create_task(client.get("/"))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        with pytest.raises(CircuitOpenError):
            await client.get("/")
        release.set()
        assert (await probe).status_code == 200
    assert len(calls) == 2
    assert [(c.old, c.new) for c in changes] == [(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, CLOSED)]


def test_success_resets_the_failure_count() -> None:
    """Failures must be consecutive: a success in between starts the count again."""
    clock, server = FakeClock(), Server(503)
    client, transport, _ = make(CircuitBreaker(failure_threshold=3), server, clock)
    client.get("/")
    client.get("/")
    server.status = 200
    client.get("/")
    server.status = 503
    client.get("/")
    client.get("/")
    assert transport.circuits.state(HOST) is CLOSED


@pytest.mark.parametrize("status", [400, 404, 429, 501])
def test_non_transient_statuses_do_not_count(status: int) -> None:
    """4xx (429 included: the host is alive) and non-transient 5xx never open the circuit."""
    clock, server = FakeClock(), Server(status)
    client, transport, _ = make(CircuitBreaker(failure_threshold=1), server, clock)
    client.get("/")
    client.get("/")
    assert transport.circuits.state(HOST) is CLOSED


@pytest.mark.parametrize(
    ("error", "opens"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("closed"), True),
        (httpx.UnsupportedProtocol("ftp"), False),
        (ValueError("bug"), False),
    ],
)
def test_transient_errors_count(error: Exception, opens: bool) -> None:
    """Connect errors, timeouts and network errors count as failures; other exceptions do not."""
    clock, server = FakeClock(), Server()
    server.error = error
    client, transport, _ = make(CircuitBreaker(failure_threshold=1), server, clock)
    with pytest.raises(type(error)):
        client.get("/")
    assert (transport.circuits.state(HOST) is OPEN) is opens


def test_hosts_have_separate_circuits() -> None:
    """An open circuit for one host does not block another host (host:port is the key)."""
    clock, server = FakeClock(), Server(503)
    client, transport, _ = make(CircuitBreaker(failure_threshold=1), server, clock)
    client.get("/")
    server.status = 200
    assert client.get("https://other.example.com/").status_code == 200
    assert client.get("https://api.example.com:8443/").status_code == 200
    assert transport.circuits.state(HOST) is OPEN


def test_state_changes_reach_hooks() -> None:
    """Wired to Hooks.emit_circuit_change, every change reaches on_circuit_change hooks."""
    hooks, seen = Hooks(), list[CircuitStateChanged]()
    hooks.on_circuit_change(seen.append)
    transport = CircuitBreakerTransport(
        CircuitBreaker(failure_threshold=1),
        inner=httpx.MockTransport(lambda request: httpx.Response(503)),
        clock=FakeClock(),
        on_change=hooks.emit_circuit_change,
    )
    httpx.Client(transport=transport).get(f"https://{HOST}/")
    assert seen == [CircuitStateChanged(host=HOST, old=CLOSED, new=OPEN)]


def test_a_raising_change_hook_does_not_wedge_the_probe() -> None:
    """If a hook raises on OPEN→HALF_OPEN, the call fails with HookError and the probe slot is freed."""
    clock, hooks, server = FakeClock(), Hooks(), Server(503)

    @hooks.on_circuit_change
    def explode(change: CircuitStateChanged) -> None:
        if change.new is HALF_OPEN:
            raise RuntimeError("hook bug")

    transport = CircuitBreakerTransport(
        CircuitBreaker(failure_threshold=1, recovery_timeout_s=1),
        inner=httpx.MockTransport(server),
        clock=clock,
        on_change=hooks.emit_circuit_change,
    )
    client = httpx.Client(transport=transport, base_url=f"https://{HOST}")
    client.get("/")
    clock.advance(1)
    with pytest.raises(HookError):
        client.get("/")
    assert transport.circuits.admit(HOST, clock.monotonic()).permit is Permit.PROBE


@pytest.mark.parametrize("kwargs", [{"failure_threshold": 0}, {"recovery_timeout_s": 0}, {"failure_threshold": 1.5}])
def test_breaker_rejects_bad_values(kwargs: dict[str, object]) -> None:
    """CircuitBreaker validates its fields; any positive values are fine."""
    CircuitBreaker(failure_threshold=10, recovery_timeout_s=300)
    with pytest.raises(ValueError):
        CircuitBreaker(**kwargs)  # type: ignore[arg-type]


def test_for_errors_counts_the_statuses_whose_errors_are_expected() -> None:
    """CircuitBreaker.for_errors((ServerError, TransportError)): every 5xx and transport failures count;
    (RateLimitError,): 429 only, and transport failures do not."""
    from runtime import RateLimitError, ServerError, TransportError

    servers = CircuitBreaker.for_errors((ServerError, TransportError), failure_threshold=10, recovery_timeout_s=300)
    assert servers.failure_statuses == frozenset(range(500, 600)) and servers.count_transport_errors
    assert (servers.failure_threshold, servers.recovery_timeout_s) == (10, 300)
    limits = CircuitBreaker.for_errors((RateLimitError,))
    assert limits.failure_statuses == {429} and not limits.count_transport_errors
    with pytest.raises(ValueError, match="tuple of exception classes"):
        CircuitBreaker.for_errors(ServerError)  # type: ignore[arg-type]


def test_transport_failures_do_not_count_when_not_expected() -> None:
    """With count_transport_errors off, connect errors never open the circuit."""
    clock, server = FakeClock(), Server()
    server.error = httpx.ConnectError("refused")
    breaker = CircuitBreaker(failure_threshold=2, recovery_timeout_s=30, count_transport_errors=False)
    client, transport, _ = make(breaker, server, clock)
    for _ in range(3):
        with pytest.raises(httpx.ConnectError):
            client.get("/")
    assert transport.circuits.state(HOST) is CLOSED and server.calls == 3


def test_lean_requests_and_other_hosts_keep_their_own_circuits() -> None:
    """The lean client's requests share their base URL object (the breaker keeps its host text): a request
    to another host in between is still keyed by its own host, and the base URL's circuit by its own."""
    from runtime.pipeline._lean_client import LeanClient

    clock, server = FakeClock(), Server(503)
    transport = CircuitBreakerTransport(
        CircuitBreaker(failure_threshold=1), inner=httpx.MockTransport(server), clock=clock
    )
    client = LeanClient(transport=transport, base_url=f"https://{HOST}")
    client.get("/items/1")  # opens api.example.com
    server.status = 200
    assert client.get("https://other.example.com/items/1").status_code == 200
    with pytest.raises(CircuitOpenError):
        client.get("/items/2")
    assert (transport.circuits.state(HOST), transport.circuits.state("other.example.com")) == (OPEN, CLOSED)


# The quiet path (`HostCircuits.quiet`: closed, no failure counted) skips `admit` and a success's `record`; a
# run of outcomes must leave the same states, changes, failure counts and fail-fast answers as the general path.
_STEPS = [200, 503, 200, 503, 503, "error", 200, 503, 503, 503, "tick", 200, 503, "tick", 200, 200, 503, 200]


def _run(quiet: bool, monkeypatch: pytest.MonkeyPatch, *, is_async: bool) -> list[object]:
    if not quiet:
        monkeypatch.setattr(HostCircuits, "quiet", lambda self, host: False)
    clock, server = FakeClock(), Server()
    changes: list[CircuitStateChanged] = []
    breaker = CircuitBreaker(failure_threshold=3, recovery_timeout_s=5)
    seen: list[object] = []

    async def async_change(change: CircuitStateChanged) -> None:
        changes.append(change)

    sync_transport = CircuitBreakerTransport(
        breaker, inner=httpx.MockTransport(server), clock=clock, on_change=changes.append
    )
    async_transport = AsyncCircuitBreakerTransport(
        breaker, inner=httpx.MockTransport(server), clock=clock, on_change=async_change
    )
    for step in _STEPS:
        if step == "tick":
            clock.advance(6)
            continue
        server.status, server.error = (200, httpx.ConnectError("down")) if step == "error" else (int(step), None)
        request = httpx.Request("GET", f"https://{HOST}/")
        try:
            if is_async:
                response = asyncio.run(async_transport.handle_async_request(request))
            else:
                response = sync_transport.handle_request(request)
            seen.append(response.status_code)
        except (CircuitOpenError, httpx.ConnectError) as exc:
            seen.append(type(exc).__name__)
        circuits = async_transport.circuits if is_async else sync_transport.circuits
        seen.append((circuits.state(HOST), circuits._entry(HOST).failures))
    return [*seen, changes, server.calls]


@pytest.mark.parametrize("is_async", [False, True])
def test_the_quiet_path_ends_as_the_general_path_does(monkeypatch: pytest.MonkeyPatch, is_async: bool) -> None:
    quiet = _run(True, monkeypatch, is_async=is_async)
    general = _run(False, monkeypatch, is_async=is_async)
    assert quiet == general
    assert OPEN in [state for state, _ in [step for step in quiet if isinstance(step, tuple)]]  # the run opens


def test_quiet_means_closed_with_no_failure_counted() -> None:
    circuits = HostCircuits(CircuitBreaker(failure_threshold=2))
    assert not circuits.quiet(HOST)  # not seen yet: `admit` makes its entry
    circuits.record(HOST, circuits.admit(HOST, 0.0).permit or Permit.NORMAL, Outcome.SUCCESS, 0.0)
    assert circuits.quiet(HOST)
    circuits.record(HOST, Permit.NORMAL, Outcome.FAILURE, 0.0)
    assert not circuits.quiet(HOST)
    circuits.record(HOST, Permit.NORMAL, Outcome.SUCCESS, 0.0)
    assert circuits.quiet(HOST)

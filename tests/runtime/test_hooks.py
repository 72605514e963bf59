"""Hooks: registry, event order per attempt, raising hooks, sync vs async hooks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from runtime import (
    AsyncHooksTransport,
    AsyncRetryTransport,
    ConfigurationError,
    ErrorEvent,
    FakeClock,
    HookError,
    Hooks,
    HooksTransport,
    RequestEvent,
    ResponseEvent,
    RetryPolicy,
    RetryTransport,
)

OPERATION = {"sdk.operation_id": "listPets"}


def recording_hooks(log: list[tuple[str, str | None, int]]) -> Hooks:
    hooks = Hooks()
    hooks.before_request(lambda e: log.append(("before", e.operation_id, e.attempt)))
    hooks.after_response(lambda e: log.append((f"after {e.response.status_code}", e.operation_id, e.attempt)))
    hooks.on_error(lambda e: log.append((f"error {type(e.error).__name__}", e.operation_id, e.attempt)))
    return hooks


def test_hooks_run_in_order_for_every_attempt() -> None:
    """Under the retry transport: before_request then after_response / on_error, once per attempt."""
    log: list[tuple[str, str | None, int]] = []
    steps: list[httpx.Response | Exception] = [
        httpx.ConnectError("refused"),
        httpx.Response(503),
        httpx.Response(200),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        step = steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    clock = FakeClock()
    transport = RetryTransport(
        RetryPolicy(),
        inner=HooksTransport(recording_hooks(log), inner=httpx.MockTransport(handler), clock=clock),
        clock=clock,
        jitter=lambda: 0,
    )
    httpx.Client(transport=transport).get("https://api.example.com/pets", extensions=OPERATION)
    assert log == [
        ("before", "listPets", 1),
        ("error ConnectError", "listPets", 1),
        ("before", "listPets", 2),
        ("after 503", "listPets", 2),
        ("before", "listPets", 3),
        ("after 200", "listPets", 3),
    ]


def test_registration_returns_the_function() -> None:
    """Each registration method returns fn unchanged, so it works as a decorator."""
    hooks = Hooks()

    @hooks.before_request
    def stamp(event: RequestEvent) -> None:
        event.request.headers["X-Trace"] = "t-1"

    assert callable(stamp)
    assert stamp.__name__ == "stamp"


def test_before_request_may_change_headers() -> None:
    """Headers set by a before_request hook are what the server receives."""
    hooks, seen = Hooks(), []
    hooks.before_request(lambda e: e.request.headers.__setitem__("X-Trace", "t-1"))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("X-Trace"))
        return httpx.Response(200)

    httpx.Client(transport=HooksTransport(hooks, inner=httpx.MockTransport(handler))).get("https://h.example/")
    assert seen == ["t-1"]


def test_elapsed_comes_from_the_clock_and_ids_default() -> None:
    """ResponseEvent.elapsed_s is measured on the injected clock; without extensions attempt is 1."""
    clock, events = FakeClock(), list[ResponseEvent]()
    hooks = Hooks()
    hooks.after_response(events.append)

    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance(0.25)
        return httpx.Response(204)

    httpx.Client(transport=HooksTransport(hooks, inner=httpx.MockTransport(handler), clock=clock)).get("https://h/")
    (event,) = events
    assert isinstance(event, ResponseEvent)
    assert event.elapsed_s == pytest.approx(0.25)
    assert (event.operation_id, event.attempt) == (None, 1)


def test_a_raising_before_hook_surfaces_as_hook_error_and_sends_nothing() -> None:
    """A hook exception is not swallowed: HookError names the hook, the exception is its __cause__."""
    hooks, calls = Hooks(), list[httpx.Request]()

    @hooks.before_request
    def broken(event: RequestEvent) -> None:
        raise KeyError("oops")

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    transport = HooksTransport(hooks, inner=httpx.MockTransport(handler))
    with pytest.raises(HookError) as caught:
        httpx.Client(transport=transport).get("https://h.example/")
    assert isinstance(caught.value.__cause__, KeyError)
    assert caught.value.phase == "before_request"
    assert "broken" in str(caught.value)
    assert calls == []


def test_a_raising_error_hook_wraps_and_keeps_the_original_as_context() -> None:
    """If an on_error hook raises, HookError is raised; the transport error remains as __context__."""
    hooks = Hooks()

    @hooks.on_error
    def broken(event: ErrorEvent) -> None:
        raise RuntimeError("hook bug")

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(HookError) as caught:
        httpx.Client(transport=HooksTransport(hooks, inner=httpx.MockTransport(handler))).get("https://h/")
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert isinstance(caught.value.__cause__.__context__, httpx.ConnectError)


def test_hook_error_is_not_retried() -> None:
    """HookError is the user's bug, not a transient failure: the retry transport does not retry it."""
    hooks, calls = Hooks(), []

    @hooks.after_response
    def broken(event: ResponseEvent) -> None:
        raise ValueError("nope")

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503)

    transport = RetryTransport(RetryPolicy(), inner=HooksTransport(hooks, inner=httpx.MockTransport(handler)))
    with pytest.raises(HookError):
        httpx.Client(transport=transport).get("https://h/")
    assert len(calls) == 1


def test_sync_transport_rejects_async_hooks_clearly() -> None:
    """A sync client cannot await: an async hook raises ConfigurationError (check_sync and at call time)."""
    hooks = Hooks()

    @hooks.after_response
    async def notify(event: ResponseEvent) -> None:
        return None

    with pytest.raises(ConfigurationError, match="async"):
        hooks.check_sync()
    transport = HooksTransport(hooks, inner=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(ConfigurationError) as caught:
        httpx.Client(transport=transport).get("https://h/")
    assert caught.value.setting == "hooks"
    assert "notify" in str(caught.value)


def test_async_callable_objects_are_detected() -> None:
    """An object with an async __call__ counts as an async hook too."""

    class Notifier:
        async def __call__(self, event: RequestEvent) -> None:
            return None

    hooks = Hooks()
    hooks.before_request(Notifier())
    with pytest.raises(ConfigurationError):
        hooks.check_sync()


async def test_async_transport_awaits_async_hooks_and_runs_sync_ones() -> None:
    """AsyncHooksTransport awaits async hooks and calls sync ones, per attempt, in order."""
    log: list[str] = []
    hooks = Hooks()

    @hooks.before_request
    async def before(event: RequestEvent) -> None:
        log.append(f"async before {event.attempt}")

    hooks.before_request(lambda e: log.append(f"sync before {e.attempt}"))

    @hooks.after_response
    async def after(event: ResponseEvent) -> None:
        log.append(f"async after {event.response.status_code}")

    statuses = [503, 200]
    clock = FakeClock()
    transport = AsyncRetryTransport(
        RetryPolicy(),
        inner=AsyncHooksTransport(
            hooks, inner=httpx.MockTransport(lambda r: httpx.Response(statuses.pop(0))), clock=clock
        ),
        clock=clock,
        jitter=lambda: 0,
    )
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get("https://h/")).status_code == 200
    assert log == [
        "async before 1",
        "sync before 1",
        "async after 503",
        "async before 2",
        "sync before 2",
        "async after 200",
    ]


async def test_async_raising_hook_surfaces_as_hook_error() -> None:
    """In the async transport too, a raising (async) hook becomes HookError from the exception."""
    hooks = Hooks()

    @hooks.on_error
    async def broken(event: ErrorEvent) -> None:
        raise LookupError("async hook bug")

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    async with httpx.AsyncClient(transport=AsyncHooksTransport(hooks, inner=httpx.MockTransport(handler))) as client:
        with pytest.raises(HookError) as caught:
            await client.get("https://h/")
    assert isinstance(caught.value.__cause__, LookupError)


class _Coroutines(httpx.AsyncBaseTransport):
    """An inner transport that keeps the coroutine each call returned, to see who awaits it."""

    def __init__(self) -> None:
        self.made: list[object] = []

    def handle_async_request(self, request: httpx.Request) -> Any:
        coroutine = self._answer(request)
        self.made.append(coroutine)
        return coroutine

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)


async def test_async_attempts_pass_straight_through_until_a_hook_is_registered() -> None:
    """Without attempt hooks the layer hands back the inner transport's own coroutine (no coroutine of its
    own per request); a hook registered later sees the next attempt."""
    hooks, inner = Hooks(), _Coroutines()
    transport = AsyncHooksTransport(hooks, inner=inner, clock=FakeClock())
    request = httpx.Request("GET", "https://h/", extensions=OPERATION)
    passed = transport.handle_async_request(request)
    assert passed is inner.made[-1]
    assert (await passed).status_code == 200
    log: list[tuple[str, str | None, int]] = []
    hooks.after_response(lambda e: log.append((f"after {e.response.status_code}", e.operation_id, e.attempt)))
    watched = transport.handle_async_request(request)
    assert watched is not inner.made[-1]  # (the inner call is made once the watched attempt runs)
    assert (await watched).status_code == 200
    assert log == [("after 200", "listPets", 1)]

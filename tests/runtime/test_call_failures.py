"""on_call_error: every failed call is reported once, with its typed error, request and response."""

from __future__ import annotations

import httpx
import pytest
from runtime import (
    CallErrorEvent,
    CircuitOpenError,
    HookError,
    Hooks,
    NotFoundError,
    RequestTimeout,
    raise_for_status,
    report_call_errors,
    retrying_elsewhere,
    translate_transport_errors,
)

URL = "https://api.example.com/v1/pets/7"


def not_found() -> None:
    raise_for_status(httpx.Response(404, request=httpx.Request("GET", URL), json={"title": "Not Found"}))


def timed_out() -> None:
    with translate_transport_errors():
        raise httpx.ReadTimeout("slow", request=httpx.Request("PUT", URL))


def recorded() -> tuple[Hooks, list[CallErrorEvent]]:
    hooks, events = Hooks(), []
    hooks.on_call_error(events.append)
    return hooks, events


def test_an_http_error_status_is_reported_with_its_request_and_response() -> None:
    """A 404 is a failed call: the hook gets the NotFoundError, the request and the 404 response."""
    hooks, events = recorded()
    with pytest.raises(NotFoundError), report_call_errors(hooks, "getPet"):
        not_found()
    [event] = events
    assert isinstance(event.error, NotFoundError) and event.operation_id == "getPet"
    assert event.request is not None and event.request.method == "GET" and str(event.request.url) == URL
    assert event.response is not None and event.response.status_code == 404


def test_a_transport_error_is_reported_with_its_request_and_no_response() -> None:
    """A timeout has no response; the request comes from the httpx error behind it."""
    hooks, events = recorded()
    with pytest.raises(RequestTimeout), report_call_errors(hooks, "updatePet"):
        timed_out()
    [event] = events
    assert event.request is not None and event.request.method == "PUT" and event.response is None


def test_an_open_circuit_still_names_the_request() -> None:
    """A call refused by an open circuit was never sent; the hook still gets its method and URL."""
    hooks, events = recorded()
    with pytest.raises(CircuitOpenError), report_call_errors(hooks, "getPet"):
        raise CircuitOpenError("api.example.com", retry_in_s=3, method="GET", url=URL)
    [event] = events
    assert event.request is not None and event.request.method == "GET" and event.response is None


def test_successes_and_foreign_exceptions_are_not_reported() -> None:
    """Only SDK errors are failed calls; a success or a bug in the caller's code reports nothing."""
    hooks, events = recorded()
    with report_call_errors(hooks, "getPet"):
        pass
    with pytest.raises(ZeroDivisionError), report_call_errors(hooks, "getPet"):
        _ = 1 / 0
    assert events == []


def test_errors_the_caller_recovers_from_are_not_reported() -> None:
    """Inside retrying_elsewhere (an older server's 405 before its fallback) nothing is reported."""
    hooks, events = recorded()
    with retrying_elsewhere(), pytest.raises(NotFoundError), report_call_errors(hooks, "getPet"):
        not_found()
    assert events == []
    with pytest.raises(NotFoundError), report_call_errors(hooks, "getPet"):
        not_found()
    assert len(events) == 1


def test_a_failing_hook_is_never_swallowed_nor_reported_again() -> None:
    """A hook that raises surfaces as HookError (its cause), and is not fed back to the hooks."""
    hooks, calls = Hooks(), []

    def broken(event: CallErrorEvent) -> None:
        calls.append(event)
        raise ValueError("hook bug")

    hooks.on_call_error(broken)
    with pytest.raises(HookError) as caught, report_call_errors(hooks, "getPet"):
        not_found()
    assert caught.value.phase == "on_call_error" and isinstance(caught.value.__cause__, ValueError)
    assert len(calls) == 1


async def test_async_hooks_are_awaited() -> None:
    """With `async with`, async hooks run to completion before the error propagates."""
    hooks, seen = Hooks(), []

    async def hook(event: CallErrorEvent) -> None:
        seen.append(type(event.error).__name__)

    hooks.on_call_error(hook)
    with pytest.raises(NotFoundError):
        async with report_call_errors(hooks, "getPet"):
            not_found()
    assert seen == ["NotFoundError"]


def test_without_hooks_nothing_happens() -> None:
    """A client built without hooks (None) just lets the error through."""
    with pytest.raises(NotFoundError), report_call_errors(None, "getPet"):
        not_found()


def test_an_error_passing_through_nested_calls_is_reported_once() -> None:
    """A fallback's failing list call inside the call it serves: one failure, one report."""
    hooks, events = recorded()
    with pytest.raises(NotFoundError), report_call_errors(hooks, "getPet"), report_call_errors(hooks, "listPets"):
        not_found()
    assert [event.operation_id for event in events] == ["listPets"]


def test_a_fallbacks_own_not_found_is_reported() -> None:
    """call_or_fallback reports the fallback's 404 (no endpoint call raised it) as the call's failure."""
    from runtime import Fallback, VersionedOperation

    hooks, events = recorded()
    operation = VersionedOperation(operation_id="getPet", since="2.0", fallback=Fallback(via="listPets"))
    with pytest.raises(NotFoundError):
        operation.call_or_fallback("1.0", set(), lambda: None, not_found, hooks=hooks)
    assert [event.operation_id for event in events] == ["getPet"]

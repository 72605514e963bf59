"""User hooks: a registry of callables, the frozen events they get, and the transports that call them.

`HooksTransport` sits under the retry transport, so hooks see every attempt: ``before_request`` (may
change the request's headers), then the attempt, then ``after_response`` (any status) or ``on_error``
(the attempt raised; the error is re-raised afterwards). ``on_circuit_change`` hears the circuit
breaker (the factory wires it). ``on_call_error`` hears every failed *call* once, after its retries, with
the typed error it raises, HTTP errors included (`_call_failures.py`). Hooks run in registration order.

A hook may be a plain function or an ``async def``. The async client awaits either kind; the sync client
cannot run a coroutine, so it raises `ConfigurationError` (when the client is built, and again at call
time for hooks registered later) instead of silently skipping it. A hook that raises is never swallowed:
the call fails with `HookError`, whose ``__cause__`` is the hook's exception. A phase without hooks costs
one list check per attempt: no event is built for it.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Protocol, TypeVar

import attrs

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._errors import ConfigurationError, HookError
from ..policies._circuit_breaker import CircuitStateChanged

__all__ = [
    "AsyncHooksTransport",
    "CallErrorEvent",
    "CallErrorHook",
    "CircuitHook",
    "ErrorEvent",
    "ErrorHook",
    "Hooks",
    "HooksTransport",
    "RequestEvent",
    "RequestHook",
    "ResponseEvent",
    "ResponseHook",
]


@attrs.frozen(kw_only=True)
class RequestEvent:
    """An attempt is about to be sent. Changing ``request.headers`` changes what is sent."""

    operation_id: str | None
    attempt: int
    request: httpx.Request


@attrs.frozen(kw_only=True)
class ResponseEvent:
    """An attempt got a response (any status); `elapsed_s` runs until its headers arrived."""

    operation_id: str | None
    attempt: int
    request: httpx.Request
    response: httpx.Response
    elapsed_s: float


@attrs.frozen(kw_only=True)
class ErrorEvent:
    """An attempt raised `error` (it is re-raised after the hooks ran)."""

    operation_id: str | None
    attempt: int
    request: httpx.Request
    error: Exception


@attrs.frozen(kw_only=True)
class CallErrorEvent:
    """A call failed with `error`, the typed error it raises (after any retries; re-raised after the hooks).

    `request` is the last request sent (None when the call failed before one was built); `response` is
    the error's response (None when no answer came: a transport error, an open circuit).
    """

    operation_id: str | None
    error: Exception
    request: httpx.Request | None
    response: httpx.Response | None


class RequestHook(Protocol):
    def __call__(self, event: RequestEvent, /) -> Awaitable[None] | None: ...


class ResponseHook(Protocol):
    def __call__(self, event: ResponseEvent, /) -> Awaitable[None] | None: ...


class ErrorHook(Protocol):
    def __call__(self, event: ErrorEvent, /) -> Awaitable[None] | None: ...


class CallErrorHook(Protocol):
    def __call__(self, event: CallErrorEvent, /) -> Awaitable[None] | None: ...


class CircuitHook(Protocol):
    def __call__(self, event: CircuitStateChanged, /) -> Awaitable[None] | None: ...


_RequestHookT = TypeVar("_RequestHookT", bound=RequestHook)
_ResponseHookT = TypeVar("_ResponseHookT", bound=ResponseHook)
_ErrorHookT = TypeVar("_ErrorHookT", bound=ErrorHook)
_CircuitHookT = TypeVar("_CircuitHookT", bound=CircuitHook)
_CallErrorHookT = TypeVar("_CallErrorHookT", bound=CallErrorHook)
_Event = RequestEvent | ResponseEvent | ErrorEvent | CircuitStateChanged | CallErrorEvent
_AnyHook = Callable[[_Event], Awaitable[None] | None]


def _name(fn: object) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _is_async(fn: object) -> bool:
    """True for ``async def`` functions, partials of them and objects with an ``async def __call__``."""
    if inspect.iscoroutinefunction(fn):
        return True
    call = None if inspect.isroutine(fn) else inspect.getattr_static(type(fn), "__call__", None)
    return call is not None and inspect.iscoroutinefunction(call)


def _sync_only(phase: str, fn: object) -> ConfigurationError:
    return ConfigurationError(
        f"The {phase} hook {_name(fn)} is async, but this is a sync client: register a plain function, "
        "or use the async client.",
        setting="hooks",
    )


def _hook_failed(phase: str, fn: object, exc: Exception) -> HookError:
    return HookError(
        f"The {phase} hook {_name(fn)} raised {type(exc).__name__}; fix the hook (its exception is the "
        "__cause__ of this one).",
        hook=_name(fn),
        phase=phase,
    )


class Hooks:
    """The hook registry of an SDK client. Each registration method returns `fn`, so it is a decorator."""

    def __init__(self) -> None:
        self._hooks: dict[str, list[_AnyHook]] = {
            "before_request": [],
            "after_response": [],
            "on_error": [],
            "on_circuit_change": [],
            "on_call_error": [],
        }

    def before_request(self, fn: _RequestHookT) -> _RequestHookT:
        """Call `fn(RequestEvent)` before every attempt."""
        self._hooks["before_request"].append(fn)  # type: ignore[arg-type]  # stored untyped, called per phase
        return fn

    def after_response(self, fn: _ResponseHookT) -> _ResponseHookT:
        """Call `fn(ResponseEvent)` after every attempt that got a response."""
        self._hooks["after_response"].append(fn)  # type: ignore[arg-type]  # stored untyped, called per phase
        return fn

    def on_error(self, fn: _ErrorHookT) -> _ErrorHookT:
        """Call `fn(ErrorEvent)` after every attempt that raised."""
        self._hooks["on_error"].append(fn)  # type: ignore[arg-type]  # stored untyped, called per phase
        return fn

    def on_circuit_change(self, fn: _CircuitHookT) -> _CircuitHookT:
        """Call `fn(CircuitStateChanged)` whenever a host's circuit changes state."""
        self._hooks["on_circuit_change"].append(fn)  # type: ignore[arg-type]  # stored untyped, called per phase
        return fn

    def on_call_error(self, fn: _CallErrorHookT) -> _CallErrorHookT:
        """Call `fn(CallErrorEvent)` once for every failed call, whatever failed (HTTP status, network, parse)."""
        self._hooks["on_call_error"].append(fn)  # type: ignore[arg-type]  # stored untyped, called per phase
        return fn

    def _registered(self, phase: str) -> Sequence[_AnyHook]:
        return tuple(self._hooks[phase])  # a snapshot: registering during a call is safe

    def has(self, phase: str) -> bool:
        """Whether any hook is registered for `phase`: the transports build no event for a phase without one."""
        return bool(self._hooks[phase])

    def _watches_attempts(self) -> bool:
        """Whether any ``before_request``, ``after_response`` or ``on_error`` hook is registered (an attempt
        that starts without one is not watched; one registered meanwhile sees the next attempt)."""
        hooks = self._hooks
        return bool(hooks["before_request"] or hooks["after_response"] or hooks["on_error"])

    def check_sync(self) -> None:
        """Raise `ConfigurationError` if any hook is async (a sync client cannot run it)."""
        for phase in self._hooks:
            for fn in self._registered(phase):
                if _is_async(fn):
                    raise _sync_only(phase, fn)

    def run(self, phase: str, event: _Event) -> None:
        """Run the `phase` hooks synchronously, raising `HookError` / `ConfigurationError` as documented."""
        for fn in self._registered(phase):
            if _is_async(fn):
                raise _sync_only(phase, fn)
            try:
                result = fn(event)
            except Exception as exc:
                raise _hook_failed(phase, fn, exc) from exc
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()  # never awaited: close it so Python does not warn
                raise _sync_only(phase, fn)

    async def arun(self, phase: str, event: _Event) -> None:
        """Run the `phase` hooks, awaiting the async ones."""
        for fn in self._registered(phase):
            try:
                result = fn(event)
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                raise _hook_failed(phase, fn, exc) from exc

    def emit_circuit_change(self, event: CircuitStateChanged) -> None:
        """`on_change` callback for `CircuitBreakerTransport`."""
        self.run("on_circuit_change", event)

    async def aemit_circuit_change(self, event: CircuitStateChanged) -> None:
        """`on_change` callback for `AsyncCircuitBreakerTransport`."""
        await self.arun("on_circuit_change", event)


def _ids(request: httpx.Request) -> tuple[str | None, int]:
    """Operation id and attempt number, as the generated code and the retry transport set them."""
    return request.extensions.get("sdk.operation_id"), int(request.extensions.get("sdk.attempt", 1))


class HooksTransport(httpx.BaseTransport):
    """Runs `hooks` around each attempt through `inner` (sync hooks only)."""

    def __init__(self, hooks: Hooks, *, inner: httpx.BaseTransport, clock: Clock | None = None) -> None:
        self._hooks = hooks
        self.inner = inner
        self._clock = clock or SystemClock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hooks = self._hooks
        if not hooks._watches_attempts():  # nothing to run: the attempt passes straight through
            return self.inner.handle_request(request)
        operation_id, attempt = _ids(request)
        if hooks.has("before_request"):
            hooks.run("before_request", RequestEvent(operation_id=operation_id, attempt=attempt, request=request))
        started = self._clock.monotonic()
        try:
            response = self.inner.handle_request(request)
        except Exception as exc:
            if hooks.has("on_error"):
                hooks.run(
                    "on_error", ErrorEvent(operation_id=operation_id, attempt=attempt, request=request, error=exc)
                )
            raise
        if not hooks.has("after_response"):
            return response
        elapsed_s = self._clock.monotonic() - started
        try:
            hooks.run(
                "after_response",
                ResponseEvent(
                    operation_id=operation_id,
                    attempt=attempt,
                    request=request,
                    response=response,
                    elapsed_s=elapsed_s,
                ),
            )
        except BaseException:
            response.close()
            raise
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncHooksTransport(httpx.AsyncBaseTransport):
    """The async twin of `HooksTransport`: sync and async hooks both run, async ones awaited."""

    def __init__(self, hooks: Hooks, *, inner: httpx.AsyncBaseTransport, clock: Clock | None = None) -> None:
        self._hooks = hooks
        self.inner = inner
        self._clock = clock or SystemClock()

    def handle_async_request(self, request: httpx.Request) -> Coroutine[Any, Any, httpx.Response]:
        """The attempt through `inner`, watched by the hooks; not a coroutine itself: without hooks to run
        the attempt is `inner`'s own coroutine, so passing through costs no coroutine of this layer."""
        if not self._hooks._watches_attempts():  # nothing to run: the attempt passes straight through
            return self.inner.handle_async_request(request)
        return self._watched(request)

    async def _watched(self, request: httpx.Request) -> httpx.Response:
        hooks = self._hooks
        operation_id, attempt = _ids(request)
        if hooks.has("before_request"):
            await hooks.arun(
                "before_request", RequestEvent(operation_id=operation_id, attempt=attempt, request=request)
            )
        started = self._clock.monotonic()
        try:
            response = await self.inner.handle_async_request(request)
        except Exception as exc:
            if hooks.has("on_error"):
                event = ErrorEvent(operation_id=operation_id, attempt=attempt, request=request, error=exc)
                await hooks.arun("on_error", event)
            raise
        if not hooks.has("after_response"):
            return response
        elapsed_s = self._clock.monotonic() - started
        try:
            await hooks.arun(
                "after_response",
                ResponseEvent(
                    operation_id=operation_id,
                    attempt=attempt,
                    request=request,
                    response=response,
                    elapsed_s=elapsed_s,
                ),
            )
        except BaseException:
            await response.aclose()
            raise
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

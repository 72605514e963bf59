"""Telling ``on_call_error`` hooks about every failed call: one event per call, whatever failed.

The attempt-level ``on_error`` hook hears only attempts that raised inside the transport stack; a call
that ends in an HTTP error status, a response that breaks the spec, or a retry budget spent is a failed
call too. `report_call_errors` wraps one whole generated operation call (``with`` in sync code, ``async
with`` in async code, where async hooks are awaited) and hands each `SDKError` it raises to the hooks,
with the request and response behind it, before re-raising it unchanged.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from types import TracebackType

from ..core import httpx
from ..core._errors import HookError, SDKError
from ._hooks import CallErrorEvent, Hooks

__all__ = ["failed_exchange", "report_call_errors", "retrying_elsewhere"]

_RECOVERING: contextvars.ContextVar[bool] = contextvars.ContextVar("sdk_call_errors_recovered", default=False)


@contextlib.contextmanager
def retrying_elsewhere() -> Iterator[None]:
    """Calls inside are attempts the caller recovers from (e.g. an older server's 405 before a fallback):
    their errors are not reported; the caller's own outcome is what counts."""
    token = _RECOVERING.set(True)
    try:
        yield
    finally:
        _RECOVERING.reset(token)


def failed_exchange(error: BaseException) -> tuple[httpx.Request | None, httpx.Response | None]:
    """The request and response behind a failed call's error, as far as they are known."""
    response = getattr(error, "response", None)
    if isinstance(response, httpx.Response):
        return response.request, response
    cause = error.__cause__
    if isinstance(cause, httpx.RequestError):
        try:
            return cause.request, None
        except RuntimeError:  # httpx raises when the exception carries no request
            pass
    method, url = getattr(error, "method", None), getattr(error, "url", None)
    if isinstance(method, str) and isinstance(url, str):
        return httpx.Request(method, url), None  # e.g. an open circuit: the call was never sent
    return None, None


class report_call_errors:
    """Context manager around one operation call: an `SDKError` leaving it is reported, then re-raised.

    Each error is reported once, however many of these it passes through (a fallback's list call inside
    the call it serves); a `HookError` raised by an ``on_call_error`` hook itself is not reported (no loop).
    """

    def __init__(self, hooks: Hooks | None, operation_id: str) -> None:
        self._hooks = hooks
        self._operation_id = operation_id

    def _event(self, exc: BaseException | None) -> CallErrorEvent | None:
        if self._hooks is None or not isinstance(exc, SDKError) or not self._hooks.has("on_call_error"):
            return None
        if _RECOVERING.get() or exc.__dict__.get("_call_reported"):
            return None  # recovered from by the caller, or already reported by an inner call
        exc.__dict__["_call_reported"] = True
        if isinstance(exc, HookError) and exc.phase == "on_call_error":
            return None
        request, response = failed_exchange(exc)
        return CallErrorEvent(operation_id=self._operation_id, error=exc, request=request, response=response)

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        event = self._event(exc)
        if event is not None and self._hooks is not None:
            self._hooks.run("on_call_error", event)

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        event = self._event(exc)
        if event is not None and self._hooks is not None:
            await self._hooks.arun("on_call_error", event)

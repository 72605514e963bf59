"""Circuit breaker transports: apply a `CircuitBreaker` (`policies/_circuit_breaker.py`) to every request.

The state machine, what counts as a failure and when a host is probed again are the policy's, described
in `policies/_circuit_breaker.py`; these transports only ask it before each send and report each outcome.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._errors import CircuitOpenError, ConnectError, RequestTimeout, redact_url
from ..core._lazy_request import PerOriginURL
from ..policies._circuit_breaker import (
    Admission,
    CircuitBreaker,
    CircuitState,
    CircuitStateChanged,
    HostCircuits,
    Outcome,
    Permit,
)

__all__ = [
    "Admission",
    "AsyncCircuitBreakerTransport",
    "CircuitBreaker",
    "CircuitBreakerTransport",
    "CircuitState",
    "CircuitStateChanged",
    "HostCircuits",
    "Outcome",
    "Permit",
]


# Module-level aliases for the hot path (see `policies/_circuit_breaker.py`).
_SUCCESS, _FAILURE, _NEUTRAL = Outcome.SUCCESS, Outcome.FAILURE, Outcome.NEUTRAL
_NORMAL = Permit.NORMAL


_TRANSIENT_ERRORS = (
    ConnectError,
    RequestTimeout,
    httpx.ConnectError,
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def _outcome_of_response(config: CircuitBreaker, response: httpx.Response) -> Outcome:
    return _FAILURE if response.status_code in config.failure_statuses else _SUCCESS


def _outcome_of_error(config: CircuitBreaker, exc: BaseException) -> Outcome:
    return _FAILURE if config.count_transport_errors and isinstance(exc, _TRANSIENT_ERRORS) else _NEUTRAL


class _HostOf(PerOriginURL[str]):
    """A request's circuit key, its URL's netloc as text, worked out once per base URL (`PerOriginURL`)."""

    __slots__ = ()

    def derive(self, url: httpx.URL, request: httpx.Request) -> str:
        return url.netloc.decode("ascii")

    __call__ = PerOriginURL.value_for


def _give_back(circuits: HostCircuits, host: str, admission: Admission, clock: Clock) -> None:
    """A failing state-change hook must not leave the probe slot taken forever."""
    if admission.permit is not None:
        circuits.record(host, admission.permit, _NEUTRAL, clock.monotonic())


def _fail_fast(request: httpx.Request, host: str, retry_in_s: float) -> CircuitOpenError:
    return CircuitOpenError(host, retry_in_s=retry_in_s, method=request.method, url=redact_url(request.url))


class CircuitBreakerTransport(httpx.BaseTransport):
    """Applies a `CircuitBreaker` per host around `inner`; `on_change` hears every state change."""

    def __init__(
        self,
        breaker: CircuitBreaker,
        *,
        inner: httpx.BaseTransport,
        clock: Clock | None = None,
        on_change: Callable[[CircuitStateChanged], None] | None = None,
    ) -> None:
        self.circuits = HostCircuits(breaker)
        self.inner = inner
        self._clock = clock or SystemClock()
        self._on_change = on_change
        self._host_of = _HostOf()

    def _report(self, changes: tuple[CircuitStateChanged, ...]) -> None:
        for change in changes:
            if self._on_change is not None:
                self._on_change(change)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = self._host_of(request)
        circuits = self.circuits
        if not circuits.quiet(host):
            return self._guarded(request, host)
        # a closed circuit with no failure counted (`HostCircuits.quiet`): admitted, and a success changes nothing
        try:
            response = self.inner.handle_request(request)
        except BaseException as exc:
            outcome = _outcome_of_error(circuits.config, exc)
            self._report(circuits.record(host, _NORMAL, outcome, self._clock.monotonic()))
            raise
        if response.status_code not in circuits.config.failure_statuses and circuits.quiet(host):
            return response
        return self._recorded(host, _NORMAL, response)

    def _recorded(self, host: str, permit: Permit, response: httpx.Response) -> httpx.Response:
        """`response` once its outcome is recorded (closed if reporting a change fails)."""
        outcome = _outcome_of_response(self.circuits.config, response)
        try:
            changes = self.circuits.record(host, permit, outcome, self._clock.monotonic())
            if changes:
                self._report(changes)
        except BaseException:
            response.close()
            raise
        return response

    def _guarded(self, request: httpx.Request, host: str) -> httpx.Response:
        """The call through `admit` and `record`: an open or half-open circuit, or failures counted."""
        admission = self.circuits.admit(host, self._clock.monotonic())
        try:
            if admission.changes:
                self._report(admission.changes)
        except BaseException:
            _give_back(self.circuits, host, admission, self._clock)
            raise
        if admission.permit is None:
            raise _fail_fast(request, host, admission.retry_in_s)
        try:
            response = self.inner.handle_request(request)
        except BaseException as exc:
            self._report(
                self.circuits.record(
                    host, admission.permit, _outcome_of_error(self.circuits.config, exc), self._clock.monotonic()
                )
            )
            raise
        return self._recorded(host, admission.permit, response)

    def close(self) -> None:
        self.inner.close()


class AsyncCircuitBreakerTransport(httpx.AsyncBaseTransport):
    """The async twin of `CircuitBreakerTransport`; `on_change` is awaited."""

    def __init__(
        self,
        breaker: CircuitBreaker,
        *,
        inner: httpx.AsyncBaseTransport,
        clock: Clock | None = None,
        on_change: Callable[[CircuitStateChanged], Awaitable[None]] | None = None,
    ) -> None:
        self.circuits = HostCircuits(breaker)
        self.inner = inner
        self._clock = clock or SystemClock()
        self._on_change = on_change
        self._host_of = _HostOf()

    async def _report(self, changes: tuple[CircuitStateChanged, ...]) -> None:
        for change in changes:
            if self._on_change is not None:
                await self._on_change(change)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = self._host_of(request)
        circuits = self.circuits
        if not circuits.quiet(host):
            return await self._guarded(request, host)
        # a closed circuit with no failure counted (`HostCircuits.quiet`): admitted, and a success changes nothing
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException as exc:
            outcome = _outcome_of_error(circuits.config, exc)
            await self._report(circuits.record(host, _NORMAL, outcome, self._clock.monotonic()))
            raise
        if response.status_code not in circuits.config.failure_statuses and circuits.quiet(host):
            return response
        return await self._recorded(host, _NORMAL, response)

    async def _recorded(self, host: str, permit: Permit, response: httpx.Response) -> httpx.Response:
        """`response` once its outcome is recorded (closed if reporting a change fails)."""
        outcome = _outcome_of_response(self.circuits.config, response)
        try:
            changes = self.circuits.record(host, permit, outcome, self._clock.monotonic())
            if changes:
                await self._report(changes)
        except BaseException:
            await response.aclose()
            raise
        return response

    async def _guarded(self, request: httpx.Request, host: str) -> httpx.Response:
        """The call through `admit` and `record`: an open or half-open circuit, or failures counted."""
        admission = self.circuits.admit(host, self._clock.monotonic())
        try:
            if admission.changes:
                await self._report(admission.changes)
        except BaseException:
            _give_back(self.circuits, host, admission, self._clock)
            raise
        if admission.permit is None:
            raise _fail_fast(request, host, admission.retry_in_s)
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException as exc:
            changes = self.circuits.record(
                host, admission.permit, _outcome_of_error(self.circuits.config, exc), self._clock.monotonic()
            )
            await self._report(changes)
            raise
        return await self._recorded(host, admission.permit, response)

    async def aclose(self) -> None:
        await self.inner.aclose()

"""Retries: the `RetryPolicy` value object and the sync/async transports that apply it.

The transports are thin shells around `_Attempts`, which holds one request's attempt state and asks the
pure functions in `_backoff.py` what to do. A policy is shared and never mutated; every request gets a
fresh `_Attempts`.

Per call, ``request.extensions["sdk.retry"]`` may hold another `RetryPolicy` or `RETRY_DISABLED`.
Each attempt sets ``request.extensions["sdk.attempt"]`` (1-based) and, unless the policy's
`attempt_header` is None, sends it as a header.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs
import httpx

from ..core._clock import Clock, SystemClock
from ..core._connect_failure import permanent_connect_failure
from ..core._defaults import (
    ATTEMPT_HEADER,
    DEFAULT_BACKOFF_FACTOR,
    DEFAULT_INITIAL_DELAY_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_DELAY_S,
    DEFAULT_MAX_JITTER_S,
    DEFAULT_MAX_RETRY_AFTER_S,
    DEFAULT_RETRY_STATUSES,
    DEFAULT_TOTAL_TIMEOUT_S,
    IDEMPOTENT_METHODS,
)
from ..core._errors import (
    CertificateError,
    CircuitOpenError,
    ConfigurationError,
    ConnectError,
    NameResolutionError,
    RequestTimeout,
    TransportError,
)
from ..policies._backoff import Failure, RetryDecision, decide_retry, is_idempotent, plan_wait_s
from ..policies._timeouts import positive_seconds
from ._deadline import deadline_of

__all__ = ["RETRY_DISABLED", "AsyncRetryTransport", "RetryDisabled", "RetryPolicy", "RetryTransport"]

Jitter = Callable[[], float]
"""A random source returning a fraction in [0, 1), e.g. `random.random`."""


class RetryDisabled(enum.Enum):
    """Type of the `RETRY_DISABLED` sentinel."""

    RETRY_DISABLED = "RETRY_DISABLED"


RETRY_DISABLED: Final = RetryDisabled.RETRY_DISABLED
"""Put under ``request.extensions["sdk.retry"]`` to send a request exactly once."""


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a number >= 0, not {value!r}")


def _at_least_one(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: max_attempts counts the first attempt; backoff_factor must not shrink delays."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise ValueError(f"{attribute.name} must be >= 1, not {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When and how a failed request is tried again. Defaults: `_defaults.py`.

    Delay before retry n (1-based): ``min(max_delay_s, initial_delay_s * backoff_factor ** (n - 1))``
    plus ``random() * max_jitter_s`` (random from the injected jitter source; no jitter if None).

    Retried: connect failures always; timeouts, dropped connections and `retry_statuses` only for
    `retry_methods` or requests with an ``Idempotency-Key`` header; never a body that cannot be replayed
    (a streaming generator) and never `CircuitOpenError`. On 429/503 a ``Retry-After`` / ``retry-after-ms``
    replaces the backoff; above `max_retry_after_s` (None: no cap) the response is returned at once so the
    caller raises `RateLimitError` with `retry_after_s`. `total_timeout_s` (None: none) bounds all
    attempts and sleeps together: a wait that would overrun it is not started; so does the call's
    deadline (`_deadline.py`), and a failure after the deadline raises its `RequestTimeout`.

    Attributes:
        max_attempts: attempts including the first (`DEFAULT_MAX_ATTEMPTS`); 1 means no retries.
        attempt_header: header carrying the attempt number (`ATTEMPT_HEADER`); None sends none.
    """

    max_attempts: int = attrs.field(default=DEFAULT_MAX_ATTEMPTS, validator=_at_least_one)
    initial_delay_s: float = attrs.field(default=DEFAULT_INITIAL_DELAY_S, validator=_non_negative)
    backoff_factor: float = attrs.field(default=DEFAULT_BACKOFF_FACTOR, validator=_at_least_one)
    max_delay_s: float = attrs.field(default=DEFAULT_MAX_DELAY_S, validator=_non_negative)
    max_jitter_s: float | None = attrs.field(default=DEFAULT_MAX_JITTER_S, validator=positive_seconds)
    retry_statuses: frozenset[int] = attrs.field(default=DEFAULT_RETRY_STATUSES)
    retry_methods: frozenset[str] = attrs.field(default=IDEMPOTENT_METHODS)
    max_retry_after_s: float | None = attrs.field(default=DEFAULT_MAX_RETRY_AFTER_S, validator=positive_seconds)
    total_timeout_s: float | None = attrs.field(default=DEFAULT_TOTAL_TIMEOUT_S, validator=positive_seconds)
    attempt_header: str | None = ATTEMPT_HEADER

    @max_attempts.validator
    def _check_int(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, int):
            raise ValueError(f"max_attempts must be an int, not {value!r}")

    @retry_methods.validator
    def _check_methods(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, frozenset) or any(method != method.upper() for method in value):
            raise ValueError("retry_methods must be a frozenset of upper-case method names")

    @retry_statuses.validator
    def _check_statuses(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, frozenset):
            raise ValueError("retry_statuses must be a frozenset of status codes")

    @classmethod
    def from_retries(
        cls,
        *,
        max_retries: int = DEFAULT_MAX_ATTEMPTS - 1,
        statuses: Iterable[int] | None = None,
        first_delay_s: float = DEFAULT_INITIAL_DELAY_S,
        max_delay_s: float = DEFAULT_MAX_DELAY_S,
        jitter: bool = True,
    ) -> RetryPolicy:
        """A policy in the vocabulary many clients use (urllib3's among them): retries, not attempts.

        Args:
            max_retries: retries after the first attempt (``max_attempts = max_retries + 1``).
            statuses: statuses to retry (default `DEFAULT_RETRY_STATUSES`).
            first_delay_s: the first delay, doubling after each retry (urllib3's ``backoff_factor``).
            max_delay_s: the cap on any one delay.
            jitter: add up to `DEFAULT_MAX_JITTER_S` of randomness to each delay.

        Raises:
            ValueError: a value out of range; the message names the argument.
        """
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an int >= 0, not {max_retries!r}")
        codes = DEFAULT_RETRY_STATUSES if statuses is None else frozenset(statuses)
        if not all(isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 599 for code in codes):
            raise ValueError(f"statuses must be HTTP status codes, not {sorted(codes, key=str)!r}")
        return cls(
            max_attempts=max_retries + 1,
            retry_statuses=codes,
            initial_delay_s=first_delay_s,
            backoff_factor=2.0,
            max_delay_s=max_delay_s,
            max_jitter_s=DEFAULT_MAX_JITTER_S if jitter else None,
        )


def _failure_of(exc: Exception) -> Failure | None:
    """How an attempt's exception counts for retrying; None: not retryable at all."""
    if isinstance(exc, CircuitOpenError | NameResolutionError | CertificateError) or permanent_connect_failure(exc):
        return None  # failing fast, or a failure that the same request can never get past
    if isinstance(exc, ConnectError | httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.CONNECT  # the request never left: safe even for POST
    if isinstance(
        exc,
        RequestTimeout | TransportError | httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError,
    ):
        return Failure.TIMEOUT  # the server may have acted on it
    return None


def _policy_for(default: RetryPolicy | None, request: httpx.Request) -> RetryPolicy | None:
    """The policy for this request: its ``sdk.retry`` extension wins over the transport's."""
    override = request.extensions.get("sdk.retry")
    if override is None:
        return default
    if override is RETRY_DISABLED:
        return None
    if isinstance(override, RetryPolicy):
        return override
    raise ConfigurationError(
        f"request.extensions['sdk.retry'] must be a RetryPolicy or RETRY_DISABLED, not {type(override).__name__}",
        setting="retry",
    )


class _Attempts:
    """One request's attempt state; the sync and async shells only do the I/O and the sleeping."""

    __slots__ = (
        "attempt",
        "clock",
        "deadline",
        "header",
        "idempotent",
        "jitter",
        "policy",
        "replayable",
        "request",
        "started",
    )

    def __init__(self, default: RetryPolicy | None, request: httpx.Request, clock: Clock, jitter: Jitter) -> None:
        self.policy = _policy_for(default, request)
        self.request = request
        self.clock = clock
        self.jitter = jitter
        self.attempt = 0
        self.started = clock.monotonic()
        header_policy = self.policy or default
        self.header = header_policy.attempt_header if header_policy is not None else None
        self.idempotent = self.policy is not None and is_idempotent(self.policy, request.method, request.headers)
        self.replayable = isinstance(request.stream, httpx.ByteStream)  # generators cannot be re-sent
        self.deadline = deadline_of(request)

    def begin(self) -> httpx.Request:
        """Number the next attempt on the request."""
        self.attempt += 1
        self.request.extensions["sdk.attempt"] = self.attempt
        if self.header is not None:
            self.request.headers[self.header] = str(self.attempt)
        return self.request

    def wait_after_error(self, exc: Exception) -> float | None:
        """Seconds to sleep before retrying after `exc`, or None to re-raise it.

        Raises:
            RequestTimeout: the call's deadline has passed (`exc` is its cause).
        """
        if self.deadline is not None and self.deadline.passed(self.clock):
            if isinstance(exc, RequestTimeout) and exc.deadline_s is not None:
                return None  # already the deadline's own error
            raise self.deadline.error(self.request) from exc
        return self._wait(_failure_of(exc), status=None, headers={})

    def wait_after_response(self, response: httpx.Response) -> float | None:
        """Seconds to sleep before retrying after `response`, or None to return it."""
        if self.policy is None or response.status_code not in self.policy.retry_statuses:
            return None
        return self._wait(Failure.STATUS, status=response.status_code, headers=response.headers)

    def _wait(
        self, failure: Failure | None, *, status: int | None, headers: httpx.Headers | dict[str, str]
    ) -> float | None:
        policy = self.policy
        if policy is None:
            return None
        decision = decide_retry(
            policy,
            failure=failure,
            idempotent=self.idempotent,
            replayable=self.replayable,
            attempt=self.attempt,
        )
        if decision is not RetryDecision.RETRY:
            return None
        remaining = None
        if policy.total_timeout_s is not None:
            remaining = policy.total_timeout_s - (self.clock.monotonic() - self.started)
        if self.deadline is not None:  # no sleep, and so no attempt, that would end past the call's deadline
            left = self.deadline.remaining_s(self.clock)
            remaining = left if remaining is None else min(remaining, left)
        return plan_wait_s(
            policy,
            attempt=self.attempt,
            status=status,
            headers=headers,
            now=self.clock.time(),
            jitter_fraction=self.jitter(),
            remaining_s=remaining,
        )


class RetryTransport(httpx.BaseTransport):
    """Retries `inner` per `policy` (None: no retries unless a request carries its own policy)."""

    def __init__(
        self,
        policy: RetryPolicy | None,
        *,
        inner: httpx.BaseTransport,
        clock: Clock | None = None,
        jitter: Jitter | None = None,
    ) -> None:
        self._policy = policy
        self.inner = inner
        self._clock = clock or SystemClock()
        self._jitter = jitter or random.random

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(self._policy, request, self._clock, self._jitter)
        while True:
            try:
                response = self.inner.handle_request(attempts.begin())
            except Exception as exc:
                wait = attempts.wait_after_error(exc)
                if wait is None:
                    raise
                self._clock.sleep(wait)
                continue
            wait = attempts.wait_after_response(response)
            if wait is None:
                return response
            response.close()
            self._clock.sleep(wait)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryTransport`: same policy, same decisions, awaits the clock's sleep."""

    def __init__(
        self,
        policy: RetryPolicy | None,
        *,
        inner: httpx.AsyncBaseTransport,
        clock: Clock | None = None,
        jitter: Jitter | None = None,
    ) -> None:
        self._policy = policy
        self.inner = inner
        self._clock = clock or SystemClock()
        self._jitter = jitter or random.random

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(self._policy, request, self._clock, self._jitter)
        while True:
            try:
                response = await self.inner.handle_async_request(attempts.begin())
            except Exception as exc:
                wait = attempts.wait_after_error(exc)
                if wait is None:
                    raise
                await self._clock.async_sleep(wait)
                continue
            wait = attempts.wait_after_response(response)
            if wait is None:
                return response
            await response.aclose()
            await self._clock.async_sleep(wait)

    async def aclose(self) -> None:
        await self.inner.aclose()

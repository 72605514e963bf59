"""Retries: the sync/async transports that apply a `RetryPolicy` (`policies/_retry_policy.py`).

The transports are thin shells around `_Attempts`, which holds one request's attempt state and asks the
pure functions in `_backoff.py` what to do. A policy is shared and never mutated; every request gets a
fresh `_Attempts`.

Per call, ``request.extensions["sdk.retry"]`` may hold another `RetryPolicy` or `RETRY_DISABLED`.
Each attempt sets ``request.extensions["sdk.attempt"]`` (1-based) and, unless the policy's
`attempt_header` is None, sends it as a header.
"""

from __future__ import annotations

import random

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._connect_failure import permanent_connect_failure
from ..core._errors import (
    CertificateError,
    CircuitOpenError,
    ConfigurationError,
    ConnectError,
    NameResolutionError,
    RequestTimeout,
    TransportError,
)
from ..core._lazy_request import set_header
from ..policies._backoff import Failure, RetryDecision, decide_retry, is_idempotent, plan_wait_s
from ..policies._retry_policy import RETRY_DISABLED, Jitter, RetryDisabled, RetryPolicy
from ._deadline import deadline_of

__all__ = ["RETRY_DISABLED", "AsyncRetryTransport", "RetryDisabled", "RetryPolicy", "RetryTransport"]


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
        self.deadline = deadline_of(request)
        self.replayable = isinstance(request.stream, httpx.ByteStream)  # now: reading a body replaces its stream

    def begin(self) -> httpx.Request:
        """Number the next attempt on the request."""
        self.attempt += 1
        self.request.extensions["sdk.attempt"] = self.attempt
        if self.header is not None:
            set_header(self.request, self.header, str(self.attempt))
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
        request = self.request
        decision = decide_retry(
            policy,
            failure=failure,
            # asked only now a retry is in question (most attempts never get here); no layer changes either
            idempotent=is_idempotent(policy, request.method, request.headers),
            replayable=self.replayable,  # generators cannot be re-sent
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

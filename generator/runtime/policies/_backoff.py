"""Pure retry decisions, shared by `RetryTransport` and `AsyncRetryTransport`.

Nothing here does I/O, reads a clock or draws a random number: the shells pass `now` and a jitter
fraction in, so every rule is a table test.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..core._defaults import IDEMPOTENCY_KEY_HEADER, RETRY_AFTER_STATUSES
from ..core._retry_after import parse_retry_after

if TYPE_CHECKING:
    from ..policies._retry_policy import RetryPolicy

__all__ = [
    "Failure",
    "RetryDecision",
    "backoff_delay_s",
    "decide_retry",
    "is_idempotent",
    "parse_retry_after",
    "plan_wait_s",
]


class Failure(enum.Enum):
    """What went wrong with one attempt, as far as retrying cares."""

    CONNECT = "connect"
    """The request never reached the server (connect error, connect or pool timeout): always safe."""
    TIMEOUT = "timeout"
    """The request may have reached the server (read/write timeout, dropped connection)."""
    STATUS = "status"
    """The server answered with a status in `RetryPolicy.retry_statuses`."""


def backoff_delay_s(policy: RetryPolicy, retry_number: int, jitter_fraction: float) -> float:
    """The wait before retry number `retry_number` (1 for the first retry).

    Formula: ``min(max_delay_s, initial_delay_s * backoff_factor ** (n - 1)) + jitter_fraction *
    max_jitter_s``, with `jitter_fraction` drawn from the injected random source in ``[0, 1)`` and no
    jitter when `max_jitter_s` is None.
    """
    if retry_number < 1:
        raise ValueError("retry_number starts at 1")
    try:
        base = policy.initial_delay_s * policy.backoff_factor ** (retry_number - 1)
    except OverflowError:
        base = math.inf
    delay = min(policy.max_delay_s, base)
    if policy.max_jitter_s is not None:
        delay += min(max(jitter_fraction, 0.0), 1.0) * policy.max_jitter_s
    return delay


def is_idempotent(policy: RetryPolicy, method: str, headers: Mapping[str, str]) -> bool:
    """Whether repeating the request is safe: an idempotent method, or it carries an idempotency key."""
    if method.upper() in policy.retry_methods:
        return True
    return any(key.lower() == IDEMPOTENCY_KEY_HEADER.lower() for key in headers)


class RetryDecision(enum.Enum):
    """The outcome of `decide_retry`."""

    RETRY = "retry"
    GIVE_UP = "give_up"
    """Return the response / raise the error as it is."""


def decide_retry(
    policy: RetryPolicy,
    *,
    failure: Failure | None,
    idempotent: bool,
    replayable: bool,
    attempt: int,
) -> RetryDecision:
    """Whether attempt number `attempt` (1-based) that failed with `failure` may be retried.

    Connect failures are always retryable; timeouts and retry statuses only when `idempotent`.
    Nothing is retried when the body cannot be replayed or attempts are used up. The deadline and
    Retry-After cap are checked by `plan_wait_s`.
    """
    if failure is None or not replayable or attempt >= policy.max_attempts:
        return RetryDecision.GIVE_UP
    if failure is Failure.CONNECT or idempotent:
        return RetryDecision.RETRY
    return RetryDecision.GIVE_UP


def plan_wait_s(
    policy: RetryPolicy,
    *,
    attempt: int,
    status: int | None,
    headers: Mapping[str, str],
    now: float,
    jitter_fraction: float,
    remaining_s: float | None,
) -> float | None:
    """The wait before the next attempt, or None when we must stop instead of waiting.

    On 429/503 (`RETRY_AFTER_STATUSES`) a server-sent Retry-After replaces the backoff; above
    `max_retry_after_s` (None: no cap) we stop so the caller raises `RateLimitError` with
    `retry_after_s`. We also stop when the wait would overrun `remaining_s` of the total deadline.
    """
    wait = None
    if status in RETRY_AFTER_STATUSES:
        wait = parse_retry_after(headers, now=now)
        if wait is not None and policy.max_retry_after_s is not None and wait > policy.max_retry_after_s:
            return None
    if wait is None:
        wait = backoff_delay_s(policy, attempt, jitter_fraction)
    if remaining_s is not None and wait >= remaining_s:
        return None
    return wait

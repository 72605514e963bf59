"""The `RetryPolicy` value object: when and how a failed request is tried again.

A value apart from the transports that apply it (`pipeline/_retry.py`), so settings and other policies
name it without importing a transport. Decisions on a policy live in `_backoff.py`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs

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
from ._timeouts import positive_seconds

__all__ = ["RETRY_DISABLED", "RetryDisabled", "RetryPolicy"]


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

"""Pure retry decisions: backoff formula, Retry-After parsing, retry/give-up table."""

from __future__ import annotations

import email.utils

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from runtime.pipeline._retry import RetryPolicy
from runtime.policies._backoff import (
    Failure,
    RetryDecision,
    backoff_delay_s,
    decide_retry,
    is_idempotent,
    parse_retry_after,
    plan_wait_s,
)

NOW = 1_700_000_000.0  # a frozen "epoch now" for every HTTP-date case


def http_date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


@pytest.mark.parametrize(
    ("retry_number", "jitter", "expected"),
    [
        (1, 0.0, 1.0),
        (2, 0.0, 2.0),
        (3, 0.0, 4.0),
        (7, 0.0, 60.0),  # 64 capped at max_delay_s
        (100, 0.0, 60.0),  # huge exponent still capped, no overflow
        (1, 0.5, 1.5),  # jitter adds jitter_fraction * max_jitter_s
        (7, 0.999, 60.999),  # jitter is added after the cap
    ],
)
def test_backoff_delay_follows_the_documented_formula(retry_number: int, jitter: float, expected: float) -> None:
    """delay = min(max_delay_s, initial_delay_s * factor**(n-1)) + jitter * max_jitter_s."""
    assert backoff_delay_s(RetryPolicy(), retry_number, jitter) == pytest.approx(expected)


def test_no_jitter_when_max_jitter_is_none() -> None:
    """max_jitter_s=None disables jitter whatever the random source says."""
    policy = RetryPolicy(max_jitter_s=None, initial_delay_s=0.5, backoff_factor=3)
    assert backoff_delay_s(policy, 3, 0.9) == pytest.approx(4.5)


@given(n=st.integers(min_value=1, max_value=10_000), jitter=st.floats(min_value=0, max_value=1))
def test_backoff_is_bounded(n: int, jitter: float) -> None:
    """No retry ever waits more than max_delay_s + max_jitter_s, nor less than 0."""
    policy = RetryPolicy()
    assert 0 <= backoff_delay_s(policy, n, jitter) <= policy.max_delay_s + (policy.max_jitter_s or 0)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "5"}, 5.0),
        ({"Retry-After": " 2.5 "}, 2.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": http_date(NOW + 30)}, 30.0),
        ({"Retry-After": http_date(NOW - 30)}, 0.0),  # a past date means 0
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),  # the ms header is more precise
        ({"retry-after-ms": "soon", "Retry-After": "9"}, 9.0),  # garbage ms falls back
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "-3"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": "Mon, 01 Jan 10000 00:00:00 GMT"}, None),  # past datetime's range: garbage
        ({"Retry-After": "Mon, 01 Jan 99999999999 00:00:00 GMT"}, None),  # past C's: garbage, no OverflowError
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    """Retry-After is seconds or an HTTP-date (past → 0); retry-after-ms first; garbage → None."""
    result = parse_retry_after(headers, now=NOW)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", {}, True),
        ("put", {}, True),
        ("DELETE", {}, True),
        ("POST", {}, False),
        ("PATCH", {}, False),
        ("POST", {"idempotency-key": "k"}, True),
    ],
)
def test_is_idempotent(method: str, headers: dict[str, str], expected: bool) -> None:
    """Idempotent methods, or any request carrying an Idempotency-Key (any case), are safe to repeat."""
    assert is_idempotent(RetryPolicy(), method, headers) is expected


R, G = RetryDecision.RETRY, RetryDecision.GIVE_UP


@pytest.mark.parametrize(
    ("failure", "idempotent", "replayable", "attempt", "expected"),
    [
        (Failure.CONNECT, False, True, 1, R),  # connect errors: always retryable
        (Failure.TIMEOUT, False, True, 1, G),  # a POST that may have been processed
        (Failure.TIMEOUT, True, True, 1, R),
        (Failure.STATUS, False, True, 1, G),
        (Failure.STATUS, True, True, 2, R),
        (Failure.STATUS, True, True, 3, G),  # max_attempts (3) used up
        (Failure.CONNECT, True, False, 1, G),  # a streamed body cannot be sent again
        (None, True, True, 1, G),  # not a retryable failure at all
    ],
)
def test_decide_retry(
    failure: Failure | None, idempotent: bool, replayable: bool, attempt: int, expected: RetryDecision
) -> None:
    """Connect failures always retry; timeouts/statuses only when idempotent; never past the limits."""
    decision = decide_retry(
        RetryPolicy(), failure=failure, idempotent=idempotent, replayable=replayable, attempt=attempt
    )
    assert decision is expected


@pytest.mark.parametrize(
    ("status", "headers", "remaining", "expected"),
    [
        (500, {"Retry-After": "5"}, None, 1.0),  # Retry-After is ignored outside 429/503
        (429, {"Retry-After": "5"}, None, 5.0),
        (503, {"Retry-After": http_date(NOW + 12)}, None, 12.0),
        (429, {"Retry-After": "61"}, None, None),  # above max_retry_after_s: stop, do not sleep
        (429, {"Retry-After": "60"}, None, 60.0),  # the cap itself is still honoured
        (429, {}, None, 1.0),  # no header: backoff
        (None, {}, 0.5, None),  # the wait would overrun the total deadline
        (None, {}, 1.5, 1.0),
    ],
)
def test_plan_wait(
    status: int | None, headers: dict[str, str], remaining: float | None, expected: float | None
) -> None:
    """Retry-After on 429/503 replaces backoff up to the cap; the total deadline is never overrun."""
    policy = RetryPolicy(max_jitter_s=None)
    wait = plan_wait_s(
        policy, attempt=1, status=status, headers=headers, now=NOW, jitter_fraction=0.0, remaining_s=remaining
    )
    assert wait == expected


def test_retry_after_cap_none_means_no_cap() -> None:
    """max_retry_after_s=None honours any Retry-After."""
    policy = attrs.evolve(RetryPolicy(), max_retry_after_s=None, total_timeout_s=None)
    wait = plan_wait_s(
        policy,
        attempt=1,
        status=429,
        headers={"Retry-After": "3600"},
        now=NOW,
        jitter_fraction=0,
        remaining_s=None,
    )
    assert wait == 3600.0

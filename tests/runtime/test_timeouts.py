"""Timeouts and PoolLimits value objects and their httpx forms."""

from __future__ import annotations

import httpx
import pytest
from runtime import PoolLimits, Timeouts


def test_timeout_defaults_never_mean_wait_forever() -> None:
    """Defaults: connect 5 s, read 30 s, write 30 s, pool 10 s (_defaults.py)."""
    assert Timeouts().to_httpx() == httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)


def test_uniform_and_none_phase() -> None:
    """Timeouts.uniform sets every phase; a phase set to None explicitly has no limit."""
    assert Timeouts.uniform(7).to_httpx() == httpx.Timeout(7)
    assert Timeouts(read_s=None).to_httpx().read is None


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan"), True, "5"])
def test_timeouts_reject_bad_values(value: object) -> None:
    """A timeout is a finite number of seconds > 0, or None."""
    with pytest.raises(ValueError):
        Timeouts(read_s=value)  # type: ignore[arg-type]


def test_pool_limits_to_httpx() -> None:
    """PoolLimits maps onto httpx.Limits; defaults 10 connections, 5 keep-alive."""
    assert PoolLimits().to_httpx() == httpx.Limits(
        max_connections=10, max_keepalive_connections=5, keepalive_expiry=5.0
    )
    limits = PoolLimits(max_connections=None, max_keepalive=1, keepalive_expiry_s=None).to_httpx()
    assert (limits.max_connections, limits.max_keepalive_connections, limits.keepalive_expiry) == (
        None,
        1,
        None,
    )


@pytest.mark.parametrize("kwargs", [{"max_connections": 0}, {"max_keepalive": 2.5}, {"keepalive_expiry_s": -1}])
def test_pool_limits_reject_bad_values(kwargs: dict[str, object]) -> None:
    """Counts are ints >= 1 or None; the expiry is seconds > 0 or None."""
    with pytest.raises(ValueError):
        PoolLimits(**kwargs)  # type: ignore[arg-type]

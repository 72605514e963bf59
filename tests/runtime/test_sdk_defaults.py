"""An API's x-sdk-defaults become the lowest settings layer; rate limiting stays opt-in."""

from __future__ import annotations

import pytest
from runtime import (
    CircuitBreaker,
    ConfigurationError,
    PoolLimits,
    RateLimit,
    load_settings,
    rate_limit_default,
    settings_defaults,
)

DESIGN = {
    "retry": {
        "max_retries": 5,
        "statuses": [408, 429, 500, 502, 503, 504],
        "backoff_factor": 0.5,
        "max_backoff_s": 120,
        "jitter": True,
    },
    "circuit": {"failure_threshold": 10, "recovery_timeout_s": 300},
    "rate_limit": {"rate_per_s": 1.0, "burst": 5, "low_water": 1},
}


def test_the_spec_defaults_become_a_retry_policy_and_a_breaker() -> None:
    """5 retries = 6 attempts; backoff_factor is the first delay, doubling; the breaker is on."""
    defaults = settings_defaults(DESIGN)
    retry = defaults["retry"]
    assert retry.max_attempts == 6
    assert retry.initial_delay_s == 0.5 and retry.backoff_factor == 2.0 and retry.max_delay_s == 120
    assert retry.retry_statuses == frozenset({408, 429, 500, 502, 503, 504})
    assert defaults["circuit"] == CircuitBreaker(failure_threshold=10, recovery_timeout_s=300)
    assert rate_limit_default(DESIGN) == RateLimit(rate_per_s=1.0, burst=5, low_water=1)


def test_caller_and_environment_beat_the_spec_defaults() -> None:
    """Explicit arguments and the environment sit above the spec's defaults."""
    settings = load_settings(
        "ACME",
        {"base_url": "https://api.example.com"},
        environ={"ACME_MAX_RETRIES": "1"},
        defaults=settings_defaults(DESIGN),
    )
    assert settings.retry is not None and settings.retry.max_attempts == 2
    assert settings.circuit == CircuitBreaker(failure_threshold=10, recovery_timeout_s=300)
    off = load_settings(
        "ACME", {"base_url": "https://api.example.com", "circuit": None}, environ={}, defaults=settings_defaults(DESIGN)
    )
    assert off.circuit is None
    assert off.rate_limit is None  # never on unless asked for


def test_the_spec_sizes_the_pool_and_the_caller_still_wins() -> None:
    """x-sdk-defaults.pool becomes the settings' PoolLimits (per-host cap included); pool= overrides it."""
    design = {"pool": {"max_connections": 10, "max_connections_per_host": 5}}
    settings = load_settings("ACME", {"base_url": "https://x.example"}, environ={}, defaults=settings_defaults(design))
    assert settings.pool == PoolLimits(max_connections=10, max_connections_per_host=5)
    mine = PoolLimits(max_connections=3)
    chosen = load_settings(
        "ACME", {"base_url": "https://x.example", "pool": mine}, environ={}, defaults=settings_defaults(design)
    )
    assert chosen.pool == mine


@pytest.mark.parametrize(
    "broken",
    [
        {"retry": []},
        {"circuit": {"failure_threshold": 0}},
        {"rate_limit": {"burst": 1}},
        {"pool": {"max_connections_per_host": 0}},
        {"pool": {"per_host": 5}},
    ],
)
def test_malformed_defaults_name_the_setting(broken: dict[str, object]) -> None:
    """A malformed x-sdk-defaults entry is a ConfigurationError naming it, not a traceback."""
    with pytest.raises(ConfigurationError, match="x-sdk-defaults"):
        settings_defaults(broken)
        rate_limit_default(broken)

"""An API's own defaults, from its spec's ``info.x-sdk-defaults``, below every setting the caller gives.

```yaml
info:
  x-sdk-defaults:
    retry: {max_retries: 5, statuses: [408, 429, 500, 502, 503, 504], backoff_factor: 0.5,
            max_backoff_s: 120, jitter: true, total_timeout_s: 600}
    circuit: {failure_threshold: 10, recovery_timeout_s: 300}
    rate_limit: {rate_per_s: 1.0, burst: 5, low_water: 1}
    pool: {max_connections: 10, max_connections_per_host: 5}
```

`retry` becomes the `RetryPolicy` (``backoff_factor`` is the first delay in seconds, doubling after
that), `circuit` switches the breaker on by default, `pool` sizes the connection pool (`PoolLimits`
fields), and `rate_limit` is what ``rate_limit=True`` means on the client (rate limiting stays opt-in).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..core._errors import ConfigurationError
from ..policies._circuit_breaker import CircuitBreaker
from ..policies._rate_limit import RateLimit
from ..policies._retry_policy import RetryPolicy
from ._pool import PoolLimits

__all__ = ["rate_limit_default", "settings_defaults"]


def _table(extension: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = extension.get(key)
    if value is not None and not isinstance(value, Mapping):
        raise ConfigurationError(f"x-sdk-defaults.{key} must be a mapping", setting=key)
    return value


_RETRY_KEYS = {
    "max_retries": "max_retries",
    "statuses": "statuses",
    "backoff_factor": "first_delay_s",
    "max_backoff_s": "max_delay_s",
    "jitter": "jitter",
}


def _retry(table: Mapping[str, Any]) -> RetryPolicy:
    try:
        policy = RetryPolicy.from_retries(
            **{_RETRY_KEYS[key]: value for key, value in table.items() if key in _RETRY_KEYS}
        )
        if "total_timeout_s" in table:
            total = table["total_timeout_s"]
            policy = attrs.evolve(policy, total_timeout_s=None if total is None else float(total))
        return policy
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"x-sdk-defaults.retry is malformed: {exc}", setting="retry") from exc


def settings_defaults(extension: Mapping[str, Any] | None) -> dict[str, Any]:
    """`ClientSettings` field values for `load_settings(defaults=...)` (retry, circuit and pool)."""
    if not extension:
        return {}
    defaults: dict[str, Any] = {}
    retry = _table(extension, "retry")
    if retry is not None:
        defaults["retry"] = _retry(retry)
    circuit = _table(extension, "circuit")
    if circuit is not None:
        try:
            defaults["circuit"] = CircuitBreaker(**dict(circuit))
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"x-sdk-defaults.circuit is malformed: {exc}", setting="circuit") from exc
    pool = _table(extension, "pool")
    if pool is not None:
        try:
            defaults["pool"] = PoolLimits(**dict(pool))
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"x-sdk-defaults.pool is malformed: {exc}", setting="pool") from exc
    return defaults


def rate_limit_default(extension: Mapping[str, Any] | None) -> RateLimit | None:
    """The API's recommended client-side rate limit, or None when the spec gives none."""
    table = _table(extension or {}, "rate_limit")
    if table is None:
        return None
    try:
        return RateLimit(**dict(table))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"x-sdk-defaults.rate_limit is malformed: {exc}", setting="rate_limit") from exc

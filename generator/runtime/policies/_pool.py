"""How many connections one client keeps: applied on the innermost `httpx.HTTPTransport`.

httpx ignores ``Client(limits=...)`` once ``transport=`` is given, so the factory hands `to_httpx()` to
the transport itself. Defaults: `DEFAULT_MAX_CONNECTIONS`, `DEFAULT_MAX_KEEPALIVE_CONNECTIONS`,
`DEFAULT_KEEPALIVE_EXPIRY_S` (`_defaults.py`). `max_connections_per_host` is enforced above the pool by
`HostLimitTransport` (`_host_limit.py`), whatever the backend: none of them limits per host by itself.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..core import httpx
from ..core._defaults import DEFAULT_KEEPALIVE_EXPIRY_S, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_KEEPALIVE_CONNECTIONS
from ._timeouts import positive_seconds

__all__ = ["PoolLimits"]


def _optional_count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a count >= 1, or None (no limit)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{attribute.name} must be an int >= 1 or None, not {value!r}")


@attrs.frozen(kw_only=True)
class PoolLimits:
    """Connection pool size; None lifts a limit, `keepalive_expiry_s` None keeps idle connections forever.

    `max_connections_per_host` caps the connections one host (scheme, host, port) may use at once
    (default None: only `max_connections` applies).
    """

    max_connections: int | None = attrs.field(default=DEFAULT_MAX_CONNECTIONS, validator=_optional_count)
    max_connections_per_host: int | None = attrs.field(default=None, validator=_optional_count)
    max_keepalive: int | None = attrs.field(default=DEFAULT_MAX_KEEPALIVE_CONNECTIONS, validator=_optional_count)
    keepalive_expiry_s: float | None = attrs.field(default=DEFAULT_KEEPALIVE_EXPIRY_S, validator=positive_seconds)

    def to_httpx(self) -> httpx.Limits:
        """The `httpx.Limits` for `httpx.HTTPTransport(limits=...)`."""
        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive,
            keepalive_expiry=self.keepalive_expiry_s,
        )

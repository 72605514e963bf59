"""How long each phase of a request may take.

Defaults (`_defaults.py`): connect `DEFAULT_CONNECT_TIMEOUT_S`, read `DEFAULT_READ_TIMEOUT_S`, write
`DEFAULT_WRITE_TIMEOUT_S`, waiting for a pooled connection `DEFAULT_POOL_TIMEOUT_S`. The defaults never
mean "wait forever"; a phase set to None explicitly has no limit.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from ..core import httpx
from ..core._defaults import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_POOL_TIMEOUT_S,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_WRITE_TIMEOUT_S,
)

__all__ = ["Timeouts"]


def positive_seconds(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a finite number of seconds > 0, or None (no limit)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{attribute.name} must be a number of seconds > 0 or None, not {value!r}")


@attrs.frozen(kw_only=True)
class Timeouts:
    """Per-phase timeouts in seconds; None disables that phase's limit."""

    connect_s: float | None = attrs.field(default=DEFAULT_CONNECT_TIMEOUT_S, validator=positive_seconds)
    read_s: float | None = attrs.field(default=DEFAULT_READ_TIMEOUT_S, validator=positive_seconds)
    write_s: float | None = attrs.field(default=DEFAULT_WRITE_TIMEOUT_S, validator=positive_seconds)
    pool_s: float | None = attrs.field(default=DEFAULT_POOL_TIMEOUT_S, validator=positive_seconds)

    @classmethod
    def uniform(cls, seconds: float) -> Timeouts:
        """The same limit for every phase, like ``httpx.Timeout(seconds)``."""
        return cls(connect_s=seconds, read_s=seconds, write_s=seconds, pool_s=seconds)

    def to_httpx(self) -> httpx.Timeout:
        """The `httpx.Timeout` for a client or for one call's ``timeout=`` argument."""
        return httpx.Timeout(connect=self.connect_s, read=self.read_s, write=self.write_s, pool=self.pool_s)

"""The `RateLimit` value object: how fast a client may send (opt-in).

A value apart from the transports that apply it (`pipeline/_ratelimit.py`), so settings name it without
importing a transport.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from ..core._defaults import DEFAULT_LOW_WATER, DEFAULT_MAX_PAUSE_S

__all__ = ["DEFAULT_LOW_WATER", "DEFAULT_MAX_PAUSE_S", "RateLimit"]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{attribute.name} must be a number > 0, not {value!r}")


def _at_least_one(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be an int >= 1, not {value!r}")


def _optional_count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: None, or an int >= 0."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{attribute.name} must be an int >= 0 or None, not {value!r}")


def _pause(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: None, or a finite number > 0."""
    if value is not None:
        _positive(instance, attribute, value)


@attrs.frozen(kw_only=True)
class RateLimit:
    """How fast the client may send: a token bucket of `burst` tokens refilled at `rate_per_s`.

    Attributes:
        rate_per_s: tokens gained per second (the sustained request rate).
        burst: the bucket's size: requests that may go at once after a quiet spell.
        low_water: server quota at or below which requests are spread until its reset
            (`DEFAULT_LOW_WATER`); None ignores the server's headers.
        max_pause_s: the longest the server's headers may hold one request (`DEFAULT_MAX_PAUSE_S`);
            None: no cap.
    """

    rate_per_s: float = attrs.field(validator=_positive)
    burst: int = attrs.field(validator=_at_least_one)
    low_water: int | None = attrs.field(default=DEFAULT_LOW_WATER, validator=_optional_count)
    max_pause_s: float | None = attrs.field(default=DEFAULT_MAX_PAUSE_S, validator=_pause)

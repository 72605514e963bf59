"""Reading a server's ``Retry-After`` / ``retry-after-ms``: shared by the error tree and the retry decisions.

It lives in core because `_errors.py` reads it to fill `RateLimitError.retry_after_s`, and core imports
no wing above it; `policies/_backoff.py` re-exports it.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Mapping

__all__ = ["parse_retry_after"]


def _parse_seconds(text: str) -> float | None:
    """A non-negative finite number, or None (garbage is ignored, not trusted)."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return value


def parse_retry_after(headers: Mapping[str, str], *, now: float) -> float | None:
    """How long the server asked us to wait, in seconds, or None if it did not say (or said garbage).

    Reads ``retry-after-ms`` (milliseconds) first, then ``Retry-After`` as delta-seconds or an HTTP-date;
    a date in the past means 0. `now` is epoch seconds (`Clock.time()`).
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None and (ms := _parse_seconds(millis)) is not None:
        return ms / 1000.0
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    seconds = _parse_seconds(raw)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):  # a year past C's int: garbage, as one past 9999
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT; a zone-less one is read as such
        return None
    return max(0.0, when.timestamp() - now)

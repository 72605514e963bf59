"""Parsing one setting value from wherever it came from, for `load_settings` (`_settings.py`).

Environment values arrive as strings; TOML and explicit values may already be typed. Each parser turns
one `Given` into the `ClientSettings` field value or raises `ConfigurationError` naming the setting and
its origin, showing the value only when it is not secret.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs
import httpx

from ..core._errors import ConfigurationError
from ..core._redaction import mask_userinfo
from ..core._secret import Secret
from ..policies._circuit_breaker import CircuitBreaker
from ..policies._rate_limit import RateLimit
from ..policies._retry_policy import RetryPolicy
from ._pool import PoolLimits
from ._timeouts import Timeouts

__all__ = ["LOG_LEVEL_NAMES", "PARSERS", "Given", "check_base_url", "check_log_level"]

LOG_LEVEL_NAMES = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "OFF"})
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})
_SECRET_KEYS = frozenset({"api_token", "client_secret", "credentials", "headers", "api_key", "password"})


@attrs.frozen(kw_only=True)
class Given:
    """One setting as a source gave it: `label` is how that source names it (e.g. ``ACME_TIMEOUT_S``)."""

    key: str
    value: object
    label: str
    origin: str


def _fail(given: Given, what: str) -> ConfigurationError:
    """An error naming the setting and its origin; secret values are never shown."""
    shown = "" if given.key in _SECRET_KEYS else f"={_short_repr(given.value)}"
    return ConfigurationError(f"{given.label}{shown} from {given.origin} {what}", setting=given.key)


def _short_repr(value: object) -> str:
    text = repr(mask_userinfo(value) if isinstance(value, str) else value)  # a URL's password never shows
    return text if len(text) <= 80 else text[:77] + "..."


def check_base_url(value: object) -> None:
    """Raise ValueError unless `value` is an absolute http(s) URL string."""
    if not isinstance(value, str):
        raise ValueError("base_url must be a str")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url is not a valid URL ({exc})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("base_url must be an absolute http:// or https:// URL")


def check_log_level(value: object) -> None:
    """Raise ValueError unless `value` is None or an upper-case level name in `LOG_LEVEL_NAMES`."""
    if value is not None and value not in LOG_LEVEL_NAMES:
        raise ValueError(f"log_level must be one of {sorted(LOG_LEVEL_NAMES)} or None")


def _base_url(given: Given, current: object) -> str:
    try:
        check_base_url(given.value)
    except ValueError:
        raise _fail(given, "is not an absolute http:// or https:// URL") from None
    assert isinstance(given.value, str)
    return given.value


def _text(given: Given, current: object) -> str:
    if not isinstance(given.value, str) or not given.value.strip():
        raise _fail(given, "is not a non-empty string")
    return given.value


def _optional_text(given: Given, current: object) -> str | None:
    return None if given.value is None else _text(given, current)


def _secret(given: Given, current: object) -> Secret | None:
    if given.value is None or isinstance(given.value, Secret):
        return given.value
    if not isinstance(given.value, str) or not given.value.strip():
        raise _fail(given, "is not a non-empty string")
    return Secret(given.value)


def _seconds(given: Given, current: object) -> Timeouts:
    value = given.value
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise _fail(given, "is not a number of seconds") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise _fail(given, "is not a number of seconds > 0")
    return Timeouts.uniform(float(value))


def _timeout(given: Given, current: object) -> Timeouts:
    """Seconds for every phase, or a ``(connect, read)`` pair as many HTTP clients take it."""
    value = given.value
    if isinstance(value, tuple | list):
        if len(value) != 2 or not all(_is_seconds(part) for part in value):
            raise _fail(given, "is not a number of seconds or a (connect, read) pair of seconds > 0")
        return Timeouts(connect_s=float(value[0]), read_s=float(value[1]))
    return _seconds(given, current)


def _is_seconds(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value) and value > 0


def _api_version(given: Given, current: object) -> str | None:
    """Dotted version numbers (``1.0``, ``1.1.0``); which versions exist is checked against the SDK's spec."""
    if given.value is None:
        return None
    if not isinstance(given.value, str) or not re.fullmatch(r"\d+(\.\d+)*", given.value.strip()):
        raise _fail(given, 'is not an API version such as "1.0" or "1.1.0" (a string)')
    return given.value.strip()


def _optional_number(given: Given, *, whole: bool) -> float | None:
    """None, or a number > 0 (a str from the environment or a file is parsed; ``none`` means None)."""
    value = given.value
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "none":
            return None
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            value = text
    if value is None:
        return None
    kinds = int if whole else int | float
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) or value <= 0:
        raise _fail(given, "is not a whole number > 0 or none" if whole else "is not a number of seconds > 0 or none")
    return value


def _deadline(given: Given, current: object) -> float | None:
    value = _optional_number(given, whole=False)
    return None if value is None else float(value)


def _byte_limit(given: Given, current: object) -> int | None:
    value = _optional_number(given, whole=True)
    return None if value is None else int(value)


def _retries(given: Given, current: object) -> RetryPolicy | None:
    value = given.value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(given, "is not a whole number of retries >= 0")
    if value == 0:
        return None
    base = current if isinstance(current, RetryPolicy) else RetryPolicy()
    return attrs.evolve(base, max_attempts=value + 1)


def _log_level(given: Given, current: object) -> str | None:
    if given.value is None:
        return None
    if isinstance(given.value, str) and given.value.strip().upper() in LOG_LEVEL_NAMES:
        return given.value.strip().upper()
    raise _fail(given, "is not a log level (debug, info, warning, error, critical or off)")


def _flag(given: Given, current: object) -> bool:
    if isinstance(given.value, bool):
        return given.value
    if isinstance(given.value, str) and given.value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return given.value.strip().lower() in _TRUE_WORDS
    raise _fail(given, "is not true or false")


def _verify(given: Given, current: object) -> bool | str:
    if isinstance(given.value, str) and given.value.strip().lower() not in _TRUE_WORDS | _FALSE_WORDS:
        if not Path(given.value).exists():
            raise _fail(given, "names no CA bundle file or directory (use true, false or a path)")
        return given.value
    return _flag(given, current)


def _string_map(given: Given, current: object) -> dict[str, str]:
    if not isinstance(given.value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in given.value.items()
    ):
        raise _fail(given, "is not a table of strings")
    return dict(given.value)


def _credentials(given: Given, current: object) -> dict[str, Secret]:
    if not isinstance(given.value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str | Secret) for k, v in given.value.items()
    ):
        raise _fail(given, "is not a table of strings")
    return {k: v if isinstance(v, Secret) else Secret(v) for k, v in given.value.items()}


def _instance(cls: type, *, optional: bool) -> Callable[[Given, object], object]:
    """A parser accepting only an instance of `cls` (or None when `optional`)."""

    def parse(given: Given, current: object) -> object:
        if (given.value is None and optional) or isinstance(given.value, cls):
            return given.value
        allowed = f"a {cls.__name__}" + (" or None" if optional else "")
        raise _fail(given, f"is not {allowed}")

    return parse


PARSERS: Mapping[str, tuple[str, Callable[[Given, object], object]]] = {
    "base_url": ("base_url", _base_url),
    "api_token": ("api_token", _secret),
    "timeout_s": ("timeouts", _seconds),
    "timeout": ("timeouts", _timeout),
    "timeouts": ("timeouts", _instance(Timeouts, optional=False)),
    "max_retries": ("retry", _retries),
    "retry": ("retry", _instance(RetryPolicy, optional=True)),
    "circuit": ("circuit", _instance(CircuitBreaker, optional=True)),
    "rate_limit": ("rate_limit", _instance(RateLimit, optional=True)),
    "pool": ("pool", _instance(PoolLimits, optional=False)),
    "log_level": ("log_level", _log_level),
    "client_id": ("client_id", _optional_text),
    "client_secret": ("client_secret", _secret),
    "api_key": ("api_key", _secret),
    "username": ("username", _optional_text),
    "password": ("password", _secret),
    "verify": ("verify", _verify),
    "cache": ("cache", _flag),
    "validate_responses": ("validate_responses", _flag),
    "user_agent": ("user_agent", _text),
    "headers": ("headers", _string_map),
    "credentials": ("credentials", _credentials),
    "api_version": ("api_version", _api_version),
    "deadline_s": ("deadline_s", _deadline),
    "max_response_bytes": ("max_response_bytes", _byte_limit),
}
"""Setting key → (`ClientSettings` field, parser taking the `Given` and the field's current value)."""

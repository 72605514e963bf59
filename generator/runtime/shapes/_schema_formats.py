"""The string formats a response check enforces: the ones the generated models parse into Python types.

openapi-python-client turns ``format: date-time`` into `datetime`, ``date`` into `date` and ``uuid``
into `UUID`; a value that does not parse would fail in the model (or worse, later in user code), so the
check rejects it first. Other formats (``email``, ``uri``, ...) stay plain strings in the models and are
annotations, as JSON Schema treats unknown formats: they are never checked.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

__all__ = ["CHECKED_FORMATS", "format_check"]

# RFC 3339 section 5.6: a full date, "T" (or a space, which RFC 3339 allows), a time, and a required offset.
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _is_date_time(text: str) -> bool:
    """RFC 3339 shape, and a real calendar date and time (no 2024-02-30, no 25:00)."""
    if _DATE_TIME.fullmatch(text) is None:
        return False
    try:
        datetime.datetime.fromisoformat(text.upper().replace(" ", "T"))
    except ValueError:
        return False
    return True


def _is_date(text: str) -> bool:
    if _DATE.fullmatch(text) is None:
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_uuid(text: str) -> bool:
    return _UUID.fullmatch(text) is not None


_FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "date-time": (_is_date_time, "a date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)"),
    "date": (_is_date, "a date (YYYY-MM-DD)"),
    "uuid": (_is_uuid, "a UUID (8-4-4-4-12 hex digits)"),
}

CHECKED_FORMATS = frozenset(_FORMATS)
"""The ``format`` values a response check enforces; the generator drops every other one."""


def format_check(name: str) -> tuple[Callable[[str], bool], str] | None:
    """The test for string format `name` and how to describe a value it accepts; None for unchecked formats."""
    return _FORMATS.get(name)

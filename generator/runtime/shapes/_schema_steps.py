"""The steps a compiled schema check is made of: `Mismatch`, and one closure per scalar keyword group.

A step is a function of a decoded JSON value returning None when the value passes, else a `Mismatch`
rooted at that value (containers prepend their key with `Mismatch.under`). Steps skip values of other
JSON types (a ``maxLength`` says nothing about an integer): only ``type`` rejects a type, as in JSON Schema.
`_schema_check.py` chooses and combines them.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._schema_formats import format_check

__all__ = [
    "Check",
    "Mismatch",
    "accept",
    "describe",
    "enum_step",
    "fail",
    "json_key",
    "number_step",
    "or_null",
    "sequence",
    "string_step",
    "type_only",
    "type_step",
]

Check = Callable[[object], "Mismatch | None"]

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
    "object": (dict,),
}
_SHOWN_CHARS = 40


@attrs.frozen
class Mismatch:
    """Where a value first breaks its schema: `path` (keys and indexes from the root) and why."""

    path: tuple[str | int, ...]
    expected: str
    actual: str

    def under(self, key: str | int) -> Mismatch:
        """The same mismatch seen from the container that holds the value at `key`."""
        return Mismatch((key, *self.path), self.expected, self.actual)

    @property
    def pointer(self) -> str:
        """RFC 6901 JSON pointer of the value, e.g. ``/licenses/0/max_clients``; ``""`` is the whole body."""
        return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in self.path)

    @property
    def reason(self) -> str:
        """``expected <what the schema allows>, got <what came>``, for messages."""
        return f"expected {self.expected}, got {self.actual}"


def describe(value: object) -> str:
    """A short description of a JSON value for a message: its JSON type, and the value when it is a scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = repr(value)
        return "string " + (shown if len(shown) <= _SHOWN_CHARS else shown[: _SHOWN_CHARS - 4] + "...'")
    if isinstance(value, list):
        return f"array of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def accept(value: object) -> Mismatch | None:
    """The check of an empty schema; compilers compare against it to leave it out of a chain."""
    return None


def fail(expected: str) -> Check:
    """A check no value passes (``false`` schemas, fields ``additionalProperties: false`` forbids)."""

    def check(value: object) -> Mismatch | None:
        return Mismatch((), expected, describe(value))

    return check


def sequence(steps: Sequence[Check]) -> Check:
    """All `steps` in order; the first mismatch wins. Small counts get their own closure (no loop)."""
    if not steps:
        return accept
    if len(steps) == 1:
        return steps[0]
    if len(steps) == 2:
        first, second = steps

        def both(value: object) -> Mismatch | None:
            return first(value) or second(value)

        return both
    chain = tuple(steps)

    def every(value: object) -> Mismatch | None:
        for step in chain:
            mismatch = step(value)
            if mismatch is not None:
                return mismatch
        return None

    return every


def or_null(check: Check) -> Check:
    """OpenAPI 3.0's ``nullable: true``: null passes whatever the rest of the schema says."""

    def nullable(value: object) -> Mismatch | None:
        return None if value is None else check(value)

    return nullable


def type_step(names: Sequence[str]) -> Check:
    """``type``: one JSON type name or several (3.1 lists); JSON's 3.0 counts as an integer, true does not."""
    allowed = frozenset(python for name in names for python in _PYTHON_TYPES.get(name, ()))
    integral_floats = "integer" in names and "number" not in names  # JSON Schema: 3.0 is an integer
    expected = " or ".join(names)

    def check(value: object) -> Mismatch | None:
        if type(value) in allowed:
            return None
        if integral_floats and type(value) is float and value.is_integer():
            return None
        return Mismatch((), expected, describe(value))

    _TYPE_ONLY[check] = allowed
    return check


_TYPE_ONLY: weakref.WeakKeyDictionary[Check, frozenset[type]] = weakref.WeakKeyDictionary()


def type_only(check: Check) -> frozenset[type] | None:
    """The Python types a `type_step` check passes as they are (without calling it), or None for any other
    check. A container checks such values in place; a value of another type still goes to `check` (a 3.0
    float for an integer, or the mismatch to report)."""
    return _TYPE_ONLY.get(check)


def json_key(value: object) -> object:
    """A hashable key that equals for equal JSON values only (1 and true differ; 1 and 1.0 do not)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", value)
    return ("json", json.dumps(value, sort_keys=True))


def enum_step(values: Sequence[object]) -> Check:
    """``enum`` (and ``const``, an enum of one): a set lookup, by JSON equality (1 == 1.0, 1 != true)."""
    shown = ", ".join(json.dumps(value) for value in values[:10]) + (", ..." if len(values) > 10 else "")
    expected = f"one of {shown}" if len(values) != 1 else shown
    if all(isinstance(value, str) for value in values):
        strings = frozenset(values)

        def string_enum(value: object) -> Mismatch | None:
            if type(value) is str and value in strings:
                return None
            return Mismatch((), expected, describe(value))

        return string_enum
    keys = frozenset(json_key(value) for value in values)

    def any_enum(value: object) -> Mismatch | None:
        return None if json_key(value) in keys else Mismatch((), expected, describe(value))

    return any_enum


def string_step(schema: Mapping[str, Any]) -> Check | None:
    """``minLength``, ``maxLength`` (code points), ``pattern`` (searched, as JSON Schema says) and ``format``."""
    min_length: int = schema.get("minLength", 0)
    max_length: int | None = schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    known_format = format_check(schema["format"]) if "format" in schema else None
    if not min_length and max_length is None and pattern is None and known_format is None:
        return None

    def check(value: object) -> Mismatch | None:
        if type(value) is not str:
            return None
        if len(value) < min_length:
            return Mismatch((), f"a string of at least {min_length} characters", describe(value))
        if max_length is not None and len(value) > max_length:
            return Mismatch((), f"a string of at most {max_length} characters", f"{len(value)} characters")
        if pattern is not None and pattern.search(value) is None:
            return Mismatch((), f"a string matching {pattern.pattern!r}", describe(value))
        if known_format is not None and not known_format[0](value):
            return Mismatch((), known_format[1], describe(value))
        return None

    return check


def _bound_failures(schema: Mapping[str, Any]) -> list[tuple[Callable[[float], bool], str]]:
    """(fails(value), expected) per numeric bound the schema sets."""
    bounds: list[tuple[Callable[[float], bool], str]] = []
    if "minimum" in schema:
        low = schema["minimum"]
        bounds.append((lambda v: v < low, f"a number >= {low}"))
    if "exclusiveMinimum" in schema:
        above = schema["exclusiveMinimum"]
        bounds.append((lambda v: v <= above, f"a number > {above}"))
    if "maximum" in schema:
        high = schema["maximum"]
        bounds.append((lambda v: v > high, f"a number <= {high}"))
    if "exclusiveMaximum" in schema:
        below = schema["exclusiveMaximum"]
        bounds.append((lambda v: v >= below, f"a number < {below}"))
    if "multipleOf" in schema:
        step: float = schema["multipleOf"]

        def not_multiple(v: float) -> bool:
            if isinstance(v, int) and isinstance(step, int):
                return v % step != 0
            quotient = v / step
            return abs(quotient - round(quotient)) > 1e-9

        bounds.append((not_multiple, f"a multiple of {step}"))
    return bounds


def number_step(schema: Mapping[str, Any]) -> Check | None:
    """``minimum``, ``maximum``, their exclusive forms and ``multipleOf``; None when the schema sets none."""
    bounds = tuple(_bound_failures(schema))
    if not bounds:
        return None

    def check(value: object) -> Mismatch | None:
        if type(value) is not int and type(value) is not float:
            return None
        for fails, expected in bounds:
            if fails(value):
                return Mismatch((), expected, describe(value))
        return None

    return check

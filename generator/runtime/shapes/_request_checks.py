"""Request values checked against the spec's constraints before anything is sent.

The generator copies each operation's checkable constraints into the SDK (`generator/constraints.py`:
bounds, lengths, patterns, enums, nested properties and items); the resource methods call
`check_request` with the body and the parameters. A value that breaks one raises
`RequestValidationError` naming the operation, the field (``body.camera.fps``, ``parameter id``), the
value and the constraint, without a round trip. Values the constraints do not describe (files, unset
fields, unknown properties) are left to the server.

Patterns are the spec's (ECMA 262) regular expressions searched with Python's `re`, unanchored as JSON
Schema says; one Python cannot compile is not checked (the server still is the judge).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any, Final

from ..core._errors import SDKError
from ..policies._options import UNSET

__all__ = ["RequestValidationError", "check_request"]

_MAX_SHOWN: Final = 60  # characters of an offending value shown in the message


class RequestValidationError(SDKError, ValueError):
    """A request value breaks the spec's constraints; nothing was sent.

    Attributes:
        operation_id: the operation called.
        field: where the value is: ``body.<path>`` or ``parameter <name>``.
        constraint: the broken keyword and its bound, e.g. ``maximum 1``.
        value: the offending value.
    """

    default_code = "request_invalid"
    hint = "Fix the value the message names: the spec does not allow it, so the request was not sent."

    def __init__(self, *, operation_id: str, field: str, constraint: str, value: object) -> None:
        shown = repr(value)
        if len(shown) > _MAX_SHOWN:
            shown = shown[: _MAX_SHOWN - 3] + "..."
        super().__init__(
            f"{operation_id}: {field} = {shown} breaks the spec's {constraint}; nothing was sent. "
            "Fix the value (the server would answer 422)."
        )
        self.operation_id = operation_id
        self.field = field
        self.constraint = constraint
        self.value = value


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _broken_number(node: Mapping[str, Any], value: float) -> str | None:
    if "minimum" in node and value < node["minimum"]:
        return f"minimum {node['minimum']}"
    if "maximum" in node and value > node["maximum"]:
        return f"maximum {node['maximum']}"
    if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
        return f"exclusiveMinimum {node['exclusiveMinimum']}"
    if "exclusiveMaximum" in node and value >= node["exclusiveMaximum"]:
        return f"exclusiveMaximum {node['exclusiveMaximum']}"
    step = node.get("multipleOf")
    if step and not math.isclose(value / step, round(value / step), rel_tol=0, abs_tol=1e-9):
        return f"multipleOf {step}"
    return None


def _broken_string(node: Mapping[str, Any], value: str) -> str | None:
    if "minLength" in node and len(value) < node["minLength"]:
        return f"minLength {node['minLength']}"
    if "maxLength" in node and len(value) > node["maxLength"]:
        return f"maxLength {node['maxLength']}"
    pattern = node.get("pattern")
    compiled = _compiled(pattern) if isinstance(pattern, str) else None
    if compiled is not None and compiled.search(value) is None:
        return f"pattern {pattern}"
    return None


def _broken(node: Mapping[str, Any], value: object) -> str | None:
    """The first constraint of `node` that `value` itself breaks (not its members), or None."""
    if "enum" in node and value not in node["enum"]:
        return f"enum {node['enum']}"
    if "const" in node and value != node["const"]:
        return f"const {node['const']!r}"
    kind = type(value)
    if kind is int or kind is float or _is_number(value):  # the usual numbers without isinstance's union
        return _broken_number(node, value)  # type: ignore[arg-type]  # a number, as checked
    if isinstance(value, str):
        return _broken_string(node, value)
    if isinstance(value, list | tuple):
        if "minItems" in node and len(value) < node["minItems"]:
            return f"minItems {node['minItems']}"
        if "maxItems" in node and len(value) > node["maxItems"]:
            return f"maxItems {node['maxItems']}"
    if isinstance(value, Mapping) and "minProperties" in node and len(value) < node["minProperties"]:
        return f"minProperties {node['minProperties']}"
    return None


_SCALARS: Final = frozenset({int, float, str, bool, type(None)})


def _check(node: Mapping[str, Any], value: object, field: str, operation_id: str) -> None:
    broken = _broken(node, value)
    if broken is not None:
        raise RequestValidationError(operation_id=operation_id, field=field, constraint=broken, value=value)
    if type(value) in _SCALARS:
        return  # nothing inside to check (and no `Mapping` check, an ABC's Python-level isinstance, per value)
    if isinstance(value, Mapping):
        for name, child in (node.get("properties") or {}).items():
            if name in value:
                _check(child, value[name], f"{field}.{name}", operation_id)
    elif isinstance(value, list | tuple) and "items" in node:
        for index, member in enumerate(value):
            _check(node["items"], member, f"{field}[{index}]", operation_id)


def _plain(value: object) -> object:
    """A generated model as its JSON shape (`to_dict`); other values as they are."""
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def check_request(
    constraints: Mapping[str, Any],
    *,
    operation_id: str,
    body: object = None,
    parameters: Mapping[str, object] | None = None,
) -> None:
    """Check a request's body and parameters against the operation's constraints (module docstring).

    Args:
        constraints: ``{"body": ..., "parameters": {name: ...}}`` as generated.
        operation_id: named in the error.
        body: the body model (or dict); None or unset is not checked.
        parameters: the call's parameters by their spec names; unset ones are skipped by the caller.

    Raises:
        RequestValidationError: a value breaks a constraint; nothing was sent.
    """
    if parameters:
        nodes = constraints.get("parameters") or {}
        for name, value in parameters.items():
            node = nodes.get(name)
            if node is not None and value is not None and value is not UNSET:
                if type(value) not in _SCALARS:  # no scalar has a ``value``: the lookup (and its miss) is skipped
                    value = getattr(value, "value", value)  # an enum member's value
                _check(node, value, f"parameter {name}", operation_id)
    if "body" in constraints and body is not None and not _unset(body):
        _check(constraints["body"], _plain(body), "body", operation_id)


def _unset(value: object) -> bool:
    """``UNSET``: the generated package's `types.UNSET` is the runtime's own."""
    return value is UNSET

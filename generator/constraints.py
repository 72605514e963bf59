"""The constraints of an operation's request, as the SDK checks them before sending (`_request_checks.py`).

From the spec, per operation: the request body's schema and each parameter's, with `$ref`s resolved,
`allOf` merged and everything but the checkable keywords dropped (descriptions and examples would only
bloat the generated module). What is kept:

- numbers: ``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum`` (OpenAPI 3.0's boolean
  form becomes 3.1's number form), ``multipleOf``;
- strings: ``minLength``, ``maxLength``, ``pattern``; any value: ``enum``, ``const``;
- arrays: ``minItems``, ``maxItems``, ``items``; objects: ``properties``, ``minProperties``.

`oneOf`/`anyOf` branches are not followed (which branch applies is the model's business), nor cycles
deeper than `MAX_DEPTH`. An operation without any of these has no constraints (None).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.spec_walk import follow_ref

__all__ = ["MAX_DEPTH", "request_constraints"]

MAX_DEPTH = 8
"""How deep nested objects and arrays are followed; recursive schemas stop here."""

_SCALAR_KEYWORDS = (
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "const",
    "minItems",
    "maxItems",
    "minProperties",
)
_BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


def _node(document: Mapping[str, Any], raw: Any, depth: int) -> dict[str, Any]:
    """The checkable part of one schema (empty when nothing can be checked)."""
    schema = follow_ref(document, raw)
    if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
        return {}
    node: dict[str, Any] = {}
    for part in schema.get("allOf") or []:
        merged = _node(document, part, depth)
        properties = {**node.get("properties", {}), **merged.pop("properties", {})}
        node.update(merged)
        if properties:
            node["properties"] = properties
    node.update({key: schema[key] for key in _SCALAR_KEYWORDS if key in schema})
    for key, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = schema.get(key)
        if isinstance(value, bool):  # OpenAPI 3.0: a flag on minimum / maximum
            if value and inclusive in node:
                node[key] = node.pop(inclusive)
        elif isinstance(value, int | float):
            node[key] = value
    properties = {
        str(name): checked
        for name, prop in (schema.get("properties") or {}).items()
        if (checked := _node(document, prop, depth + 1))
    }
    if properties:
        node["properties"] = {**node.get("properties", {}), **properties}
    items = _node(document, schema.get("items"), depth + 1)
    if items:
        node["items"] = items
    return node


def request_constraints(
    document: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]
) -> dict[str, Any] | None:
    """``{"body": node, "parameters": {name: node}}`` for one operation (keys present only when checkable)."""
    result: dict[str, Any] = {}
    body = follow_ref(document, operation.get("requestBody")) or {}
    content = body.get("content") or {}
    media = next((content[kind] for kind in _BODY_TYPES if kind in content), None)
    if media is not None:
        checked = _node(document, media.get("schema"), 0)
        if checked:
            result["body"] = checked
    parameters: dict[str, Any] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = follow_ref(document, raw) or {}
        checked = _node(document, parameter.get("schema"), 0)
        if checked and parameter.get("in") in ("path", "query", "header"):
            parameters[str(parameter["name"])] = checked
    if parameters:
        result["parameters"] = parameters
    return result or None

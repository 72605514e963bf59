"""Which written fields fit the record as the answers describe it.

A request body and the answer's record often share field names but not shapes (`routes: [{value}]`
written, `routes: [{id, type, subnet}]` read back). A written field is stored only when its value
matches the answer schema's property (JSON Schema of the document's OpenAPI version, `$ref`s resolved
against the whole document); a field that does not is left as it was, so the answer stays valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator

from mock.state_spec import deref


class FieldFit:
    """`fits(key, value)`: True when `value` is valid for the property `key` of `schema` (unknown: True)."""

    def __init__(self, document: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
        self._document = document
        self._properties = _properties(document, schema)
        self._validator = OAS30Validator if str(document.get("openapi", "3.1")).startswith("3.0") else OAS31Validator
        self._cache: dict[str, Any] = {}

    def declared(self, key: str) -> bool:
        return self._properties is None or key in self._properties

    def fits(self, key: str, value: Any) -> bool:
        if self._properties is None or key not in self._properties:
            return self._properties is None
        if key not in self._cache:
            root = {**dict(self._properties[key]), "components": self._document.get("components") or {}}
            self._cache[key] = self._validator(root)
        return bool(self._cache[key].is_valid(value))


class AnswerFit:
    """`fits(schema, body)`: True when `body` is valid for a whole answer's `schema` (no schema: True).

    Each answer schema is compiled once (it used to be on every answer that put a path's id in an example).
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._components = document.get("components") or {}
        self._validator = OAS30Validator if str(document.get("openapi", "3.1")).startswith("3.0") else OAS31Validator
        self._cache: dict[int, tuple[Mapping[str, Any], Any]] = {}  # id(schema) -> (schema kept alive, validator)

    def fits(self, schema: Mapping[str, Any], body: Any) -> bool:
        if not schema:
            return True
        cached = self._cache.get(id(schema))
        if cached is None or cached[0] is not schema:
            cached = (schema, self._validator({**dict(schema), "components": self._components}))
            self._cache[id(schema)] = cached
        return bool(cached[1].is_valid(body))


def _properties(document: Mapping[str, Any], schema: Any) -> dict[str, Mapping[str, Any]] | None:
    """Each declared property's schema (through `$ref` and `allOf`/`oneOf`/`anyOf`); None when none are."""
    schema = deref(document, schema)
    if not isinstance(schema, Mapping):
        return None
    found: dict[str, Mapping[str, Any]] = dict(schema.get("properties") or {})
    for part in [*(schema.get("allOf") or ()), *(schema.get("oneOf") or ()), *(schema.get("anyOf") or ())]:
        more = _properties(document, part)
        if more is None:
            return None
        for key, value in more.items():
            found.setdefault(key, value)
    return found or None

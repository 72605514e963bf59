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


def answer_fits(document: Mapping[str, Any], schema: Mapping[str, Any], body: Any) -> bool:
    """True when `body` is valid for a whole answer's `schema` (no schema: True)."""
    if not schema:
        return True
    validator = OAS30Validator if str(document.get("openapi", "3.1")).startswith("3.0") else OAS31Validator
    return bool(validator({**dict(schema), "components": document.get("components") or {}}).is_valid(body))


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

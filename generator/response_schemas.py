"""The compact response schemas every SDK checks success bodies against (runtime/shapes/_response_schemas.py).

For each operation and each documented 2xx/3xx status with a JSON body, the schema of that body,
normalized so the runtime's small compiler (runtime/shapes/_schema_check.py) needs to know no OpenAPI version:

- only validation keywords are kept (descriptions, examples, ``discriminator``, ``readOnly``... go);
- ``$ref`` to a local schema becomes ``{"$ref": "<the ref>"}`` and its target a shared definition
  (recursion works: each definition is emitted once); a ``$ref`` outside the document is not followed
  and accepts anything; OpenAPI 3.1 siblings of a ``$ref`` become an ``allOf``;
- OpenAPI 3.0: ``nullable: true`` is kept (null passes), ``exclusiveMinimum: true`` becomes the 3.1
  number form; 3.1 type lists and boolean schemas pass through;
- ``format`` is kept only for the formats the models parse (`CHECKED_FORMATS`), ``pattern`` only when
  Python's ``re`` compiles it, and a property marked ``writeOnly`` is not required in a response.

The output depends only on the document, so generation stays deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from generator.runtime.shapes._schema_formats import CHECKED_FORMATS
from generator.spec_walk import RefError, follow_ref_or, operations, ref_target

__all__ = ["ResponseSchemaSet", "is_json_media_type", "response_schemas"]

_JSON_MEDIA_TYPE = re.compile(r"application/(?:[\w.!#$&^-]+\+)?json", re.IGNORECASE)
_COPIED = (
    "enum",
    "const",
    "minProperties",
    "maxProperties",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "multipleOf",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def is_json_media_type(content_type: str) -> bool:
    """``application/json`` or ``application/<anything>+json`` (parameters ignored), as the models parse JSON."""
    return _JSON_MEDIA_TYPE.fullmatch(content_type.split(";")[0].strip()) is not None


@attrs.frozen(kw_only=True)
class ResponseSchemaSet:
    """`by_operation[<method> <path>][<status pattern>]` is a compact schema; `definitions` its ``$ref`` targets."""

    definitions: Mapping[str, Any]
    by_operation: Mapping[tuple[str, str], Mapping[str, Any]]


class _Compactor:
    """Compacts schemas of one document, collecting the local ``$ref`` targets they need."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._openapi_30 = str(document.get("openapi", "")).startswith("3.0")
        self.definitions: dict[str, Any] = {}
        self._pending: list[str] = []

    def resolve(self, ref: str) -> object:
        """The value a local ``$ref`` points to; None when it is not local or points nowhere."""
        try:
            return ref_target(self._document, ref)
        except RefError:
            return None

    def compact(self, schema: object) -> Any:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, Mapping):
            return {}
        if "$ref" in schema:
            return self._ref(schema)
        out: dict[str, Any] = {}
        kind = schema.get("type")
        if isinstance(kind, str | list):
            out["type"] = kind
        if self._openapi_30 and schema.get("nullable") is True:
            out["nullable"] = True
        for key in _COPIED:
            if key in schema:
                out[key] = schema[key]
        self._bounds(schema, out)
        self._strings(schema, out)
        self._objects(schema, out)
        if "items" in schema:
            out["items"] = self.compact(schema["items"])
        for key in _SCHEMA_LISTS:
            if isinstance(schema.get(key), list):
                out[key] = [self.compact(sub) for sub in schema[key]]
        if "not" in schema:
            out["not"] = self.compact(schema["not"])
        return out

    def _ref(self, schema: Mapping[str, Any]) -> Any:
        ref = str(schema["$ref"])
        target = self.resolve(ref)
        node: dict[str, Any] = {}
        if target is not None:
            node = {"$ref": ref}
            if ref not in self.definitions:
                self.definitions[ref] = None  # reserved: compacted by finish(), so recursion stops here
                self._pending.append(ref)
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        if self._openapi_30:  # 3.0 ignores $ref siblings, but nullable next to a $ref is common and meant
            if siblings.get("nullable") is True and node:
                node = {"allOf": [node], "nullable": True}
            return node
        rest = self.compact(siblings)
        if not rest:
            return node
        return {"allOf": [node, rest]} if node else rest

    def _bounds(self, schema: Mapping[str, Any], out: dict[str, Any]) -> None:
        for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            flag = schema.get(exclusive)
            if flag is True and bound in schema:  # 3.0: a boolean that makes `bound` exclusive
                out[exclusive] = out.pop(bound)
            elif isinstance(flag, int | float) and not isinstance(flag, bool):
                out[exclusive] = flag

    @staticmethod
    def _strings(schema: Mapping[str, Any], out: dict[str, Any]) -> None:
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error:
                pass  # an ECMA-262 construct Python lacks: not checked rather than guessed
            else:
                out["pattern"] = pattern
        if schema.get("format") in CHECKED_FORMATS:
            out["format"] = schema["format"]

    def _objects(self, schema: Mapping[str, Any], out: dict[str, Any]) -> None:
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            out["properties"] = {str(name): self.compact(sub) for name, sub in properties.items()}
        required = schema.get("required")
        if isinstance(required, list):
            write_only = {
                name
                for name, sub in (properties or {}).items()
                if isinstance(sub, Mapping) and sub.get("writeOnly") is True
            }
            kept = [str(name) for name in required if name not in write_only]  # writeOnly: required in requests only
            if kept:
                out["required"] = kept
        extra = schema.get("additionalProperties")
        if extra is False:
            out["additionalProperties"] = False
        elif isinstance(extra, Mapping):
            compacted = self.compact(extra)
            if compacted:
                out["additionalProperties"] = compacted
        patterns = schema.get("patternProperties")
        if isinstance(patterns, Mapping):
            kept_patterns = {}
            for pattern, sub in patterns.items():
                try:
                    re.compile(str(pattern))
                except re.error:
                    continue
                kept_patterns[str(pattern)] = self.compact(sub)
            if kept_patterns:
                out["patternProperties"] = kept_patterns

    def finish(self) -> dict[str, Any]:
        """Compact every definition referred to so far (and those they refer to); sorted by ref."""
        while self._pending:
            ref = self._pending.pop()
            self.definitions[ref] = self.compact(self.resolve(ref))
        return {ref: self.definitions[ref] for ref in sorted(self.definitions)}


def _success_status(pattern: str) -> bool:
    """2xx and 3xx statuses and ranges (``200``, ``2XX``): the ones whose bodies the SDK parses."""
    return pattern[:1] in ("2", "3") and len(pattern) == 3


def _json_schema(response: Mapping[str, Any]) -> object:
    """The schema of the first JSON media type of a response; None when it has no JSON body."""
    for media_type, media in (response.get("content") or {}).items():
        if is_json_media_type(str(media_type)):
            return media.get("schema") if isinstance(media, Mapping) else None
    return None


def response_schemas(document: Mapping[str, Any], methods: tuple[str, ...]) -> ResponseSchemaSet:
    """The compact schema of each operation's JSON success bodies, keyed by (method, path) and status."""
    compactor = _Compactor(document)
    by_operation: dict[tuple[str, str], dict[str, Any]] = {}
    for found in sorted(operations(document, methods), key=lambda found: found.path):
        schemas: dict[str, Any] = {}
        for status, raw in (found.operation.get("responses") or {}).items():
            response = follow_ref_or(document, raw, None)  # a chain of `components/responses` too
            if not _success_status(str(status).upper()) or not isinstance(response, Mapping):
                continue
            schema = _json_schema(response)
            if schema is not None:
                schemas[str(status)] = compactor.compact(schema)
        by_operation[found.method, found.path] = schemas
    return ResponseSchemaSet(definitions=compactor.finish(), by_operation=by_operation)

"""Compiling a response schema once into a check: a function of a decoded JSON value that returns None
when the value matches, else the first `Mismatch` (its JSON pointer, what was expected, what came).

Schemas arrive in the compact form the generator derives from the spec (generator/response_schemas.py):
JSON Schema validation keywords only, OpenAPI 3.0 quirks already normalized (``nullable: true`` stays as
``nullable``, boolean exclusive bounds became numbers, only `CHECKED_FORMATS` remain), and every ``$ref``
naming an entry of the definitions. Supported: ``type`` (a name or a list), ``nullable``, ``enum``,
``const``, ``properties``, ``required``, ``additionalProperties``, ``patternProperties``,
``minProperties``/``maxProperties``, ``items``, ``prefixItems``, ``minItems``/``maxItems``,
``uniqueItems``, ``minLength``/``maxLength``, ``pattern``, ``format``, ``minimum``/``maximum``,
``exclusiveMinimum``/``exclusiveMaximum``, ``multipleOf``, ``allOf``, ``anyOf``, ``oneOf``, ``not`` and
``$ref`` (recursion included). A keyword the compiler does not know is ignored, never guessed at.

Speed is the point of compiling: each schema becomes a few closures chosen for the keywords it has, so
a check walks the value once with no dictionary lookups of keywords; a `Mismatch` is only built on the
failure path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._schema_steps import (
    Check,
    Mismatch,
    accept,
    describe,
    enum_step,
    fail,
    json_key,
    number_step,
    or_null,
    sequence,
    string_step,
    type_only,
    type_step,
)

__all__ = ["Check", "Mismatch", "SchemaCompiler", "describe"]


_NO_TYPES: frozenset[type] = frozenset()


def _unique(items: list[object]) -> int | None:
    """The index of the first item equal to an earlier one, or None."""
    seen: set[object] = set()
    for index, item in enumerate(items):
        key = json_key(item)
        if key in seen:
            return index
        seen.add(key)
    return None


def _best(mismatches: Sequence[Mismatch], expected: str, value: object) -> Mismatch:
    """For a value no branch of anyOf/oneOf accepts: the branch that got furthest into it, else a summary."""
    deepest = max(mismatches, key=lambda mismatch: len(mismatch.path))
    return deepest if deepest.path else Mismatch((), expected, describe(value))


class SchemaCompiler:
    """Compiles compact schemas into checks; each definition (``$ref`` target) is compiled once and shared.

    Not thread-safe while compiling: `ResponseSchemas` compiles under a lock; compiled checks are pure.
    """

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self._definitions = definitions
        self._compiled: dict[str, Check] = {}
        self._compiling: set[str] = set()

    def compile(self, schema: Mapping[str, Any] | bool) -> Check:
        """The check for `schema`.

        Raises:
            KeyError: a ``$ref`` names no definition (the generator emits every one it refers to).
            re.error: a ``pattern`` is not a Python regular expression (the generator drops those).
        """
        if schema is True:
            return accept
        if schema is False:
            return fail("nothing (the schema allows no value here)")
        check = self._ref(schema["$ref"]) if "$ref" in schema else sequence(self._steps(schema))
        return or_null(check) if schema.get("nullable") and check is not accept else check

    def _ref(self, key: str) -> Check:
        done = self._compiled.get(key)
        if done is not None:
            return done
        if key in self._compiling:  # a recursive schema: look the check up when it runs

            def later(value: object) -> Mismatch | None:
                return self._compiled[key](value)

            return later
        definition = self._definitions[key]
        self._compiling.add(key)
        try:
            check = self._compiled[key] = self.compile(definition)
        finally:
            self._compiling.discard(key)
        return check

    def _steps(self, schema: Mapping[str, Any]) -> list[Check]:
        steps: list[Check] = []
        if "type" in schema:
            names = schema["type"]
            steps.append(type_step([names] if isinstance(names, str) else list(names)))
        if "enum" in schema:
            steps.append(enum_step(list(schema["enum"])))
        if "const" in schema:
            steps.append(enum_step([schema["const"]]))
        for step in (string_step(schema), number_step(schema), self._object(schema), self._array(schema)):
            if step is not None:
                steps.append(step)
        for sub in schema.get("allOf", ()):
            steps.append(self.compile(sub))
        if "anyOf" in schema:
            steps.append(self._any_of([self.compile(sub) for sub in schema["anyOf"]]))
        if "oneOf" in schema:
            steps.append(self._one_of([self.compile(sub) for sub in schema["oneOf"]]))
        if "not" in schema:
            steps.append(self._not(self.compile(schema["not"])))
        return [step for step in steps if step is not accept]

    def _object(self, schema: Mapping[str, Any]) -> Check | None:
        properties = {name: self.compile(sub) for name, sub in (schema.get("properties") or {}).items()}
        required = tuple(schema.get("required", ()))
        required_set = frozenset(required)
        extra_schema = schema.get("additionalProperties", True)
        extra = fail("no such field (additionalProperties: false)") if extra_schema is False else None
        if isinstance(extra_schema, Mapping):
            extra = self.compile(extra_schema)
        patterns = tuple(
            (re.compile(pattern), self.compile(sub)) for pattern, sub in (schema.get("patternProperties") or {}).items()
        )
        min_properties, max_properties = schema.get("minProperties", 0), schema.get("maxProperties")
        if not (properties or required or extra or patterns or min_properties or max_properties is not None):
            return None
        checked = {name: check for name, check in properties.items() if check is not accept}
        # fields whose check is a type only: a value of such a type passes without the call (`type_only`)
        plain = {name: types for name, check in checked.items() if (types := type_only(check)) is not None}
        open_model = extra is None and not patterns

        def check(value: object) -> Mismatch | None:
            if type(value) is not dict:
                return None
            if required_set and not required_set <= value.keys():
                missing = next(name for name in required if name not in value)
                return Mismatch((missing,), "a value (the field is required)", "nothing")
            if len(value) < min_properties:
                return Mismatch((), f"an object with at least {min_properties} fields", f"{len(value)} fields")
            if max_properties is not None and len(value) > max_properties:
                return Mismatch((), f"an object with at most {max_properties} fields", f"{len(value)} fields")
            for key, item in value.items():
                if type(item) in plain.get(key, _NO_TYPES):
                    continue
                sub = checked.get(key)
                if sub is not None:
                    mismatch = sub(item)
                    if mismatch is not None:
                        return mismatch.under(key)
                elif not open_model and key not in properties:
                    mismatch = _extra_field(key, item, patterns, extra)
                    if mismatch is not None:
                        return mismatch.under(key)
            return None

        return check

    def _array(self, schema: Mapping[str, Any]) -> Check | None:
        items = self.compile(schema["items"]) if "items" in schema else accept
        prefix = tuple(self.compile(sub) for sub in schema.get("prefixItems", ()))
        min_items, max_items = schema.get("minItems", 0), schema.get("maxItems")
        unique = bool(schema.get("uniqueItems"))
        if items is accept and not prefix and not min_items and max_items is None and not unique:
            return None
        item_types = type_only(items) if not prefix else None  # all items of such types: no call per item

        def check(value: object) -> Mismatch | None:
            if type(value) is not list:
                return None
            if len(value) < min_items:
                return Mismatch((), f"an array of at least {min_items} items", describe(value))
            if max_items is not None and len(value) > max_items:
                return Mismatch((), f"an array of at most {max_items} items", describe(value))
            if item_types is None or not {*map(type, value)} <= item_types:
                for index, item in enumerate(value):
                    sub = prefix[index] if index < len(prefix) else items
                    mismatch = sub(item)
                    if mismatch is not None:
                        return mismatch.under(index)
            if unique:
                repeated = _unique(value)
                if repeated is not None:
                    return Mismatch((repeated,), "an item unlike the earlier ones (uniqueItems)", "a repeat")
            return None

        return check

    @staticmethod
    def _any_of(branches: Sequence[Check]) -> Check:
        if accept in branches:
            return accept

        def check(value: object) -> Mismatch | None:
            mismatches = []
            for branch in branches:
                mismatch = branch(value)
                if mismatch is None:
                    return None
                mismatches.append(mismatch)
            return _best(mismatches, " or ".join(m.expected for m in mismatches), value)

        return check

    @staticmethod
    def _one_of(branches: Sequence[Check]) -> Check:
        def check(value: object) -> Mismatch | None:
            mismatches = [branch(value) for branch in branches]
            failed = [mismatch for mismatch in mismatches if mismatch is not None]
            matched = len(branches) - len(failed)
            if matched == 1:
                return None
            if matched == 0:
                return _best(failed, " or ".join(m.expected for m in failed), value)
            return Mismatch(
                (), f"a value matching exactly one of {len(branches)} schemas (oneOf)", f"{matched} matches"
            )

        return check

    @staticmethod
    def _not(branch: Check) -> Check:
        def check(value: object) -> Mismatch | None:
            if branch(value) is None:
                return Mismatch((), "a value the 'not' schema rejects", describe(value))
            return None

        return check


def _extra_field(
    key: str, item: object, patterns: Sequence[tuple[re.Pattern[str], Check]], extra: Check | None
) -> Mismatch | None:
    """Check a field ``properties`` does not name: by ``patternProperties``, else ``additionalProperties``."""
    matched = False
    for pattern, sub in patterns:
        if pattern.search(key) is not None:
            matched = True
            mismatch = sub(item)
            if mismatch is not None:
                return mismatch
    if matched or extra is None:
        return None
    return extra(item)

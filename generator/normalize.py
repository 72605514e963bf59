"""Rewrite a valid OpenAPI document into the subset openapi-python-client (pinned) generates without loss.

The hand-written spec stays the source of truth; this pass works on a copy of the loaded document, just
before it is handed to openapi-python-client, and never changes anything that travels on the wire (paths,
parameter names, property names, enum values, media types). Each rewrite is reported as a note, so the
generated README can say which Python names differ from what the spec alone would give. What it cannot
express is an error naming the JSON pointer, never a silent drop.

The rules, each a pure function over the document:
- `$ref`s that point anywhere but `#/components/<kind>/<name>` (into another operation's parameters or
  responses, or deep into a schema) are copied into components and the reference retargeted;
- enum values whose Python member names collide (`ASC`/`asc`, `GMT+0`/`GMT0`) get `x-enum-varnames`,
  which openapi-python-client honours, with a numbered suffix on the later ones;
- component schemas whose class names collide (`Foo_Bar` and `FooBar`, two equal `title`s) get a `title`
  with a numbered suffix on the later ones, and so do inline models named like a component (inline_names.py);
- constructs its strict model rejects although they are valid: a missing or non-string `info.version`,
  `callbacks` entries given as `$ref`, a schema property whose Python name is `additional_properties`
  (it clashes with the field that keeps unknown properties, so that model keeps none);
- operations the spec author listed in `skip` (generator/sdks.toml) are removed, each noted;
- an operation without an operationId gets one from its method and path words (`get_pets_id`), numbered
  when taken, each noted: openapi-python-client names its module and function from it (our own specs must
  still name every operation: `make generate` lints them first);
- media types it does not generate become bytes bodies and responses (generator/media_types.py);
- shapes it drops (no responses, arrays without items, enums of booleans...) are rewritten (normalize_shapes.py);
- inline models nested in a component that is a union move into components (union_components.py).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from openapi_python_client import strings

from generator.inline_names import free_inline_names, free_operation_names
from generator.media_types import rewrite_media_types
from generator.normalize_shapes import rewrite_shapes
from generator.spec_check import Finding, json_pointer
from generator.spec_walk import HTTP_METHODS, resolve, split_pointer, walk
from generator.union_components import hoist_union_member_models

# The prefix openapi-python-client's default config gives names that are not identifiers.
_FIELD_PREFIX = "field_"
_COMPONENT_KINDS = ("schemas", "parameters", "responses", "requestBodies", "headers", "examples", "callbacks")
# The field openapi-python-client adds to every model that allows unknown properties.
_EXTRA_FIELD = "additional_properties"


@attrs.frozen(kw_only=True)
class Normalised:
    """The document openapi-python-client receives, what was rewritten, and what could not be."""

    document: dict[str, Any]
    notes: tuple[Finding, ...]
    errors: tuple[Finding, ...]
    # openapi-python-client's content_type_overrides: media types it does not know, read as bytes
    content_type_overrides: Mapping[str, str] = attrs.field(factory=dict)


@attrs.define
class _Log:
    file: str
    notes: list[Finding] = attrs.Factory(list)
    errors: list[Finding] = attrs.Factory(list)

    def note(self, pointer: str, rule: str, message: str) -> None:
        self.notes.append(Finding(file=self.file, pointer=pointer, rule=rule, message=message))

    def error(self, pointer: str, rule: str, message: str) -> None:
        self.errors.append(Finding(file=self.file, pointer=pointer, rule=rule, message=message))


def normalise(document: Mapping[str, Any], *, file: str, skip: Sequence[str] = ()) -> Normalised:
    """A rewritten copy of `document` (the input is not changed); `file` names it in notes and errors."""
    result = copy.deepcopy(dict(document))
    log = _Log(file=file)
    _skip_operations(result, skip, log)
    _name_anonymous_operations(result, log)
    _fix_info_version(result, log)

    def note(path: tuple[str, ...], rule: str, message: str) -> None:  # the rule modules report by path
        log.note(json_pointer(path), rule, message)

    rewrite_shapes(result, note)
    _hoist_foreign_refs(result, log)
    _inline_callback_refs(result, log)
    hoist_union_member_models(result, note)
    _rename_enum_members(result, log)
    _rename_colliding_models(result, log)
    _drop_clashing_extra_field(result, log)
    overrides, media_notes = rewrite_media_types(result)
    for path, message in media_notes:
        log.note(json_pointer(path), "media-type", message)
    return Normalised(
        document=result, notes=tuple(log.notes), errors=tuple(log.errors), content_type_overrides=overrides
    )


def _skip_operations(document: dict[str, Any], skip: Sequence[str], log: _Log) -> None:
    for pointer in skip:
        parts = split_pointer(pointer)
        is_operation = len(parts) == 3 and parts[0] == "paths" and parts[2] in HTTP_METHODS
        is_path = len(parts) == 2 and parts[0] == "paths"
        try:
            resolve(document, parts)
        except KeyError:
            is_operation = is_path = False
        if not (is_operation or is_path):
            log.error(pointer.lstrip("#"), "sdk-skip", "skip names no operation or path of this spec")
            continue
        if is_operation:
            del document["paths"][parts[1]][parts[2]]
        else:
            del document["paths"][parts[1]]
        log.note(json_pointer(parts), "sdk-skip", "not generated: listed in skip (generator/sdks.toml)")


def _name_anonymous_operations(document: dict[str, Any], log: _Log) -> None:
    """Give every operation without an operationId a deterministic one: method and path words, in path order."""
    paths = document.get("paths")
    items = (
        [(route, item) for route, item in paths.items() if isinstance(item, dict)] if isinstance(paths, dict) else []
    )
    operations = [
        (route, method, item[method])
        for route, item in items
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    ]
    taken = {op["operationId"] for _, _, op in operations if isinstance(op.get("operationId"), str)}
    for route, method, operation in operations:
        current = operation.get("operationId")
        if isinstance(current, str) and current.strip():
            continue
        base = "_".join([method, *re.findall(r"[A-Za-z0-9]+", route)])
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        operation["operationId"] = name
        log.note(json_pointer(("paths", route, method)), "operation-id", f"no operationId: named {name!r}")


def _fix_info_version(document: dict[str, Any], log: _Log) -> None:
    info = document.setdefault("info", {})
    if not isinstance(info, dict):
        return
    version = info.get("version")
    if isinstance(version, str):
        return
    info["version"] = "" if version is None else str(version)
    log.note(
        "/info/version",
        "info-version",
        f"{'missing' if version is None else 'not a string'}: read as {info['version']!r}",
    )


def _is_component_ref(parts: Sequence[str]) -> bool:
    return len(parts) == 3 and parts[0] == "components" and parts[1] in _COMPONENT_KINDS


def _kind_of(parts: Sequence[str]) -> str:
    """Which components section a node at `parts` belongs in, judged by where it sits."""
    parent = parts[-2] if len(parts) >= 2 else ""
    if parts and parts[-1] == "requestBody":
        return "requestBodies"
    if parent in ("parameters", "responses", "headers", "examples") and (len(parts) < 3 or parts[-3] != "properties"):
        return parent
    return "schemas"


def _component_name(parts: Sequence[str], taken: Mapping[str, Any]) -> str:
    base = "_".join(filter(None, (re.sub(r"[^A-Za-z0-9]+", "_", part).strip("_") for part in parts))) or "ref"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


def _hoist_foreign_refs(document: dict[str, Any], log: _Log) -> None:
    """Copy every target of a foreign `$ref` into components (once per target) and point the ref there."""
    original = copy.deepcopy(document)  # targets are read from here, so hoisting never reads its own edits
    hoisted: dict[str, str] = {}
    pending: list[tuple[tuple[str, ...], Any]] = [((), document)]
    while pending:
        prefix, root = pending.pop()
        for path, node in list(walk(root, prefix)):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or _is_literal_data(path):
                continue
            if not ref.startswith("#"):
                log.error(json_pointer(path), "external-ref", f"$ref {ref!r} points outside this document: inline it")
                continue
            parts = split_pointer(ref)
            try:
                target = resolve(original, parts)
            except KeyError:
                log.error(json_pointer(path), "unresolved-ref", f"$ref {ref!r} points at nothing in this document")
                continue
            if _is_component_ref(parts):
                continue
            if ref not in hoisted:
                kind = _kind_of(parts)
                section = document.setdefault("components", {}).setdefault(kind, {})
                name = _component_name(parts, section)
                section[name] = copy.deepcopy(target)
                hoisted[ref] = f"#/components/{kind}/{name}"
                pending.append((("components", kind, name), section[name]))  # it may hold foreign refs too
                log.note(json_pointer(path), "foreign-ref", f"$ref {ref!r} read as {hoisted[ref]!r}")
            node["$ref"] = hoisted[ref]


# Keywords whose value is data, where a `$ref` key is a value like any other (shutterstock.com's example values
# `{"$ref": "#/components/schemas/X/example"}`, and its `x-code-samples` pointing at text, were copied into
# components as if they were schemas, which openapi-python-client then refused with the whole document)
_DATA_KEYWORDS = frozenset({"example", "default", "const", "enum"})
# Maps whose keys are names the author chose, any of which may spell a keyword (digitalocean.com's
# `responses/default` held the foreign `$ref`s the hoist must follow)
_NAMED_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "responses",
        "examples",
        "schemas",
        "parameters",
        "headers",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "content",
        "encoding",
        "paths",
        "webhooks",
        "variables",
        "mapping",
    }
)


def _is_literal_data(path: Sequence[str]) -> bool:
    """Whether `path` is inside an example, default, const or enum value or an `x-` extension (not a property of
    that name)."""
    for index, part in enumerate(path):
        if index > 0 and path[index - 1] in _NAMED_MAPS:
            continue  # a name (a property `example`, the `default` response), not the keyword
        if part in _DATA_KEYWORDS or part.startswith("x-"):  # an extension's content is its own business
            return True
        # an Example Object's `value`, and 3.1's `examples` list of a schema
        if part == "examples" and index + 1 < len(path) and path[index + 1].isdigit():
            return True
        if part == "value" and index >= 2 and path[index - 2] == "examples":
            return True
    return False


def _inline_callback_refs(document: dict[str, Any], log: _Log) -> None:
    for path, node in list(walk(document)):
        if not (len(path) >= 1 and path[-1] == "callbacks" and isinstance(node, dict)):
            continue
        if len(path) >= 2 and path[-2] == "components":
            continue
        for name, value in list(node.items()):
            ref = value.get("$ref") if isinstance(value, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#"):
                continue
            try:
                node[name] = copy.deepcopy(resolve(document, split_pointer(ref)))
            except KeyError:
                continue  # already reported as unresolved by _hoist_foreign_refs
            log.note(json_pointer((*path, name)), "callback-ref", f"$ref {ref!r} inlined")


def upstream_member_name(value: str, index: int) -> tuple[str, str]:
    """(the key openapi-python-client checks for duplicates, the member name it emits) for a string value."""
    key = value.upper() if value and value[0].isalpha() else f"VALUE_{index}"
    return key, strings.snake_case(key).upper()


def _unique_member(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used or strings.snake_case(candidate).upper() != candidate:
        candidate, number = f"{name}_{number}", number + 1
        if number > 10_000:  # a name snake_case cannot keep stable: fall back to a plain positional one
            name, number = "VALUE", 2
    return candidate


def _rename_enum_members(document: dict[str, Any], log: _Log) -> None:
    for path, node in list(walk(document)):
        if not isinstance(node, dict) or not isinstance(node.get("enum"), list) or "x-enum-varnames" in node:
            continue
        if path and path[-1] in ("properties", "examples", "example", "default", "const"):
            continue  # a property named "enum", or data rather than a schema
        values = [value for value in node["enum"] if value is not None]
        if not values or not all(isinstance(value, str) for value in values):
            continue
        if len(set(values)) != len(values):
            node["enum"] = list(dict.fromkeys(node["enum"]))
            values = list(dict.fromkeys(values))
            log.note(json_pointer((*path, "enum")), "enum-duplicate", "repeated enum values listed once")
        upstream = [upstream_member_name(value, index) for index, value in enumerate(values)]
        keys, members = [key for key, _ in upstream], [member for _, member in upstream]
        if len(set(keys)) == len(keys) and len(set(members)) == len(members):
            continue
        used: set[str] = set()
        names = []
        for member in members:
            name = _unique_member(member, used)
            used.add(name)
            names.append(name)
        node["x-enum-varnames"] = names
        renamed = ", ".join(
            f"{value!r} → {name}" for value, name, member in zip(values, names, members, strict=True) if name != member
        )
        log.note(json_pointer((*path, "enum")), "enum-member-collision", f"members renamed: {renamed}")


def class_name(schema: Mapping[str, Any], key: str) -> str:
    """The class openapi-python-client names after a component schema (its title, else its key)."""
    title = schema.get("title")
    return str(strings.ClassName(title if isinstance(title, str) and title else key, _FIELD_PREFIX))


def _rename_colliding_models(document: dict[str, Any], log: _Log) -> None:
    schemas = (document.get("components") or {}).get("schemas")
    if not isinstance(schemas, dict):
        return
    taken_classes: set[str] = set()
    taken_modules: set[str] = set()
    classes: dict[str, str] = {}
    for key, schema in schemas.items():
        if not isinstance(schema, dict) or "$ref" in schema:
            continue
        name = class_name(schema, key)
        module = str(strings.PythonIdentifier(name, _FIELD_PREFIX))
        if name in taken_classes or module in taken_modules:
            base, number = name, 2
            while name in taken_classes or module in taken_modules:
                name = str(strings.ClassName(f"{base}{number}", _FIELD_PREFIX))
                module = str(strings.PythonIdentifier(name, _FIELD_PREFIX))
                number += 1
            schema["title"] = name
            log.note(json_pointer(("components", "schemas", key)), "model-name-collision", f"model named {name}")
        taken_classes.add(name)
        taken_modules.add(module)
        classes[str(key)] = name
    retitled = lambda path, message: log.note(json_pointer(path), "model-name-collision", message)  # noqa: E731
    free_inline_names(schemas, classes, retitled)
    free_operation_names(document.get("paths") or {}, classes, retitled)


def _drop_clashing_extra_field(document: dict[str, Any], log: _Log) -> None:
    for path, node in list(walk(document)):
        if not isinstance(node, dict) or not isinstance(node.get("properties"), dict):
            continue
        if path and path[-1] == "properties":
            continue  # a property named "properties"
        clashing = [
            str(name)
            for name in node["properties"]
            if strings.PythonIdentifier(str(name), _FIELD_PREFIX) == _EXTRA_FIELD
        ]
        if not clashing or node.get("additionalProperties") is False:
            continue
        node["additionalProperties"] = False
        log.note(
            json_pointer((*path, "properties", clashing[0])),
            "additional-properties-name",
            f"property {clashing[0]!r} is kept; the model does not keep unknown properties (their field has its name)",
        )

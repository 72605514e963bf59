"""Valid shapes openapi-python-client (pinned) drops or refuses, rewritten into the nearest shape it generates.

Each rewrite keeps what travels on the wire and is reported, as (path, rule, message), for the README:
- an operation without `responses` (optional in OpenAPI 3.1) gets an undocumented `2XX` success;
- a document without `paths` (3.1: webhooks only) gets an empty one;
- an `array` without `items` gets `items: {}` (any value), also when its type is a list (`[array, "null"]`);
- an enum whose values are not all strings or all integers (`[true, false]`, `[1, "a"]`, `[1.5]`) is typed by
  the rest of its schema, since a Python Enum cannot hold them;
- a header or cookie parameter whose schema is an array or object (openapi-python-client allows only
  scalars there) is a string the caller serialises (`simple` style: comma-separated);
- inline property schemas of one object that share a `title` lose it, so their models are named after their
  properties (openapi-python-client names an inline model parent + title: siblings would collide);
- a path parameter's schema `default` is dropped: path parameters are always required, and a default before
  a required argument is a Python syntax error; so is its `nullable` or `null` type (a path segment is never
  null, and openapi-python-client drops the operation of a nullable one);
- a property whose schema is a boolean (OpenAPI 3.1, JSON Schema: `true` allows any value, `false` none), which
  openapi-python-client's model refuses with the whole document: `true` becomes `{}`, and a `false` property,
  which can never be present, is left out of the model (and of `required`);
- a component schema whose `oneOf`/`anyOf` member refers back to it (a JSON value: string, number, ..., or an
  array of such values), which openapi-python-client cannot parse, reads the inner reference as any value;
- inline `anyOf`/`oneOf` members that share a `title` across sibling properties or one operation's parameters
  (stripe.com's `range_query_specs` on every date filter) lose it: openapi-python-client names such a member
  parent + title, and refuses the second as a duplicate model;
- inline body and response schemas of one operation that share a `title` but differ (slack.com's 200 and
  default responses) get a numbered title on the later ones: openapi-python-client names them operation +
  title, and refuses the second as a duplicate model.
"""

from __future__ import annotations

import copy
import datetime
import uuid
from collections.abc import Callable
from typing import Any

from generator.spec_walk import HTTP_METHODS, follow_ref_or, is_ref, walk

Note = Callable[[tuple[str, ...], str, str], None]

# Keywords that describe a schema without constraining its values: an `allOf` member holding only these adds nothing.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs", "xml"}
)


def rewrite_shapes(document: dict[str, Any], note: Note) -> None:
    """Apply every rule in place; `note(path, rule, message)` is called once per rewrite."""
    if not isinstance(document.get("paths"), dict):
        document["paths"] = {}
        note(("paths",), "paths-missing", "no paths: none generated")
    _add_missing_responses(document, note)
    _fill_array_items(document, note)
    _untype_mixed_enums(document, note)
    _stringify_structured_headers(document, note)
    _drop_path_parameter_defaults(document, note)
    _replace_boolean_properties(document, note)
    _unnest_recursive_unions(document, note)
    _number_operation_titles(document, note)
    _untitle_sibling_properties(document, note)
    _untitle_sibling_union_members(document, note)
    _fold_annotating_members(document, note)
    _inline_constrained_scalars(document, note)
    _extend_single_references(document, note)
    _drop_unfit_defaults(document, note)


def _add_missing_responses(document: dict[str, Any], note: Note) -> None:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and not operation.get("responses"):
                operation["responses"] = {"2XX": {"description": "Success (the spec documents no response)."}}
                note(("paths", str(path), method, "responses"), "responses-missing", "read as an undocumented 2XX")


def _is_schema_path(path: tuple[str, ...]) -> bool:
    """Skip what only looks like a schema: examples, defaults and extension payloads are data."""
    data = ("example", "examples", "default", "enum", "const")
    return not any(
        (part in data or part.startswith("x-")) and (index == 0 or path[index - 1] != "properties")
        for index, part in enumerate(path)
    )


def _fill_array_items(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        kinds = node.get("type") if isinstance(node, dict) else None
        is_array = kinds == "array" or (isinstance(kinds, list) and "array" in kinds)  # 3.1: [array, "null"]
        if isinstance(node, dict) and is_array and "items" not in node and "prefixItems" not in node:
            if (path and path[-1] == "properties") or not _is_schema_path(path):
                continue
            node["items"] = {}
            note(path, "array-items", "array without items: items of any type")


def _untype_mixed_enums(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        if not isinstance(node, dict) or not isinstance(node.get("enum"), list) or not _is_schema_path(path):
            continue
        if path and path[-1] == "properties":
            continue
        kinds = {type(value) for value in node["enum"] if value is not None}
        if not kinds or kinds in ({str}, {int}):
            continue
        values = node.pop("enum")
        node.pop("x-enum-varnames", None)
        if "type" not in node and kinds == {bool}:
            node["type"] = "boolean"
        note((*path, "enum"), "enum-values", f"values {values!r} cannot form a Python Enum: typed by the schema alone")


def _stringify_structured_headers(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        if not (
            isinstance(node, dict) and node.get("in") in ("header", "cookie") and isinstance(node.get("name"), str)
        ):
            continue
        schema = node.get("schema")
        if isinstance(schema, dict) and (schema.get("type") in ("array", "object") or "items" in schema):
            node["schema"] = {
                "type": "string",
                **({"description": schema["description"]} if "description" in schema else {}),
            }
            note((*path, "schema"), "structured-header", "a string the caller serialises (comma-separated values)")


def _drop_path_parameter_defaults(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        if isinstance(node, dict) and node.get("in") == "path" and isinstance(node.get("name"), str):
            schema = node.get("schema")
            if isinstance(schema, dict) and "default" in schema:
                del schema["default"]
                note((*path, "schema", "default"), "path-parameter-default", "dropped: path parameters are required")
            if isinstance(schema, dict) and schema.get("nullable") is True:
                del schema["nullable"]
                note((*path, "schema", "nullable"), "path-parameter-null", "dropped: a path segment is never null")
            kinds = schema.get("type") if isinstance(schema, dict) else None
            if isinstance(kinds, list) and "null" in kinds and len(kinds) > 1:
                rest = [kind for kind in kinds if kind != "null"]
                schema["type"] = rest[0] if len(rest) == 1 else rest
                note((*path, "schema", "type"), "path-parameter-null", "null dropped: a path segment is never null")


def _replace_boolean_properties(document: dict[str, Any], note: Note) -> None:
    for path, schema in list(walk(document)):
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict) or (path and path[-1] == "properties") or not _is_schema_path(path):
            continue
        for name, value in list(properties.items()):
            where = (*path, "properties", str(name))
            if value is True:
                properties[name] = {}
                note(where, "boolean-schema", "schema `true`: a value of any type")
            elif value is False:
                del properties[name]
                note(where, "boolean-schema", "schema `false` (never present): left out of the model")
                if isinstance(schema.get("required"), list) and name in schema["required"]:
                    schema["required"] = [required for required in schema["required"] if required != name]


def _unnest_recursive_unions(document: dict[str, Any], note: Note) -> None:
    schemas = (document.get("components") or {}).get("schemas")
    for key, schema in list(schemas.items()) if isinstance(schemas, dict) else ():
        own = f"#/components/schemas/{str(key).replace('~', '~0').replace('/', '~1')}"
        for union in ("oneOf", "anyOf"):
            members = schema.get(union) if isinstance(schema, dict) else None
            for index, member in enumerate(members if isinstance(members, list) else ()):
                for path, node in list(walk(member, ("components", "schemas", str(key), union, str(index)))):
                    for field, value in list(node.items()) if isinstance(node, dict) else ():
                        if isinstance(value, dict) and value.get("$ref") == own:
                            node[field] = {}
                            note((*path, field), "recursive-union", f"refers back to {key}: read as any value")


def _number_operation_titles(document: dict[str, Any], note: Note) -> None:
    for route, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            bodies: list[tuple[tuple[str, ...], Any]] = [(("requestBody",), operation.get("requestBody"))]
            responses = operation.get("responses")
            bodies += (
                [(("responses", str(code)), body) for code, body in responses.items()]
                if isinstance(responses, dict)
                else []
            )
            first: dict[str, Any] = {}
            for where, body in bodies:
                content = body.get("content") if isinstance(body, dict) else None
                for media_type, media in content.items() if isinstance(content, dict) else ():
                    schema = media.get("schema") if isinstance(media, dict) else None
                    if not (isinstance(schema, dict) and isinstance(schema.get("title"), str)):
                        continue
                    title = schema["title"]
                    if first.setdefault(title, schema) == schema:
                        continue  # the first with its title, or the same schema again
                    number = 2
                    while f"{title} {number}" in first:
                        number += 1
                    schema["title"] = f"{title} {number}"
                    first[schema["title"]] = schema
                    path = ("paths", str(route), method, *where, "content", str(media_type), "schema", "title")
                    note(
                        path,
                        "model-name-collision",
                        f"title shared with another body of the operation: {title!r} → {schema['title']!r}",
                    )


def _is_properties_map(path: tuple[str, ...], node: object) -> bool:
    """A schema's `properties` (not a property named "properties")."""
    is_map = bool(path) and path[-1] == "properties" and (len(path) < 2 or path[-2] != "properties")
    return isinstance(node, dict) and is_map and _is_schema_path(path[:-1])


def _untitle_sibling_properties(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        if not _is_properties_map(path, node):
            continue
        titles = [
            str(schema.get("title")) for schema in node.values() if isinstance(schema, dict) and "title" in schema
        ]
        shared = {title for title in titles if titles.count(title) > 1}
        for name, schema in node.items():
            if isinstance(schema, dict) and "$ref" not in schema and str(schema.get("title")) in shared:
                del schema["title"]
                note(
                    (*path, str(name), "title"),
                    "model-name-collision",
                    "title shared with a sibling: named by property",
                )


def _untitle_sibling_union_members(document: dict[str, Any], note: Note) -> None:
    groups: list[tuple[tuple[str, ...], list[tuple[tuple[str, ...], Any]]]] = []
    for path, node in walk(document):
        if _is_properties_map(path, node):
            groups.append((path, [((str(name),), schema) for name, schema in node.items()]))
        elif isinstance(node, list) and path and path[-1] == "parameters":
            groups.append(
                (path, [((str(i), "schema"), p.get("schema")) for i, p in enumerate(node) if isinstance(p, dict)])
            )
    for path, siblings in groups:
        members = [
            ((*where, keyword, str(i)), member)
            for where, schema in siblings
            if isinstance(schema, dict)
            for keyword in ("anyOf", "oneOf")
            for i, member in enumerate(schema.get(keyword) or [])
            if isinstance(member, dict) and "$ref" not in member and isinstance(member.get("title"), str)
        ]
        titles = [member["title"] for _, member in members]
        for where, member in members:
            if titles.count(member["title"]) > 1:
                del member["title"]
                note(
                    (*path, *where, "title"), "model-name-collision", "title shared with a sibling's: named by position"
                )


def is_model(schema: object) -> bool:
    """What openapi-python-client reads as an object model."""
    if not isinstance(schema, dict):
        return False
    kinds = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
    return "object" in kinds or bool(schema.get("allOf")) or (schema.get("type") is None and "properties" in schema)


def _fold_annotating_members(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        members = node.get("allOf") if isinstance(node, dict) and _is_schema_path(path) else None
        if not isinstance(members, list) or len(members) < 2 or (path and path[-1] == "properties"):
            continue
        annotating = [
            m
            for m in members
            if isinstance(m, dict) and not is_ref(m) and all(k in _ANNOTATIONS or str(k).startswith("x-") for k in m)
        ]
        refs = [m for m in members if m not in annotating]
        if not annotating or not all(is_ref(m) for m in refs):
            continue  # a member that constrains (maxLength, properties...) is kept: openapi-python-client says why
        is_component = len(path) == 3 and path[:2] == ("components", "schemas")
        if is_component and len(refs) == 1 and is_model(follow_ref_or(document, refs[0], None)):
            continue  # a component that is another model alone: generated twice (its inline models collide)
        for member in annotating:
            for key, value in member.items():
                node.setdefault(key, value)
        node["allOf"] = refs
        note((*path, "allOf"), "allof-annotation", "members that only annotate the reference: on the schema")


def _extend_single_references(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        members = node.get("allOf") if isinstance(node, dict) and _is_schema_path(path) else None
        if not (isinstance(members, list) and len(members) == 1 and is_ref(members[0])):
            continue
        if (path and path[-1] == "properties") or not isinstance(node.get("properties"), dict):
            continue
        node["allOf"] = [*members, {"type": "object", "properties": node.pop("properties")}]
        note((*path, "allOf"), "allof-properties", "the schema's own properties: a second allOf member")


_ISO_READERS: dict[object, Callable[[str], object]] = {
    "date": datetime.date.fromisoformat,
    "date-time": datetime.datetime.fromisoformat,
    "uuid": uuid.UUID,
}


def _fits(schema: dict[str, Any], value: object) -> bool:
    """Whether openapi-python-client can read `value` as the schema's default (the checks it makes)."""
    if isinstance(schema.get("enum"), list) and value is not None and value not in schema["enum"]:
        return False
    reader = _ISO_READERS.get(schema.get("format")) if schema.get("type") == "string" else None
    if reader is None or not isinstance(value, str):
        return True
    try:
        reader(value)
    except ValueError:
        return False
    return True


def _drop_unfit_defaults(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        if not (isinstance(node, dict) and "default" in node and _is_schema_path(path)):
            continue
        if (path and path[-1] == "properties") or _fits(node, node["default"]):
            continue
        value = node.pop("default")
        note((*path, "default"), "default-unfit", f"{value!r} does not fit the schema: dropped (the server's applies)")


_SCALARS = frozenset({"string", "integer", "number", "boolean", "array"})
# What makes a member more than constraints on one value: it would need a merge openapi-python-client cannot do.
_COMPOSING = frozenset({"$ref", "allOf", "oneOf", "anyOf", "not", "properties", "enum", "type"})


def _inline_constrained_scalars(document: dict[str, Any], note: Note) -> None:
    for path, node in list(walk(document)):
        members = node.get("allOf") if isinstance(node, dict) and _is_schema_path(path) else None
        if not isinstance(members, list) or len(members) < 2 or (path and path[-1] == "properties"):
            continue
        refs = [m for m in members if is_ref(m)]
        target = follow_ref_or(document, refs[0], None) if len(refs) == 1 else None
        if not (isinstance(target, dict) and target.get("type") in _SCALARS and _COMPOSING & target.keys() == {"type"}):
            continue
        # A member repeating the reference's type adds nothing (digitalocean.com: `{type: string, nullable: true}`
        # beside a string's `$ref`; its `nullable` is carried over, as the author meant the value may be null)
        inline = [
            {k: v for k, v in m.items() if not (k == "type" and v == target["type"])} if isinstance(m, dict) else m
            for m in members
            if not is_ref(m)
        ]
        if not all(isinstance(m, dict) and not _COMPOSING & m.keys() for m in inline):
            continue
        constraints = [k for m in [target, *inline] for k in m if k not in _ANNOTATIONS]
        if len(constraints) != len(set(constraints)):
            continue  # a keyword given twice (two patterns) would need both: openapi-python-client says why
        merged = {k: v for m in [target, *inline] for k, v in m.items() if k not in _ANNOTATIONS}
        annotations = {k: v for m in [target, *inline] for k, v in m.items() if k in _ANNOTATIONS}
        del node["allOf"]
        for key, value in {**annotations, **merged}.items():
            node.setdefault(key, copy.deepcopy(value))
        note(
            (*path, "allOf"),
            "allof-constraint",
            f"the {target['type']} of {refs[0]['$ref']} with the constraints added",
        )

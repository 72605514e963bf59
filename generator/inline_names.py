"""Inline models and enums whose generated class name is a component's get a title that makes it their own.

openapi-python-client names an inline object or enum in a property after its parent and the property: the
`metadata` object of `Operation` becomes `OperationMetadata`. When a component schema already has that name
(googleapis.com's specs declare `Operation` with an inline `metadata` beside a component `OperationMetadata`),
it refuses the second model as a duplicate, taking the whole parent with it. An inline request body is named
operation + `Body` and a response operation + `Response200` the same way (amazonaws.com/amplifyuibuilder declares
a component `PutMetadataFlagBody` beside the operation `putMetadataFlag`). Here the inline schema gets a `title`
with a number (`metadata 2`: `OperationMetadata2`), which changes no name on the wire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from openapi_python_client import strings

from generator.spec_walk import HTTP_METHODS

# The prefix openapi-python-client's default config gives names that are not identifiers.
_FIELD_PREFIX = "field_"

Note = Callable[[tuple[str, ...], str], None]
# openapi-python-client's body types, which name a body's model when the body has several media types.
_BODY_TYPES = {
    "application/x-www-form-urlencoded": "data",
    "multipart/form-data": "files",
    "application/octet-stream": "content",
}


def _is_named_inline(schema: object) -> bool:
    """An inline schema openapi-python-client makes a class of: an object model or an enum."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    kind = schema.get("type")
    types = kind if isinstance(kind, list) else [kind]
    model = "object" in types or bool(schema.get("allOf")) or (kind is None and "properties" in schema)
    return model or isinstance(schema.get("enum"), list)


def _properties(schema: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """(path from the schema, property name, property schema) of the schema and its inline allOf members."""
    own = schema.get("properties")
    for name, value in own.items() if isinstance(own, dict) else ():
        yield ("properties", str(name)), str(name), value
    members = schema.get("allOf")
    for index, member in enumerate(members if isinstance(members, list) else ()):
        inner = member.get("properties") if isinstance(member, dict) and "$ref" not in member else None
        for name, value in inner.items() if isinstance(inner, dict) else ():
            yield ("allOf", str(index), "properties", str(name)), str(name), value


def _class(parent: str, title: str) -> str:
    return str(strings.ClassName(f"{strings.pascal_case(parent)}{strings.pascal_case(title)}", _FIELD_PREFIX))


def free_inline_names(schemas: Mapping[str, Any], components: Mapping[str, str], note: Note) -> None:
    """Retitle, in place, each inline model or enum under `schemas` whose class would be a component's.

    `components` maps each component key to its class name; `note(path, message)` is called per retitle.
    """
    taken = set(components.values())
    for key, schema in schemas.items():
        if isinstance(schema, dict) and key in components:
            _visit(schema, components[key], ("components", "schemas", str(key)), taken, note)


def free_operation_names(paths: Mapping[str, Any], components: Mapping[str, str], note: Note) -> None:
    """As `free_inline_names`, for the inline body and response schemas of each operation under `paths`."""
    taken = set(components.values())
    for route, item in paths.items() if isinstance(paths, dict) else ():
        for method, operation in item.items() if isinstance(item, dict) else ():
            if method in HTTP_METHODS and isinstance(operation, dict) and isinstance(operation.get("operationId"), str):
                here = ("paths", str(route), method)
                for where, parent, name, schema in _operation_schemas(operation):
                    _name(schema, parent, name, (*here, *where), taken, note)


def _operation_schemas(operation: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], str, str, Any]]:
    """(path, parent name, own name, schema) of each inline body and response schema, as openapi-python-client names
    them: the operation (and the body type, for a body of several media types) and `body` or `response_<code>`."""
    name = operation["operationId"]
    body = operation.get("requestBody")
    content = body.get("content") if isinstance(body, dict) and "$ref" not in body else None
    for media_type, media in content.items() if isinstance(content, dict) else ():
        kind = _BODY_TYPES.get(str(media_type).split(";")[0].strip().lower(), "json")
        parent = f"{name}_{kind}" if len(content) > 1 else name
        schema = media.get("schema") if isinstance(media, dict) else None
        yield ("requestBody", "content", str(media_type), "schema"), parent, "body", schema
    responses = operation.get("responses")
    for code, response in responses.items() if isinstance(responses, dict) else ():
        media_types = response.get("content") if isinstance(response, dict) and "$ref" not in response else None
        for media_type, media in media_types.items() if isinstance(media_types, dict) else ():
            schema = media.get("schema") if isinstance(media, dict) else None
            where = ("responses", str(code), "content", str(media_type), "schema")
            yield where, name, f"response_{str(code).lower()}", schema


def _visit(schema: Mapping[str, Any], parent: str, path: tuple[str, ...], taken: set[str], note: Note) -> None:
    for where, name, value in _properties(schema):
        _name(value, parent, name, (*path, *where), taken, note)


def _name(value: Any, parent: str, name: str, here: tuple[str, ...], taken: set[str], note: Note) -> None:
    """Retitle `value` (a property, body or response schema) when its class would be taken, then its own inline ones."""
    if isinstance(value, dict) and value.get("type") == "array" and isinstance(value.get("items"), dict):
        value, name, here = value["items"], f"{name}_item", (*here, "items")  # openapi-python-client's name
    if not _is_named_inline(value):
        return
    title = value.get("title") if isinstance(value.get("title"), str) and value.get("title") else name
    named = _class(parent, title)
    if named in taken:
        number = 2
        while _class(parent, f"{title} {number}") in taken:
            number += 1
        value["title"] = f"{title} {number}"
        named = _class(parent, value["title"])
        note((*here, "title"), f"inline model named like a component: {named}")
    _visit(value, named, here, taken, note)

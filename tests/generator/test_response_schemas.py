"""generator/response_schemas.py: any OpenAPI 3.0/3.1 document in, each operation's JSON success schemas
out, compacted for the runtime's checker (3.0 quirks normalized, annotations dropped, refs shared)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.registry import load_registry
from generator.response_schemas import is_json_media_type, response_schemas
from generator.runtime.shapes._schema_check import SchemaCompiler
from generator.spec_check import load_spec
from generator.spec_walk import HTTP_METHODS, follow_ref


def document(
    schema: Any,
    *,
    openapi: str = "3.0.3",
    status: str = "200",
    media: str = "application/json",
    components: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "openapi": openapi,
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/thing": {
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        status: {"description": "ok", "content": {media: {"schema": schema}}},
                        "404": {"description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}},
                    },
                }
            }
        },
        "components": {"schemas": components or {}},
    }


def compact(schema: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    result = response_schemas(document(schema, **kwargs), HTTP_METHODS)
    return result.by_operation["get", "/thing"].get(kwargs.get("status", "200")), dict(result.definitions)


@pytest.mark.parametrize(
    ("schema", "openapi", "expected"),
    [
        ({"type": "string", "description": "d", "example": "x", "title": "t"}, "3.0.3", {"type": "string"}),
        ({"type": "string", "nullable": True}, "3.0.3", {"type": "string", "nullable": True}),
        ({"type": ["string", "null"]}, "3.1.0", {"type": ["string", "null"]}),
        (
            {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            "3.0.3",
            {"type": "integer", "exclusiveMinimum": 0},
        ),
        ({"type": "integer", "exclusiveMaximum": 5}, "3.1.0", {"type": "integer", "exclusiveMaximum": 5}),
        ({"type": "string", "format": "email"}, "3.0.3", {"type": "string"}),
        ({"type": "string", "format": "date-time"}, "3.0.3", {"type": "string", "format": "date-time"}),
        ({"type": "string", "pattern": "(?<=a"}, "3.0.3", {"type": "string"}),
        (
            {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8},
            "3.0.3",
            {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"},
        ),
        (
            {"type": "object", "required": ["a", "secret"], "properties": {"a": {}, "secret": {"writeOnly": True}}},
            "3.0.3",
            {"type": "object", "properties": {"a": {}, "secret": {}}, "required": ["a"]},
        ),
        ({"type": "object", "additionalProperties": True}, "3.0.3", {"type": "object"}),
        ({"type": "object", "additionalProperties": False}, "3.0.3", {"type": "object", "additionalProperties": False}),
        (
            {"oneOf": [{"type": "string"}, True], "discriminator": {"propertyName": "k"}},
            "3.1.0",
            {"oneOf": [{"type": "string"}, True]},
        ),
    ],
)
def test_schemas_keep_only_what_the_checker_enforces(schema: Any, openapi: str, expected: Any) -> None:
    """Annotations go, 3.0's nullable and boolean exclusive bounds are normalized, unchecked formats, patterns
    Python cannot compile and writeOnly fields' required-ness are dropped."""
    assert compact(schema, openapi=openapi)[0] == expected


def test_refs_become_shared_definitions_and_recursion_ends() -> None:
    """A local $ref is kept by its pointer and its target emitted once, even when it refers to itself."""
    node = {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
    }
    schema, definitions = compact({"$ref": "#/components/schemas/Node"}, components={"Node": node})
    assert schema == {"$ref": "#/components/schemas/Node"}
    assert list(definitions) == ["#/components/schemas/Node"]
    check = SchemaCompiler(definitions).compile(schema)
    assert check({"children": [{"children": []}]}) is None
    mismatch = check({"children": [{"children": 1}]})
    assert mismatch is not None and mismatch.pointer == "/children/0/children"


@pytest.mark.parametrize(
    ("openapi", "expected"),
    [
        ("3.0.3", {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": True}),  # other siblings ignored
        ("3.1.0", {"allOf": [{"$ref": "#/components/schemas/A"}, {"maxProperties": 2}]}),
    ],
)
def test_ref_siblings_follow_the_openapi_version(openapi: str, expected: Any) -> None:
    """3.0 ignores $ref siblings except the common nullable; 3.1 applies them (an allOf)."""
    sibling = {"nullable": True} if openapi == "3.0.3" else {"maxProperties": 2}
    schema = {"$ref": "#/components/schemas/A", **sibling, "description": "x"}
    assert compact(schema, openapi=openapi, components={"A": {"type": "object"}})[0] == expected


def test_an_unresolvable_ref_accepts_anything() -> None:
    """A $ref into another file is not followed: the body there is not checked rather than wrongly rejected."""
    schema, definitions = compact({"$ref": "other.yaml#/Thing"})
    assert (schema, definitions) == ({}, {})


@pytest.mark.parametrize(
    ("status", "media", "checked"),
    [
        ("200", "application/json", True),
        ("2XX", "application/problem+json", True),
        ("201", "application/json; charset=utf-8", True),
        ("200", "application/octet-stream", False),
        ("200", "text/plain", False),
        ("default", "application/json", False),
    ],
)
def test_only_json_success_bodies_get_a_schema(status: str, media: str, checked: bool) -> None:
    """2xx/3xx statuses and ranges with a JSON media type are checked; binary, text, errors and default are not."""
    result = response_schemas(document({"type": "object"}, status=status, media=media), HTTP_METHODS)
    assert (status in result.by_operation["get", "/thing"]) is checked
    assert "404" not in result.by_operation["get", "/thing"]


def test_response_refs_are_followed() -> None:
    """A response given as $ref to components/responses is read through."""
    doc = document({"type": "object"})
    doc["components"]["responses"] = {
        "Thing": {"description": "t", "content": {"application/json": {"schema": {"type": "integer"}}}}
    }
    doc["paths"]["/thing"]["get"]["responses"]["200"] = {"$ref": "#/components/responses/Thing"}
    assert response_schemas(doc, HTTP_METHODS).by_operation["get", "/thing"] == {"200": {"type": "integer"}}


def test_json_media_types() -> None:
    """JSON is application/json or a +json suffix, parameters ignored."""
    assert is_json_media_type("application/vnd.api+json; charset=utf-8")
    assert not is_json_media_type("text/json-ish")


def _success_examples(doc: dict[str, Any]) -> list[tuple[str, str, str, object]]:
    """(method, path, status, example) for every example of every JSON success response in `doc`."""
    found = []
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = (item or {}).get(method) or {}
            for status, raw in (operation.get("responses") or {}).items():
                response = follow_ref(doc, raw)
                for media_type, media in (response.get("content") or {}).items():
                    if not is_json_media_type(media_type):
                        continue
                    values = [media["example"]] if "example" in media else []
                    values += [
                        example["value"] for example in (media.get("examples") or {}).values() if "value" in example
                    ]
                    found += [(method, path, str(status), value) for value in values]
    return found


@pytest.mark.parametrize("name", sorted(load_registry()))
def test_every_success_example_in_our_specs_matches_its_schema(name: str) -> None:
    """Prism serves the spec's examples, so each example of a JSON success body must pass its own schema."""
    entry = load_registry()[name]
    doc = load_spec(entry.spec)
    schemas = response_schemas(doc, HTTP_METHODS)
    compiler = SchemaCompiler(schemas.definitions)
    examples = _success_examples(doc)
    assert examples
    for method, path, status, example in examples:
        schema = schemas.by_operation[method, path].get(status)
        if schema is None:
            continue
        mismatch = compiler.compile(schema)(example)
        assert mismatch is None, f"{entry.spec.name} {method.upper()} {path} {status}: {mismatch}"

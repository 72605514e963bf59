"""generator/normalize_shapes.py: valid shapes openapi-python-client drops become the nearest shape it generates."""

from __future__ import annotations

from typing import Any

from generator.normalize import normalise


def rules(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(note.pointer, note.rule) for note in normalise(document, file="s.json").notes]


def doc(**extra: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, **extra}


def test_operation_without_responses_gets_an_undocumented_success() -> None:
    """OpenAPI 3.1 makes `responses` optional; the operation is generated with a 2XX that returns None."""
    document = doc(paths={"/a": {"get": {"operationId": "a"}}})
    result = normalise(document, file="s.json")
    assert list(result.document["paths"]["/a"]["get"]["responses"]) == ["2XX"]
    assert rules(document) == [("/paths/~1a/get/responses", "responses-missing")]


def test_document_without_paths_gets_empty_paths() -> None:
    """A webhooks-only 3.1 document generates a package with no operations instead of being refused."""
    document = doc()
    del document["paths"]
    assert normalise(document, file="s.json").document["paths"] == {}


def test_array_without_items_holds_any_value_and_a_property_named_like_a_keyword_is_still_a_schema() -> None:
    """`type: array` without items gets `items: {}`; a property called `default` is a schema, not data."""
    schema = {"type": "object", "properties": {"default": {"type": "array"}, "tags": {"type": "array"}}}
    result = normalise(doc(components={"schemas": {"A": schema}}), file="s.json")
    properties = result.document["components"]["schemas"]["A"]["properties"]
    assert properties["default"]["items"] == properties["tags"]["items"] == {}


def test_enums_python_cannot_hold_are_typed_by_their_schema() -> None:
    """`[true, false]` becomes a boolean and `[1, "a"]` loses its enum; string and integer enums stay."""
    schemas = {
        "B": {"enum": [True, False]},
        "M": {"type": "string", "enum": [1, "a"]},
        "S": {"type": "string", "enum": ["a"]},
        "I": {"type": "integer", "enum": [1, 2]},
    }
    result = normalise(doc(components={"schemas": schemas}), file="s.json").document["components"]["schemas"]
    assert result["B"] == {"type": "boolean"}
    assert result["M"] == {"type": "string"}
    assert result["S"]["enum"] == ["a"] and result["I"]["enum"] == [1, 2]


def test_array_header_parameter_is_a_string_and_path_parameter_defaults_are_dropped() -> None:
    """Array headers (refused upstream) are strings; a path parameter's default (a syntax error) is dropped."""
    parameters = [
        {"name": "X-Tags", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "default": "x"}},
    ]
    document = doc(
        paths={
            "/a/{slug}": {
                "get": {"operationId": "getA", "parameters": parameters, "responses": {"200": {"description": "ok"}}}
            }
        }
    )
    result = normalise(document, file="s.json").document["paths"]["/a/{slug}"]["get"]["parameters"]
    assert result[0]["schema"] == {"type": "string"}
    assert result[1]["schema"] == {"type": "string"}
    assert [rule for _, rule in rules(document)] == ["structured-header", "path-parameter-default"]


def test_sibling_inline_models_sharing_a_title_are_named_by_their_properties() -> None:
    """`_links: {html: {title: Link}, self: {title: Link}}` would both be `<Parent>Link`: the titles go."""
    link = {"type": "object", "title": "Link", "properties": {"href": {"type": "string"}}}
    schema = {"type": "object", "properties": {"html": dict(link), "self": dict(link), "other": {"title": "Solo"}}}
    result = normalise(doc(components={"schemas": {"Links": schema}}), file="s.json")
    properties = result.document["components"]["schemas"]["Links"]["properties"]
    assert "title" not in properties["html"] and "title" not in properties["self"]
    assert properties["other"]["title"] == "Solo"


def test_boolean_property_schemas_are_an_any_value_or_left_out() -> None:
    """A property schema `true` accepts anything; `false` can never be present: it leaves the model and `required`.

    openapi-python-client refuses the whole document over either (vercel.com's spec has `properties:
    {additionalProperties: false}`).
    """
    schema = {
        "type": "object",
        "required": ["a", "gone", "listed"],
        "properties": {"a": True, "gone": False, "b": {"type": "string"}},
    }
    document = doc(components={"schemas": {"A": schema}})
    result = normalise(document, file="s.json").document["components"]["schemas"]["A"]
    assert result["properties"] == {"a": {}, "b": {"type": "string"}}
    assert result["required"] == ["a", "listed"]  # a name without a property stays: JSON Schema allows it
    assert rules(document) == [
        ("/components/schemas/A/properties/a", "boolean-schema"),
        ("/components/schemas/A/properties/gone", "boolean-schema"),
    ]


def test_a_union_member_referring_back_to_its_union_reads_the_reference_as_any_value() -> None:
    """`V = string | number | list[V]` (vercel.com's EdgeConfigItemValue): openapi-python-client refuses the schema
    ("Invalid property in union"), so the inner reference becomes `{}`; other references stay."""
    recursive = {"type": "array", "items": {"$ref": "#/components/schemas/V"}}
    other = {"type": "array", "items": {"$ref": "#/components/schemas/W"}}
    schemas = {"V": {"oneOf": [{"type": "string"}, recursive, other]}, "W": {"type": "string"}}
    document = doc(components={"schemas": schemas})
    result = normalise(document, file="s.json").document["components"]["schemas"]["V"]["oneOf"]
    assert result[1] == {"type": "array", "items": {}}
    assert result[2] == other
    assert rules(document) == [("/components/schemas/V/oneOf/1/items", "recursive-union")]


def test_bodies_of_one_operation_sharing_a_title_but_differing_get_numbered_titles() -> None:
    """slack.com titles both the 200 and the default response of conversations.invite alike: openapi-python-client
    names both models after operation + title and drops the second as a duplicate; the same schema again keeps it."""
    ok = {"type": "object", "title": "invite schema", "properties": {"ok": {"type": "boolean"}}}
    error = {"type": "object", "title": "invite schema", "properties": {"error": {"type": "string"}}}
    responses = {
        "200": {"description": "ok", "content": {"application/json": {"schema": ok}}},
        "201": {"description": "ok", "content": {"application/json": {"schema": dict(ok)}}},
        "default": {"description": "error", "content": {"application/json": {"schema": error}}},
    }
    document = doc(paths={"/invite": {"post": {"operationId": "invite", "responses": responses}}})
    result = normalise(document, file="s.json").document["paths"]["/invite"]["post"]["responses"]
    titles = [result[code]["content"]["application/json"]["schema"]["title"] for code in ("200", "201", "default")]
    assert titles == ["invite schema", "invite schema", "invite schema 2"]
    assert rules(document) == [
        ("/paths/~1invite/post/responses/default/content/application~1json/schema/title", "model-name-collision")
    ]


def test_members_that_only_annotate_a_reference_move_onto_the_schema() -> None:
    """allOf [ref, {description}] is the ref with the description; a member that constrains is left to the next rule;
    a component that would be another object model alone keeps its allOf (openapi-python-client's copy)."""
    described = {"description": "d", "x-note": 1}
    pet = {"$ref": "#/components/schemas/Pet"}
    schemas = {
        "Names": {"type": "array", "items": {"type": "string"}},
        "Pet": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "A": {"allOf": [{"$ref": "#/components/schemas/Names"}, described]},
        "B": {"allOf": [pet, described]},
        "C": {"allOf": [{"$ref": "#/components/schemas/Names"}, described, {"maxItems": 3}]},
        "D": {"type": "object", "properties": {"pet": {"allOf": [pet, described]}}},
    }
    document = doc(components={"schemas": schemas})
    result = normalise(document, file="s.json").document["components"]["schemas"]
    assert result["A"] == {"allOf": [{"$ref": "#/components/schemas/Names"}], "description": "d", "x-note": 1}
    assert result["B"] == schemas["B"]
    # a member that constrains is no annotation: C is the array with the constraint added (the rule after this one)
    assert result["C"] == {"type": "array", "items": {"type": "string"}, "maxItems": 3, "description": "d", "x-note": 1}
    assert result["D"]["properties"]["pet"] == {"allOf": [pet], "description": "d", "x-note": 1}
    assert rules(document) == [
        ("/components/schemas/A/allOf", "allof-annotation"),
        ("/components/schemas/D/properties/pet/allOf", "allof-annotation"),
        ("/components/schemas/C/allOf", "allof-constraint"),
    ]


def test_an_allof_of_one_reference_gets_the_schemas_own_properties_as_a_second_member() -> None:
    """allOf [ref] beside `properties` becomes allOf [ref, {properties}]; `required` stays on the schema."""
    ref = {"$ref": "#/components/schemas/Resource"}
    schemas = {
        "Resource": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Group": {"allOf": [ref], "required": ["size"], "properties": {"size": {"type": "integer"}}},
    }
    document = doc(components={"schemas": schemas})
    result = normalise(document, file="s.json").document["components"]["schemas"]["Group"]
    own = {"type": "object", "properties": {"size": {"type": "integer"}}}
    assert result == {"allOf": [ref, own], "required": ["size"]}
    assert rules(document) == [("/components/schemas/Group/allOf", "allof-properties")]


def test_defaults_the_schema_cannot_hold_are_dropped_and_the_others_kept() -> None:
    """Not an enum value, not an ISO date or date-time: dropped; a fitting one (or a plain string) is kept."""
    schemas = {
        "A": {"type": "string", "enum": ["true", "false"], "default": True},
        "B": {"type": "string", "format": "date", "default": ""},
        "C": {"type": "string", "format": "date-time", "default": "now"},
        "D": {"type": "string", "format": "date", "default": "2024-01-31"},
        "E": {"type": "string", "enum": ["a"], "default": "a"},
        "F": {"type": "string", "default": ""},
        "G": {"type": "string", "format": "uuid", "default": "all"},
        "H": {"type": "string", "format": "uuid", "default": "6f1c8e52-0f0a-4bd5-9d1e-3b0c6a0e6f11"},
    }
    document = doc(components={"schemas": schemas})
    result = normalise(document, file="s.json").document["components"]["schemas"]
    assert [key for key in schemas if "default" in result[key]] == ["D", "E", "F", "H"]
    assert rules(document) == [(f"/components/schemas/{key}/default", "default-unfit") for key in "ABCG"]


def test_a_reference_to_a_scalar_with_constraints_becomes_the_scalar_with_them() -> None:
    """allOf [string ref, {pattern, description}] is the string with the pattern, the member's description first;
    a keyword given twice, an object reference or an enum keep the allOf as it was."""
    schemas: dict[str, Any] = {
        "Str": {"type": "string", "description": "any text", "maxLength": 9},
        "Kind": {"type": "string", "enum": ["a"]},
        "A": {"allOf": [{"$ref": "#/components/schemas/Str"}, {"pattern": "^a", "description": "an a"}]},
        "B": {"allOf": [{"$ref": "#/components/schemas/Str"}, {"maxLength": 3}]},
        "C": {"allOf": [{"$ref": "#/components/schemas/Kind"}, {"minLength": 1}]},
    }
    document = doc(components={"schemas": schemas})
    result = normalise(document, file="s.json").document["components"]["schemas"]
    assert result["A"] == {"type": "string", "maxLength": 9, "pattern": "^a", "description": "an a"}
    assert result["B"] == schemas["B"] and result["C"] == schemas["C"]
    assert rules(document) == [("/components/schemas/A/allOf", "allof-constraint")]

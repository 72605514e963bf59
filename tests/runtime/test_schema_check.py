"""The response-schema compiler (`_schema_check.py`, `_schema_steps.py`, `_schema_formats.py`): every keyword
accepts what JSON Schema accepts and reports the first mismatch with its JSON pointer and both sides."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime.shapes._schema_check import Mismatch, SchemaCompiler, describe


def first_mismatch(schema: Any, value: object, definitions: dict[str, Any] | None = None) -> Mismatch | None:
    return SchemaCompiler(definitions or {}).compile(schema)(value)


# (schema, a value it accepts, a value it rejects, the pointer, what is expected, what came)
KEYWORD_CASES: list[tuple[str, Any, object, object, str, str, str]] = [
    ("integer", {"type": "integer"}, 3, "three", "", "integer", "string 'three'"),
    ("integer, not bool", {"type": "integer"}, 3.0, True, "", "integer", "boolean true"),
    ("number", {"type": "number"}, 1.5, "1.5", "", "number", "string '1.5'"),
    ("string", {"type": "string"}, "x", 12345, "", "string", "integer 12345"),
    ("boolean", {"type": "boolean"}, False, 0, "", "boolean", "integer 0"),
    ("array", {"type": "array"}, [], "llama", "", "array", "string 'llama'"),
    ("object", {"type": "object"}, {}, [1], "", "object", "array of 1 item"),
    ("3.1 type list", {"type": ["string", "null"]}, None, 1, "", "string or null", "integer 1"),
    ("3.0 nullable", {"type": "string", "nullable": True}, None, 2, "", "string", "integer 2"),
    ("nullable enum", {"type": "string", "enum": ["a"], "nullable": True}, None, "b", "", '"a"', "string 'b'"),
    ("enum", {"enum": ["active", "expired"]}, "active", "gone", "", 'one of "active", "expired"', "string 'gone'"),
    ("enum: 1 is not true", {"enum": [1, "x"]}, 1.0, True, "", 'one of 1, "x"', "boolean true"),
    ("const", {"const": "ok"}, "ok", "OK", "", '"ok"', "string 'OK'"),
    ("minLength", {"minLength": 2}, "ab", "a", "", "a string of at least 2 characters", "string 'a'"),
    ("maxLength", {"maxLength": 3}, "abc", "abcd", "", "a string of at most 3 characters", "4 characters"),
    ("pattern", {"pattern": "^[A-Z]{3}$"}, "EUR", "eur", "", "a string matching '^[A-Z]{3}$'", "string 'eur'"),
    ("date-time", {"format": "date-time"}, "2024-05-01T12:00:00Z", "2024-05-01", "", "a date-time", "string"),
    ("date-time offset", {"format": "date-time"}, "2024-05-01T12:00:00.5+02:00", "2024-05-01T12:00:00", "", "", ""),
    ("date-time calendar", {"format": "date-time"}, "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "", "", ""),
    ("date", {"format": "date"}, "2024-05-01", "2024-13-01", "", "a date (YYYY-MM-DD)", "string '2024-13-01'"),
    ("uuid", {"format": "uuid"}, "497f6eca-6276-4993-bfeb-53cbbbba6f08", "not-a-uuid", "", "a UUID", "string"),
    ("unchecked format", {"format": "email"}, "anything", None, "", "", ""),
    ("minimum", {"minimum": 0}, 0, -1, "", "a number >= 0", "integer -1"),
    ("maximum", {"maximum": 10}, 10, 10.5, "", "a number <= 10", "number 10.5"),
    ("exclusiveMinimum", {"exclusiveMinimum": 0}, 0.1, 0, "", "a number > 0", "integer 0"),
    ("exclusiveMaximum", {"exclusiveMaximum": 1}, 0.9, 1, "", "a number < 1", "integer 1"),
    ("multipleOf", {"multipleOf": 0.5}, 1.5, 1.2, "", "a multiple of 0.5", "number 1.2"),
    ("multipleOf in decimal", {"multipleOf": 0.1}, 0.3, 0.35, "", "a multiple of 0.1", "number 0.35"),
    ("required", {"required": ["license_key"]}, {"license_key": "k"}, {}, "/license_key", "a value", "nothing"),
    (
        "property",
        {"properties": {"max_clients": {"type": "integer"}}},
        {"max_clients": 3, "other": "x"},
        {"max_clients": "three"},
        "/max_clients",
        "integer",
        "string 'three'",
    ),
    (
        "additionalProperties false",
        {"properties": {"a": {}}, "additionalProperties": False},
        {"a": 1},
        {"a": 1, "b": 2},
        "/b",
        "no such field",
        "integer 2",
    ),
    (
        "additionalProperties schema",
        {"additionalProperties": {"type": "integer"}},
        {"x": 1},
        {"x": "1"},
        "/x",
        "integer",
        "string '1'",
    ),
    (
        "patternProperties",
        {"patternProperties": {"^n_": {"type": "number"}}, "additionalProperties": False},
        {"n_a": 1},
        {"n_a": "1"},
        "/n_a",
        "number",
        "string '1'",
    ),
    ("minProperties", {"minProperties": 1}, {"a": 1}, {}, "", "an object with at least 1 fields", "0 fields"),
    ("maxProperties", {"maxProperties": 1}, {"a": 1}, {"a": 1, "b": 2}, "", "at most 1 fields", "2 fields"),
    ("items", {"items": {"type": "string"}}, ["llama"], ["a", 3], "/1", "string", "integer 3"),
    ("prefixItems", {"prefixItems": [{"type": "integer"}]}, [1, "x"], ["x"], "/0", "integer", "string 'x'"),
    ("minItems", {"minItems": 1}, [1], [], "", "an array of at least 1 items", "array of 0 items"),
    ("maxItems", {"maxItems": 1}, [1], [1, 2], "", "an array of at most 1 items", "array of 2 items"),
    ("uniqueItems", {"uniqueItems": True}, [1, "1", True], [{"a": 1}, {"a": 1}], "/1", "uniqueItems", "a repeat"),
    ("allOf", {"allOf": [{"type": "integer"}, {"minimum": 1}]}, 1, 0, "", "a number >= 1", "integer 0"),
    ("anyOf", {"anyOf": [{"type": "integer"}, {"type": "string"}]}, "x", None, "", "integer or string", "null"),
    (
        "anyOf reports the deepest branch",
        {"anyOf": [{"type": "string"}, {"properties": {"id": {"type": "integer"}}, "type": "object"}]},
        {"id": 1},
        {"id": "1"},
        "/id",
        "integer",
        "string '1'",
    ),
    ("oneOf none", {"oneOf": [{"type": "integer"}, {"type": "string"}]}, 1, [], "", "integer or string", "array"),
    ("oneOf two", {"oneOf": [{"type": "number"}, {"type": "integer"}]}, 1.5, 1, "", "exactly one of 2", "2 matches"),
    ("not", {"not": {"type": "null"}}, 0, None, "", "a value the 'not' schema rejects", "null"),
    ("false schema", {"properties": {"x": False}}, {}, {"x": 1}, "/x", "nothing", "integer 1"),
    ("pointer escapes", {"properties": {"a/b~c": {"type": "integer"}}}, {}, {"a/b~c": ""}, "/a~1b~0c", "integer", ""),
]


@pytest.mark.parametrize(
    ("schema", "good", "bad", "pointer", "expected", "actual"),
    [case[1:] for case in KEYWORD_CASES],
    ids=[case[0] for case in KEYWORD_CASES],
)
def test_each_keyword_accepts_and_rejects(
    schema: Any, good: object, bad: object, pointer: str, expected: str, actual: str
) -> None:
    """Each keyword passes a value that satisfies it and names the first bad value's pointer, expected and actual."""
    assert first_mismatch(schema, good) is None
    mismatch = first_mismatch(schema, bad)
    if not expected:  # a case that only states acceptance (the rejected value is also checked, below)
        if bad is not None:
            assert mismatch is not None
        return
    assert mismatch is not None
    assert mismatch.pointer == pointer
    assert expected in mismatch.expected
    assert actual in mismatch.actual
    assert mismatch.reason == f"expected {mismatch.expected}, got {mismatch.actual}"


def test_keywords_of_other_types_ignore_a_value() -> None:
    """Without ``type``, string, number, object and array keywords pass values of other JSON types (JSON Schema)."""
    schema = {"minLength": 5, "format": "uuid", "minimum": 3, "required": ["a"], "minItems": 2}
    for value in (None, True, {"a": 1}, [1, 2], 3, "497f6eca-6276-4993-bfeb-53cbbbba6f08"):
        assert first_mismatch(schema, value) is None
    for value in ("x", 1, {}, [1]):
        assert first_mismatch(schema, value) is not None


def test_the_first_bad_field_in_body_order_is_reported() -> None:
    """With several bad fields, the pointer names the first one in the body; nested paths are joined."""
    schema = {
        "type": "object",
        "properties": {
            "license": {
                "type": "object",
                "properties": {
                    "max_clients": {"type": "integer"},
                    "allowed_models": {"type": "array", "items": {"type": "string"}},
                    "license_key": {"type": "string"},
                },
            }
        },
    }
    body = {"license": {"allowed_models": ["a", 1], "max_clients": "three", "license_key": 12345}}
    mismatch = first_mismatch(schema, body)
    assert mismatch is not None
    assert (mismatch.pointer, mismatch.reason) == ("/license/allowed_models/1", "expected string, got integer 1")


def test_recursive_definitions_compile_once_and_check_every_level() -> None:
    """A schema that refers to itself (a tree) compiles, and a bad value three levels down is found."""
    definitions = {
        "#/components/schemas/Node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        }
    }
    tree = {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": [{"name": 4}]}]}]}
    mismatch = first_mismatch({"$ref": "#/components/schemas/Node"}, tree, definitions)
    assert mismatch is not None
    assert mismatch.pointer == "/children/0/children/0/children/0/name"
    tree["children"][0]["children"][0]["children"][0]["name"] = "d"  # type: ignore[index]
    assert first_mismatch({"$ref": "#/components/schemas/Node"}, tree, definitions) is None


def test_nullable_ref_and_free_form_objects() -> None:
    """A nullable $ref passes null; free-form objects and empty schemas pass anything."""
    definitions = {"#/a": {"type": "object"}}
    assert first_mismatch({"allOf": [{"$ref": "#/a"}], "nullable": True}, None, definitions) is None
    assert first_mismatch({"$ref": "#/a", "nullable": True}, None, definitions) is None
    assert first_mismatch({"$ref": "#/a"}, None, definitions) is not None
    for value in ({"any": [1, {"x": None}]}, [], "s", None):
        assert first_mismatch({}, value) is None
    assert first_mismatch({"type": "object", "additionalProperties": True}, {"k": object()}) is None


def test_an_unknown_ref_is_a_compile_error() -> None:
    """A $ref to a definition the generator did not emit fails at compile time, not silently per call."""
    with pytest.raises(KeyError):
        SchemaCompiler({}).compile({"$ref": "#/missing"})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (False, "boolean false"),
        (7, "integer 7"),
        (0.25, "number 0.25"),
        ("x" * 100, "string 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"),
        ([1, 2], "array of 2 items"),
        ({}, "object"),
    ],
)
def test_describe_names_the_json_type_and_short_scalars(value: object, text: str) -> None:
    """Messages show the JSON type and a scalar's value, long strings cut to a few dozen characters."""
    assert describe(value) == text


# The oracle: jsonschema's Draft 2020-12 validator, on schemas of the compact dialect (no formats: jsonschema
# does not assert them by default).
ORACLE_SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 0}}},
    {"type": "array", "items": {"type": ["string", "null"], "maxLength": 3}, "maxItems": 3},
    {"anyOf": [{"type": "integer"}, {"type": "object", "additionalProperties": False}]},
    {"oneOf": [{"type": "number", "multipleOf": 2}, {"type": "integer", "minimum": 5}]},
    {"enum": [1, "a", None, True, [1]]},
    {"type": "object", "properties": {"a": {"enum": ["x", "y"]}}, "additionalProperties": {"type": "boolean"}},
    {"not": {"type": "string"}, "uniqueItems": True},
]
# Floats are quarters (exact in binary): multipleOf allows a 1e-9 rounding tolerance that jsonschema does not
# (4.000000000000001 is "a multiple of 2" here, as a JSON 0.3 is of 0.1), and the oracle must not judge that.
JSON_FLOATS = st.integers(-40, 40).map(lambda quarters: quarters / 4)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | JSON_FLOATS | st.text(max_size=4),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(["id", "a", "b"]), children),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(schema=st.sampled_from(ORACLE_SCHEMAS), value=JSON_VALUES)
def test_accepts_exactly_what_jsonschema_accepts(schema: dict[str, Any], value: object) -> None:
    """On any JSON value, the compiled check and jsonschema agree on valid or not."""
    expected_valid = jsonschema.Draft202012Validator(schema).is_valid(value)
    assert (first_mismatch(schema, value) is None) == expected_valid


# Fields and items whose schema is a type only pass without a call (`type_only`); every other value still
# goes through the check: the outcome must be the general path's for any value.
_TYPED_OBJECT = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "price": {"type": "number"},
        "flag": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "codes": {"type": "array", "items": {"type": ["integer", "null"]}, "uniqueItems": True},
        "short": {"type": "string", "maxLength": 2},
    },
    "additionalProperties": {"type": "integer"},
}
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(-3, 3)
    | st.sampled_from([1.0, 2.0])
    | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=8,
)
_FIELDS = st.sampled_from(["id", "name", "price", "flag", "tags", "codes", "short", "other"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_FIELDS, _JSON_VALUES, max_size=6))
def test_type_only_fields_and_items_pass_as_the_general_path_says(value: dict[str, Any]) -> None:
    import runtime.shapes._schema_check as compiler_module

    fast = SchemaCompiler({}).compile(_TYPED_OBJECT)
    original = compiler_module.type_only
    compiler_module.type_only = lambda check: None  # the general path: every value through its check
    try:
        general = SchemaCompiler({}).compile(_TYPED_OBJECT)
    finally:
        compiler_module.type_only = original
    assert fast(value) == general(value)
    assert fast(value) == SchemaCompiler({}).compile(_TYPED_OBJECT)(value)


def test_a_type_only_check_is_known_and_nothing_else_is() -> None:
    from runtime.shapes._schema_steps import type_only, type_step

    assert type_only(type_step(["integer"])) == frozenset({int})
    assert type_only(type_step(["integer", "number"])) == frozenset({int, float})
    assert type_only(SchemaCompiler({}).compile({"type": "string", "maxLength": 2})) is None
    assert type_only(SchemaCompiler({}).compile({"type": "string", "nullable": True})) is None
    # a 3.0 float for an integer field, and a bool (not an int here), still reach the check
    check = SchemaCompiler({}).compile({"type": "object", "properties": {"n": {"type": "integer"}}})
    assert check({"n": 3.0}) is None
    mismatch = check({"n": True})
    assert mismatch is not None and (mismatch.pointer, mismatch.actual) == ("/n", "boolean true")
    items = SchemaCompiler({}).compile({"type": "array", "items": {"type": "string"}})
    assert items(["a", "b"]) is None
    mismatch = items(["a", 1, 2])
    assert mismatch is not None and mismatch.pointer == "/1"

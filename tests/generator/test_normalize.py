"""generator/normalize.py: valid specs openapi-python-client rejects or drops from become ones it generates whole.

Each rule is checked on a small inline document (pure functions, no generation), and once end to end: a
spec holding every construct that crashed or dropped operations generates, imports, and keeps the wire
values.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import attrs
import pytest

from generator.build import SpecRejected, build_into
from generator.normalize import normalise
from tests.generator.test_build import python_in, widget_entry, write_spec


def doc(**extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, **extra}


def ok(status: str = "200", **response: Any) -> dict[str, Any]:
    return {status: {"description": "ok", **response}}


def test_input_document_is_not_changed() -> None:
    """The pass works on a copy: the loaded spec other steps read stays as written."""
    document = doc(components={"schemas": {"E": {"type": "string", "enum": ["ASC", "asc"]}}})
    del document["info"]["version"]
    before = copy.deepcopy(document)
    normalise(document, file="s.yaml")
    assert document == before


def test_a_clean_document_comes_back_equal_with_no_notes() -> None:
    """Nothing to rewrite: the same document, no notes, no errors."""
    document = doc(components={"schemas": {"A": {"type": "object", "properties": {"x": {"type": "string"}}}}})
    result = normalise(document, file="s.yaml")
    assert (result.document, result.notes, result.errors) == (document, (), ())


def test_foreign_parameter_ref_becomes_a_component() -> None:
    """A $ref into another operation's parameters is copied into components.parameters, and both refer to it."""
    parameter = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    document = doc(
        paths={
            "/a": {"get": {"operationId": "a", "parameters": [parameter], "responses": ok()}},
            "/b": {
                "get": {"operationId": "b", "parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}], "responses": ok()}
            },
        }
    )
    result = normalise(document, file="s.yaml")
    ref = result.document["paths"]["/b"]["get"]["parameters"][0]["$ref"]
    assert ref == "#/components/parameters/paths_a_get_parameters_0"
    assert result.document["components"]["parameters"]["paths_a_get_parameters_0"] == parameter
    assert [(n.pointer, n.rule) for n in result.notes] == [("/paths/~1b/get/parameters/0", "foreign-ref")]


def test_a_percent_encoded_foreign_ref_resolves_like_the_plain_one() -> None:
    """A $ref is a URI fragment: `%7Bid%7D` is `{id}` (as DigitalOcean's spec writes it), not a missing target."""
    parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    document = doc(
        paths={
            "/keys/{id}": {
                "get": {"operationId": "a", "parameters": [parameter], "responses": ok()},
                "delete": {
                    "operationId": "b",
                    "parameters": [{"$ref": "#/paths/~1keys~1%7Bid%7D/get/parameters/0"}],
                    "responses": ok(),
                },
            },
        }
    )
    result = normalise(document, file="s.yaml")
    assert result.errors == ()
    ref = result.document["paths"]["/keys/{id}"]["delete"]["parameters"][0]["$ref"]
    assert result.document["components"]["parameters"][ref.rpartition("/")[2]] == parameter


def test_foreign_response_and_deep_schema_refs_become_components_and_chains_resolve() -> None:
    """Refs into responses and deep into schemas land in their own sections; a foreign ref inside one is followed."""
    document = doc(
        paths={
            "/a": {
                "get": {
                    "operationId": "a",
                    "responses": ok(
                        content={"application/json": {"schema": {"$ref": "#/components/schemas/W/properties/inner"}}}
                    ),
                }
            },
            "/b": {"get": {"operationId": "b", "responses": {"200": {"$ref": "#/paths/~1a/get/responses/200"}}}},
        },
        components={
            "schemas": {
                "W": {
                    "type": "object",
                    "properties": {"inner": {"type": "object", "properties": {"n": {"type": "integer"}}}},
                }
            }
        },
    )
    result = normalise(document, file="s.yaml")
    components = result.document["components"]
    assert result.document["paths"]["/b"]["get"]["responses"]["200"] == {
        "$ref": "#/components/responses/paths_a_get_responses_200"
    }
    hoisted_response = components["responses"]["paths_a_get_responses_200"]
    assert hoisted_response["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/components_schemas_W_properties_inner"
    }
    assert components["schemas"]["components_schemas_W_properties_inner"]["properties"] == {"n": {"type": "integer"}}
    assert result.errors == ()


@pytest.mark.parametrize(
    ("ref", "rule"),
    [("#/components/schemas/Missing", "unresolved-ref"), ("other.yaml#/components/schemas/X", "external-ref")],
)
def test_refs_that_cannot_be_expressed_are_errors_with_their_pointer(ref: str, rule: str) -> None:
    """A dangling or external $ref is an error naming file, pointer and rule; nothing is silently dropped."""
    document = doc(paths={"/a": {"get": {"responses": ok(content={"application/json": {"schema": {"$ref": ref}}})}}})
    (error,) = normalise(document, file="s.yaml").errors
    assert str(error).startswith(f"s.yaml#/paths/~1a/get/responses/200/content/application~1json/schema: [{rule}]")


def test_colliding_enum_members_get_deterministic_varnames_and_keep_values() -> None:
    """`ASC`/`asc` and `GMT+0`/`GMT0` get numbered member names; the wire values stay as written."""
    document = doc(
        components={
            "schemas": {
                "Order": {"type": "string", "enum": ["ASC", "asc", "DESC"]},
                "Zone": {"type": "string", "enum": ["GMT+0", "GMT-0", "GMT0", None]},
                "Fine": {"type": "string", "enum": ["a", "b"]},
            }
        }
    )
    result = normalise(document, file="s.yaml")
    schemas = result.document["components"]["schemas"]
    assert schemas["Order"]["x-enum-varnames"] == ["ASC", "ASC_2", "DESC"]
    assert schemas["Order"]["enum"] == ["ASC", "asc", "DESC"]
    assert schemas["Zone"]["x-enum-varnames"] == ["GMT0", "GMT_0", "GMT0_2"]  # only the real clash is renamed
    assert schemas["Zone"]["enum"] == ["GMT+0", "GMT-0", "GMT0", None]
    assert "x-enum-varnames" not in schemas["Fine"]
    assert {n.pointer for n in result.notes} == {"/components/schemas/Order/enum", "/components/schemas/Zone/enum"}
    assert "'asc' → ASC_2" in next(n.message for n in result.notes if "Order" in n.pointer)


def test_repeated_enum_values_are_listed_once() -> None:
    """`enum: [a, a]` would emit one member twice; it is listed once, with a note."""
    document = doc(components={"schemas": {"E": {"type": "string", "enum": ["a", "a", "b"]}}})
    result = normalise(document, file="s.yaml")
    assert result.document["components"]["schemas"]["E"]["enum"] == ["a", "b"]
    assert [n.rule for n in result.notes] == ["enum-duplicate"]


def test_models_whose_class_names_collide_are_retitled_in_document_order() -> None:
    """`Foo_Bar`/`FooBar` and two equal titles: the first keeps its class name, the later ones get a number."""
    document = doc(
        components={
            "schemas": {
                "Foo_Bar": {"type": "object"},
                "FooBar": {"type": "object"},
                "One": {"type": "object", "title": "Thing"},
                "Two": {"type": "object", "title": "Thing"},
            }
        }
    )
    result = normalise(document, file="s.yaml")
    schemas = result.document["components"]["schemas"]
    assert "title" not in schemas["Foo_Bar"]
    assert schemas["FooBar"]["title"] == "FooBar2"
    assert schemas["One"]["title"] == "Thing"
    assert schemas["Two"]["title"] == "Thing2"
    assert [n.pointer for n in result.notes] == ["/components/schemas/FooBar", "/components/schemas/Two"]


@pytest.mark.parametrize(("version", "read_as"), [(None, ""), (1.0, "1.0"), (2, "2")])
def test_missing_or_non_string_info_version_is_read_as_a_string(version: object, read_as: str) -> None:
    """openapi-python-client's model requires info.version as a string; a missing one is read as ''."""
    document = doc()
    if version is None:
        del document["info"]["version"]
    else:
        document["info"]["version"] = version
    result = normalise(document, file="s.yaml")
    assert result.document["info"]["version"] == read_as
    assert [n.rule for n in result.notes] == ["info-version"]


def test_callback_given_as_ref_is_inlined() -> None:
    """A `callbacks` entry that is a $ref becomes the callback it points at."""
    callback = {"{$request.body#/url}": {"post": {"responses": ok()}}}
    operation = {"responses": ok(), "callbacks": {"done": {"$ref": "#/components/callbacks/Done"}}}
    document = doc(paths={"/a": {"post": operation}}, components={"callbacks": {"Done": callback}})
    result = normalise(document, file="s.yaml")
    assert result.document["paths"]["/a"]["post"]["callbacks"]["done"] == callback
    assert result.document["components"]["callbacks"]["Done"] == callback


def test_property_named_additional_properties_turns_off_the_extra_field() -> None:
    """A property whose Python name is `additional_properties` keeps that name; the model keeps no unknown fields."""
    schema = {
        "type": "object",
        "properties": {"additionalProperties": {"type": "string"}, "properties": {"type": "object"}},
    }
    result = normalise(doc(components={"schemas": {"A": schema}}), file="s.yaml")
    assert result.document["components"]["schemas"]["A"]["additionalProperties"] is False
    assert [n.pointer for n in result.notes] == ["/components/schemas/A/properties/additionalProperties"]


def test_skip_removes_the_operation_and_a_wrong_pointer_is_an_error() -> None:
    """`skip` drops exactly the listed operation, noted; a pointer that names no operation is an error."""
    operations = {
        "get": {"operationId": "getA", "responses": ok()},
        "post": {"operationId": "postA", "responses": ok()},
    }
    result = normalise(doc(paths={"/a": operations}), file="s.yaml", skip=["#/paths/~1a/post", "#/paths/~1nope/get"])
    assert list(result.document["paths"]["/a"]) == ["get"]
    assert [(n.pointer, n.rule) for n in result.notes] == [("/paths/~1a/post", "sdk-skip")]
    assert [str(e) for e in result.errors] == [
        "s.yaml#/paths/~1nope/get: [sdk-skip] skip names no operation or path of this spec"
    ]


# --- End to end: what crashed or dropped before now generates and imports -----------------------------

REAL_WORLD_SPEC = """
openapi: 3.0.3
info:
  title: Corner API
paths:
  /items:
    get:
      operationId: listItems
      tags: [items]
      parameters:
        - name: order
          in: query
          schema: {$ref: "#/components/schemas/Order"}
        - name: zone
          in: query
          schema: {type: string, enum: ["GMT+0", "GMT-0", "GMT0"]}
      responses:
        "200":
          description: Items.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
  /items/{id}:
    get:
      operationId: getItem
      tags: [items]
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
        - {$ref: "#/paths/~1items/get/parameters/0"}
      responses:
        "200": {$ref: "#/paths/~1items/get/responses/200"}
    post:
      operationId: notifyItem
      tags: [items]
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      callbacks:
        done: {$ref: "#/components/callbacks/Done"}
      responses:
        "204": {description: Accepted.}
components:
  callbacks:
    Done:
      "{$request.body#/url}":
        post:
          responses:
            "200": {description: ok}
  schemas:
    Order: {type: string, enum: [ASC, asc]}
    Item:
      type: object
      properties:
        additionalProperties: {type: string}
        name: {type: string}
        twin: {$ref: "#/components/schemas/item"}
    item:
      type: object
      properties:
        n: {type: integer}
"""


def test_a_spec_that_crashed_and_dropped_operations_now_generates_and_imports(tmp_path: Path) -> None:
    """Colliding enums and models, foreign refs, a $ref callback, no info.version, an `additionalProperties`
    property: every operation is generated, every module imports, and the wire values are the spec's."""
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, REAL_WORLD_SPEC)), project)  # refuses (SpecRejected) any warning
    result = python_in(
        project,
        """
        import importlib, pkgutil
        import widget_sdk
        for module in pkgutil.walk_packages(widget_sdk.__path__, "widget_sdk."):
            importlib.import_module(module.name)
        from widget_sdk.api.items import get_item, list_items, notify_item
        from widget_sdk.models.order import Order
        from widget_sdk.models.list_items_zone import ListItemsZone
        from widget_sdk.models.item import Item
        from widget_sdk.models.item_2 import Item2
        assert {m.name: m.value for m in Order} == {"ASC": "ASC", "ASC_2": "asc"}
        assert {m.name: m.value for m in ListItemsZone} == {"GMT0": "GMT+0", "GMT_0": "GMT-0", "GMT0_2": "GMT0"}
        item = Item.from_dict({"additionalProperties": "x", "name": "n", "twin": {"n": 1}})
        assert item.additional_properties == "x" and item.twin.n == 1
        assert item.to_dict() == {"additionalProperties": "x", "name": "n", "twin": {"n": 1}}
        from widget_sdk._runtime.client._encode import encode_request
        kwargs = encode_request(get_item.OPERATION, {"id": "7", "order": Order.ASC_2})
        assert kwargs["params"] == [("order", "asc")], kwargs
        print("ok")
        """,
    )
    assert result.returncode == 0, result.stderr
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "Where names differ from the spec" in readme
    assert "'asc' → ASC_2" in readme


def test_build_prints_each_skipped_operation_and_refuses_a_dangling_ref(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A skip in sdks.toml is printed by the build; an unresolvable $ref refuses the build naming its pointer."""
    spec = write_spec(tmp_path, REAL_WORLD_SPEC)
    entry = attrs.evolve(widget_entry(spec), skip=("#/paths/~1items~1{id}/post",))
    build_into(entry, tmp_path / "out")
    assert "skip spec.yaml#/paths/~1items~1{id}/post (listed in generator/sdks.toml)" in capsys.readouterr().out
    assert not (tmp_path / "out" / "widget_sdk" / "api" / "items" / "notify_item.py").exists()
    broken = write_spec(
        tmp_path / "broken", REAL_WORLD_SPEC.replace("#/components/schemas/item", "#/components/schemas/gone")
    )
    # a dangling $ref is the spec check's finding (spec_ref_check.py), before the normalisation runs
    with pytest.raises(
        SpecRejected, match=r"spec\.yaml#/components/schemas/Item/properties/twin/\$ref: \[invalid-ref\]"
    ):
        build_into(widget_entry(broken), tmp_path / "broken-out")


def test_operation_without_operation_id_is_named_from_method_and_path_and_noted() -> None:
    """An operation without operationId gets method + path words, numbered when taken, each noted in path order."""
    document = doc(
        paths={
            "/pets/{id}": {"get": {"responses": ok()}, "put": {"operationId": " ", "responses": ok()}},
            "/pets-id": {"get": {"responses": ok()}},
            "/other": {"get": {"operationId": "get_pets_id_2", "responses": ok()}},
        }
    )
    result = normalise(document, file="s.yaml")
    paths = result.document["paths"]
    assert paths["/pets/{id}"]["get"]["operationId"] == "get_pets_id"
    assert paths["/pets/{id}"]["put"]["operationId"] == "put_pets_id"
    assert paths["/pets-id"]["get"]["operationId"] == "get_pets_id_3"  # get_pets_id_2 is the spec's own
    assert [(n.pointer, n.rule) for n in result.notes] == [
        ("/paths/~1pets~1{id}/get", "operation-id"),
        ("/paths/~1pets~1{id}/put", "operation-id"),
        ("/paths/~1pets-id/get", "operation-id"),
    ]
    assert "operationId" not in document["paths"]["/pets/{id}"]["get"]  # the input is not changed


def test_build_names_an_operation_without_operation_id_and_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """build_into generates an operation without operationId under its derived name and prints the note."""
    spec = write_spec(
        tmp_path,
        """
openapi: 3.0.3
info: {title: Anonymous, version: "1"}
paths:
  /pets/{id}:
    get:
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
""",
    )
    project = tmp_path / "out"
    build_into(widget_entry(spec), project)
    assert "[operation-id] no operationId: named 'get_pets_id'" in capsys.readouterr().out
    assert (project / "widget_sdk" / "api" / "pets" / "get_pets_id.py").is_file()

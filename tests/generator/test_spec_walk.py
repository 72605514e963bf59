"""generator/spec_walk.py, the one spec reader: loading, local `$ref`s (loops included), operations, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.registry import load_registry
from generator.spec_findings import SpecError
from generator.spec_walk import (
    RefError,
    documented_errors,
    follow_ref,
    follow_ref_or,
    load,
    operations,
    ref_chain,
    ref_target,
    ws_protocol,
)

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/items/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {
                "operationId": "getItem",
                "responses": {
                    "200": {"$ref": "#/components/responses/Item"},
                    "404": {"$ref": "#/components/responses/Missing"},
                    "4XX": {"description": "a range is no documented status"},
                    "default": {"description": "neither is default"},
                },
            },
            "delete": {"operationId": "deleteItem", "responses": {"204": {"description": "gone"}}},
            "summary": "not an operation",
        },
        "/a~b/c": {"post": {"responses": {"500": {"description": "oops"}, "503": {"description": "busy"}}}},
    },
    "components": {
        "parameters": {"Id": {"name": "id", "in": "path"}},
        "responses": {
            "Item": {"$ref": "#/components/responses/ItemBody"},
            "ItemBody": {"description": "an item"},
            "Missing": {"description": "no such item"},
            "Loop": {"$ref": "#/components/responses/Pool"},
            "Pool": {"$ref": "#/components/responses/Loop"},
            "Broken": {"$ref": "#/components/responses/Nowhere"},
            "Elsewhere": {"$ref": "common.yaml#/Problem"},
        },
        "schemas": {"a/b": {"type": "string"}, "list": [{"type": "integer"}]},
    },
}


def responses() -> dict[str, Any]:
    return DOCUMENT["components"]["responses"]


def test_follow_ref_walks_a_chain_to_the_first_node_that_is_no_reference() -> None:
    assert follow_ref(DOCUMENT, {"$ref": "#/components/responses/Item"}) == {"description": "an item"}
    assert [*ref_chain(DOCUMENT, responses()["Item"])] == [responses()["Item"], responses()["ItemBody"]]


def test_a_node_without_a_reference_is_itself() -> None:
    node = {"type": "object"}
    assert follow_ref(DOCUMENT, node) is node
    assert follow_ref(DOCUMENT, None) is None


def test_pointer_tokens_are_unescaped_and_list_indexes_followed() -> None:
    assert ref_target(DOCUMENT, "#/components/schemas/a~1b") == {"type": "string"}
    assert ref_target(DOCUMENT, "#/components/schemas/list/0") == {"type": "integer"}


@pytest.mark.parametrize(
    ("name", "problem"),
    [("Loop", "refers to itself"), ("Broken", "does not resolve"), ("Elsewhere", "is not local")],
)
def test_a_bad_chain_is_a_ref_error_naming_the_ref(name: str, problem: str) -> None:
    """A loop ends (no endless walk); a missing target or another file's is named, never guessed at."""
    with pytest.raises(RefError, match=problem):
        follow_ref(DOCUMENT, responses()[name])
    assert follow_ref_or(DOCUMENT, responses()[name], {}) == {}


def test_a_chain_yields_what_it_reached_before_a_bad_link() -> None:
    reached: list[Any] = []
    with pytest.raises(RefError):
        reached.extend(ref_chain(DOCUMENT, {"$ref": "#/components/responses/Broken"}))
    assert reached == [{"$ref": "#/components/responses/Broken"}, responses()["Broken"]]


def test_operations_in_document_order_with_method_path_and_id() -> None:
    found = operations(DOCUMENT)
    assert [(op.method, op.path, op.operation_id) for op in found] == [
        ("get", "/items/{id}", "getItem"),
        ("delete", "/items/{id}", "deleteItem"),
        ("post", "/a~b/c", None),
    ]
    assert found[0].key == "GET /items/{id}"
    assert found[0].item["parameters"] == [{"$ref": "#/components/parameters/Id"}]


def test_operations_of_a_document_without_paths_or_with_odd_ones_are_none() -> None:
    assert operations({"openapi": "3.1.0"}) == []
    assert operations({"paths": ["/a"]}) == []
    assert operations({"paths": {"/a": None, "/b": {"get": "not an operation"}}}) == []


def test_a_path_item_given_as_a_ref_is_followed_and_a_broken_one_skipped() -> None:
    document = {
        "paths": {
            "/shared": {"$ref": "#/components/pathItems/Shared"},
            "/broken": {"$ref": "#/components/pathItems/Missing"},
        },
        "components": {"pathItems": {"Shared": {"get": {"operationId": "getShared"}}}},
    }
    found = operations(document)
    assert [(op.method, op.path, op.operation_id) for op in found] == [("get", "/shared", "getShared")]
    assert found[0].item == {"get": {"operationId": "getShared"}}


def test_documented_errors_are_the_numbered_4xx_and_5xx_statuses() -> None:
    found = [(op.operation_id, status) for op, status in documented_errors(DOCUMENT)]
    assert found == [("getItem", 404), (None, 500), (None, 503)]


def test_ws_protocol_is_the_info_extension_or_none() -> None:
    assert ws_protocol({"info": {"x-ws-protocol": {"discriminator": "type"}}}) == {"discriminator": "type"}
    assert ws_protocol({"info": {"title": "no protocol"}}) is None
    assert ws_protocol({"info": {"x-ws-protocol": "type"}}) is None


def test_load_reads_yaml_and_json_and_names_the_file_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("openapi: 3.1.0\npaths: {}\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"openapi": "3.0.3"}', encoding="utf-8")
    (tmp_path / "c.yaml").write_text("openapi: [3.1\n", encoding="utf-8")
    assert load(tmp_path / "a.yaml") == {"openapi": "3.1.0", "paths": {}}
    assert load(tmp_path / "b.json") == {"openapi": "3.0.3"}
    with pytest.raises(SpecError, match=r"c\.yaml#: \[yaml-syntax\]") as caught:
        load(tmp_path / "c.yaml")
    assert caught.value.findings[0].line is not None
    with pytest.raises(SpecError, match=r"gone\.yaml#: \[spec-file\]"):
        load(tmp_path / "gone.yaml")


def test_every_registered_spec_has_an_id_per_operation_and_its_refs_resolve() -> None:
    """The shipped specs read cleanly through the reader: what the generator, mocks and tests rely on."""
    for entry in load_registry().values():
        document = load(entry.spec)
        assert all(op.operation_id for op in operations(document)), entry.name
        for op in operations(document):
            for raw in (op.operation.get("responses") or {}).values():
                follow_ref(document, raw)

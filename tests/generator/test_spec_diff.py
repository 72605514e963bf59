"""generator/spec_diff.py: each kind of spec change, on small inline specs, classified for a client."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.spec_diff import SpecChange, diff_specs


def base_spec() -> dict[str, Any]:
    """A small API: one list, one create with a body, one read; a model used by both request and response."""
    widget = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string", "maxLength": 40},
            "size": {"type": "integer"},
            "color": {"type": "string", "enum": ["red", "blue"]},
        },
    }
    new_widget = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "maxLength": 40},
            "size": {"type": "integer"},
            "shape": {"type": "string", "enum": ["round", "square"]},
            "part": {"oneOf": [{"$ref": "#/components/schemas/Gear"}, {"$ref": "#/components/schemas/Bolt"}]},
        },
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "W", "version": "1.0.0"},
        "security": [{"bearer": []}],
        "paths": {
            "/widgets": {
                "get": {
                    "operationId": "listWidgets",
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {
                    "operationId": "createWidget",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewWidget"}}},
                    },
                    "responses": {"201": ok},
                },
            },
            "/widgets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {"operationId": "getWidget", "responses": {"200": ok, "404": {"description": "missing"}}},
            },
        },
        "components": {
            "schemas": {
                "Widget": widget,
                "NewWidget": new_widget,
                "Gear": {"type": "object", "properties": {"teeth": {"type": "integer"}}},
                "Bolt": {"type": "object", "properties": {"thread": {"type": "string"}}},
            }
        },
    }


def changed(edit: Any) -> list[SpecChange]:
    old = base_spec()
    new = copy.deepcopy(old)
    edit(new)
    return diff_specs(old, new)


def only(changes: list[SpecChange]) -> tuple[str, str, str]:
    assert len(changes) == 1, [str(c) for c in changes]
    return changes[0].where, changes[0].what, changes[0].kind


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = spec["components"]["schemas"]
    return result


def test_identical_specs_have_no_changes() -> None:
    """A spec compared with itself reports nothing."""
    assert diff_specs(base_spec(), base_spec()) == []


CASES = [
    # (id, edit, where, what fragment, kind)
    (
        "operation removed",
        lambda s: s["paths"]["/widgets"].pop("post"),
        "POST /widgets",
        "operation removed",
        "breaking",
    ),
    (
        "operation added",
        lambda s: s["paths"]["/widgets/{id}"].update(delete={"operationId": "deleteWidget", "responses": {}}),
        "DELETE /widgets/{id}",
        "operation added",
        "added",
    ),
    (
        "operationId renamed",
        lambda s: s["paths"]["/widgets"]["get"].update(operationId="listAll"),
        "GET /widgets",
        "operationId renamed from listWidgets to listAll",
        "breaking",
    ),
    (
        "parameter removed",
        lambda s: s["paths"]["/widgets"]["get"].update(parameters=[]),
        "GET /widgets",
        "query parameter 'limit' removed",
        "breaking",
    ),
    (
        "optional parameter added",
        lambda s: s["paths"]["/widgets"]["get"]["parameters"].append({"name": "q", "in": "query"}),
        "GET /widgets",
        "optional query parameter 'q' added",
        "added",
    ),
    (
        "required parameter added",
        lambda s: s["paths"]["/widgets"]["get"]["parameters"].append({"name": "q", "in": "query", "required": True}),
        "GET /widgets",
        "required query parameter 'q' added",
        "breaking",
    ),
    (
        "parameter became required",
        lambda s: s["paths"]["/widgets"]["get"]["parameters"][0].update(required=True),
        "GET /widgets",
        "query parameter 'limit' became required",
        "breaking",
    ),
    (
        "parameter maximum tightened",
        lambda s: s["paths"]["/widgets"]["get"]["parameters"][0]["schema"].update(maximum=50),
        "GET /widgets query parameter 'limit'",
        "maximum tightened from 100 to 50",
        "breaking",
    ),
    (
        "request field removed",
        lambda s: schemas(s)["NewWidget"]["properties"].pop("size"),
        "NewWidget.size",
        "field removed",
        "breaking",
    ),
    (
        "optional request field added",
        lambda s: schemas(s)["NewWidget"]["properties"].update(note={"type": "string"}),
        "NewWidget.note",
        "field added",
        "added",
    ),
    (
        "required request field added",
        lambda s: (
            schemas(s)["NewWidget"]["properties"].update(note={"type": "string"}),
            schemas(s)["NewWidget"]["required"].append("note"),
        ),
        "NewWidget.note",
        "required field added",
        "breaking",
    ),
    (
        "request field became required",
        lambda s: schemas(s)["NewWidget"]["required"].append("size"),
        "NewWidget.size",
        "became required",
        "breaking",
    ),
    (
        "response field became optional",
        lambda s: schemas(s)["Widget"]["required"].remove("name"),
        "Widget.name",
        "became optional",
        "breaking",
    ),
    (
        "response field became required",
        lambda s: schemas(s)["Widget"]["required"].append("size"),
        "Widget.size",
        "became required",
        "fixed",
    ),
    (
        "request enum value removed",
        lambda s: schemas(s)["NewWidget"]["properties"]["shape"].update(enum=["round"]),
        "NewWidget.shape",
        "enum values removed: 'square'",
        "breaking",
    ),
    (
        "request enum value added",
        lambda s: schemas(s)["NewWidget"]["properties"]["shape"]["enum"].append("oval"),
        "NewWidget.shape",
        "enum values added: 'oval'",
        "added",
    ),
    (
        "response enum value added",
        lambda s: schemas(s)["Widget"]["properties"]["color"]["enum"].append("green"),
        "Widget.color",
        "enum values added: 'green'",
        "breaking",
    ),
    (
        "response enum value removed",
        lambda s: schemas(s)["Widget"]["properties"]["color"].update(enum=["red"]),
        "Widget.color",
        "enum values removed: 'blue'",
        "fixed",
    ),
    (
        "request type narrowed",
        lambda s: schemas(s)["NewWidget"]["properties"]["size"].update(type="string"),
        "NewWidget.size",
        "type changed from integer to string",
        "breaking",
    ),
    (
        "request type widened",
        lambda s: schemas(s)["NewWidget"]["properties"]["size"].update(type="number"),
        "NewWidget.size",
        "type changed from integer to integer|number",
        "fixed",
    ),
    (
        "response type widened",
        lambda s: schemas(s)["Widget"]["properties"]["size"].update(type=["integer", "null"]),
        "Widget.size",
        "type changed from integer to integer|null",
        "breaking",
    ),
    (
        "request maxLength tightened",
        lambda s: schemas(s)["NewWidget"]["properties"]["name"].update(maxLength=20),
        "NewWidget.name",
        "maxLength tightened from 40 to 20",
        "breaking",
    ),
    (
        "response maxLength tightened",
        lambda s: schemas(s)["Widget"]["properties"]["name"].update(maxLength=20),
        "Widget.name",
        "maxLength tightened from 40 to 20",
        "fixed",
    ),
    (
        "union reordered",
        lambda s: schemas(s)["NewWidget"]["properties"]["part"]["oneOf"].reverse(),
        "NewWidget.part",
        "oneOf members reordered",
        "breaking",
    ),
    (
        "security changed",
        lambda s: s["paths"]["/widgets"]["get"].update(security=[{"apiKey": []}]),
        "GET /widgets",
        "security requirements changed",
        "breaking",
    ),
    (
        "success response removed",
        lambda s: (
            s["paths"]["/widgets"]["get"]["responses"].update({"204": {"description": "x"}})
            or s["paths"]["/widgets"]["get"]["responses"].pop("200")
        ),
        "GET /widgets",
        "response 200 removed",
        "breaking",
    ),
    (
        "error response removed is no break",
        lambda s: s["paths"]["/widgets/{id}"]["get"]["responses"].pop("404"),
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("edit", "where", "what", "kind"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_each_change_kind_is_classified(edit: Any, where: str | None, what: str | None, kind: str | None) -> None:
    """Each kind of change is found once, named by its operation or model field, with its kind for a client."""
    changes = changed(edit)
    if where is None:
        assert changes == []
        return
    assert only(changes) == (where, what, kind)


def test_a_renamed_path_level_parameter_is_a_removal_and_a_required_addition() -> None:
    """Parameters declared on the path item count for each of its operations."""
    changes = changed(lambda s: s["paths"]["/widgets/{id}"]["parameters"][0].update(name="widget_id"))
    assert [(str(c), c.kind) for c in changes] == [
        ("GET /widgets/{id}: path parameter 'id' removed", "breaking"),
        ("GET /widgets/{id}: required path parameter 'widget_id' added", "breaking"),
    ]


def test_a_model_change_is_reported_once_whoever_uses_it() -> None:
    """Widget is the response of two operations; its field's change is one line, named by the model."""
    changes = changed(lambda s: schemas(s)["Widget"]["properties"].pop("size"))
    assert [str(c) for c in changes] == ["Widget.size: field removed"]


def test_recursive_schemas_compare_without_looping() -> None:
    """A schema that refers to itself is compared once per pair, and a change deep inside is still found."""

    def make_tree(spec: dict[str, Any]) -> None:
        schemas(spec)["Node"] = {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
        }
        schemas(spec)["Widget"]["properties"]["tree"] = {"$ref": "#/components/schemas/Node"}

    old = base_spec()
    make_tree(old)
    new = copy.deepcopy(old)
    schemas(new)["Node"]["properties"]["label"] = {"type": "string"}
    assert [str(c) for c in diff_specs(old, new)] == ["Node.label: field added"]


def test_breaking_changes_come_first() -> None:
    """The list is ordered breaking, added, fixed, so the first lines are the ones to read."""
    changes = changed(
        lambda s: (
            schemas(s)["NewWidget"]["properties"].update(note={"type": "string"}),
            s["paths"]["/widgets"]["post"].update(operationId="make"),
        )
    )
    assert [c.kind for c in changes] == ["breaking", "added"]

"""generator/inline_names.py: an inline model or enum named like a component gets a numbered title."""

from __future__ import annotations

from typing import Any

from generator.normalize import normalise


def test_inline_models_and_enums_named_like_a_component_are_numbered_and_others_keep_their_shape() -> None:
    """Operation.metadata (OperationMetadata, taken) and Operation.kinds[] (OperationKindsItem, taken, then
    OperationKindsItem2, taken too) are retitled; Operation.extra, whose name is free, is left as it was."""
    schemas: dict[str, Any] = {
        "Operation": {
            "type": "object",
            "properties": {
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "kinds": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                "extra": {"type": "object", "properties": {"x": {"type": "integer"}}},
            },
        },
        "OperationMetadata": {"type": "object"},
        "OperationKindsItem": {"type": "string"},
        "Other": {"title": "OperationKindsItem2", "type": "string"},
    }
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    result = normalise({**document, "components": {"schemas": schemas}}, file="s.json")
    properties = result.document["components"]["schemas"]["Operation"]["properties"]
    assert properties["metadata"]["title"] == "metadata 2"
    assert properties["kinds"]["items"]["title"] == "kinds_item 3"
    assert "title" not in properties["extra"]
    assert [(note.pointer, note.message) for note in result.notes] == [
        (
            "/components/schemas/Operation/properties/metadata/title",
            "inline model named like a component: OperationMetadata2",
        ),
        (
            "/components/schemas/Operation/properties/kinds/items/title",
            "inline model named like a component: OperationKindsItem3",
        ),
    ]

"""body_types: which request bodies get a TypedDict, its fields, and the `body` parameter resource methods print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData

from generator.body_types import BodyTypeError, body_dicts, body_imports, body_parameter, body_shapes, dict_body_refs

OK = {"200": {"description": "ok"}}


def _post(operation_id: str, content: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "tags": ["things"],
            "requestBody": {"required": required, "content": content},
            "responses": OK,
        }
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Things", "version": "1"},
    "paths": {
        "/things": _post("createThing", {"application/json": {"schema": _ref("Thing")}}),
        "/notes": _post("addNote", {"application/json": {"schema": _ref("Note")}}, required=False),
        "/samples": _post("submit", {"application/json": {"schema": {"oneOf": [_ref("Sample"), _ref("Batch")]}}}),
        "/uploads": _post(
            "upload",
            {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["archive"],
                        "properties": {"archive": {"type": "string", "format": "binary"}},
                    }
                }
            },
        ),
        "/plain": {"get": {"operationId": "plain", "tags": ["things"], "responses": OK}},
    },
    "components": {
        "schemas": {
            "Colour": {"type": "string", "enum": ["red", "green"]},
            "Part": {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}}},
            "Thing": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "colour"],
                "description": 'A thing, "quoted"',
                "properties": {
                    "name": {"type": "string"},
                    "colour": _ref("Colour"),
                    "born": {"type": "string", "format": "date"},
                    "weight": {"type": "number", "nullable": True},
                    "parts": {"type": "array", "items": _ref("Part")},
                    "main": _ref("Part"),
                    "spare": {"oneOf": [_ref("Part"), {"type": "null"}]},
                    "extra": {"type": "object"},
                    "kind": {"type": "string", "enum": ["thing"]},
                    "class": {"type": "boolean"},
                },
            },
            "Note": {"type": "object", "properties": {"text": {"type": "string"}}},
            "Sample": {"type": "object", "required": ["cpu"], "properties": {"cpu": {"type": "number"}}},
            "Batch": {
                "type": "object",
                "required": ["samples"],
                "properties": {"samples": {"type": "array", "items": _ref("Sample")}},
            },
        }
    },
}


def _data(document: dict[str, Any], tmp_path: Path) -> GeneratorData:
    config = Config.from_sources(
        ConfigFile(post_hooks=[], literal_enums=False),
        MetaType.NONE,
        document_source=Path("things.yaml"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=tmp_path,
    )
    data = GeneratorData.from_dict(document, config=config)
    assert isinstance(data, GeneratorData)
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> GeneratorData:
    return _data(DOCUMENT, tmp_path_factory.mktemp("things"))


@pytest.fixture(scope="module")
def endpoints(data: GeneratorData) -> dict[str, Any]:
    """openapi-python-client's Endpoints of DOCUMENT, by operationId."""
    return {
        str(endpoint.name): endpoint
        for collection in data.endpoint_collections_by_tag.values()
        for endpoint in collection.endpoints
    }


def test_a_json_model_body_takes_the_model_or_its_typeddict(endpoints: dict[str, Any]) -> None:
    """A required JSON body: `body: Thing | ThingDict`, converted through the one shape."""
    assert body_parameter(endpoints["create_thing"]) == "body: Thing | ThingDict"
    assert body_shapes(endpoints["create_thing"]) == (("Thing", "ThingDict"),)
    # the descriptor names both lazily: the runtime loads them on the first call and converts a dict with them
    assert dict_body_refs(endpoints["create_thing"]) == (
        '(ModelRef(".models.thing", "Thing"), ModelRef(".bodies", "ThingDict"))',
    )


def test_an_optional_body_stays_unset_by_default(endpoints: dict[str, Any]) -> None:
    """requestBody.required false: the TypedDict joins the union before Unset, and the default stays UNSET."""
    assert body_parameter(endpoints["add_note"]) == "body: Note | NoteDict | Unset = UNSET"
    assert len(dict_body_refs(endpoints["add_note"])) == 1  # UNSET passes through the conversion


def test_a_one_of_of_models_offers_each_branch_as_a_dict(endpoints: dict[str, Any]) -> None:
    """oneOf [Sample, Batch]: both TypedDicts, in the spec's order, so a dict becomes the first branch it fits."""
    assert body_shapes(endpoints["submit"]) == (("Sample", "SampleDict"), ("Batch", "BatchDict"))
    assert body_parameter(endpoints["submit"]).endswith("| SampleDict | BatchDict")


def test_a_multipart_body_and_no_body_get_no_dict_form(endpoints: dict[str, Any]) -> None:
    """A file upload keeps its model only; an operation without a body prints no body parameter."""
    assert body_shapes(endpoints["upload"]) == ()
    assert "Dict" not in body_parameter(endpoints["upload"])
    assert body_parameter(endpoints["plain"]) == ""
    assert dict_body_refs(endpoints["upload"]) == dict_body_refs(endpoints["plain"]) == ()


def test_the_typeddict_follows_required_enums_nullable_and_nesting(data: GeneratorData) -> None:
    """Required/NotRequired per `required`; an enum is its class or its values; nullable adds None; a date is
    its string; a nested model its own TypedDict (the whole type quoted: any order, and `"A" | None` would
    fail at import time); a free-form object any dict."""
    dicts = {shape.name: shape for shape in body_dicts(data.endpoint_collections_by_tag).dicts}
    assert {field.key: field.annotation for field in dicts["ThingDict"].fields} == {
        "name": "Required[str]",
        "colour": "Required[Colour | Literal['red', 'green']]",
        "born": "NotRequired[str]",
        "weight": "NotRequired[float | None]",
        "parts": "NotRequired['list[PartDict]']",
        "main": "NotRequired['PartDict']",
        "spare": "NotRequired['PartDict | None']",
        "extra": "NotRequired[dict[str, Any]]",
        "kind": "NotRequired[ThingKind | Literal['thing']]",
        "class": "NotRequired[bool]",
    }
    assert sorted(dicts) == ["BatchDict", "NoteDict", "PartDict", "SampleDict", "ThingDict"]  # no multipart form


def test_a_key_that_is_no_identifier_uses_the_functional_form(data: GeneratorData) -> None:
    """`class` is a keyword: ThingDict is written as TypedDict("ThingDict", {...}); PartDict as a class."""
    dicts = {shape.name: shape for shape in body_dicts(data.endpoint_collections_by_tag).dicts}
    assert dicts["ThingDict"].class_syntax is False
    assert dicts["PartDict"].class_syntax is True


def test_the_description_cannot_close_the_docstring(data: GeneratorData) -> None:
    """A description ending in a quote stays as written here: the template adds the space that keeps the closing
    triple quote one after wrapping (wordwrap stripped a space given here; test_public_shapes builds such a body)."""
    dicts = {shape.name: shape for shape in body_dicts(data.endpoint_collections_by_tag).dicts}
    assert dicts["ThingDict"].description == 'A thing, "quoted"'


def test_imports_name_the_enums_and_the_resources_import_line(data: GeneratorData) -> None:
    """bodies.py imports each enum from its model module; _resources.py imports every TypedDict it prints."""
    collections = data.endpoint_collections_by_tag
    assert body_dicts(collections).imports == (
        "from .models.colour import Colour",
        "from .models.thing_kind import ThingKind",
    )
    assert body_imports(collections) == ["from .bodies import BatchDict, NoteDict, SampleDict, ThingDict"]


def test_a_typeddict_name_taken_by_a_model_is_refused(tmp_path: Path) -> None:
    """A model already called ThingDict: the build stops naming both instead of shadowing one."""
    document = {
        **DOCUMENT,
        "components": {"schemas": {**DOCUMENT["components"]["schemas"], "ThingDict": {"type": "object"}}},
    }
    data = _data(document, tmp_path)
    with pytest.raises(BodyTypeError, match=r"Thing.*ThingDict"):
        body_dicts(data.endpoint_collections_by_tag, [str(model.class_info.name) for model in data.models])

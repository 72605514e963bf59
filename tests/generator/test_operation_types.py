"""operation_types: the Python types of an operation, decided from openapi-python-client's Endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData

from generator.operation_types import operation_types, page_item_type, resource_imports

ERROR = {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "get": {
                "operationId": "getPet",
                "tags": ["pets"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Pet"}),
                    "304": {"description": "not modified"},
                    "404": ERROR,
                },
            },
            "delete": {
                "operationId": "deletePet",
                "tags": ["pets"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "gone"}, "404": ERROR},
            },
        },
        "/pets": {
            "get": {
                "operationId": "listPets",
                "tags": ["pets"],
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "born", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                ],
                "responses": {"200": _json({"$ref": "#/components/schemas/PetPage"}), "400": ERROR},
            },
            "post": {
                "operationId": "createPet",
                "tags": ["pets"],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                },
                "responses": {"201": _json({"$ref": "#/components/schemas/Envelope"}), "400": ERROR},
            },
        },
    },
    "components": {
        "schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "PetPage": {
                "type": "object",
                "required": ["content"],
                "properties": {"content": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}},
            },
            "Envelope": {
                "type": "object",
                "required": ["data", "message"],
                "properties": {"data": {"$ref": "#/components/schemas/Pet"}, "message": {"type": "string"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """openapi-python-client's Endpoints of DOCUMENT, by operationId."""
    config = Config.from_sources(
        ConfigFile(post_hooks=[]),
        MetaType.NONE,
        document_source=Path("pets.yaml"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=tmp_path_factory.mktemp("pets"),
    )
    data = GeneratorData.from_dict(DOCUMENT, config=config)
    assert isinstance(data, GeneratorData)
    return {
        str(endpoint.name): endpoint
        for collection in data.endpoint_collections_by_tag.values()
        for endpoint in collection.endpoints
    }


def test_a_body_less_304_is_not_part_of_the_plain_return_type(endpoints: dict[str, Any]) -> None:
    """GET with 200 Pet and a 304: the plain method returns Pet (NotModifiedError for the 304), detailed keeps None."""
    types = operation_types(endpoints["get_pet"], None)
    assert (types.returns, types.parsed, types.detailed) == ("Pet", "Pet", "None | Pet")
    assert types.not_modified and not types.returns_none and not types.unwrapped


def test_a_body_less_2xx_stays_none(endpoints: dict[str, Any]) -> None:
    """A 204 is a success without a body: the method returns None and raises nothing for it."""
    types = operation_types(endpoints["delete_pet"], None)
    assert (types.returns, types.not_modified, types.returns_none) == ("None", False, True)


def test_an_envelope_returns_its_data_field_and_names_its_imports(endpoints: dict[str, Any]) -> None:
    """With info.x-sdk-envelope, the plain method returns the data field's type; detailed keeps the envelope."""
    types = operation_types(endpoints["create_pet"], "data")
    assert (types.returns, types.detailed, types.unwrapped) == ("Pet", "Envelope", True)
    assert "from .models.pet import Pet" in types.imports
    assert operation_types(endpoints["create_pet"], "payload").unwrapped is False


def test_page_item_type_follows_the_items_path(endpoints: dict[str, Any]) -> None:
    """x-sdk-pagination.items names the list in the page: its item type; Any where the path leads nowhere."""
    assert page_item_type(endpoints["list_pets"], {"style": "page", "items": "content"}) == "Pet"
    assert page_item_type(endpoints["list_pets"], {"style": "page", "items": "missing"}) == "Any"
    assert page_item_type(endpoints["list_pets"], None) == "Any"


def test_resource_imports_are_sorted_and_complete(endpoints: dict[str, Any]) -> None:
    """Each operation's module, its signature types one level up, and page item types, each once."""

    class Collection:
        def __init__(self, items: list[Any]) -> None:
            self.endpoints = items

    lines = resource_imports(
        {"pets": Collection(list(endpoints.values()))},
        None,
        lambda endpoint: {"style": "page", "items": "content"} if str(endpoint.name) == "list_pets" else None,
        str,
    )
    assert lines == sorted(set(lines))
    assert "from .api.pets import list_pets" in lines
    assert "from .models.pet import Pet" in lines
    assert "import datetime" in lines

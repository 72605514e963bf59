"""field_names: the Python names of the JSON names the runtime is told about, read from openapi-python-client's
parsed endpoints (the runtime no longer derives them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData

from generator.field_names import item_names, legacy_items_pair, match_names, pagination_names

PAGINATION = {
    "style": "page",
    "page_param": "page-number",
    "size_param": "$size",
    "items": "items-list",
    "total_pages": "meta.totalPages",
    "first_page": 1,
}
CURSOR = {"style": "cursor", "cursor_param": "after", "next_cursor": "nextCursor", "items": "items-list"}

DEVICE = {
    "type": "object",
    "required": ["ipV4Address"],
    "properties": {
        "ipV4Address": {"type": "string"},
        "type": {"type": "string"},
        "@odata.id": {"type": "string"},
        "2fa": {"type": "boolean"},
        "name": {"type": "string"},
    },
}
DEVICE_PAGE = {
    "type": "object",
    "properties": {
        "items-list": {"type": "array", "items": {"$ref": "#/components/schemas/Device"}},
        "meta": {"type": "object", "properties": {"totalPages": {"type": "integer"}}},
        "nextCursor": {"type": "string"},
    },
}


def _query(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": "integer"}}


def _ok(ref: str) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": ref}}}}}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Devices", "version": "1"},
    "paths": {
        "/devices": {
            "get": {
                "operationId": "listDevices",
                "tags": ["devices"],
                "parameters": [_query("page-number"), _query("$size"), _query("type")],
                "responses": _ok("#/components/schemas/DevicePage"),
            }
        },
        "/devices/all": {
            "get": {
                "operationId": "listAllDevices",
                "tags": ["devices"],
                "parameters": [_query("after")],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Device"}}
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {"schemas": {"Device": DEVICE, "DevicePage": DEVICE_PAGE}},
}


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """openapi-python-client's Endpoints of DOCUMENT, by operationId."""
    config = Config.from_sources(
        ConfigFile(post_hooks=[]),
        MetaType.NONE,
        document_source=Path("devices.yaml"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=tmp_path_factory.mktemp("devices"),
    )
    data = GeneratorData.from_dict(DOCUMENT, config=config)
    assert isinstance(data, GeneratorData)
    return {
        str(endpoint.name): endpoint
        for collection in data.endpoint_collections_by_tag.values()
        for endpoint in collection.endpoints
    }


def test_pagination_names_pair_parameters_with_arguments_and_fields_with_attributes(
    endpoints: dict[str, Any],
) -> None:
    """`page-number` and `$size` are the arguments `page_number` and `size`; the fields along `items-list` and
    `meta.totalPages` are the page model's attributes; names that are already Python (`meta`) get no pair."""
    assert pagination_names(endpoints["list_devices"], PAGINATION) == {
        "page-number": "page_number",
        "$size": "size",
        "items-list": "items_list",
        "totalPages": "total_pages",
    }
    assert pagination_names(endpoints["list_devices"], CURSOR) == {
        "items-list": "items_list",
        "nextCursor": "next_cursor",
    }
    assert pagination_names(endpoints["list_devices"], None) == {}


def test_item_fields_with_odd_characters_map_to_the_generated_attributes(endpoints: dict[str, Any]) -> None:
    """JSON field names with a dot, an at sign, a leading digit, a capital or a builtin's name map to the
    attributes openapi-python-client gave the model (``@odata.id`` -> ``odata_id``, ``2fa`` -> ``field_2fa``)."""
    expected = {"ipV4Address": "ip_v4_address", "type": "type_", "@odata.id": "odata_id", "2fa": "field_2fa"}
    assert item_names(endpoints["list_devices"], PAGINATION) == expected
    assert item_names(endpoints["list_all_devices"], None) == expected  # a plain list body: its items
    assert match_names(endpoints["list_devices"], PAGINATION, "@odata.id") == {"@odata.id": "odata_id"}
    assert match_names(endpoints["list_devices"], PAGINATION, "name") == {}  # already its own Python name


def test_legacy_items_name_the_list_field_and_its_attribute(endpoints: dict[str, Any]) -> None:
    """x-sdk-legacy-fields on a list field's items: the field's JSON name with the page model's attribute."""
    assert legacy_items_pair(endpoints["list_devices"], "items-list") == ("items-list", "items_list")
    assert legacy_items_pair(endpoints["list_devices"], None) is None


def test_the_committed_sdks_carry_the_names_and_not_the_rule() -> None:
    """CloudConnexa (camelCase fields, kept equal to a fresh generation by `make check-generated`): its list
    pagination, fallback and design resources are given the attributes; its runtime copy has no naming rule."""
    from cloudconnexa_sdk import _resources, design
    from cloudconnexa_sdk._runtime.shapes import _model_fields

    assert _resources._PAGES_LIST_NETWORKS.names.python("totalPages") == "total_pages"
    assert not hasattr(_resources, "_PAGE_ARGS_LIST_NETWORKS")
    with design.CloudConnexaClient("http://127.0.0.1:9", client_id="i", client_secret="s") as client:  # no call
        assert client.connectors._fields.python("ipV4Address") == "ip_v4_address"
    assert not hasattr(_model_fields, "python_name")

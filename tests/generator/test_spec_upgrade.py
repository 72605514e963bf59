"""generator/spec_upgrade.py, swagger2.py, oas32.py: Swagger 2.0 converted, OpenAPI 3.2 lowered, or refused precisely.

The Swagger 2.0 tests run the pinned swagger2openapi (Node, mock/node_modules, installed by `make install`);
the 3.2 tests are pure functions on small inline documents, plus one read from a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.oas32 import lower
from generator.spec_findings import SpecError
from generator.spec_upgrade import read_for_generation
from generator.swagger2 import convert


def swagger(**paths: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def test_swagger_2_is_converted_and_a_repair_is_counted_in_the_note(tmp_path: Path) -> None:
    """A response without its mandatory description is repaired; the note says converter, version and count."""
    spec = tmp_path / "s.yaml"
    operation = {"operationId": "list", "produces": ["application/json"], "responses": {"200": {"schema": {}}}}
    spec.write_text(yaml.safe_dump(swagger(**{"/a": {"get": operation}})), encoding="utf-8")
    upgraded = read_for_generation(spec)
    assert upgraded.source.data["openapi"].startswith("3.0")
    response = upgraded.source.data["paths"]["/a"]["get"]["responses"]["200"]
    assert response["content"] == {"application/json": {"schema": {}}}
    [note] = upgraded.notes
    assert note.rule == "swagger2openapi" and note.pointer == "/swagger"
    assert "converted to OpenAPI 3.0.0 by swagger2openapi 7.0.8" in note.message
    assert "repaired 1 invalid Swagger 2.0 construct" in note.message


def test_a_lossy_swagger_construct_is_an_error_at_its_pointer() -> None:
    """`collectionFormat: ssv` on a header has no OpenAPI 3 form: refused where it sits, not converted quietly."""
    parameter = {
        "name": "X-Ids",
        "in": "header",
        "type": "array",
        "items": {"type": "string"},
        "collectionFormat": "ssv",
    }
    document = swagger(**{"/a": {"get": {"parameters": [parameter], "responses": {"200": {"description": "ok"}}}}})
    with pytest.raises(SpecError) as caught:
        convert(document, file="s.json")
    [finding] = caught.value.findings
    assert finding.pointer == "/paths/~1a/get/parameters/0"
    assert "collectionFormat:ssv is no longer supported" in finding.message


def test_what_swagger2openapi_refuses_is_one_line_naming_the_file() -> None:
    """Two parameter components that sanitise to one name: the converter's own message, one finding."""
    query = {"in": "query", "type": "string"}
    document = swagger() | {"parameters": {"a b": {"name": "x", **query}, "a_b": {"name": "y", **query}}}
    with pytest.raises(SpecError) as caught:
        convert(document, file="s.json")
    [finding] = caught.value.findings
    assert str(finding).startswith("s.json#/swagger: [swagger2openapi] swagger2openapi 7.0.8 cannot convert")
    assert finding.message.endswith("Duplicate sanitised parameter name a_b")


def oas32(**extra: Any) -> dict[str, Any]:
    return {"openapi": "3.2.0", "info": {"title": "t", "version": "1"}, "paths": {}, **extra}


def test_3_2_documentation_fields_move_into_extensions_and_the_version_drops_to_3_1() -> None:
    """Tag summary/parent/kind, response summary, server name: kept as `x-oas-3.2-*`, each noted; input unchanged."""
    document = oas32(
        tags=[{"name": "pets", "summary": "Pets", "parent": "animals", "kind": "nav"}],
        servers=[{"url": "https://x", "name": "prod"}],
        paths={"/a": {"get": {"responses": {"200": {"description": "ok", "summary": "Fine"}}}}},
    )
    before = json.dumps(document)
    lowered = lower(document, file="s.yaml")
    assert json.dumps(document) == before
    assert lowered.errors == ()
    assert lowered.document["openapi"] == "3.1.1"
    assert lowered.document["tags"][0] == {
        "name": "pets",
        "x-oas-3.2-summary": "Pets",
        "x-oas-3.2-parent": "animals",
        "x-oas-3.2-kind": "nav",
    }
    assert lowered.document["servers"][0] == {"url": "https://x", "x-oas-3.2-name": "prod"}
    assert lowered.document["paths"]["/a"]["get"]["responses"]["200"]["x-oas-3.2-summary"] == "Fine"
    assert {n.pointer for n in lowered.notes} >= {
        "/tags/0/summary",
        "/servers/0/name",
        "/paths/~1a/get/responses/200/summary",
    }


def test_3_2_data_value_becomes_value_and_media_type_components_are_inlined() -> None:
    """`dataValue` is 3.1's `value`; a `$ref` to components.mediaTypes is replaced by a copy of the media type."""
    media = {"schema": {"type": "string"}, "examples": {"one": {"dataValue": "x", "serializedValue": '"x"'}}}
    document = oas32(
        components={"mediaTypes": {"Text": media}},
        paths={
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"text/plain": {"$ref": "#/components/mediaTypes/Text"}},
                        }
                    }
                }
            }
        },
    )
    lowered = lower(document, file="s.yaml")
    assert lowered.errors == ()
    content = lowered.document["paths"]["/a"]["get"]["responses"]["200"]["content"]["text/plain"]
    assert content == {
        "schema": {"type": "string"},
        "examples": {"one": {"value": "x", "x-oas-3.2-serializedValue": '"x"'}},
    }
    assert "mediaTypes" not in lowered.document["components"]


@pytest.mark.parametrize(
    ("extra", "pointer", "feature"),
    [
        ({"paths": {"/a": {"query": {"responses": {}}}}}, "/paths/~1a/query", "the QUERY method"),
        (
            {"paths": {"/a": {"additionalOperations": {"LINK": {}}}}},
            "/paths/~1a/additionalOperations",
            "additionalOperations",
        ),
        (
            {"paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "querystring"}], "responses": {}}}}},
            "/paths/~1a/get/parameters/0/in",
            "in: querystring",
        ),
        (
            {"paths": {"/a": {"get": {"parameters": [{"name": "c", "in": "cookie", "style": "cookie"}]}}}},
            "/paths/~1a/get/parameters/0/style",
            "style: cookie",
        ),
        (
            {
                "paths": {
                    "/a": {
                        "get": {
                            "responses": {
                                "200": {"description": "s", "content": {"application/jsonl": {"itemSchema": {}}}}
                            }
                        }
                    }
                }
            },
            "/paths/~1a/get/responses/200/content/application~1jsonl/itemSchema",
            "sequential media type",
        ),
        (
            {"components": {"securitySchemes": {"o": {"type": "oauth2", "flows": {"deviceAuthorization": {}}}}}},
            "/components/securitySchemes/o/flows/deviceAuthorization",
            "device authorization",
        ),
        (
            {"components": {"schemas": {"P": {"discriminator": {"propertyName": "k", "defaultMapping": "#/x"}}}}},
            "/components/schemas/P/discriminator/defaultMapping",
            "defaultMapping",
        ),
    ],
)
def test_3_2_features_that_change_calls_are_refused_naming_feature_and_pointer(
    extra: dict[str, Any], pointer: str, feature: str
) -> None:
    """No 3.1 form: an error at the pointer that names the feature, rule openapi-3.2."""
    lowered = lower(oas32(**extra), file="s.yaml")
    [error] = lowered.errors
    assert (error.pointer, error.rule) == (pointer, "openapi-3.2")
    assert feature in error.message and "no OpenAPI 3.1 form" in error.message


def test_a_3_2_file_is_read_lowered_or_refused(tmp_path: Path) -> None:
    """read_for_generation lowers a 3.2 file (node lines kept) and raises the refusals with the file's name."""
    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump(oas32(tags=[{"name": "a", "kind": "nav"}])), encoding="utf-8")
    upgraded = read_for_generation(spec)
    assert upgraded.source.data["openapi"] == "3.1.1" and upgraded.source.line("/tags/0") is not None
    spec.write_text(yaml.safe_dump(oas32(paths={"/a": {"query": {}}})), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        read_for_generation(spec)
    assert str(caught.value).endswith(
        "s.yaml#/paths/~1a/query: [openapi-3.2] the QUERY method has no OpenAPI 3.1 form: "
        "the document cannot be lowered without changing the API"
    )


def test_a_3_0_document_is_read_as_written_with_no_notes(tmp_path: Path) -> None:
    spec = tmp_path / "s.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}))
    upgraded = read_for_generation(spec)
    assert upgraded.notes == () and upgraded.source.data["openapi"] == "3.0.3"

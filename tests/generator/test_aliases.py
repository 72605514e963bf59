"""info.x-sdk-aliases and the spec facts issue 14 added to the generator: aliases checked against the runtime,
a `<package>.design` module only for an API that declares some, legacy fields found through pages, and the
API versions a client may name."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest

from generator.aliases import AliasError, parse_aliases
from generator.build import BuildError, build_into
from generator.registry import SdkEntry
from generator.spec_context import spec_context

ENTRY = SdkEntry(
    name="shop",
    spec=Path("shop.yaml"),
    distribution="shop-sdk",
    package="shop_sdk",
    client_class="Shop",
    env_prefix="SHOP",
    mock_port=4097,
)

GOOD = {
    "classes": {"ShopClient": "Shop"},
    "settings": {"api_url": "base_url", "retry_policy": "retry"},
    "parameters": {
        "RetryPolicy": {"constructor": "RetryPolicy.from_retries", "keywords": {"retry_codes": "statuses"}},
    },
    "methods": {"on_error": {"hook": "on_call_error", "arguments": ["error", "request", "response"]}},
}


def test_good_aliases_parse() -> None:
    """Each kind of alias is read into its value object."""
    aliases = parse_aliases(GOOD, ENTRY)
    assert aliases is not None
    assert aliases.classes == {"ShopClient": "Shop"} and aliases.settings["api_url"] == "base_url"
    [parameter] = aliases.parameters
    assert (parameter.runtime_class, parameter.keywords) == ("RetryPolicy", {"retry_codes": "statuses"})
    [method] = aliases.methods
    assert (method.hook, method.arguments) == ("on_call_error", ("error", "request", "response"))
    assert parse_aliases(None, ENTRY) is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"classes": {"ShopClient": "Store"}}, "classes.ShopClient"),
        ({"settings": {"api_url": "base_uri"}}, "settings.api_url"),
        ({"parameters": {"RetryPolicy": {"constructor": "RetryPolicy.nope"}}}, "parameters.RetryPolicy"),
        ({"parameters": {"Thing": {"constructor": "os.system"}}}, "parameters.Thing"),
        ({"methods": {"on_error": {"hook": "on_failure", "arguments": []}}}, "methods.on_error.hook"),
        ({"methods": {"on_error": {"hook": "on_call_error", "arguments": ["status"]}}}, "methods.on_error.arguments"),
        ({"colours": {}}, "unknown keys"),
    ],
)
def test_aliases_pointing_at_nothing_fail_naming_the_key(change: dict[str, Any], named: str) -> None:
    """A typo in the aliases fails the build with the key named, never in a user's hands."""
    with pytest.raises(AliasError, match=named.replace(".", r"\.")):
        parse_aliases({**GOOD, **change}, ENTRY)


def document(**info: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Shop", "version": "2.0", **info},
        "paths": {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "tags": ["items"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}},
                        }
                    },
                }
            },
            "/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    "tags": ["items"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Item": {"type": "object", "x-sdk-legacy-fields": {"1.0": ["routes", "type"], "1.5": ["kind"]}},
                "Page": {
                    "type": "object",
                    "properties": {"content": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}},
                },
            }
        },
    }


def test_legacy_fields_are_found_on_the_body_and_on_a_pages_items() -> None:
    """An operation answering the schema strips its legacy fields; one answering a page strips its items'."""
    context = spec_context(document(), ENTRY)
    single, page = context.by_id("getItem"), context.by_id("listItems")
    assert single is not None and page is not None
    assert (single.legacy_fields, single.legacy_items) == (("kind", "routes", "type"), None)
    assert (page.legacy_fields, page.legacy_items) == (("kind", "routes", "type"), "content")


def test_api_versions_are_this_specs_and_the_older_ones(tmp_path: Path) -> None:
    """The versions a client may name: info.version here and in each sdks.toml other_versions spec."""
    import yaml

    older = tmp_path / "old.yaml"
    older.write_text(yaml.safe_dump(document() | {"info": {"title": "Shop", "version": "1.10"}}), encoding="utf-8")
    entry = attrs.evolve(ENTRY, other_versions=((older, 4096),))
    assert spec_context(document(), entry).api_versions == ("1.10", "2.0")
    assert spec_context(document(), ENTRY).api_versions == ("2.0",)


SPEC = """
openapi: 3.1.0
info:
  title: Shop
  version: 1.0.0
  x-sdk-error-names: {ItemMissingError: NotFoundError}
  x-sdk-aliases:
    classes: {ShopClient: Shop}
    settings: {api_url: base_url}
    parameters:
      RetryPolicy: {constructor: RetryPolicy.from_retries, keywords: {retry_codes: statuses}}
    methods:
      on_error: {hook: on_call_error, arguments: [error, request, response]}
paths:
  /items:
    get:
      operationId: listItems
      tags: [items]
      x-sdk-method: list
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Item"}}
    post:
      operationId: createItem
      tags: [items]
      x-sdk-method: create
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewItem"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "404": {description: missing}
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties: {id: {type: string}, name: {type: string}}
    NewItem:
      type: object
      additionalProperties: false
      required: [name]
      properties: {name: {type: string}}
"""

USE = """
import httpx
from shop_sdk.design import ShopClient, RetryPolicy, ItemMissingError

def answer(request):
    if request.method == "POST":
        return httpx.Response(404, json={"title": "Not Found"})
    return httpx.Response(200, json=[{"id": "1", "name": "a"}, {"id": "2", "name": "b"}])

seen = []
client = ShopClient(api_url="http://127.0.0.1:9", api_token="t", transport=httpx.MockTransport(answer),
                    retry=RetryPolicy(max_retries=0, retry_codes=[503]))
client.on_error(lambda e, request, response: seen.append((type(e).__name__, request.method, response.status_code)))
with client:
    assert [item.id for item in client.items.list(name="b")] == ["2"]
    try:
        client.items.create({"name": "c"})
    except ItemMissingError:
        pass
assert seen == [("NotFoundError", "POST", 404)], seen
assert client.settings.retry.max_attempts == 1 and client.settings.retry.retry_statuses == {503}
print("ok")
"""


def test_a_spec_with_aliases_gets_a_working_design_module(tmp_path: Path) -> None:
    """The design module's client takes the aliased settings, plain data and a 3-argument on_error hook."""
    spec = tmp_path / "shop.yaml"
    spec.write_text(textwrap.dedent(SPEC).lstrip(), encoding="utf-8")
    project = tmp_path / "out"
    build_into(attrs.evolve(ENTRY, spec=spec), project)  # refuses (SpecRejected) any generator warning itself
    assert (project / "shop_sdk" / "design.py").is_file()
    assert "## From the design document" in (project / "README.md").read_text(encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", USE], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-3000:]


def test_a_spec_without_aliases_gets_no_design_module(tmp_path: Path) -> None:
    """No aliases, no design module and no README section: the SDK's own names are all there is."""
    text = textwrap.dedent(SPEC)
    plain = text.split("  x-sdk-error-names")[0] + "paths:" + text.split("\npaths:")[1]
    spec = tmp_path / "shop.yaml"
    spec.write_text(plain.lstrip(), encoding="utf-8")
    project = tmp_path / "out"
    build_into(attrs.evolve(ENTRY, spec=spec), project)
    assert not (project / "shop_sdk" / "design.py").exists()
    assert "From the design document" not in (project / "README.md").read_text(encoding="utf-8")


def test_bad_aliases_are_a_build_error_naming_the_file(tmp_path: Path) -> None:
    """The build reports an alias typo as a BuildError with the spec file and the key."""
    spec = tmp_path / "shop.yaml"
    spec.write_text(textwrap.dedent(SPEC).lstrip().replace("{api_url: base_url}", "{api_url: base_uri}"))
    with pytest.raises(BuildError, match=r"shop\.yaml.*settings\.api_url"):
        build_into(attrs.evolve(ENTRY, spec=spec), tmp_path / "out")

"""Generic features the design documents asked for, decided by the generator from any spec:

- `x-sdk-bind` on a path parameter: the client takes that argument once and every operation uses it;
- request constraints (bounds, lengths, patterns...) checked before sending, naming field and constraint;
- `x-sdk-deferrable` on any write (PATCH too), not only POST;
- `info.x-sdk-design-names`: the README's "From the design document" name mapping (parsing: test_design_names).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build_into
from generator.constraints import request_constraints
from generator.registry import SdkEntry
from generator.spec_context import SpecContextError, spec_context
from tests.generator.test_build import python_in, widget_entry, write_spec

GADGET_SPEC = """
openapi: 3.1.0
info:
  title: Gadget API
  version: 1.0.0
  x-sdk-design-names:
    - document: the gadget plan
      names:
        - {document: "`GadgetClient(site)`", sdk: "`Widget(site=...)` | bound"}
paths:
  /sites/{site_id}/gadgets/{gadget_id}:
    parameters:
      - $ref: "#/components/parameters/SiteId"
      - name: gadget_id
        in: path
        required: true
        schema: {type: string}
    get:
      operationId: getGadget
      tags: [gadgets]
      x-sdk-method: fetch
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 50}
      responses:
        "200":
          description: The gadget.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Gadget"}
    patch:
      operationId: tuneGadget
      tags: [gadgets]
      x-sdk-method: tune
      x-idempotent: true
      x-sdk-deferrable: true
      parameters:
        - name: Idempotency-Key
          in: header
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Tuning"}
      responses:
        "200":
          description: Tuned.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Gadget"}
components:
  parameters:
    SiteId:
      name: site_id
      in: path
      required: true
      x-sdk-bind: site
      schema: {type: string, pattern: "^s-[0-9]+$"}
  schemas:
    Level:
      type: number
      minimum: 0
      maximum: 1
    Tuning:
      type: object
      additionalProperties: false
      properties:
        level: {$ref: "#/components/schemas/Level"}
        name: {type: string, maxLength: 5}
        steps:
          type: array
          maxItems: 2
          items: {type: integer, exclusiveMinimum: 0}
    Gadget:
      type: object
      required: [id]
      properties:
        id: {type: string}
"""


def gadget_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(textwrap.dedent(GADGET_SPEC))
    for dotted, value in changes.items():
        node = document
        *parents, last = dotted.split("/")
        for part in parents:
            node = node[part]
        node[last] = value
    return document


def entry_for(tmp_path: Path) -> SdkEntry:
    return widget_entry(write_spec(tmp_path, "openapi: 3.1.0\n"))


# --- the generator's decisions ---------------------------------------------------------------------------


def test_bound_path_parameters_are_found_through_refs(tmp_path: Path) -> None:
    """x-sdk-bind on a $ref'd path-level parameter binds it in every operation of the path, typed from its schema."""
    context = spec_context(gadget_document(), entry_for(tmp_path))
    assert context.bound_parameters == {"site": "str"}
    assert {op.operation_id: dict(op.bindings) for op in context.operations.values()} == {
        "getGadget": {"site_id": "site"},
        "tuneGadget": {"site_id": "site"},
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"components/parameters/SiteId/in": "query"}, "path parameters only"),
        ({"components/parameters/SiteId/x-sdk-bind": "base_url"}, "free Python argument name"),
        ({"components/parameters/SiteId/x-sdk-bind": "api_token"}, "free Python argument name"),
        ({"components/parameters/SiteId/x-sdk-bind": "class"}, "free Python argument name"),
    ],
    ids=["not-a-path-parameter", "client-argument", "client-option", "keyword"],
)
def test_a_misused_bind_names_the_operation(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    """x-sdk-bind must be on a path parameter and name a free argument; the error says where and why."""
    with pytest.raises(SpecContextError, match=message) as caught:
        spec_context(gadget_document(**changes), entry_for(tmp_path))
    assert "/sites/{site_id}/gadgets/{gadget_id}" in str(caught.value)


def test_deferrable_is_for_writes_of_any_method(tmp_path: Path) -> None:
    """A deferrable PATCH is deferrable; a deferrable GET is a spec error naming the operation."""
    context = spec_context(gadget_document(), entry_for(tmp_path))
    assert context.by_id("tuneGadget") is not None and context.by_id("tuneGadget").deferrable  # type: ignore[union-attr]
    document = gadget_document()
    document["paths"]["/sites/{site_id}/gadgets/{gadget_id}"]["get"]["x-sdk-deferrable"] = True
    with pytest.raises(SpecContextError, match=r"GET /sites/.*x-sdk-deferrable is for writes"):
        spec_context(document, entry_for(tmp_path))


def test_constraints_keep_what_can_be_checked_and_resolve_refs() -> None:
    """Body and parameter constraints: $refs resolved, only checkable keywords kept, 3.0 exclusive flags converted."""
    document = gadget_document()
    item = document["paths"]["/sites/{site_id}/gadgets/{gadget_id}"]
    assert request_constraints(document, item, item["patch"]) == {
        "body": {
            "properties": {
                "level": {"minimum": 0, "maximum": 1},
                "name": {"maxLength": 5},
                "steps": {"maxItems": 2, "items": {"exclusiveMinimum": 0}},
            }
        },
        "parameters": {"site_id": {"pattern": "^s-[0-9]+$"}},
    }
    old_style = {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "description": "dropped"}
    item["get"]["parameters"][0]["schema"] = old_style
    assert request_constraints(document, item, item["get"])["parameters"]["limit"] == {"exclusiveMinimum": 0}  # type: ignore[index]


def test_an_operation_without_constraints_has_none() -> None:
    """Nothing checkable (plain strings, no bounds) means no constraints at all, so no check is generated."""
    document = gadget_document()
    item = {"parameters": [{"name": "x", "in": "path", "required": True, "schema": {"type": "string"}}]}
    assert request_constraints(document, item, {"responses": {}}) is None


# --- the generated SDK -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gadget_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Gadget SDK, generated once for this module's checks."""
    scratch = tmp_path_factory.mktemp("gadget")
    entry = widget_entry(write_spec(scratch, GADGET_SPEC))
    project = scratch / "out"
    build_into(entry, project)
    return project


def test_the_readme_maps_the_design_documents_names(gadget_project: Path) -> None:
    """The SDK README has a "From the design document" section with one escaped table row per name."""
    readme = (gadget_project / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From the design document") :]
    assert "Where each name of *the gadget plan* lives in this SDK:" in section
    assert "| `GadgetClient(site)` | `Widget(site=...)` \\| bound |" in section


def test_generated_clients_bind_check_and_defer(gadget_project: Path) -> None:
    """The client's site= fills every {site_id}; a call's own value wins; a missing one, or a value breaking a
    constraint, fails before anything is sent, naming the parameter or field and the constraint."""
    result = python_in(
        gadget_project,
        """
        import asyncio, inspect
        import httpx
        from widget_sdk import AsyncWidget, Widget
        from widget_sdk.errors import ConfigurationError, RequestValidationError
        from widget_sdk.models import Tuning

        sent = []

        def answer(request):
            sent.append(request.url.path)
            return httpx.Response(200, json={"id": "g1"})

        client = Widget("https://api.example.com", api_token="t", transport=httpx.MockTransport(answer), site="s-1")
        assert client.site == "s-1"
        client.gadgets.fetch(gadget_id="g1")
        client.gadgets.fetch(site_id="s-2", gadget_id="g1")
        client.gadgets.tune(gadget_id="g1", body=Tuning(level=0.5, steps=[1, 2]))
        tune, fetch = client.gadgets.tune, client.gadgets.fetch
        for call, field, constraint in [
            (lambda: tune(gadget_id="g1", body=Tuning(level=1.5)), "body.level", "maximum 1"),
            (lambda: tune(gadget_id="g1", body=Tuning(name="toolong")), "body.name", "maxLength 5"),
            (lambda: tune(gadget_id="g1", body=Tuning(steps=[1, 0])), "body.steps[1]", "exclusiveMinimum 0"),
            (lambda: fetch(gadget_id="g1", limit=99), "parameter limit", "maximum 50"),
            (lambda: fetch(site_id="x", gadget_id="g1"), "parameter site_id", "pattern ^s-[0-9]+$"),
        ]:
            try:
                call()
            except RequestValidationError as error:
                assert (error.field, error.constraint) == (field, constraint), (error.field, error.constraint)
                assert field in str(error) and "nothing was sent" in str(error)
            else:
                raise AssertionError(f"{field} was not refused")
        unbound = Widget("https://api.example.com", api_token="t", transport=httpx.MockTransport(answer))
        try:
            unbound.gadgets.fetch(gadget_id="g1")
        except ConfigurationError as error:
            assert "site_id=" in str(error) and "site=" in str(error) and error.setting == "site"
        else:
            raise AssertionError("an unbound site_id was not refused")
        assert "deliver" in inspect.signature(client.gadgets.tune).parameters
        trusting = Widget("https://api.example.com", api_token="t", transport=httpx.MockTransport(answer), site="s-4",
                          check_requests=False)
        trusting.gadgets.tune(gadget_id="g9", body=Tuning(level=1.5))  # check_requests=False: the server decides
        try:
            Widget("https://api.example.com", api_token="t", check_requests="no")
        except ConfigurationError as error:
            assert error.setting == "check_requests"
        else:
            raise AssertionError("check_requests='no' was accepted")

        async def main():
            transport = httpx.MockTransport(answer)
            async with AsyncWidget("https://x.example", api_token="t", transport=transport, site="s-3") as aclient:
                await aclient.gadgets.fetch(gadget_id="g2")
                try:
                    await aclient.gadgets.tune(gadget_id="g2", body=Tuning(level=-1))
                except RequestValidationError as error:
                    assert error.constraint == "minimum 0"
                else:
                    raise AssertionError("async: level -1 was not refused")

        asyncio.run(main())
        print(sent)
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        [
            "/sites/s-1/gadgets/g1",
            "/sites/s-2/gadgets/g1",
            "/sites/s-1/gadgets/g1",
            "/sites/s-4/gadgets/g9",
            "/sites/s-3/gadgets/g2",
        ]
    )

"""operation_descriptor: an operation's descriptor decided from openapi-python-client's Endpoint and OperationInfo."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from generator.operation_descriptor import descriptor, reader
from generator.spec_context import OperationInfo

from .test_operation_types import endpoints  # noqa: F401  # the fixture: openapi-python-client's Endpoints


def info(**overrides: Any) -> OperationInfo:
    base = OperationInfo(
        key="k",
        path="/pets/{id}",
        method="get",
        operation_id="getPet",
        resource="pets",
        method_name="get",
        sends_idempotency_key=False,
        deferrable=False,
        auth_role=None,
        deprecated=False,
        requires_auth=True,
        health=False,
    )
    return attrs.evolve(base, **overrides)


def test_parameters_carry_location_style_binding_and_checked_classes(endpoints: dict[str, Any]) -> None:  # noqa: F811
    """Each parameter: its spec and Python names, location, run-time classes (UNSET when optional), the spec's
    style/explode, x-sdk-bind and whether a constraint checks it."""
    found = descriptor(
        endpoints["get_pet"],
        info(
            bindings={"id": "pet_id"},
            parameter_styles={"header:If-None-Match": ("simple", False)},
            constraints={"parameters": {"id": {"maxLength": 3}}},
        ),
        None,
    )
    by_name = {p.name: p for p in found.parameters}
    assert (by_name["id"].location, by_name["id"].types, by_name["id"].bound, by_name["id"].checked) == (
        "path",
        ("str",),
        "pet_id",
        True,
    )
    assert (by_name["If-None-Match"].types, by_name["If-None-Match"].style) == (("str", "Unset"), "simple")
    assert found.runtime_names == ("ModelOf", "Operation", "Parameter", "Success", "Unset")


def test_successes_read_the_model_and_mark_a_304(endpoints: dict[str, Any]) -> None:  # noqa: F811
    """200 reads the model lazily (a ModelRef by module and name) with the spec's check; the body-less 304 is
    marked not_modified; the type arguments are the plain and raw types."""
    found = descriptor(endpoints["get_pet"], info(response_schemas={"200": {"$ref": "#/p"}}), None)
    first, second = found.successes
    assert (first.low, first.reader, first.check) == (200, 'ModelOf(".models.pet", "Pet")', {"$ref": "#/p"})
    assert (second.low, second.body, second.not_modified) == (304, "none", True)
    assert (found.returns, found.raw) == ("Pet", "None | Pet")
    assert "from ...models.pet import Pet" in found.type_imports  # for the type arguments only


def test_a_json_body_selects_by_model_class_and_an_envelope_is_unwrapped(endpoints: dict[str, Any]) -> None:  # noqa: F811
    """A required JSON body of a model: its ModelRef class; with an envelope the plain type is the data field."""
    found = descriptor(endpoints["create_pet"], info(method="post", operation_id="createPet"), "data")
    (body,) = found.bodies
    assert (body.encoding, body.content_type, body.types) == (
        "json",
        "application/json",
        ('ModelRef(".models.pet", "Pet")',),
    )
    assert found.body_required
    assert (found.returns, found.raw) == ("Pet", "Envelope")


def test_a_list_of_models_is_read_item_by_item(endpoints: dict[str, Any]) -> None:  # noqa: F811
    """The page's list property reads each item as the model; primitives are read as they are."""
    page = next(r for r in endpoints["list_pets"].responses.patterns if r.status_code.pattern == "200").prop
    content = next(p for p in page.required_properties if p.name == "content")
    assert reader(content) == 'ListOf(ModelOf(".models.pet", "Pet"))'
    assert reader(content.inner_property.required_properties[0]) == "AS_IS"


@pytest.mark.parametrize("operation", ["delete_pet"])
def test_a_body_less_2xx_reads_nothing(endpoints: dict[str, Any], operation: str) -> None:  # noqa: F811
    """A 204 is a success without a body: nothing to read, nothing to raise."""
    (success,) = descriptor(endpoints[operation], info(method="delete"), None).successes
    assert (success.low, success.body, success.not_modified) == (204, "none", False)

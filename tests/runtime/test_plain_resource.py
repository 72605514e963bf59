"""PlainResource: the document-style resource (dicts in, lists out) over an SDK resource."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from runtime import PlainResource


@attrs.define
class Item:
    id: str
    name: str
    additional_properties: dict[str, Any] = attrs.Factory(dict)


@attrs.define
class ItemRequest:
    name: str
    description: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemRequest:
        return cls(name=data["name"], description=data.get("description"))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **({"description": self.description} if self.description else {})}


class Resource:
    """An SDK resource: paginated list_all, get, create(body=), update(id, body=), delete, plus its own extras."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def list_all(self) -> Iterator[Item]:
        yield from [Item("1", "hq"), Item("2", "branch", {"region": "eu"}), Item("3", "hq")]

    def get(self, id: str) -> Item:
        return Item(id, "hq")

    def create(self, *, body: ItemRequest) -> Item:
        self.calls.append(("create", body))
        return Item("9", body.name)

    def update(self, id: str, *, body: ItemRequest) -> Item:
        self.calls.append(("update", (id, body)))
        return Item(id, body.name)

    def delete(self, id: str) -> None:
        self.calls.append(("delete", id))

    def list_detailed(self) -> str:
        return "the SDK's own method"


@pytest.fixture
def resource() -> Resource:
    return Resource()


def plain(resource: Resource) -> PlainResource:
    return PlainResource(resource, bodies={"create": ItemRequest, "update": ItemRequest})


def test_list_returns_every_item_filtered_by_field(resource: Resource) -> None:
    """list() is all items as a list; keyword filters keep items whose field equals the value."""
    assert [item.id for item in plain(resource).list()] == ["1", "2", "3"]
    assert [item.id for item in plain(resource).list(name="hq")] == ["1", "3"]
    assert [item.id for item in plain(resource).list(region="eu")] == ["2"]  # an open model's extra field


def test_a_filter_naming_no_field_is_refused(resource: Resource) -> None:
    """A misspelt filter is a ValueError naming it, not an empty result."""
    with pytest.raises(ValueError, match="'nmae'"):
        plain(resource).list(nmae="hq")


def test_list_of_an_unpaginated_resource_is_its_list() -> None:
    """A resource without list_all: its list() answer (a list) is returned, filtered the same way."""

    class Regions:
        def list(self) -> list[Item]:
            return [Item("fra", "Frankfurt"), Item("nyc", "New York")]

    assert [item.id for item in PlainResource(Regions()).list(name="Frankfurt")] == ["fra"]


def test_create_and_update_take_dicts(resource: Resource) -> None:
    """create(dict) and update(id, dict) build the request model; a model passes through as it is."""
    assert plain(resource).create({"name": "new"}).name == "new"
    assert plain(resource).update("7", {"name": "renamed", "description": "d"}).id == "7"
    plain(resource).create(ItemRequest("model"))
    assert [name for name, _ in resource.calls] == ["create", "update", "create"]


@pytest.mark.parametrize(
    ("data", "named"), [({"description": "no name"}, "'name'"), ({"name": "x", "extra": 1}, "'extra'")]
)
def test_a_dict_the_model_cannot_take_is_refused_naming_the_field(
    resource: Resource, data: dict[str, Any], named: str
) -> None:
    """A missing required field or an unknown one is a ValueError naming it; nothing is sent."""
    with pytest.raises(ValueError, match=named):
        plain(resource).create(data)
    assert resource.calls == []


def test_get_delete_and_the_sdks_own_methods(resource: Resource) -> None:
    """get and delete pass through; every other attribute is the SDK resource's."""
    assert plain(resource).get("5").id == "5"
    plain(resource).delete("5")
    assert resource.calls == [("delete", "5")]
    assert plain(resource).list_detailed() == "the SDK's own method"


@attrs.define
class Connector:
    ip_v4_address: str
    type_: str
    additional_properties: dict[str, Any] = attrs.Factory(dict)


class Connectors:
    def list_all(self) -> Iterator[Connector]:
        yield from [Connector("10.0.0.1", "IP"), Connector("10.0.0.2", "DOMAIN")]


def test_list_filters_by_json_names_through_the_fields_it_is_given() -> None:
    """`ipV4Address` and `type` filter the models' `ip_v4_address` and `type_` as `fields` pairs them; the
    Python names work too. Without the pairs a JSON name is no field (the runtime does not guess names)."""
    fields = {"ipV4Address": "ip_v4_address", "type": "type_"}
    plain = PlainResource(Connectors(), fields=fields)
    assert plain.list(ipV4Address="10.0.0.2") == [Connector("10.0.0.2", "DOMAIN")]
    assert plain.list(type="IP", ip_v4_address="10.0.0.1") == [Connector("10.0.0.1", "IP")]
    with pytest.raises(ValueError, match="'ipV4Address' is not a field of Connector"):
        PlainResource(Connectors()).list(ipV4Address="10.0.0.2")

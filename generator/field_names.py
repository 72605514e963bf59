"""The Python names of the JSON names the runtime is told about, decided here so the runtime never re-derives them.

Spec extensions name parameters and fields by their JSON names (``x-sdk-pagination: {size_param: page-size,
total_pages: totalPages}``, ``x-sdk-fallback.match``, ``x-sdk-legacy-fields``); the generated code calls
methods by keyword (``page_size=``) and reads models by attribute (``.total_pages``). openapi-python-client
has already named each parameter and property (`python_name`), so the names are read from its parsed
endpoint, not recomputed. Only the pairs that differ are returned: the runtime's `FieldNames` takes a JSON
name as its own Python name when no pair says otherwise. A name the parsed schema does not know (a field
of an open model) gets no pair: the runtime finds it among the model's unknown fields by its JSON name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.operation_types import items_list, property_named, success_bodies
from generator.spec_context import plain_text

_PARAMETER_KEYS = ("page_param", "size_param", "cursor_param")  # x-sdk-pagination keys that name parameters
_FIELD_KEYS = ("items", "total_pages", "total_items", "next_cursor", "next")  # ... and those that name fields


def _differing(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name: python for name, python in pairs if name != python}


def parameter_names(endpoint: Any, names: Iterable[str]) -> dict[str, str]:
    """The keyword arguments of the endpoint's parameters with these spec names (those that differ)."""
    wanted = set(names)
    return _differing(
        (plain_text(p.name), str(p.python_name)) for p in endpoint.list_all_parameters() if plain_text(p.name) in wanted
    )


def path_names(model: Any, path: str) -> dict[str, str]:
    """The attributes along a dotted JSON path of a model property (each step's own model; those that differ)."""
    pairs = []
    prop: Any = model
    for part in path.split("."):
        prop = property_named(prop, part)
        if prop is None:
            break
        pairs.append((plain_text(prop.name), str(prop.python_name)))
    return _differing(pairs)


def model_names(model: Any) -> dict[str, str]:
    """Every property of a model as (JSON name, attribute), for the properties whose two names differ."""
    props = [*(getattr(model, "required_properties", None) or []), *(getattr(model, "optional_properties", None) or [])]
    return _differing((plain_text(p.name), str(p.python_name)) for p in props)


def pagination_names(endpoint: Any, pagination: Mapping[str, Any] | None) -> dict[str, str]:
    """`Pagination.from_extension(..., names=)`: its parameters' arguments and its fields' attributes."""
    if not pagination:
        return {}
    names = parameter_names(endpoint, (str(pagination[key]) for key in _PARAMETER_KEYS if pagination.get(key)))
    bodies = success_bodies(endpoint)
    if len(bodies) == 1:
        for key in _FIELD_KEYS:
            if isinstance(pagination.get(key), str) and not str(pagination[key]).startswith("header:"):
                names.update(path_names(bodies[0], str(pagination[key])))
    return names


def item_names(endpoint: Any, pagination: Mapping[str, Any] | None) -> dict[str, str]:
    """The fields of one item a list operation returns (paginated: the `items` list's; else a list body's, or
    its ``content`` list's): JSON name -> attribute, where they differ; {} when the items are not models."""
    items = items_list(endpoint, pagination or {"items": "content"})
    if items is None:
        bodies = success_bodies(endpoint)
        items = bodies[0] if len(bodies) == 1 and getattr(bodies[0], "inner_property", None) is not None else None
    return model_names(items.inner_property) if items is not None else {}


def legacy_items_pair(endpoint: Any, legacy_items: str | None) -> tuple[str, str] | None:
    """x-sdk-legacy-fields on a list field's items: (that field's JSON name, its attribute), or None."""
    if legacy_items is None:
        return None
    bodies = success_bodies(endpoint)
    found = [property_named(body, legacy_items) for body in bodies]
    attribute = next((str(prop.python_name) for prop in found if prop is not None), legacy_items)
    return legacy_items, attribute


def match_names(via: Any, pagination: Mapping[str, Any] | None, match: str) -> dict[str, str]:
    """x-sdk-fallback: the attribute of `match` on the items of the list operation `via` (when it differs)."""
    names = item_names(via, pagination)
    return {match: names[match]} if match in names else {}

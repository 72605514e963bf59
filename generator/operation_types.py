"""The Python types of one operation, decided from openapi-python-client's Endpoint; templates only print them.

- `OperationTypes.detailed`: what `Response.parsed` holds (every documented 2xx and 3xx answer; a body-less
  answer is `None`), as `<method>_detailed` and the raw wrapper return it; `parsed` is the same without a
  body-less 3xx (what the functional `sync()` returns).
- `OperationTypes.returns`: what the plain method returns. A 3xx without a body (`304 Not Modified` to an
  `If-None-Match`) is not part of it: the plain method raises `NotModifiedError` instead, so `get()` returns
  the model and never `None`. With `info.x-sdk-envelope`, the envelope's data field when every returned
  answer is enveloped (`unwrapped`).
- `OperationTypes.imports`: the imports `_resources.py` needs for the data types.
- `page_item_type()`: the type of one item of a paginated list (`x-sdk-pagination.items`), for `<method>_all()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs


@attrs.frozen(kw_only=True)
class OperationTypes:
    detailed: str
    parsed: str  # `detailed` without a body-less 3xx: what the functional `sync()` returns (envelope kept)
    returns: str
    not_modified: bool  # a body-less 3xx is documented: the plain method raises NotModifiedError for it
    returns_none: bool  # a body-less 2xx is documented: `returns` includes None
    unwrapped: bool  # `returns` is the envelope's data field (x-sdk-envelope)
    imports: tuple[str, ...] = ()


def code(value: object) -> str:
    """openapi-python-client's PythonCode (or a plain str) as source text."""
    unembedded = getattr(value, "as_unembedded_code", None)
    return str(unembedded() if callable(unembedded) else value)


def union(types: Iterable[str]) -> str:
    """`A | B`, sorted and without repeats; `None` when there is nothing."""
    unique = sorted(set(types))
    return " | ".join(unique) if unique else "None"


def _success(endpoint: Any) -> list[Any]:
    """The documented 2xx and 3xx responses (openapi-python-client's Response objects)."""
    return [
        r
        for r in endpoint.responses.patterns
        if r.status_code.range and r.status_code.range[0] >= 200 and r.status_code.range[1] < 400
    ]


def _has_body(response: Any) -> bool:
    return bool(response.source["return_type"] != "None")


def _type(response: Any) -> str:
    if not _has_body(response):
        return "None"
    if type(response.prop).__name__ == "FileProperty":
        return "StreamedFile"  # a binary answer streams (types.py: the download wing's StreamedBody over File)
    return code(response.prop.get_type_string())


def property_named(model: Any, json_name: str) -> Any:
    """The property of a model with this JSON name (required first), or None."""
    required = getattr(model, "required_properties", None) or []
    for prop in [*required, *(getattr(model, "optional_properties", None) or [])]:
        if prop.name == json_name:
            return prop
    return None


def _required_property(model: Any, json_name: str) -> Any:
    return next((p for p in getattr(model, "required_properties", None) or [] if p.name == json_name), None)


def operation_types(endpoint: Any, envelope_data_field: str | None) -> OperationTypes:
    """The types of an operation's answers (see the module docstring)."""
    success = _success(endpoint)
    detailed = union(_type(r) for r in success)
    returned = [r for r in success if _has_body(r) or r.status_code.range[1] < 300]
    not_modified = bool(returned) and len(returned) < len(success)
    if not returned:
        returned = success
    returns = union(_type(r) for r in returned)
    returns_none = any(not _has_body(r) for r in returned)
    if envelope_data_field and returned:
        found = [_required_property(r.prop, envelope_data_field) if _has_body(r) else None for r in returned]
        data = [prop for prop in found if prop is not None]
        if len(data) == len(found):
            imports = sorted(
                {line for prop in data for line in [*prop.get_imports(prefix="."), *prop.get_lazy_imports(prefix=".")]}
            )
            return OperationTypes(
                detailed=detailed,
                parsed=returns,
                returns=union(code(prop.get_type_string()) for prop in data),
                not_modified=not_modified,
                returns_none=False,
                unwrapped=True,
                imports=tuple(imports),
            )
    return OperationTypes(
        detailed=detailed,
        parsed=returns,
        returns=returns,
        not_modified=not_modified,
        returns_none=returns_none,
        unwrapped=False,
    )


def success_bodies(endpoint: Any) -> list[Any]:
    """The properties of the documented 2xx/3xx answers that have a body."""
    return [r.prop for r in _success(endpoint) if _has_body(r)]


def items_list(endpoint: Any, pagination: Mapping[str, Any] | None) -> Any:
    """The list property the pagination's `items` path (dotted JSON names) leads to in the success body, or None."""
    if not pagination or not isinstance(pagination.get("items"), str):
        return None
    bodies = success_bodies(endpoint)
    if len(bodies) != 1:
        return None
    prop: Any = bodies[0]
    for part in str(pagination["items"]).split("."):
        prop = property_named(prop, part)
        if prop is None:
            return None
    return prop if getattr(prop, "inner_property", None) is not None else None


def page_item_type(endpoint: Any, pagination: Mapping[str, Any] | None) -> str:
    """The type of one item of a paginated list; `Any` when the `items` path does not end at a typed list."""
    items = items_list(endpoint, pagination)
    return code(items.inner_property.get_type_string(no_optional=True)) if items is not None else "Any"


def page_item_imports(endpoint: Any, pagination: Mapping[str, Any] | None) -> list[str]:
    """The imports `page_item_type` needs in `_resources.py`."""
    items = items_list(endpoint, pagination)
    if items is None:
        return []
    return [*items.inner_property.get_imports(prefix="."), *items.inner_property.get_lazy_imports(prefix=".")]


# openapi-python-client property class -> the run-time classes a value of it is (None: not checked).
_RUNTIME_CLASSES: Mapping[str, tuple[str, ...]] = {
    "StringProperty": ("str",),
    "IntProperty": ("int",),
    "FloatProperty": ("float", "int"),
    "BooleanProperty": ("bool",),
    "DateProperty": ("datetime.date",),
    "DateTimeProperty": ("datetime.datetime",),
    "UuidProperty": ("UUID",),
    "ListProperty": ("list",),
    "FileProperty": ("File",),
}


def runtime_classes(prop: Any) -> tuple[str, ...]:
    """The classes a value of this property is at run time (a model or enum: its class); () when not checked."""
    kind = type(prop).__name__
    if kind in ("ModelProperty", "EnumProperty"):
        return (str(prop.class_info.name),)
    if kind == "UnionProperty":  # oneOf/anyOf: any branch's classes, when every branch is checkable
        branches = [runtime_classes(inner) for inner in prop.inner_properties]
        return tuple(dict.fromkeys(c for b in branches for c in b)) if all(branches) else ()
    return _RUNTIME_CLASSES.get(kind, ())


def resource_imports(
    collections: Mapping[str, Any],
    envelope_data_field: str | None,
    pagination_of: Callable[[Any], Mapping[str, Any] | None],
    identifier: Callable[[Any], str],
) -> list[str]:
    """Every import `_resources.py` needs, sorted: each operation's module, the types in its signatures
    (openapi-python-client's relative imports, one level up), its envelope data and page item types.

    Args:
        collections: openapi-python-client's endpoint collections by tag.
        envelope_data_field: info.x-sdk-envelope's data field, or None.
        pagination_of: an Endpoint's x-sdk-pagination (None when it is not paginated).
        identifier: openapi-python-client's module naming (`python_identifier`).
    """
    lines: set[str] = set()
    for tag, collection in collections.items():
        for endpoint in collection.endpoints:
            lines.add(f"from .api.{tag} import {identifier(endpoint.name)}")
            for relative in endpoint.relative_imports:
                if relative.startswith("from ..."):
                    lines.add(relative.replace("from ...", "from .", 1))
                elif not relative.startswith("from ."):
                    lines.add(relative)  # stdlib types in signatures: UUID, datetime
            lines.update(operation_types(endpoint, envelope_data_field).imports)
            lines.update(page_item_imports(endpoint, pagination_of(endpoint)))
    return sorted(lines)

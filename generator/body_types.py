"""Request bodies as TypedDicts: what `<package>/bodies.py` declares and what resource methods accept.

A resource method takes its body as the model or as a plain dict of the same JSON shape (as Stainless SDKs
do): `body: RvmConfigUpdate | RvmConfigUpdateDict`. Each request-body model, and each model nested in one,
gets a TypedDict named `<Model>Dict` whose keys are the JSON names: `Required`/`NotRequired` follow the
schema's `required` list, an enum is its class or a `Literal` of its values, a nullable field adds `| None`,
a nested model is its own TypedDict, dates and UUIDs are the strings the JSON carries. The resource turns a
dict into the model with the model's `from_dict` (runtime `BodyShapes`) before anything else sees it.

The TypedDicts live in their own generated module, `<package>/bodies.py`, not among the models: the models
package is openapi-python-client's output, and a module of its own keeps these plain declarations (no
attrs, no `from __future__ import annotations`, which would hide `NotRequired` from `__required_keys__` on
Python 3.11) importable without loading the models.

A multipart body (it carries a file) has no dict form: it stays the model.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from generator.operation_types import code
from generator.spec_context import plain_text

__all__ = ["BodyDict", "DictField", "body_dicts", "body_imports", "body_parameter", "body_shapes", "dict_body_refs"]

SUFFIX = "Dict"
MODULE = "bodies"
# JSON string formats openapi-python-client turns into Python values; the dict carries the string.
_STRING_KINDS = {"StringProperty", "DateProperty", "DateTimeProperty", "UuidProperty"}
_FORWARD = "\x00"  # marks a TypedDict name inside an annotation, which `_fields_of` then quotes as a whole
_PLAIN = {"IntProperty": "int", "FloatProperty": "float", "BooleanProperty": "bool", "AnyProperty": "Any"}


class BodyTypeError(Exception):
    """A TypedDict name would clash with a model's; the message names both."""


@attrs.frozen(kw_only=True)
class DictField:
    key: str  # the JSON name
    annotation: str  # e.g. `NotRequired[str | None]`


@attrs.frozen(kw_only=True)
class BodyDict:
    """One TypedDict of `<package>/bodies.py`."""

    name: str
    model: str
    description: str
    fields: tuple[DictField, ...]
    # every key is a Python identifier and no keyword: the class form, else the functional `TypedDict("X", {...})`
    class_syntax: bool


@attrs.frozen(kw_only=True)
class BodyTypes:
    """Everything `bodies.py` prints: its TypedDicts (sorted by name) and the imports they need."""

    dicts: tuple[BodyDict, ...]
    imports: tuple[str, ...]


def _kind(prop: Any) -> str:
    return type(prop).__name__


def _has_dict_form(body: Any) -> bool:
    """JSON and form bodies map to a dict; a multipart body (a file) does not."""
    return str(body.body_type) in ("json", "data") and bool(_dict_models(body.prop))


def _dict_models(prop: Any) -> list[Any]:
    """The models a body may be (one, or each branch of a oneOf of models); [] when any branch is no model."""
    if _kind(prop) == "ModelProperty":
        return [prop] if _properties(prop) and _fields_of(prop) is not None else []
    if _kind(prop) == "UnionProperty":
        branches = [_dict_models(inner) for inner in prop.inner_properties]
        return [model for branch in branches for model in branch] if all(branches) else []
    return []


def _properties(model: Any) -> list[Any]:
    return [*(model.required_properties or []), *(model.optional_properties or [])]


def _fields_of(model: Any, seen: frozenset[str] = frozenset()) -> list[DictField] | None:
    """The TypedDict fields of a model; None when one of them has no dict form (a file)."""
    name = str(model.class_info.name)
    fields: list[DictField] = []
    for prop in _properties(model):
        annotation = _annotation(prop, seen | {name})
        if annotation is None:
            return None
        wrapper = "Required" if prop.required else "NotRequired"
        if _FORWARD in annotation:
            # a TypedDict defined later: the whole type is one string (`"A" | None` would fail at import time)
            annotation = repr(annotation.replace(_FORWARD, ""))
        fields.append(DictField(key=plain_text(prop.name), annotation=f"{wrapper}[{annotation}]"))
    return fields


def _annotation(prop: Any, seen: frozenset[str]) -> str | None:
    """A property's type in a TypedDict (JSON shape); None when it cannot be one (a file)."""
    kind = _kind(prop)
    if kind in _STRING_KINDS:
        return "str"
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "NoneProperty":
        return "None"
    if kind == "ConstProperty":
        return f"Literal[{code(prop.value.python_code)}]"
    if kind == "EnumProperty":
        values = ", ".join(repr(value) for value in prop.values.values())
        return f"{prop.class_info.name} | Literal[{values}]"
    if kind == "ListProperty":
        inner = _annotation(prop.inner_property, seen)
        return None if inner is None else f"list[{inner}]"
    if kind == "UnionProperty":
        inners = [_annotation(inner, seen) for inner in prop.inner_properties]
        return None if None in inners else " | ".join(dict.fromkeys(str(inner) for inner in inners))
    if kind == "ModelProperty":
        if not _properties(prop):  # a free-form object: any keys
            return "dict[str, Any]"
        name = str(prop.class_info.name)
        if name not in seen and _fields_of(prop, seen) is None:
            return None
        return f"{_FORWARD}{name}{SUFFIX}"  # the TypedDicts may refer to each other in any order: quoted above
    return None  # FileProperty, or a kind this module does not know: the body keeps its model only


def _shape_models(endpoint: Any) -> dict[str, Any]:
    """Each model the endpoint's body may be given as a dict, by class name, in the spec's order."""
    found: dict[str, Any] = {}
    for body in endpoint.bodies:
        if _has_dict_form(body):
            for model in _dict_models(body.prop):
                found.setdefault(str(model.class_info.name), model)
    return found


def body_shapes(endpoint: Any) -> tuple[tuple[str, str], ...]:
    """(model, its TypedDict) for each model the endpoint's body may be given as a dict, in the spec's order."""
    return tuple((name, f"{name}{SUFFIX}") for name in _shape_models(endpoint))


def dict_body_refs(endpoint: Any) -> tuple[str, ...]:
    """The descriptor's `dict_bodies`: `(ModelRef(model), ModelRef(its TypedDict))` per model of `body_shapes`,
    as source (the runtime loads both on the first call and converts a dict body with them)."""
    return tuple(
        f'(ModelRef(".models.{model.class_info.module_name}", "{name}"), ModelRef(".{MODULE}", "{name}{SUFFIX}"))'
        for name, model in _shape_models(endpoint).items()
    )


def body_parameter(endpoint: Any) -> str:
    """The `body` parameter of resource methods: `body: <models> | <their TypedDicts>`, or for an optional body
    `body: ... | Unset = UNSET`; "" for an operation without a body."""
    bodies = list(endpoint.bodies)
    if not bodies:
        return ""
    types = list(dict.fromkeys(code(body.prop.get_type_string(no_optional=True)) for body in bodies))
    types += [shape for _, shape in body_shapes(endpoint)]
    if all(body.prop.required for body in bodies):
        return f"body: {' | '.join(types)}"
    return f"body: {' | '.join([*types, 'Unset'])} = UNSET"


def _collect(model: Any, found: dict[str, Any]) -> None:
    """`model` and every model nested in it (through lists and unions), by class name."""
    name = str(model.class_info.name)
    if name in found or not _properties(model):
        return
    found[name] = model
    stack = list(_properties(model))
    while stack:
        prop = stack.pop()
        if _kind(prop) == "ModelProperty":
            _collect(prop, found)
        elif _kind(prop) == "ListProperty":
            stack.append(prop.inner_property)
        elif _kind(prop) == "UnionProperty":
            stack.extend(prop.inner_properties)


def _enum_imports(model: Any) -> set[str]:
    lines: set[str] = set()
    stack = list(_properties(model))
    while stack:
        prop = stack.pop()
        if _kind(prop) == "EnumProperty":
            lines.add(f"from .models.{prop.class_info.module_name} import {prop.class_info.name}")
        elif _kind(prop) == "ListProperty":
            stack.append(prop.inner_property)
        elif _kind(prop) == "UnionProperty":
            stack.extend(prop.inner_properties)
    return lines


def _description(model: Any) -> str:
    """The model's description on one line, safe inside a docstring (one ending in a quote gets a space before the
    closing quotes from the template: `wordwrap` would strip it here)."""
    text = plain_text(model.description or "")
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', "'''")


def body_dicts(collections: Mapping[Any, Any], model_names: Iterable[str] = ()) -> BodyTypes:
    """Every TypedDict of `<package>/bodies.py`: one per model a request body may be given as a dict, and per
    model nested in one.

    Args:
        collections: openapi-python-client's endpoint collections by tag.
        model_names: the package's model classes; a TypedDict name among them is a BodyTypeError.
    """
    models: dict[str, Any] = {}
    for collection in collections.values():
        for endpoint in collection.endpoints:
            for body in endpoint.bodies:
                if _has_dict_form(body):
                    for model in _dict_models(body.prop):
                        _collect(model, models)
    taken = set(model_names)
    dicts: list[BodyDict] = []
    imports: set[str] = set()
    for name, model in sorted(models.items()):
        if f"{name}{SUFFIX}" in taken:
            raise BodyTypeError(f"the TypedDict of request body {name} would be named {name}{SUFFIX}, a model's name")
        fields = tuple(_fields_of(model) or ())
        dicts.append(
            BodyDict(
                name=f"{name}{SUFFIX}",
                model=name,
                description=_description(model),
                fields=fields,
                class_syntax=all(f.key.isidentifier() and not keyword.iskeyword(f.key) for f in fields),
            )
        )
        imports |= _enum_imports(model)
    return BodyTypes(dicts=tuple(dicts), imports=tuple(sorted(imports)))


def body_imports(collections: Mapping[Any, Any]) -> list[str]:
    """The `from .bodies import ...` line `_resources.py` needs for its body annotations ([] when none)."""
    names = sorted(
        {
            shape
            for collection in collections.values()
            for endpoint in collection.endpoints
            for _, shape in body_shapes(endpoint)
        }
    )
    return [f"from .{MODULE} import {', '.join(names)}"] if names else []

"""An operation's descriptor, decided from openapi-python-client's Endpoint and our OperationInfo; templates print it.

The generated `api/<tag>/<operation>.py` holds one `OPERATION = Operation(...)` (the runtime's
`client/_operation.py`), which every resource method hands to the runtime call. Everything here is source
text for that module: class expressions for the argument checks (models and enums as a lazy `ModelRef`, so
importing the SDK imports no model), readers for the success answers, the parameters' style and explode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from generator.body_types import dict_body_refs
from generator.field_names import legacy_items_pair, path_names
from generator.operation_types import code, operation_types, runtime_classes, success_bodies
from generator.spec_context import plain_text

_ENCODINGS = {"json": "json", "data": "form", "files": "multipart", "content": "binary"}
_READER_NAMES = ("AS_IS", "DateOf", "EnumOf", "FileOf", "ListOf", "ModelOf", "ModelRef", "UnionOf", "Unset")
_BODIES = {"response.json()": "json", "response.content": "binary", "response.text": "text", "None": "none"}
_FILE = '".types", "StreamedFile"'


@attrs.frozen(kw_only=True)
class ParameterSource:
    name: str
    python_name: str
    location: str
    types: tuple[str, ...]
    style: str | None = None
    explode: bool | None = None
    bound: str | None = None
    checked: bool = False


@attrs.frozen(kw_only=True)
class BodySource:
    encoding: str
    content_type: str
    types: tuple[str, ...]


@attrs.frozen(kw_only=True)
class SuccessSource:
    low: int
    high: int
    body: str
    reader: str
    check: Mapping[str, Any] | None = None
    not_modified: bool = False


@attrs.frozen(kw_only=True)
class Descriptor:
    """What the descriptor module prints: the `Operation(...)` fields, its two type arguments, its imports."""

    returns: str  # T: what the plain call returns
    raw: str  # RawT: what RawResponse.parse() gives
    parameters: tuple[ParameterSource, ...]
    bodies: tuple[BodySource, ...]
    body_required: bool
    dict_bodies: tuple[str, ...]  # (ModelRef(model), ModelRef(its TypedDict)) per model a dict body may become
    successes: tuple[SuccessSource, ...]
    type_imports: tuple[str, ...]  # for the type arguments only (under TYPE_CHECKING: no model imported)
    runtime_names: tuple[str, ...] = ()  # what the module imports from the runtime
    unwrap: str | None = None  # x-sdk-envelope: the model attribute of the data field the plain call returns
    legacy_items: tuple[str, str] | None = None  # x-sdk-legacy-fields on a list field: its JSON name, attribute

    @property
    def uses_file(self) -> bool:
        return any("File" in t for p in self.bodies for t in p.types) or any(
            "File" in t for p in self.parameters for t in p.types
        )


def model_ref(prop: Any) -> str:
    """A `ModelRef` expression for a generated model or enum class (its module relative to the SDK's package)."""
    return f"ModelRef({_named(prop)})"


def _named(prop: Any) -> str:
    """The module and name arguments of a generated class, as source."""
    info = prop.class_info
    return f'".models.{info.module_name}", "{info.name}"'


def class_expressions(prop: Any) -> tuple[str, ...]:
    """The classes a value of this property is at run time, as source; () when it is not checked."""
    kind = type(prop).__name__
    if kind in ("ModelProperty", "EnumProperty"):
        return (model_ref(prop),)
    if kind == "UnionProperty":  # oneOf/anyOf: any branch's classes, when every branch is checkable
        branches = [class_expressions(inner) for inner in prop.inner_properties]
        return tuple(dict.fromkeys(c for b in branches for c in b)) if all(branches) else ()
    return runtime_classes(prop)  # str, int, datetime.date, UUID, list, File, ...: the names are the expressions


def reader(prop: Any) -> str:
    """The reader expression (runtime `client/_readers.py`) that turns decoded JSON into this property's type."""
    kind = type(prop).__name__
    if kind == "ModelProperty":
        return f"ModelOf({_named(prop)})"
    if kind == "EnumProperty":
        return f"EnumOf({_named(prop)})"
    if kind == "DateProperty":
        return 'DateOf("date")'
    if kind == "DateTimeProperty":
        return 'DateOf("date-time")'
    if kind == "ListProperty":
        inner = reader(prop.inner_property)
        return "AS_IS" if inner == "AS_IS" else f"ListOf({inner})"
    if kind == "UnionProperty":
        branches = [inner for inner in prop.inner_properties if type(inner).__name__ != "NoneProperty"]
        readers = [reader(inner) for inner in branches]
        typed = [r for r in readers if r != "AS_IS"]
        if not typed:
            return "AS_IS"
        ordered = typed + (["AS_IS"] if len(typed) < len(readers) else [])  # what reads anything goes last
        nullable = len(branches) < len(prop.inner_properties)
        return f"UnionOf(({', '.join(ordered)},){', nullable=True' if nullable else ''})"
    return "AS_IS"


def _parameter(parameter: Any, location: str, info: Any) -> ParameterSource:
    name = plain_text(parameter.name)
    classes = class_expressions(parameter)
    if classes:
        if not parameter.required:
            classes += ("Unset",)
        if "None" in code(parameter.get_type_string()).split(" | "):
            classes += ("type(None)",)
    style, explode = info.parameter_styles.get(f"{location}:{name}", (None, None))
    checked = name in ((info.constraints or {}).get("parameters") or {})
    return ParameterSource(
        name=name,
        python_name=str(parameter.python_name),
        location=location,
        types=classes,
        style=style,
        explode=explode,
        bound=info.bindings.get(name),
        checked=checked,
    )


def _success(response: Any, info: Any, not_modified: bool) -> SuccessSource:
    low, high = response.status_code.range
    body = _BODIES.get(str(response.source["attribute"]), "json")
    kind = type(response.prop).__name__
    if body == "binary":
        read = f"FileOf({_FILE})" if kind == "FileProperty" else "AS_IS"
    elif body == "json":
        read = reader(response.prop)
    else:
        read = "AS_IS"
    return SuccessSource(
        low=low,
        high=high,
        body=body,
        reader=read,
        check=info.response_schemas.get(response.status_code.pattern) if body == "json" else None,
        not_modified=not_modified and body == "none" and low >= 300,
    )


def descriptor(endpoint: Any, info: Any, envelope_data_field: str | None) -> Descriptor:
    """The descriptor of one operation (`info` is its spec_context OperationInfo)."""
    types = operation_types(endpoint, envelope_data_field)
    parameters = [
        *(_parameter(p, "path", info) for p in endpoint.path_parameters),
        *(_parameter(p, "query", info) for p in endpoint.query_parameters),
        *(_parameter(p, "header", info) for p in endpoint.header_parameters),
        *(_parameter(p, "cookie", info) for p in endpoint.cookie_parameters),
    ]
    bodies = tuple(
        BodySource(
            encoding=_ENCODINGS[str(body.body_type)],
            content_type=plain_text(body.content_type),
            types=class_expressions(body.prop),
        )
        for body in endpoint.bodies
    )
    successes = tuple(
        _success(response, info, types.not_modified)
        for response in endpoint.responses.patterns
        if response.status_code.range and response.status_code.range[0] >= 200 and response.status_code.range[1] < 400
    )
    imports = {line for line in endpoint.relative_imports if line.startswith("from ...models")}
    imports.update(line.replace("from .", "from ...", 1) for line in types.imports)
    if re.search(r"\bFile\b", f"{types.returns} {types.detailed}"):
        imports.add("from ...types import File")
    if re.search(r"\bStreamedFile\b", f"{types.returns} {types.detailed}"):
        imports.add("from ...types import StreamedFile")
    expressions = [
        *(t for p in parameters for t in p.types),
        *(t for b in bodies for t in b.types),
        *(s.reader for s in successes if s.reader != "AS_IS"),  # the default reader is not printed
    ]
    used = {name for name in _READER_NAMES if any(re.search(rf"\b{name}\b", e) for e in expressions)}
    used |= {"Operation", "Success"}
    used |= {"Parameter"} if parameters else set()
    used |= {"Body"} if bodies else set()
    dict_bodies = dict_body_refs(endpoint)
    used |= {"ModelRef"} if dict_bodies else set()
    return Descriptor(
        runtime_names=tuple(sorted(used)),
        returns=types.returns,
        raw=types.detailed,
        parameters=tuple(parameters),
        bodies=bodies,
        body_required=all(body.prop.required for body in endpoint.bodies),
        dict_bodies=dict_bodies,
        successes=successes,
        type_imports=tuple(sorted(imports)),
        unwrap=_unwrap(endpoint, envelope_data_field) if types.unwrapped else None,
        legacy_items=legacy_items_pair(endpoint, info.legacy_items),
    )


def _unwrap(endpoint: Any, data_field: str | None) -> str:
    """The attribute the envelope's data field has on the success model (what `unwrap=` reads)."""
    field = str(data_field)
    names = [path_names(body, field) for body in success_bodies(endpoint)]
    return next((found[field] for found in names if field in found), field)

"""OpenAPI 3.2 documents lowered to 3.1 where nothing is lost; refused naming the feature and pointer otherwise.

openapi-python-client (pinned) reads 3.0 and 3.1 only. Most of what 3.2 added is documentation, which
lowers without loss by moving each such field into an extension of the same object (`summary` of a tag
becomes `x-oas-3.2-summary`: the text stays in the document, and tools that do not know it ignore it):
tag `summary`/`parent`/`kind`, response `summary`, server `name`, security scheme `deprecated` and
`oauth2MetadataUrl`, `$self`, example `serializedValue`, XML `nodeType`. An example's `dataValue` is what
3.1 calls `value`, and `components.mediaTypes` entries are copied where they are referenced.

What changes how a client calls the API has no 3.1 form, so it is an error with its pointer: the QUERY
method and `additionalOperations`, `in: querystring` parameters, `style: cookie`, sequential media types
(`itemSchema`, `itemEncoding`, `prefixEncoding`), the OAuth2 device authorization flow, and a
discriminator's `defaultMapping`.
"""

from __future__ import annotations

import copy
from typing import Any

import attrs

from generator.spec_findings import Finding, json_pointer

RULE = "openapi-3.2"
LOWERED_VERSION = "3.1.1"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# 3.2 fields that only describe: kept under `x-oas-3.2-<field>` in the same object.
_TAG_FIELDS = ("summary", "parent", "kind")
_SCHEME_FIELDS = ("deprecated", "oauth2MetadataUrl")
_SEQUENTIAL = ("itemSchema", "itemEncoding", "prefixEncoding")
_MEDIA_TYPES_PREFIX = "#/components/mediaTypes/"


@attrs.frozen(kw_only=True)
class Lowered:
    """The 3.1 document, the fields moved (notes) and the features with no 3.1 form (errors)."""

    document: dict[str, Any]
    notes: tuple[Finding, ...]
    errors: tuple[Finding, ...]


@attrs.define
class _Lowering:
    file: str
    notes: list[Finding] = attrs.Factory(list)
    errors: list[Finding] = attrs.Factory(list)

    def refuse(self, path: tuple[object, ...], feature: str) -> None:
        message = f"{feature} has no OpenAPI 3.1 form: the document cannot be lowered without changing the API"
        self.errors.append(Finding(file=self.file, pointer=json_pointer(path), rule=RULE, message=message))

    def keep(self, node: dict[str, Any], path: tuple[object, ...], fields: tuple[str, ...]) -> None:
        """Move each 3.2-only descriptive field of `node` into its `x-oas-3.2-` extension."""
        for field in fields:
            if field in node:
                node[f"x-oas-3.2-{field}"] = node.pop(field)
                message = f"3.2 field `{field}` kept as `x-oas-3.2-{field}` (it only describes)"
                self.notes.append(
                    Finding(file=self.file, pointer=json_pointer((*path, field)), rule=RULE, message=message)
                )


def is_3_2(document: dict[str, Any]) -> bool:
    return str(document.get("openapi", "")).startswith("3.2")


def lower(document: dict[str, Any], *, file: str) -> Lowered:
    """A 3.1 copy of a 3.2 `document` (the input is not changed)."""
    result = copy.deepcopy(document)
    log = _Lowering(file=file)
    result["openapi"] = LOWERED_VERSION
    log.notes.append(
        Finding(file=file, pointer="/openapi", rule=RULE, message=f"OpenAPI {document.get('openapi')} lowered to 3.1")
    )
    log.keep(result, (), ("$self",))
    _inline_media_types(result, log)
    for index, tag in _items(result.get("tags")):
        log.keep(tag, ("tags", index), _TAG_FIELDS)
    _servers(result.get("servers"), ("servers",), log)
    found = result.get("components")
    components: dict[str, Any] = found if isinstance(found, dict) else {}
    for name, scheme in _entries(components.get("securitySchemes")):
        path = ("components", "securitySchemes", name)
        log.keep(scheme, path, _SCHEME_FIELDS)
        flows = scheme.get("flows")
        if isinstance(flows, dict) and "deviceAuthorization" in flows:
            log.refuse((*path, "flows", "deviceAuthorization"), "the OAuth2 device authorization flow")
    for name, example in _entries(components.get("examples")):
        _example(example, ("components", "examples", name), log)
    for kind in ("parameters", "headers"):
        for name, parameter in _entries(components.get(kind)):
            _parameter(parameter, ("components", kind, name), log)
    for name, body in _entries(components.get("requestBodies")):
        _content(body.get("content"), ("components", "requestBodies", name, "content"), log)
    for name, response in _entries(components.get("responses")):
        _response(response, ("components", "responses", name), log)
    for root in ("paths", "webhooks"):
        for key, item in _entries(result.get(root)):
            _path_item(item, (root, key), log)
    for name, item in _entries(components.get("pathItems")):
        _path_item(item, ("components", "pathItems", name), log)
    _schemas(result, log)
    return Lowered(document=result, notes=tuple(log.notes), errors=tuple(log.errors))


def _items(value: object) -> list[tuple[int, dict[str, Any]]]:
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _entries(value: object) -> list[tuple[str, dict[str, Any]]]:
    return [(k, v) for k, v in value.items() if isinstance(v, dict)] if isinstance(value, dict) else []


def _servers(value: object, path: tuple[object, ...], log: _Lowering) -> None:
    for index, server in _items(value):
        log.keep(server, (*path, index), ("name",))


def _path_item(item: dict[str, Any], path: tuple[object, ...], log: _Lowering) -> None:
    if "query" in item:
        log.refuse((*path, "query"), "the QUERY method")
    if "additionalOperations" in item:
        log.refuse((*path, "additionalOperations"), "`additionalOperations` (methods beyond the fixed eight)")
    _servers(item.get("servers"), (*path, "servers"), log)
    for index, parameter in _items(item.get("parameters")):
        _parameter(parameter, (*path, "parameters", index), log)
    for method in _METHODS:
        operation = item.get(method)
        if not isinstance(operation, dict):
            continue
        where = (*path, method)
        _servers(operation.get("servers"), (*where, "servers"), log)
        for index, parameter in _items(operation.get("parameters")):
            _parameter(parameter, (*where, "parameters", index), log)
        body = operation.get("requestBody")
        if isinstance(body, dict):
            _content(body.get("content"), (*where, "requestBody", "content"), log)
        for status, response in _entries(operation.get("responses")):
            _response(response, (*where, "responses", status), log)
        for name, callback in _entries(operation.get("callbacks")):
            for expression, callback_item in _entries(callback):
                _path_item(callback_item, (*where, "callbacks", name, expression), log)


def _parameter(parameter: dict[str, Any], path: tuple[object, ...], log: _Lowering) -> None:
    if parameter.get("in") == "querystring":
        log.refuse((*path, "in"), "a parameter `in: querystring` (the whole query string as one value)")
    if parameter.get("style") == "cookie":
        log.refuse((*path, "style"), "`style: cookie`")
    for name, example in _entries(parameter.get("examples")):
        _example(example, (*path, "examples", name), log)
    _content(parameter.get("content"), (*path, "content"), log)


def _response(response: dict[str, Any], path: tuple[object, ...], log: _Lowering) -> None:
    log.keep(response, path, ("summary",))
    for name, header in _entries(response.get("headers")):
        _parameter(header, (*path, "headers", name), log)
    _content(response.get("content"), (*path, "content"), log)


def _content(content: object, path: tuple[object, ...], log: _Lowering) -> None:
    for media_type, media in _entries(content):
        where = (*path, media_type)
        for field in _SEQUENTIAL:
            if field in media:
                log.refuse((*where, field), f"a sequential media type (`{field}`)")
        for name, example in _entries(media.get("examples")):
            _example(example, (*where, "examples", name), log)


def _example(example: dict[str, Any], path: tuple[object, ...], log: _Lowering) -> None:
    if "dataValue" in example and "value" not in example and "externalValue" not in example:
        example["value"] = example.pop("dataValue")
        message = "3.2 `dataValue` is the example's `value` in 3.1"
        log.notes.append(Finding(file=log.file, pointer=json_pointer((*path, "dataValue")), rule=RULE, message=message))
    log.keep(example, path, ("dataValue", "serializedValue"))


def _inline_media_types(document: dict[str, Any], log: _Lowering) -> None:
    """Copy each `#/components/mediaTypes/<name>` where it is referenced (3.1 has no such component)."""
    components = document.get("components")
    if not isinstance(components, dict) or "mediaTypes" not in components:
        return
    media_types = components.pop("mediaTypes")

    def replace(node: Any, path: tuple[object, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_MEDIA_TYPES_PREFIX) and len(node) == 1:
                name = ref.removeprefix(_MEDIA_TYPES_PREFIX)
                if isinstance(media_types, dict) and isinstance(media_types.get(name), dict):
                    return replace(copy.deepcopy(media_types[name]), path)
                log.refuse(path, f"`$ref: {ref}` to a media type that does not exist")
                return node
            return {key: replace(value, (*path, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [replace(value, (*path, index)) for index, value in enumerate(node)]
        return node

    document.update(replace(document, ()))
    message = "3.2 `components.mediaTypes` copied into each place that references them"
    log.notes.append(Finding(file=log.file, pointer="/components/mediaTypes", rule=RULE, message=message))


def _schemas(document: dict[str, Any], log: _Lowering) -> None:
    """Schema-level 3.2 additions, wherever schemas sit: XML `nodeType`, discriminator `defaultMapping`."""

    def visit(node: Any, path: tuple[object, ...]) -> None:
        if isinstance(node, dict):
            xml = node.get("xml")
            if isinstance(xml, dict):
                log.keep(xml, (*path, "xml"), ("nodeType",))
            discriminator = node.get("discriminator")
            if isinstance(discriminator, dict) and "defaultMapping" in discriminator:
                log.refuse((*path, "discriminator", "defaultMapping"), "a discriminator's `defaultMapping`")
            for key, value in node.items():
                if key not in ("example", "examples", "default", "enum", "const"):
                    visit(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, (*path, index))

    visit(document, ())

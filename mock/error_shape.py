"""The error shape a spec documents for requests that fail validation, for Prism's preload to fill in.

Prism answers an invalid request with the spec's canned 400/422 example; prism-error-body.cjs rebuilds
that body from the real violations. What goes where is decided here, from the spec alone: an API with
`info.x-sdk-envelope` puts the summary in the envelope's message field and the field errors in its
errors field; otherwise the documented 422 (else 400) schema is read as a problem document: `detail`
(and any member whose example repeats the detail's text) gets the summary, `instance` the request path,
an array of objects with a message (`errors: [{field, message}]`) the field errors, and an object of
such arrays keyed by field (`errorDetails: {name: [{message}]}`) the same errors by field. Lengths and
counts are clipped to the schema's maxLength/maxItems so the answer still matches the spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from generator.spec_walk import follow_ref_or

STATUSES = ("422", "400")  # the statuses Prism answers an invalid request with, in its order of preference
FIELD_KEYS = ("field", "name", "parameter", "param", "path", "pointer")  # an error item's "which field"
MESSAGE_KEYS = ("message", "detail", "reason")  # an error item's "what is wrong"
CODE_KEYS = ("code", "errorCode", "error_code", "rule")  # an error item's machine-readable kind


@attrs.frozen(kw_only=True)
class ErrorShape:
    """Where the violations go in an API's error body; `to_json()` is what PRISM_ERROR_SHAPE carries."""

    content_type: str
    templates: Mapping[str, Any]
    text: tuple[Mapping[str, Any], ...] = ()
    instance: Mapping[str, Any] | None = None
    list: Mapping[str, Any] | None = None
    map: Mapping[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self, recurse=False, value_serializer=_plain), sort_keys=True)


def _plain(_instance: object, _attribute: object, value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return [_plain(None, None, item) for item in value]
    return value


def error_shape(document: Mapping[str, Any]) -> ErrorShape | None:
    """The shape of `document`'s validation errors; None when it documents no JSON 400 or 422 answer."""
    found = list(_error_responses(document))
    if not found:
        return None
    templates: dict[str, Any] = {}
    for status, _media, _schema, example in found:
        if isinstance(example, dict):
            templates.setdefault(status, example)
    first = min(found, key=lambda item: STATUSES.index(item[0]))
    status, media, schema, example = first
    properties = _properties(document, schema)
    envelope = _envelope(document)
    if envelope is not None:
        message_field, errors_field = envelope
        text = [_limit(message_field, properties.get(message_field, {}), document)] if message_field else []
        return ErrorShape(
            content_type=media,
            templates=templates,
            text=tuple(text),
            list=_list_spec(document, errors_field, properties.get(errors_field, {})) if errors_field else None,
        )
    example = example if isinstance(example, dict) else templates.get(status, {})
    detail = example.get("detail")
    text_members = [name for name in properties if name == "detail" or (detail and example.get(name) == detail)]
    errors_first = sorted(properties, key=lambda name: name != "errors")
    list_member = next((name for name in errors_first if _is_error_list(document, properties[name])), None)
    map_member = next((name for name in properties if _is_error_map(document, properties[name])), None)
    return ErrorShape(
        content_type=media,
        templates=templates,
        text=tuple(_limit(name, properties[name], document) for name in text_members),
        instance=_limit("instance", properties["instance"], document) if "instance" in properties else None,
        list=_list_spec(document, list_member, properties[list_member]) if list_member else None,
        map=_map_spec(document, map_member, properties[map_member]) if map_member else None,
    )


def _resolve(document: Mapping[str, Any], node: object) -> Any:
    """`node` with local `$ref`s followed (a chain of them too); {} for a reference that does not resolve."""
    return follow_ref_or(document, node, {})


def _error_responses(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Any, Any]]:
    """(status, media type, schema, example) of every JSON 400/422 answer, in document order."""
    for item in (document.get("paths") or {}).values():
        item = _resolve(document, item)
        if not isinstance(item, Mapping):
            continue
        for operation in item.values():
            if not isinstance(operation, Mapping) or not isinstance(operation.get("responses"), Mapping):
                continue
            for status in STATUSES:
                response = _resolve(document, operation["responses"].get(status))
                content = response.get("content") if isinstance(response, Mapping) else None
                for media, body in (content or {}).items():
                    if media.split(";")[0].strip().endswith("json") and isinstance(body, Mapping):
                        yield status, media, _resolve(document, body.get("schema", {})), _example(document, body)
                        break


def _example(document: Mapping[str, Any], body: Mapping[str, Any]) -> Any:
    if "example" in body:
        return body["example"]
    for example in (body.get("examples") or {}).values():
        example = _resolve(document, example)
        if isinstance(example, Mapping) and "value" in example:
            return example["value"]
    return None


def _properties(document: Mapping[str, Any], schema: object) -> dict[str, Any]:
    """The declared properties of an object schema, through `allOf` too, each resolved."""
    schema = _resolve(document, schema)
    if not isinstance(schema, Mapping):
        return {}
    found: dict[str, Any] = {}
    for part in schema.get("allOf") or []:
        found |= _properties(document, part)
    for name, value in (schema.get("properties") or {}).items():
        found[str(name)] = _resolve(document, value)
    return found


def _envelope(document: Mapping[str, Any]) -> tuple[str | None, str | None] | None:
    info = document.get("info")
    envelope = info.get("x-sdk-envelope") if isinstance(info, Mapping) else None
    if not isinstance(envelope, Mapping):
        return None
    return envelope.get("message_field", "message"), envelope.get("errors_field", "errors")


def _limit(member: str, schema: object, document: Mapping[str, Any]) -> dict[str, Any]:
    schema = _resolve(document, schema)
    max_length = schema.get("maxLength") if isinstance(schema, Mapping) else None
    return {"member": member, "max_length": max_length}


def _first(keys: tuple[str, ...], properties: Mapping[str, Any]) -> str | None:
    return next((key for key in keys if key in properties), None)


def _item_properties(document: Mapping[str, Any], array: object) -> dict[str, Any]:
    array = _resolve(document, array)
    if not isinstance(array, Mapping) or array.get("type") != "array":
        return {}
    return _properties(document, array.get("items", {}))


def _is_error_list(document: Mapping[str, Any], schema: object) -> bool:
    items = _item_properties(document, schema)
    return _first(MESSAGE_KEYS, items) is not None and _first(FIELD_KEYS, items) is not None


def _is_error_map(document: Mapping[str, Any], schema: object) -> bool:
    schema = _resolve(document, schema)
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        return False
    return _first(MESSAGE_KEYS, _item_properties(document, schema.get("additionalProperties"))) is not None


def _list_spec(document: Mapping[str, Any], member: str, schema: object) -> dict[str, Any]:
    array = _resolve(document, schema)
    items = _item_properties(document, array)
    field = _first(FIELD_KEYS, items) or "field"
    message = _first(MESSAGE_KEYS, items) or "message"
    return {
        "member": member,
        "field": field,
        "message": message,
        "code": _first(CODE_KEYS, items),
        "max_items": array.get("maxItems") if isinstance(array, Mapping) else None,
        "field_max_length": items.get(field, {}).get("maxLength"),
        "message_max_length": items.get(message, {}).get("maxLength"),
    }


def _map_spec(document: Mapping[str, Any], member: str, schema: object) -> dict[str, Any]:
    mapping = _resolve(document, schema)
    array = _resolve(document, mapping.get("additionalProperties"))
    items = _item_properties(document, array)
    message = _first(MESSAGE_KEYS, items) or "message"
    return {
        "member": member,
        "message": message,
        "code": _first(CODE_KEYS, items),
        "max_keys": mapping.get("maxProperties"),
        "max_items": array.get("maxItems") if isinstance(array, Mapping) else None,
        "message_max_length": items.get(message, {}).get("maxLength"),
    }

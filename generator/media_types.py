"""Every documented media type gets a Python shape openapi-python-client (pinned) can generate.

openapi-python-client generates JSON (and `+json`), form, multipart and `application/octet-stream`
request bodies, and JSON, `application/octet-stream` and `text/*` responses; any other media type drops
the operation or its body with a warning. Its `content_type_overrides` setting reads a media type as
another; the generated code still sends the original `Content-Type`, so reading the others as
`application/octet-stream` makes them `File` (bytes or a file-like object) bodies and responses, sent
and received as documented. Their schemas become binary strings, since the bytes are not parsed, and
`text/*` responses are `str`. The Accept header of each operation lists what its responses document.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.spec_walk import RefError, follow_ref, follow_ref_or, operations

BINARY = "application/octet-stream"
_BINARY_SCHEMA = {"type": "string", "format": "binary"}
_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data", BINARY)


def essence(media_type: str) -> str:
    """`Application/JSON; charset=utf-8` → `application/json`."""
    return media_type.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return essence(media_type) == "application/json" or essence(media_type).endswith("+json")


def _is_binary(schema: object) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "string" and schema.get("format") == "binary"


def _schema(document: Mapping[str, Any], media: Mapping[str, Any]) -> object:
    """The media type's schema, following local `$ref`s (a binary string is often a shared component)."""
    try:
        return follow_ref(document, media.get("schema"))
    except RefError:
        return None  # a $ref loop: not a binary or text schema


def _is_text(schema: object) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "string" and "format" not in schema


def body_is_native(media_type: str) -> bool:
    return _is_json(media_type) or essence(media_type) in _BODY_TYPES


def response_is_native(media_type: str) -> bool:
    return _is_json(media_type) or essence(media_type) == BINARY or essence(media_type).startswith("text/")


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    for found in operations(document):
        yield ("paths", found.path, found.method), found.operation


def _contents(
    document: Mapping[str, Any], field: str, section: str
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Each `content` map of request bodies (field requestBody) or responses, inline or in components."""
    for where, operation in _operations(document):
        node = operation.get(field)
        targets = {"": node} if field == "requestBody" else (node if isinstance(node, dict) else {})
        for key, target in targets.items():
            if isinstance(target, dict) and isinstance(target.get("content"), dict):
                yield (*where, field, *([key] if key else [])), target["content"]
    for name, target in ((document.get("components") or {}).get(section) or {}).items():
        if isinstance(target, dict) and isinstance(target.get("content"), dict):
            yield ("components", section, str(name)), target["content"]


def rewrite_media_types(document: dict[str, Any]) -> tuple[dict[str, str], list[tuple[tuple[str, ...], str]]]:
    """(content_type_overrides for openapi-python-client, notes as (path, message)); rewrites schemas in place."""
    overrides: dict[str, str] = {}
    notes: list[tuple[tuple[str, ...], str]] = []
    for where, content in _contents(document, "requestBody", "requestBodies"):
        for media_type, media in content.items():
            if not isinstance(media, dict):
                continue
            if not body_is_native(media_type):
                overrides[media_type] = BINARY
            if (not body_is_native(media_type) or essence(media_type) == BINARY) and not _is_binary(
                media.get("schema")
            ):
                media["schema"] = dict(_BINARY_SCHEMA)
                notes.append(((*where, "content", media_type), "request body sent as bytes or a file-like object"))
            elif "schema" not in media:
                media["schema"] = {}  # no schema: any JSON value, any form or multipart fields
    for where, content in _contents(document, "responses", "responses"):
        if any(response_is_native(media_type) for media_type in content):
            # openapi-python-client parses the first media type it knows: keep the natively parsed ones first
            ordered = sorted(content.items(), key=lambda item: not response_is_native(item[0]))
            content.clear()
            content.update(ordered)
        for media_type, media in content.items():
            if not isinstance(media, dict):
                continue
            if not response_is_native(media_type) or essence(media_type) == BINARY or media_type in overrides:
                overrides.setdefault(media_type, BINARY)
                if not _is_binary(_schema(document, media)):
                    media["schema"] = dict(_BINARY_SCHEMA)
                    notes.append(((*where, "content", media_type), "response read as bytes (File)"))
            elif (
                essence(media_type).startswith("text/") and "schema" in media and not _is_text(_schema(document, media))
            ):
                media["schema"] = {"type": "string"}
                notes.append(((*where, "content", media_type), "response read as text (str)"))
    return overrides, notes


def accept_header(document: Mapping[str, Any], operation: Mapping[str, Any]) -> str | None:
    """The media types `operation`'s responses document, in order, for its Accept header (None: none documented)."""
    found: dict[str, None] = {}
    for raw in (operation.get("responses") or {}).values():
        response = follow_ref_or(document, raw, None)
        if isinstance(response, Mapping) and isinstance(response.get("content"), Mapping):
            found.update(dict.fromkeys(str(media_type) for media_type in response["content"]))
    return ", ".join(found) or None

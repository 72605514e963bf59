"""The inline models of a component that is itself a union become components of their own.

openapi-python-client (0.29.1) builds a component that is a union (``oneOf``/``anyOf`` at its top, a 3.0
``nullable`` object, a 3.1 ``type`` list holding ``object``) in a way that breaks on inline models inside it: an
inline object nested in a member is made twice and refused ("Attempted to generate duplicate models"), and an
inline member whose ``allOf`` refers to another model may be read before that model ("Reference ... in allOf was
not processed"). Either takes the component with it, and every operation that uses it: GitHub's
``nullable-repository`` (its ``permissions``), digitalocean.com's load balancer bodies. The same shapes as
components of their own generate fine. So:

- an inline ``oneOf``/``anyOf`` member that is or holds an object moves into components under the name
  openapi-python-client gives it, the component's key and the member's subscript (``Group_type_1``, or its
  title when it has one): the class it would have made (``GroupType1``), made once;
- in a nullable object, a property that is or holds an inline object moves likewise, under the object member's
  name and the property's (``Group_type_0_permissions``: ``GroupType0Permissions``).

Nothing on the wire changes; a moved schema that is itself such a union is treated the same way.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from generator.normalize_shapes import is_model

__all__ = ["hoist_union_member_models"]

Note = Callable[[tuple[str, ...], str, str], None]
_RULE = "union-member-model"
# Characters a member's title may hold and a component key may not (OpenAPI keys match `^[a-zA-Z0-9.\-_]+$`)
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def hoist_union_member_models(document: dict[str, Any], note: Note) -> None:
    """Move union components' inline members, and the inline models nested in a nullable object component, into
    components (module docstring)."""
    schemas = (document.get("components") or {}).get("schemas")
    if not isinstance(schemas, dict):
        return
    pending = deque(schemas)  # a large spec has thousands of components: no list.pop(0)
    while pending:
        key = pending.popleft()
        schema = schemas[key]
        if not isinstance(schema, dict) or "$ref" in schema:
            continue
        moves: list[tuple[str, tuple[str, ...], Any, Any]] = [*_inline_members(schema), *_nested_models(schema)]
        for subscript, path, holder, slot in moves:  # holder[slot]: a list and index, or properties and a name
            target = _free_key(_KEY_UNSAFE.sub("_", f"{key}_{subscript}"), schemas)
            schemas[target] = holder[slot]
            holder[slot] = {"$ref": f"#/components/schemas/{target}"}
            pending.append(target)  # it may hold such a union itself
            note(
                ("components", "schemas", key, *path),
                _RULE,
                f"moved to #/components/schemas/{target}: openapi-python-client builds the inline models of a union"
                " component twice and refuses them",
            )


def _inline_members(schema: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...], list[Any], int]]:
    """The `oneOf`/`anyOf` members of `schema` that are or hold an inline model: (openapi-python-client's
    subscript for it, its path, its list, its index)."""
    for index, (keyword, position, member) in enumerate(_union_members(schema)):
        if _holds_a_model(member):
            title = member.get("title")
            usable = isinstance(title, str) and title and title != schema.get("title")
            yield (title if usable else f"type_{index}"), (keyword, str(position)), schema[keyword], position


def _nested_models(schema: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any], str]]:
    """For a nullable object (3.0 `nullable`, 3.1 `type` list), each property that is or holds an inline model:
    (openapi-python-client's name for it below the object member, its path, the properties, the name)."""
    kind = schema.get("type")
    if any(keyword in schema for keyword in ("oneOf", "anyOf")) or not _is_object(schema):
        return
    if schema.get("nullable") is True:
        subscript = "type_0"
    elif isinstance(kind, list) and len(kind) > 1:
        subscript = f"type_{kind.index('object')}"
    else:
        return
    parts: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), schema)]
    parts += [(("allOf", str(i)), part) for i, part in enumerate(schema.get("allOf") or []) if isinstance(part, dict)]
    for path, part in parts:
        properties = part.get("properties") if "$ref" not in part else None
        if not isinstance(properties, dict):
            continue
        for name in list(properties):
            if _holds_a_model(properties[name]):
                yield f"{subscript}_{name}", (*path, "properties", name), properties, name


def _union_members(schema: dict[str, Any]) -> Iterator[tuple[str, int, Any]]:
    """The members openapi-python-client counts for ``type_<n>``: `anyOf`'s, then `oneOf`'s."""
    for keyword in ("anyOf", "oneOf"):
        members = schema.get(keyword)
        for position, member in enumerate(members if isinstance(members, list) else []):
            yield keyword, position, member


def _is_object(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        kind == "object" or (isinstance(kind, list) and "object" in kind) or (kind is None and "properties" in schema)
    )


def _holds_a_model(schema: object) -> bool:
    """Whether `schema`, without following a `$ref`, is or holds an inline object (a model class of its own)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if is_model(schema):
        return True
    nested: list[Any] = [schema.get("items"), schema.get("additionalProperties")]
    for keyword in ("anyOf", "oneOf"):
        members = schema.get(keyword)
        nested.extend(members if isinstance(members, list) else [])
    return any(_holds_a_model(part) for part in nested)


def _free_key(wanted: str, schemas: dict[str, Any]) -> str:
    key, number = wanted, 2
    while key in schemas:
        key, number = f"{wanted}_{number}", number + 1
    return key

"""What the living mock knows of an OpenAPI document: its operations, and the resources they act on.

Inferred from paths and methods alone (no API is named here):
  - a collection is a path `P` next to an item path `P/{param}`: `POST P` creates, `GET P` lists,
    `GET|PUT|PATCH|DELETE P/{param}` read, replace, update and remove one record;
  - a singleton is any other path with a `GET` and a `PUT` or `PATCH` (`/rvms/{id}/config`): one
    record per concrete path, which keeps what was written;
  - everything else answers its documented success example, as Prism does.
`x-mock-resource` on a path item overrides the inference: `collection`, `item`, `singleton` or `none`.
Records sit where the examples put them: inside `info.x-sdk-envelope`'s data field when the API has
one, and in a list answer in `x-sdk-pagination.items` (else the example's first array of objects).
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from generator import spec_walk
from generator.spec_walk import follow_ref_or

METHODS = ("get", "put", "post", "patch", "delete")
PARAM = re.compile(r"\{([^}/]+)\}")
Location = tuple[str, ...]  # keys from an answer's body to the record (or to the list's array)


@attrs.frozen(kw_only=True)
class Answer:
    """One documented response: status, media type, example body (None without one) and its headers."""

    status: int
    media_type: str | None
    example: Any
    schema: Mapping[str, Any]
    headers: Mapping[str, Mapping[str, Any]]


@attrs.frozen(kw_only=True)
class Operation:
    """One operation of the document with what the mock needs to answer it."""

    method: str
    template: str
    operation_id: str
    pattern: re.Pattern[str]
    literal_segments: int
    path_params: tuple[str, ...]
    param_examples: Mapping[str, Any]
    query_params: tuple[str, ...]
    answers: Mapping[int, Answer]
    kind: str  # create | list | read | replace | update | delete | canned
    resource: str | None  # the collection's or singleton's path template

    @property
    def success(self) -> Answer | None:
        """The first documented 2xx answer."""
        return next((self.answers[s] for s in sorted(self.answers) if 200 <= s < 300), None)

    def answer(self, status: int) -> Answer | None:
        return self.answers.get(status)


def deref(document: Mapping[str, Any], node: Any) -> Any:
    """`node` with its local `$ref` chain followed (not its children); {} for a broken or looping chain."""
    return follow_ref_or(document, node, {})


def schema_at(document: Mapping[str, Any], schema: Any, location: Location) -> Any:
    """The sub-schema at `location` (object properties; an array's `items` for the key `[]`)."""
    for key in location:
        schema = deref(document, schema)
        if not isinstance(schema, Mapping):
            return {}
        if key == "[]":
            schema = schema.get("items", {})
            continue
        found: Any = (schema.get("properties") or {}).get(key)
        for part in schema.get("allOf") or ():
            found = found or (deref(document, part).get("properties") or {}).get(key)
        schema = found or {}
    return deref(document, schema)


def _example(document: Mapping[str, Any], media: Mapping[str, Any]) -> Any:
    if "example" in media:
        return copy.deepcopy(media["example"])
    for example in (media.get("examples") or {}).values():
        value = deref(document, example)
        if isinstance(value, Mapping) and "value" in value:
            return copy.deepcopy(value["value"])
    schema = deref(document, media.get("schema"))
    if isinstance(schema, Mapping) and "example" in schema:
        return copy.deepcopy(schema["example"])
    return None


def _answers(document: Mapping[str, Any], responses: Mapping[str, Any]) -> dict[int, Answer]:
    answers: dict[int, Answer] = {}
    for code, raw in responses.items():
        if not str(code).isdigit():
            continue
        response = deref(document, raw)
        content = response.get("content") or {}
        media_type = next(iter(content), None)
        media = deref(document, content[media_type]) if media_type else {}
        headers = {name: deref(document, header) for name, header in (response.get("headers") or {}).items()}
        answers[int(code)] = Answer(
            status=int(code),
            media_type=media_type,
            example=_example(document, media),
            schema=deref(document, media.get("schema")) or {},
            headers=headers,
        )
    return answers


def _params(document: Mapping[str, Any], item: Mapping[str, Any], op: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    merged = {}
    for raw in [*(item.get("parameters") or ()), *(op.get("parameters") or ())]:
        param = deref(document, raw)
        merged[(param.get("in"), param.get("name"))] = param
    return list(merged.values())


def _pattern(template: str) -> re.Pattern[str]:
    regex = "".join(
        f"(?P<p{index}>[^/]+)" if part.startswith("{") else re.escape(part)
        for index, part in enumerate(re.split(r"(\{[^}/]+\})", template))
        if part
    )
    return re.compile(f"^{regex}/?$")


def _kinds(paths: Mapping[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Each path template's role: (`collection`|`item`|`singleton`|`none`, its resource template)."""
    roles: dict[str, tuple[str, str | None]] = {}
    for template, item in paths.items():
        methods = {m for m in METHODS if m in item}
        forced = item.get("x-mock-resource")
        parent, _, last = template.rpartition("/")
        if forced == "item" or (forced is None and PARAM.fullmatch(last) and parent in paths):
            parent_methods = {m for m in METHODS if m in paths.get(parent, {})}
            if forced == "item" or parent_methods & {"get", "post"}:
                roles[template] = ("item", parent)
                roles.setdefault(parent, ("collection", parent))
                continue
        if forced == "singleton" or (forced is None and "get" in methods and methods & {"put", "patch"}):
            roles.setdefault(template, ("singleton", template))
        elif forced == "collection":
            roles[template] = ("collection", template)
        elif forced == "none":
            roles[template] = ("none", None)
    for template, (role, _) in list(roles.items()):
        if role == "collection" and template in paths and paths[template].get("x-mock-resource") == "none":
            roles[template] = ("none", None)
    return roles


KIND = {
    ("collection", "post"): "create",
    ("collection", "get"): "list",
    ("item", "get"): "read",
    ("item", "put"): "replace",
    ("item", "patch"): "update",
    ("item", "delete"): "delete",
    ("singleton", "get"): "read",
    ("singleton", "put"): "replace",
    ("singleton", "patch"): "update",
    ("singleton", "delete"): "delete",
}


def operations(document: Mapping[str, Any]) -> list[Operation]:
    """Every operation of `document`, the most specific path first (literal segments beat parameters)."""
    roles = _kinds(document.get("paths") or {})
    found: list[Operation] = []
    for walked in spec_walk.operations(document, METHODS):
        template, method, op = walked.path, walked.method, walked.operation
        role, resource = roles.get(template, ("none", None))
        params = _params(document, walked.item, op)
        path_params = tuple(PARAM.findall(template))
        kind = KIND.get((role, method), "canned")
        found.append(
            Operation(
                method=method.upper(),
                template=template,
                operation_id=str(op.get("operationId") or f"{method} {template}"),
                pattern=_pattern(template),
                literal_segments=sum(1 for s in template.split("/") if s and not PARAM.fullmatch(s)),
                path_params=path_params,
                param_examples={p["name"]: p["example"] for p in params if p.get("in") == "path" and "example" in p},
                query_params=tuple(str(p["name"]) for p in params if p.get("in") == "query"),
                answers=_answers(document, op.get("responses") or {}),
                kind=kind,
                resource=resource if kind != "canned" else None,
            )
        )
    found.sort(key=lambda o: (-o.literal_segments, -len(o.template)))
    return found


def base_paths(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The path part of each server URL (`/api/v1`), longest first; requests may carry it or not."""
    found = set()
    for server in document.get("servers") or ():
        url = str(server.get("url", ""))
        path = re.sub(r"^[a-z]+://[^/]+", "", url).rstrip("/")
        if path.startswith("/") and "{" not in path:
            found.add(path)
    return tuple(sorted(found, key=len, reverse=True))


def envelope_field(document: Mapping[str, Any]) -> str | None:
    """The envelope's data field (`info.x-sdk-envelope.data_field`), or None for an API without one."""
    envelope = (document.get("info") or {}).get("x-sdk-envelope")
    return str(envelope.get("data_field", "data")) if isinstance(envelope, Mapping) else None


def array_location(body: Any, preferred: str | None = None) -> Location | None:
    """Where the list of records is in a list answer: `preferred` key, else the first array of objects."""
    if isinstance(body, list):
        return ()
    if not isinstance(body, Mapping):
        return None
    if preferred and isinstance(body.get(preferred), list):
        return (preferred,)
    for key, value in body.items():
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value) and value:
            return (key,)
    for key, value in body.items():
        inner = array_location(value, preferred) if isinstance(value, Mapping) else None
        if inner is not None:
            return (key, *inner)
    return None


def walk(body: Any, location: Location) -> Any:
    for key in location:
        body = body.get(key) if isinstance(body, Mapping) else None
    return body


def header_example(header: Mapping[str, Any]) -> str | None:
    """A value for a documented response header: its example (or its schema's), else one for a required one."""
    schema = header.get("schema") or {}
    value = header.get("example", schema.get("example", schema.get("default")))
    if value is None and header.get("required"):
        integer = schema.get("type") == "integer"
        value = str(uuid.uuid4()) if schema.get("format") == "uuid" else ("0" if integer else "mock")
    return None if value is None else str(value)

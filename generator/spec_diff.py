"""What changed between two versions of an OpenAPI document, each change classified for a client.

A change is breaking when code or data that worked against the old document may fail against the new
one. The rules depend on the direction data flows: a request schema may widen (accept more) but not
narrow; a response schema may narrow (promise more) but not widen, since the SDK parses what comes back.

| change | request side | response side |
| --- | --- | --- |
| operation removed, or its operationId / x-sdk-method renamed | breaking | breaking |
| parameter or property removed | breaking | breaking |
| parameter or property added | breaking if required, else added | added |
| became required | breaking | fixed (the field is now promised) |
| became optional | fixed | breaking |
| enum value removed | breaking | fixed |
| enum value added | added | breaking (the SDK's enum refuses unknown values) |
| type narrowed / widened | breaking / fixed | fixed / breaking |
| tighter maxLength, minLength, maximum, minimum, pattern | breaking | fixed |
| nullable removed / added | breaking / fixed | fixed / breaking |
| union members reordered | breaking (the SDK tries them in order) | breaking |
| security requirements changed | breaking | |
| success response removed | | breaking |

Changes inside a schema of `components/schemas` are named by the model (`LicenseInfo.max_clients`) and
reported once, however many operations use the model.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import attrs

from generator.spec_walk import RefError, is_ref, operations, ref_chain

Direction = Literal["request", "response"]
Kind = Literal["breaking", "added", "fixed"]
_MAX_DEPTH = 32


@attrs.frozen(kw_only=True)
class SpecChange:
    """One client-visible change: where (an operation or a model field), what, and its kind."""

    where: str
    what: str
    kind: Kind

    @property
    def breaking(self) -> bool:
        return self.kind == "breaking"

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[SpecChange]:
    """Every change from `old` to `new`, deduplicated, in a stable order (breaking first, then by place)."""
    differ = _Differ(old, new)
    differ.operations()
    order = {"breaking": 0, "added": 1, "fixed": 2}
    return sorted(differ.changes, key=lambda c: (order[c.kind], c.where, c.what))


class _Differ:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old_doc, self.new_doc = old, new
        self.changes: dict[SpecChange, None] = {}  # an ordered set

    def add(self, where: str, what: str, kind: Kind) -> None:
        self.changes[SpecChange(where=where, what=what, kind=kind)] = None

    def resolve(self, document: Mapping[str, Any], node: Any) -> tuple[Any, str | None]:
        """A node with its `$ref` followed (a chain too); the component's name when it was a schema ref."""
        name, target = None, node
        try:
            for target in ref_chain(document, node):
                if is_ref(target) and target["$ref"].startswith("#/components/schemas/"):
                    name = target["$ref"].rsplit("/", 1)[-1]
        except RefError:
            target = {}  # another file, nothing, or a loop: outside what one document can compare
        return target, name

    # --- operations -------------------------------------------------------------------------------

    def operations(self) -> None:
        old_ops, new_ops = _operations(self.old_doc), _operations(self.new_doc)
        for key in sorted(old_ops.keys() - new_ops.keys()):
            self.add(key, "operation removed", "breaking")
        for key in sorted(new_ops.keys() - old_ops.keys()):
            self.add(key, "operation added", "added")
        for key in sorted(old_ops.keys() & new_ops.keys()):
            self.operation(key, old_ops[key], new_ops[key])

    def operation(self, key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for field in ("operationId", "x-sdk-method"):
            if old.get(field) != new.get(field):
                self.add(key, f"{field} renamed from {old.get(field)} to {new.get(field)}", "breaking")
        if self.security(self.old_doc, old) != self.security(self.new_doc, new):
            self.add(key, "security requirements changed", "breaking")
        self.parameters(key, old, new)
        old_body, _ = self.resolve(self.old_doc, old.get("requestBody") or {})
        new_body, _ = self.resolve(self.new_doc, new.get("requestBody") or {})
        if not old_body.get("required") and new_body.get("required"):
            self.add(key, "request body became required", "breaking")
        for media, old_schema, new_schema in _media_pairs(old_body, new_body, key, self):
            self.schema(f"{key} request body ({media})", old_schema, new_schema, "request", 0, set())
        old_responses, new_responses = old.get("responses") or {}, new.get("responses") or {}
        for status in sorted(old_responses.keys() - new_responses.keys(), key=str):
            if str(status).startswith("2"):
                self.add(key, f"response {status} removed", "breaking")
        for status in sorted(old_responses.keys() & new_responses.keys(), key=str):
            old_response, _ = self.resolve(self.old_doc, old_responses[status])
            new_response, _ = self.resolve(self.new_doc, new_responses[status])
            for media, old_schema, new_schema in _media_pairs(old_response, new_response, f"{key} {status}", self):
                self.schema(f"{key} response {status} ({media})", old_schema, new_schema, "response", 0, set())

    def security(self, document: Mapping[str, Any], operation: Mapping[str, Any]) -> object:
        return operation.get("security", document.get("security"))

    def parameters(self, key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        def by_place(document: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[tuple[str, str], Any]:
            found = {}
            for raw in [*(operation.get("x-path-parameters") or ()), *(operation.get("parameters") or ())]:
                parameter, _ = self.resolve(document, raw)
                if isinstance(parameter, Mapping):
                    found[(str(parameter.get("in")), str(parameter.get("name")))] = parameter
            return found

        before, after = by_place(self.old_doc, old), by_place(self.new_doc, new)
        for place, name in sorted(before.keys() - after.keys()):
            self.add(key, f"{place} parameter '{name}' removed", "breaking")
        for place, name in sorted(after.keys() - before.keys()):
            required = bool(after[(place, name)].get("required"))
            kind: Kind = "breaking" if required else "added"
            self.add(key, f"{'required' if required else 'optional'} {place} parameter '{name}' added", kind)
        for place, name in sorted(before.keys() & after.keys()):
            was, now = bool(before[(place, name)].get("required")), bool(after[(place, name)].get("required"))
            if was != now:
                self.add(
                    key,
                    f"{place} parameter '{name}' became {'required' if now else 'optional'}",
                    "breaking" if now else "fixed",
                )
            self.schema(
                f"{key} {place} parameter '{name}'",
                before[(place, name)].get("schema"),
                after[(place, name)].get("schema"),
                "request",
                0,
                set(),
            )

    # --- schemas ----------------------------------------------------------------------------------

    def schema(
        self, where: str, old_raw: Any, new_raw: Any, direction: Direction, depth: int, seen: set[tuple[int, int]]
    ) -> None:
        old, old_name = self.resolve(self.old_doc, old_raw)
        new, new_name = self.resolve(self.new_doc, new_raw)
        if not isinstance(old, Mapping) or not isinstance(new, Mapping) or depth > _MAX_DEPTH:
            return
        if (id(old), id(new)) in seen:
            return  # a recursive schema: this pair is being compared further up
        seen = seen | {(id(old), id(new))}
        if new_name is not None and old_name == new_name:
            where = new_name  # a model: its changes are named once by the model, whoever uses it
        widen: Kind = "fixed" if direction == "request" else "breaking"
        narrow: Kind = "breaking" if direction == "request" else "fixed"
        old_types, new_types = _types(old), _types(new)
        if old_types and new_types and old_types != new_types:
            kind = widen if old_types < new_types else narrow if new_types < old_types else "breaking"
            self.add(where, f"type changed from {'|'.join(sorted(old_types))} to {'|'.join(sorted(new_types))}", kind)
        self.enum(where, old, new, direction)
        self.constraints(where, old, new, narrow, widen)
        for union in ("oneOf", "anyOf"):
            old_members = [self.resolve(self.old_doc, m)[1] or repr(m) for m in old.get(union) or ()]
            new_members = [self.resolve(self.new_doc, m)[1] or repr(m) for m in new.get(union) or ()]
            if old_members and sorted(old_members) == sorted(new_members) and old_members != new_members:
                self.add(where, f"{union} members reordered", "breaking")
            # members pair by identity (their model name), so a reorder is one change, not a diff of each
            new_by_key = dict(zip(new_members, new.get(union) or (), strict=True))
            for key, old_member in zip(old_members, old.get(union) or (), strict=True):
                if key in new_by_key:
                    self.schema(where, old_member, new_by_key[key], direction, depth + 1, seen)
        for old_part, new_part in zip(old.get("allOf") or (), new.get("allOf") or (), strict=False):
            self.schema(where, old_part, new_part, direction, depth + 1, seen)
        if "items" in old or "items" in new:
            self.schema(f"{where}[]", old.get("items"), new.get("items"), direction, depth + 1, seen)
        self.properties(where, old, new, direction, depth, seen)

    def enum(self, where: str, old: Mapping[str, Any], new: Mapping[str, Any], direction: Direction) -> None:
        if "enum" not in old or "enum" not in new:
            return
        removed = [v for v in old["enum"] if v not in new["enum"]]
        added = [v for v in new["enum"] if v not in old["enum"]]
        if removed:
            self.add(
                where,
                f"enum values removed: {', '.join(map(repr, removed))}",
                "breaking" if direction == "request" else "fixed",
            )
        if added:
            self.add(
                where,
                f"enum values added: {', '.join(map(repr, added))}",
                "added" if direction == "request" else "breaking",
            )

    def constraints(
        self, where: str, old: Mapping[str, Any], new: Mapping[str, Any], narrow: Kind, widen: Kind
    ) -> None:
        for keyword, tighter in (
            ("maxLength", -1),
            ("maxItems", -1),
            ("maximum", -1),
            ("minLength", 1),
            ("minItems", 1),
            ("minimum", 1),
        ):
            before, after = old.get(keyword), new.get(keyword)
            if before == after or isinstance(before, bool) or isinstance(after, bool):
                continue
            if before is None or (after is not None and (after - before) * tighter > 0):
                self.add(where, f"{keyword} tightened from {before} to {after}", narrow)
            else:
                self.add(where, f"{keyword} relaxed from {before} to {after}", widen)
        if old.get("pattern") != new.get("pattern"):
            self.add(where, f"pattern changed from {old.get('pattern')!r} to {new.get('pattern')!r}", narrow)
        if bool(old.get("nullable")) != bool(new.get("nullable")):
            self.add(
                where,
                f"nullable {'added' if new.get('nullable') else 'removed'}",
                widen if new.get("nullable") else narrow,
            )

    def properties(
        self,
        where: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        direction: Direction,
        depth: int,
        seen: set[tuple[int, int]],
    ) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_required, new_required = set(old.get("required") or ()), set(new.get("required") or ())
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add(f"{where}.{name}", "field removed", "breaking")
        for name in sorted(new_props.keys() - old_props.keys()):
            required = name in new_required and direction == "request"
            self.add(
                f"{where}.{name}", f"{'required ' if required else ''}field added", "breaking" if required else "added"
            )
        for name in sorted(old_props.keys() & new_props.keys()):
            if (name in old_required) != (name in new_required):
                now = name in new_required
                request = direction == "request"
                kind: Kind = "breaking" if now == request else "fixed"
                self.add(f"{where}.{name}", f"became {'required' if now else 'optional'}", kind)
            self.schema(f"{where}.{name}", old_props[name], new_props[name], direction, depth + 1, seen)


def _operations(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    # path-level parameters apply to each operation; keep them apart from the operation's own
    return {
        found.key: {**found.operation, "x-path-parameters": found.item.get("parameters") or ()}
        for found in operations(document)
    }


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared) if isinstance(declared, list) else set()
    if "number" in types:
        types.add("integer")  # every integer is a number: integer -> number widens
    return frozenset(str(t) for t in types)


def _media_pairs(old: Any, new: Any, where: str, differ: _Differ) -> Iterator[tuple[str, Any, Any]]:
    old_content = (old.get("content") if isinstance(old, Mapping) else None) or {}
    new_content = (new.get("content") if isinstance(new, Mapping) else None) or {}
    for media in sorted(old_content.keys() - new_content.keys()):
        differ.add(where, f"media type {media} removed", "breaking")
    for media in sorted(new_content.keys() - old_content.keys()):
        differ.add(where, f"media type {media} added", "added")
    for media in sorted(old_content.keys() & new_content.keys()):
        yield media, (old_content[media] or {}).get("schema"), (new_content[media] or {}).get("schema")

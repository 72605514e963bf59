"""Every `$ref` in a spec resolves: to a node in this document or in another file beside it, never in a loop.

A broken `$ref` is one finding at the `$ref` itself (rule `invalid-ref`). A chain of `$ref`s that comes
back to where it started (`A: {$ref: B}`, `B: {$ref: A}`) is one finding for the whole loop (rule
`circular-ref`), at its first member; references into the loop from elsewhere are not reported again.
A recursive schema (`Node.children.items: {$ref: Node}`) is not a loop: following it reaches a schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from generator.spec_findings import Finding, SpecError, json_pointer, pointer_tokens
from generator.spec_source import SpecSource, display_name, read_yaml
from generator.spec_walk import resolve

_MISSING = object()


@attrs.frozen
class _Location:
    """A node: which file, and where in it."""

    path: Path
    pointer: str


class _Documents:
    """The spec and the files its `$ref`s name, each read once."""

    def __init__(self, root: SpecSource) -> None:
        self._sources: dict[Path, SpecSource | SpecError] = {root.path.resolve(): root}

    def get(self, path: Path) -> SpecSource | SpecError:
        key = path.resolve()
        if key not in self._sources:
            try:
                self._sources[key] = read_yaml(path)
            except SpecError as exc:
                self._sources[key] = exc
        return self._sources[key]


def ref_findings(source: SpecSource) -> list[Finding]:
    """One finding per `$ref` that does not resolve, and one per `$ref` loop, in document order."""
    documents = _Documents(source)
    findings: list[Finding] = []
    loops_reported: set[frozenset[_Location]] = set()
    for path, ref in _refs(source.data, ()):
        here = _Location(source.path.resolve(), json_pointer(path))
        ref_pointer = json_pointer((*path, "$ref"))
        if not isinstance(ref, str):
            continue  # a structural problem: Spectral's oas3-schema reports it ("$ref" property must be string)
        chain = [here]
        problem = _follow(documents, here, ref, chain)
        if problem is not None:
            findings.append(source.finding(ref_pointer, "invalid-ref", problem))
        elif len(chain) > 1 and chain[-1] in chain[:-1]:
            loop = chain[chain.index(chain[-1]) : -1]
            members = frozenset(loop)
            if here in members and members not in loops_reported:
                loops_reported.add(members)
                route = " -> ".join(_describe(source, location) for location in [*loop, loop[0]])
                findings.append(source.finding(ref_pointer, "circular-ref", f"$ref chain loops: {route}"))
    return findings


def _follow(documents: _Documents, start: _Location, ref: str, chain: list[_Location]) -> str | None:
    """Follow `ref` (and any `$ref` it lands on) until a real node or a loop; the problem if it breaks."""
    base, current = start.path, ref
    while True:
        target, problem = _resolve(documents, base, current)
        if target is None:
            return problem
        location, node = target
        if location in chain:
            chain.append(location)
            return None
        chain.append(location)
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return None
        base, current = location.path, node["$ref"]


def _resolve(documents: _Documents, base: Path, ref: str) -> tuple[tuple[_Location, Any] | None, str | None]:
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None, f"{ref!r} is a remote reference: the generator reads local files only"
    path = (base.parent / unquote(parts.path)) if parts.path else base
    document = documents.get(path)
    if isinstance(document, SpecError):
        reason = document.findings[0].message if document.findings else "cannot be read"
        return None, f"{ref!r}: {display_name(path)}: {reason}"
    fragment = unquote(parts.fragment)
    if fragment and not fragment.startswith("/"):
        return None, f"{ref!r}: the fragment must be a JSON pointer starting with '/'"
    node = _lookup(document.data, fragment)
    if node is _MISSING:
        return None, f"{ref!r} does not exist"
    return (_Location(path.resolve(), fragment), node), None


def _lookup(data: Any, pointer: str) -> Any:
    try:
        return resolve(data, pointer_tokens(pointer))
    except KeyError:
        return _MISSING


def _describe(source: SpecSource, location: _Location) -> str:
    prefix = "" if location.path == source.path.resolve() else display_name(location.path)
    return f"{prefix}#{location.pointer}"


def _refs(
    node: Any, path: tuple[object, ...], seen: frozenset[int] = frozenset()
) -> Iterator[tuple[tuple[object, ...], Any]]:
    """(path of the object holding `$ref`, the `$ref` value) for every `$ref` in the data."""
    if id(node) in seen:
        return
    inner = seen | {id(node)}
    if isinstance(node, dict):
        if "$ref" in node:
            yield path, node["$ref"]
        for key, value in node.items():
            if key != "$ref":
                yield from _refs(value, (*path, key), inner)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _refs(item, (*path, index), inner)

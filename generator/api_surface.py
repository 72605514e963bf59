"""The public Python API of a generated SDK, read statically with griffe, and what changed between two.

A surface maps each public path (`tiktrue_sdk._resources.LicensesResource.validate`) to a small JSON-able
record of what a caller can depend on: a function's parameters (name, kind, annotation, default) and
return annotation, a class's bases, an attribute's annotation, an alias's target. The generated resource
classes live in private modules (`_resources`, `_clients`) but are public through the clients'
attributes, so private modules are walked too; only private *names* are skipped. The runtime is reached
only through what the package re-exports, and each re-export is described by its target, so a runtime
change that alters a public signature shows up. No code of the SDK is imported or run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import griffe

Record = dict[str, Any]
Surface = dict[str, Record]

_RUNTIME = "_runtime"
_PUBLIC_DUNDERS = frozenset({"__init__", "__call__", "__enter__", "__aenter__", "__iter__", "__aiter__"})


def load_surface(project_dir: Path, package: str) -> Surface:
    """The public surface of `package`, found under `project_dir` (an sdk/<name> folder)."""
    module = griffe.load(
        package,
        search_paths=[str(project_dir)],
        allow_inspection=False,
        resolve_aliases=True,
        resolve_external=False,
    )
    assert isinstance(module, griffe.Module)
    return dict(sorted(_walk(module)))


def _is_public(name: str) -> bool:
    return not name.startswith("_") or name in _PUBLIC_DUNDERS


def _is_public_path(path: str) -> bool:
    return all(_is_public(part) for part in path.split("."))


def _exports(module: griffe.Object) -> frozenset[str]:
    """The names a module's `__all__` lists (none without one: its imports are not re-exports)."""
    exports = getattr(module, "exports", None)
    return frozenset(str(name) for name in exports or ())


def _walk(obj: griffe.Object) -> Iterator[tuple[str, Record]]:
    for name, member in obj.members.items():
        if name == _RUNTIME:
            continue
        if isinstance(member, griffe.Alias):
            if obj.is_module and _is_public_path(obj.path) and name in _exports(obj):
                yield from _describe_alias(member)  # a re-export; a mere import is not part of the API
            continue
        if member.is_module:
            yield from _walk(member)  # private modules too: their public names reach users through the clients
            continue
        if not _is_public(name):
            continue
        yield member.path, _record(member)
        if member.is_class:
            yield from _walk(member)


def _describe_alias(alias: griffe.Alias) -> Iterator[tuple[str, Record]]:
    """A re-export: its target, and the target's signature when the target lives outside the walk."""
    target = alias.target_path
    yield alias.path, {"kind": "alias", "target": target}
    if f".{_RUNTIME}." not in target:
        return
    try:
        resolved = alias.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return
    yield alias.path + ":target", _record(resolved)
    if resolved.is_class:
        for path, record in _walk(resolved):
            yield alias.path + ":target" + path[len(resolved.path) :], record


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _attribute_type(text: str | None) -> str | None:
    """An attribute's declared type: `Final[X]` is X, a bare `Final` declares none (the value's type is kept,
    as without an annotation), so adding or dropping `Final` is no change of its type."""
    if text is not None and text.startswith(("Final[", "typing.Final[")) and text.endswith("]"):
        return text[text.index("[") + 1 : -1]
    return None if text in ("Final", "typing.Final") else text


def _record(obj: griffe.Object) -> Record:
    if isinstance(obj, griffe.Function):
        return {
            "kind": "function",
            "params": [
                {
                    "name": parameter.name,
                    "kind": parameter.kind.value if parameter.kind else "positional or keyword",
                    "annotation": _text(parameter.annotation),
                    "default": _text(parameter.default),
                }
                for parameter in obj.parameters
                if parameter.name not in ("self", "cls")
            ],
            "returns": _text(obj.returns),
        }
    if isinstance(obj, griffe.Class):
        return {"kind": "class", "bases": [str(base) for base in obj.bases]}
    if isinstance(obj, griffe.Attribute):
        return {"kind": "attribute", "annotation": _text(obj.annotation)}
    return {"kind": obj.kind.value}


@attrs.frozen(kw_only=True)
class SurfaceChange:
    """One difference between two surfaces; `breaking` when code written against the old one may fail."""

    path: str
    what: str
    breaking: bool

    def __str__(self) -> str:
        return f"{_display(self.path)}: {self.what}"


def _display(path: str) -> str:
    """`pkg._resources.LicensesResource.validate` → `LicensesResource.validate` (what a user writes)."""
    parts = [
        part
        for part in path.replace(":target", "").split(".")[1:]
        if not part.startswith("_") or part in _PUBLIC_DUNDERS
    ]
    return ".".join(parts) or path


def compare_surfaces(old: Mapping[str, Record], new: Mapping[str, Record]) -> list[SurfaceChange]:
    """Every change from `old` to `new`, in path order: removals and narrowings are breaking, additions not."""
    changes: list[SurfaceChange] = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before is None:
            changes.append(
                SurfaceChange(path=path, what=f"added {after['kind'] if after else ''}".strip(), breaking=False)
            )
        elif after is None:
            changes.append(SurfaceChange(path=path, what=f"removed {before['kind']}", breaking=True))
        elif before != after:
            changes.extend(_record_changes(path, before, after))
    return changes


def _record_changes(path: str, before: Record, after: Record) -> Iterator[SurfaceChange]:
    if before["kind"] != after["kind"]:
        yield SurfaceChange(path=path, what=f"changed from {before['kind']} to {after['kind']}", breaking=True)
    elif before["kind"] == "function":
        yield from _parameter_changes(path, before["params"], after["params"])
        if before["returns"] != after["returns"]:
            what = f"returns {after['returns']} instead of {before['returns']}"
            narrowed = _union_members(after["returns"]) <= _union_members(before["returns"])
            yield SurfaceChange(path=path, what=what, breaking=not narrowed)
    elif before["kind"] == "class":
        removed = [base for base in before["bases"] if base not in after["bases"]]
        what = f"bases changed from {before['bases']} to {after['bases']}"
        yield SurfaceChange(path=path, what=what, breaking=bool(removed))
    elif before["kind"] == "attribute":
        if _attribute_type(before["annotation"]) != _attribute_type(after["annotation"]):
            what = f"type changed from {before['annotation']} to {after['annotation']}"
            yield SurfaceChange(path=path, what=what, breaking=True)
    else:
        yield SurfaceChange(path=path, what=f"changed: {before} -> {after}", breaking=True)


_POSITIONAL = ("positional-only", "positional or keyword")


def _union_members(annotation: str | None) -> frozenset[str]:
    """`A | B[C | D] | None` → {A, B[C | D], None}: a parameter may widen and a return narrow without a break."""
    if annotation is None:
        return frozenset()
    members, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        depth += (char in "[(") - (char in "])")
        if char == "|" and depth == 0:
            members.append(annotation[start:index].strip())
            start = index + 1
    members.append(annotation[start:].strip())
    return frozenset(members)


def _parameter_changes(path: str, before: list[Record], after: list[Record]) -> Iterator[SurfaceChange]:
    old = {p["name"]: (index, p) for index, p in enumerate(before)}
    new = {p["name"]: (index, p) for index, p in enumerate(after)}
    for name, (index, parameter) in old.items():
        if name not in new:
            yield SurfaceChange(path=path, what=f"parameter '{name}' removed", breaking=True)
            continue
        new_index, changed = new[name]
        if changed["kind"] != parameter["kind"]:
            yield SurfaceChange(path=path, what=f"parameter '{name}' became {changed['kind']}", breaking=True)
        elif parameter["kind"] in _POSITIONAL and new_index != index:
            yield SurfaceChange(
                path=path, what=f"parameter '{name}' moved from position {index} to {new_index}", breaking=True
            )
        if parameter["default"] is not None and changed["default"] is None:
            yield SurfaceChange(path=path, what=f"parameter '{name}' became required", breaking=True)
        elif parameter["default"] != changed["default"]:
            what = f"parameter '{name}' default changed from {parameter['default']} to {changed['default']}"
            yield SurfaceChange(path=path, what=what, breaking=False)
        if parameter["annotation"] != changed["annotation"]:
            what = f"parameter '{name}' type changed from {parameter['annotation']} to {changed['annotation']}"
            widened = _union_members(parameter["annotation"]) <= _union_members(changed["annotation"])
            yield SurfaceChange(path=path, what=what, breaking=not widened)
    for name, (_, parameter) in new.items():
        if name in old or parameter["kind"] in ("variadic positional", "variadic keyword"):
            continue
        required = parameter["default"] is None
        what = f"{'required' if required else 'optional'} parameter '{name}' added"
        yield SurfaceChange(path=path, what=what, breaking=required)

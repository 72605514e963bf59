"""Read one spec file into data plus the line of every node, or into findings when it cannot be read.

A spec that is missing, not UTF-8, not YAML (JSON is YAML), not a mapping, or not OpenAPI 3.0/3.1 is a
`SpecError` whose findings name the file and the line; nothing here raises anything else for any input.
Lines come from the YAML node marks, so findings from our own checks point where an editor can jump.
JSON is parsed with `json` (on a 13 MB spec under half a second, where libyaml's C loader takes about 20 s
and the pure-Python one about 50 s), YAML with the C loader when PyYAML has it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from generator.registry import ROOT
from generator.spec_findings import Finding, SpecError, json_pointer, pointer_tokens

# libyaml's loader when PyYAML was built with it; the same safe subset of YAML either way.
_SAFE_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_SAFE_BASE):  # type: ignore[valid-type,misc]  # a class chosen at import time
    """The safe loader reading plain scalars as YAML 1.2 does (OpenAPI 3.1 names YAML 1.2; Prism and the other
    tools read specs so): only ``true``/``false`` are booleans, and dates and ``12:30`` stay strings. PyYAML
    follows YAML 1.1, where ``on``, ``off``, ``yes`` and ``no`` are booleans (a property named ``no`` became the
    key True, and openapi-python-client refused the whole document; ``enum: [yes, no]`` became booleans),
    ``2024-01-02`` a date object and ``12:30`` the integer 750 (base 60)."""


_REREAD = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _REREAD]
    for first, resolvers in _SAFE_BASE.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.1's integers and floats without their base-60 forms (``190:20:30``)
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
SAFE_LOADER: type[yaml.SafeLoader] = _SpecLoader


def display_name(path: Path) -> str:
    """How findings name a file: repository-relative when it is inside the repository."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except (ValueError, OSError):
        return str(path)


@attrs.frozen(kw_only=True)
class SpecSource:
    """A parsed YAML/JSON document and the 1-based line of each node, by JSON pointer."""

    path: Path
    data: Any
    lines: Mapping[str, int]

    @property
    def name(self) -> str:
        return display_name(self.path)

    def line(self, pointer: str) -> int | None:
        """The line of the node, or of its nearest ancestor that has one."""
        tokens = pointer_tokens(pointer)
        while tokens:
            found = self.lines.get(json_pointer(tokens))
            if found is not None:
                return found
            tokens.pop()
        return self.lines.get("")

    def finding(self, pointer: str, rule: str, message: str) -> Finding:
        return Finding(file=self.name, pointer=pointer, rule=rule, message=message, line=self.line(pointer))


def read_yaml(path: Path) -> SpecSource:
    """Any YAML/JSON file with its node lines; SpecError if it is missing, unreadable, or not YAML (or JSON)."""
    name = display_name(path)
    if not path.is_file():
        raise SpecError([Finding(file=name, pointer="", rule="spec-file", message="no such spec file")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(
            [Finding(file=name, pointer="", rule="spec-file", message=f"cannot be read as UTF-8 text: {exc}")]
        ) from None
    if name.endswith(".json") or text.lstrip().startswith("{"):
        try:
            # json reads a 13 MB spec in under a second, YAML in about 20 s; lines are only composed for a finding
            return SpecSource(path=path, data=json.loads(text), lines=_LazyLines(text))
        except json.JSONDecodeError as exc:
            if name.endswith(".json"):
                finding = Finding(
                    file=name, pointer="", rule="json-syntax", message=f"not valid JSON: {exc.msg}", line=exc.lineno
                )
                raise SpecError([finding]) from None
            # a YAML flow mapping also starts with `{`: the YAML parser decides
    node, data = _compose(text, name)
    lines = dict(_node_lines(node, ())) if node is not None else {}
    return SpecSource(path=path, data=data, lines=lines)


def read_openapi(path: Path) -> SpecSource:
    """An OpenAPI 3.0/3.1 document with its node lines; SpecError naming the file otherwise."""
    return openapi_source(read_yaml(path))


def openapi_source(source: SpecSource) -> SpecSource:
    """`source` when it is an OpenAPI 3.0/3.1 mapping; SpecError naming the file otherwise."""
    if not isinstance(source.data, dict):
        kind = type(source.data).__name__
        raise SpecError([source.finding("", "spec-mapping", f"expected a mapping at the top level, got {kind}")])
    version = str(source.data.get("openapi", ""))
    if not (version.startswith("3.0") or version.startswith("3.1")):
        message = f"expected OpenAPI 3.0.x or 3.1.x, got {version or None!r}"
        raise SpecError([source.finding("/openapi", "openapi-version", message)])
    return source


def _compose(text: str, name: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for its marks) and the data; SpecError naming the line when it is not YAML."""
    loader = SAFE_LOADER(text)  # libyaml's C loader when present: same safe subset, node marks kept, faster
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        finding = Finding(
            file=name,
            pointer="",
            rule="yaml-syntax",
            message=f"not valid YAML: {problem}",
            line=mark.line + 1 if mark is not None else None,
        )
        raise SpecError([finding]) from None
    finally:
        loader.dispose()


class _LazyLines(Mapping[str, int]):
    """The node lines of a JSON document, composed by the YAML parser on first use (only findings need them)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[str, int] | None = None

    def _load(self) -> dict[str, int]:
        if self._lines is None:
            try:
                node, _ = _compose(self._text, "")
            except SpecError:  # valid JSON that YAML cannot read (tab indentation): findings go without lines
                node = None
            self._lines = dict(_node_lines(node, ())) if node is not None else {}
        return self._lines

    def __getitem__(self, pointer: str) -> int:
        return self._load()[pointer]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _node_lines(
    node: yaml.Node, path: tuple[object, ...], seen: frozenset[int] = frozenset()
) -> Iterator[tuple[str, int]]:
    """(pointer, line) for every node; a mapping entry's line is its key's, as Spectral reports it."""
    if id(node) in seen:  # an alias that contains itself (`&a [*a]`) is walked once
        return
    if not path:
        yield "", node.start_mark.line + 1
    inner = seen | {id(node)}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value if isinstance(key, yaml.ScalarNode) else str(key.value))
            yield json_pointer(child), key.start_mark.line + 1
            yield from _node_lines(value, child, inner)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            yield json_pointer(child), item.start_mark.line + 1
            yield from _node_lines(item, child, inner)

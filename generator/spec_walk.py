"""The one reader of a loaded OpenAPI or AsyncAPI document: pointers, local `$ref`s, and the common questions.

The generator, the mocks and the tests all read specs through this module, so a `$ref` is followed, an
operation found and an error response counted the same way everywhere:
- `load` reads a YAML/JSON file (a `SpecError` names the file and the line when it cannot);
- `split_pointer` / `resolve` / `walk` move through the data by JSON pointer;
- `ref_target` / `follow_ref` / `ref_chain` follow local ``$ref``s (``#/...``); a chain that loops is a
  `RefError`, never an endless walk;
- `operations` / `documented_errors` / `ws_protocol` answer what every reader of a spec asks.
Files a `$ref` names beside the document are checked, not followed, by `spec_ref_check`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import attrs

from generator.spec_source import read_yaml

# The operation keys of an OpenAPI path item, in the order the generator has always listed them.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
WS_PROTOCOL = "x-ws-protocol"  # where an AsyncAPI document's `info` describes its real-time protocol


def load(path: Path) -> Any:
    """The parsed YAML/JSON document at `path`; SpecError naming the file (and the line) when it cannot be read."""
    return read_yaml(path).data


def split_pointer(pointer: str) -> list[str]:
    """`#/paths/~1a/get` → ['paths', '/a', 'get'] (RFC 6901 unescaping).

    A `#...` pointer is a URI fragment, so it is percent-decoded first (RFC 6901 section 6): real specs
    write `#/paths/~1keys~1%7Bid%7D/get` for the path `/keys/{id}`.
    """
    body = unquote(pointer[1:]) if pointer.startswith("#") else pointer
    if not body:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in body.lstrip("/").split("/")]


def resolve(document: Any, parts: Sequence[str]) -> Any:
    """The node at `parts`; KeyError when there is none."""
    node = document
    for part in parts:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(part)
    return node


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every mapping and list in the document with its path, parents before children."""
    yield path, node
    if isinstance(node, Mapping):
        for key, value in list(node.items()):
            if isinstance(value, Mapping | list):
                yield from walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, Mapping | list):
                yield from walk(value, (*path, str(index)))


# --- local $refs ----------------------------------------------------------------------------------------


class RefError(Exception):
    """A `$ref` that is not local, points at nothing, or starts a chain that loops; the message names it."""


def is_ref(node: object) -> bool:
    """True for a Reference Object: a mapping whose `$ref` is a string."""
    return isinstance(node, Mapping) and isinstance(node.get("$ref"), str)


def ref_target(document: Any, ref: str) -> Any:
    """The node a local `$ref` (``#/...``) names; RefError when it names another file or nothing."""
    if not ref.startswith("#"):
        raise RefError(f"$ref {ref!r} is not local: only '#/...' references are followed")
    try:
        return resolve(document, split_pointer(ref))
    except KeyError:
        raise RefError(f"$ref {ref!r} does not resolve") from None


def ref_chain(document: Any, node: Any) -> Iterator[Any]:
    """`node`, then each node its `$ref`s lead to, ending at one that is no reference; RefError on a bad link."""
    seen: set[str] = set()
    yield node
    while is_ref(node):
        ref = node["$ref"]
        if ref in seen:
            raise RefError(f"$ref {ref!r} refers to itself (a $ref loop)")
        seen.add(ref)
        node = ref_target(document, ref)
        yield node


def follow_ref(document: Any, node: Any) -> Any:
    """`node` with its local `$ref` chain followed (not its children); RefError when the chain breaks or loops."""
    if not is_ref(node):
        return node  # most nodes are no reference: the mocks ask this on every request
    *_, last = ref_chain(document, node)
    return last


def follow_ref_or(document: Any, node: Any, default: Any) -> Any:
    """`follow_ref`, with `default` in place of a broken, foreign or looping reference (readers that must not fail)."""
    try:
        return follow_ref(document, node)
    except RefError:
        return default


# --- what every reader of a spec asks -------------------------------------------------------------------


@attrs.frozen
class Operation:
    """One operation of an OpenAPI document: where it is, and its (unresolved) Operation Object."""

    method: str  # lower case, as the path item keys it
    path: str
    operation: Mapping[str, Any] = attrs.field(eq=False, repr=False)
    item: Mapping[str, Any] = attrs.field(eq=False, repr=False)  # the Path Item (its parameters apply too)

    @property
    def operation_id(self) -> str | None:
        value = self.operation.get("operationId")
        return None if value is None else str(value)

    @property
    def key(self) -> str:
        """``GET /items``: how findings and reports name an operation."""
        return f"{self.method.upper()} {self.path}"


def operations(document: Mapping[str, Any], methods: Sequence[str] = HTTP_METHODS) -> list[Operation]:
    """Every operation under `paths`, in document order (path by path, `methods` order within a path)."""
    paths = document.get("paths")
    found: list[Operation] = []
    for path, raw_item in paths.items() if isinstance(paths, Mapping) else ():
        item = follow_ref_or(document, raw_item, raw_item)  # a Path Item may itself be a `$ref`
        for method in methods if isinstance(item, Mapping) else ():
            operation = item.get(method)
            if isinstance(operation, Mapping):
                found.append(Operation(method, str(path), operation, item))
    return found


def error_statuses(operation: Mapping[str, Any]) -> list[int]:
    """The 4xx and 5xx statuses the operation documents, in document order (ranges such as ``4XX`` excluded)."""
    statuses = (str(status) for status in (operation.get("responses") or {}))
    return [int(status) for status in statuses if status.isdigit() and int(status) >= 400]


def documented_errors(document: Mapping[str, Any]) -> list[tuple[Operation, int]]:
    """Every (operation, status) pair the document answers with a 4xx or 5xx response."""
    return [(operation, status) for operation in operations(document) for status in error_statuses(operation.operation)]


def ws_protocol(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """An AsyncAPI document's ``info.x-ws-protocol`` mapping; None when it has none (or it is not a mapping)."""
    protocol = (document.get("info") or {}).get(WS_PROTOCOL)
    return protocol if isinstance(protocol, Mapping) else None

"""Paths through a loaded OpenAPI document: walk every node, split and resolve JSON pointers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote


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

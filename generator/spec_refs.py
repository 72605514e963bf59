"""Following local `$ref`s in a spec document (the generator's own reading, beside openapi-python-client's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["SpecRefError", "resolve_ref"]


class SpecRefError(Exception):
    """A `$ref` loops back on itself."""


def resolve_ref(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (``#/...``) until a node without one."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        ref = node["$ref"]
        if ref in seen:
            raise SpecRefError(f"{ref} refers to itself")
        seen.add(ref)
        target: Any = document
        for part in ref[2:].split("/"):
            target = (target or {}).get(part.replace("~1", "/").replace("~0", "~"))
        node = target
    return node

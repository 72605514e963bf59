"""Distinct Python names for model properties whose JSON names differ only in symbols (``+1`` and ``-1``).

openapi-python-client names an attribute by dropping every character that is not a letter, digit or word
delimiter, so GitHub's reaction counts ``+1`` and ``-1`` both become ``field_1``; it then refuses the model
("have the same python_name"), and with it every operation that returns one (148 findings on GitHub's spec).
The wire names never change: only the attributes. When two properties of one model collide, and the
upstream retry (without snake-casing) does not separate them, each gets its symbols spelt out
(``plus_1``, ``minus_1``); a collision that remains gets a numbered suffix on the later property
(``field_1_2``), the rule the enum members follow (normalize.py).

openapi-python-client offers no per-property name, so this replaces the one function its model parser calls
for such a conflict, for the duration of a parse (`distinct_property_names`). The function is looked up by
name; a version without it leaves the parse as it was (the refusal then stands, as before).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from openapi_python_client.parser.properties import model_property

from generator.spec_context import plain_text

__all__ = ["SPELT_SYMBOLS", "distinct_property_names", "spelt_out"]

SPELT_SYMBOLS = {
    "+": "plus",
    "-": "minus",
    "@": "at",
    "#": "hash",
    "$": "dollar",
    "%": "percent",
    "&": "and",
    "*": "star",
    "!": "not",
    "=": "eq",
    "<": "lt",
    ">": "gt",
    "~": "tilde",
    "/": "slash",
    ":": "colon",
    ".": "dot",
    "?": "question",
    "^": "caret",
    "|": "or",
}
"""The words the symbols of a colliding property name are spelt out as."""

_SYMBOL = re.compile("|".join(re.escape(symbol) for symbol in SPELT_SYMBOLS))
_UPSTREAM_HOOK = "_resolve_naming_conflict"


def spelt_out(name: str) -> str:
    """`name` with each symbol of `SPELT_SYMBOLS` as its word between underscores (``+1`` -> ``plus_1``)."""
    return _SYMBOL.sub(lambda match: f"_{SPELT_SYMBOLS[match.group(0)]}_", name).strip("_")


def _resolve(first: Any, second: Any, config: Any) -> Any:
    """Give `first` (the property being added) and `second` (one already in the model) distinct Python names."""
    first.set_python_name(first.name, config=config, skip_snake_case=True)  # upstream's own retry first
    second.set_python_name(second.name, config=config, skip_snake_case=True)
    if first.python_name != second.python_name:
        return None
    first.set_python_name(spelt_out(plain_text(first.name)), config=config)
    second.set_python_name(spelt_out(plain_text(second.name)), config=config)
    suffix = 2
    base = str(first.python_name)
    while first.python_name == second.python_name:
        first.set_python_name(f"{base}_{suffix}", config=config)
        suffix += 1
    return None


@contextlib.contextmanager
def distinct_property_names() -> Iterator[None]:
    """While open, openapi-python-client's model parser separates colliding property names (module docstring)."""
    upstream = getattr(model_property, _UPSTREAM_HOOK, None)
    if upstream is None:
        yield
        return
    setattr(model_property, _UPSTREAM_HOOK, _resolve)
    try:
        yield
    finally:
        setattr(model_property, _UPSTREAM_HOOK, upstream)

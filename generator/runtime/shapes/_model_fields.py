"""Reading fields of generated models and plain JSON alike, by their JSON names.

Spec extensions name fields as they appear in JSON (``totalPages``); the generated attrs models carry
them under the names openapi-python-client gives them (``total_pages``). `python_name` is that naming
rule, and `read_field` reads a dotted JSON path from a dict, a model, or a model's unknown fields.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Mapping

from ..policies._options import UNSET

__all__ = ["is_absent", "python_name", "read_field"]

_WORD = re.compile(r"[A-Z]?[a-z]+")
_DELIMITERS = re.compile(r"[. _-]+")
_RESERVED = (frozenset(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def python_name(json_name: str) -> str:
    """The attribute or parameter name openapi-python-client gives a JSON name: ``totalPages`` -> ``total_pages``.

    Its rule: drop characters other than letters, digits and ``. _-``; if the name has a capital, each
    lowercase run (with the capital before it) becomes a word of its own, and so does what lies between
    (``ipV4Address`` -> ``ip_v4_address``, ``ipv4Addresses`` -> ``ipv_4_addresses``, ``HTTPStatus`` ->
    ``http_status``); words are joined by ``_`` in lower case; a keyword or builtin name (``type``,
    ``from``; ``id`` excepted) gets a trailing ``_``.
    """
    text = "".join(c for c in json_name if c.isidentifier() or c.isdecimal() or c in ". -")
    if any(c.isupper() for c in text):
        pieces, end = [], 0
        for word in _WORD.finditer(text):
            pieces += [text[end : word.start()], word.group()]
            end = word.end()
        text = " ".join([*pieces, text[end:]])
    name = "_".join(part for part in _DELIMITERS.split(text) if part).lower()
    return f"{name}_" if name in _RESERVED or keyword.iskeyword(name) else name


def is_absent(value: object) -> bool:
    """None, or ``UNSET`` (the generated models use the runtime's own sentinel)."""
    return value is None or value is UNSET


def _member(obj: object, key: str) -> object:
    """One field of a dict or a generated model, trying the JSON name, then the Python name, then extras."""
    if isinstance(obj, Mapping):
        return obj.get(key)
    for name in (key, python_name(key)):
        if hasattr(obj, name):
            return getattr(obj, name)
    extras = getattr(obj, "additional_properties", None)  # unknown fields of an open model
    return extras.get(key) if isinstance(extras, Mapping) else None


def read_field(obj: object, path: str) -> object:
    """The value at a dotted ``path`` (JSON names) of a dict or model; None when any step is absent."""
    value: object = obj
    for key in path.split("."):
        if is_absent(value):
            return None
        value = _member(value, key)
    return None if is_absent(value) else value

"""Reading fields of generated models and plain JSON alike, by their JSON names.

Spec extensions name fields as they appear in JSON (``totalPages``); the generated attrs models carry
them under the names openapi-python-client gives them (``total_pages``). The generator knows both and
writes the pairs that differ as a `FieldNames`; the runtime only looks them up, so it never needs the
naming rule itself. `read_field` reads a dotted JSON path from a dict, a model, or a model's unknown fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ..policies._options import UNSET

__all__ = ["FieldNames", "is_absent", "read_field"]


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(json_name), str(python)) for json_name, python in items)


@attrs.frozen
class FieldNames:
    """JSON names -> the Python names the generator gave them, for the names where the two differ.

    ``FieldNames({"totalPages": "total_pages", "page-size": "page_size"})``: fields of a generated model
    (its attributes) or parameters of an operation (its keyword arguments). A name not listed is its own
    Python name.
    """

    pairs: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    def python(self, json_name: str) -> str:
        """The Python name of `json_name` (itself when the generator wrote no other)."""
        for name, python in self.pairs:
            if name == json_name:
                return python
        return json_name


NO_NAMES = FieldNames()
"""Every JSON name is its own Python name (plain dicts, or models whose fields are all lower-case words)."""


def is_absent(value: object) -> bool:
    """None, or ``UNSET`` (the generated models use the runtime's own sentinel)."""
    return value is None or value is UNSET


def _member(obj: object, key: str, names: FieldNames) -> object:
    """One field of a dict or a generated model: the JSON name, else its Python name, else the unknown fields."""
    if isinstance(obj, Mapping):
        return obj.get(key)
    for name in dict.fromkeys((key, names.python(key))):
        if hasattr(obj, name):
            return getattr(obj, name)
    extras = getattr(obj, "additional_properties", None)  # unknown fields of an open model
    return extras.get(key) if isinstance(extras, Mapping) else None


def read_field(obj: object, path: str, names: FieldNames = NO_NAMES) -> object:
    """The value at a dotted ``path`` (JSON names) of a dict or model; None when any step is absent.

    `names` gives the model attributes of the path's JSON names (the generator writes them).
    """
    value: object = obj
    for key in path.split("."):
        if is_absent(value):
            return None
        value = _member(value, key, names)
    return None if is_absent(value) else value

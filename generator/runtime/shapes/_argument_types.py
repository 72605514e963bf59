"""Arguments of the wrong type stop a call with a `TypeError` that names the parameter, before anything is sent.

The generator writes, per operation, the classes each argument may be (`generator/operation_types.py`:
a model or enum class, `str`, `datetime.date`, ... plus `Unset` for an optional argument and `NoneType` for
a nullable one); the operation calls `check_arguments` first. Without it a `dict` body or a None date fails
deep inside serialisation as ``'dict' object has no attribute 'to_dict'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["check_arguments"]


def _names(classes: tuple[type, ...]) -> str:
    shown = ["None" if cls is type(None) else "UNSET" if cls.__name__ == "Unset" else cls.__name__ for cls in classes]
    return " or ".join(shown)


def check_arguments(operation_id: str, expected: Mapping[str, tuple[type, ...]], values: Mapping[str, Any]) -> None:
    """Raise TypeError for the first argument in `values` that is none of its `expected` classes.

    `bool` is not accepted where a number is expected (Python counts it as an `int`).
    """
    for name, classes in expected.items():
        value = values.get(name)
        if isinstance(value, classes) and not (isinstance(value, bool) and bool not in classes):
            continue
        raise TypeError(
            f"{operation_id}: argument {name!r} must be {_names(classes)}, not {type(value).__name__} ({value!r:.60})"
        )

"""Arguments of the wrong type stop a call with a `TypeError` that names the parameter, before anything is sent.

The generator writes, per operation, the classes each argument may be (each descriptor `Parameter`'s `types`,
decided in `generator/operation_descriptor.py`: a model or enum class, `str`, `datetime.date`, ... plus `Unset`
for an optional argument and `NoneType` for a nullable one); the runtime call (`client/_call.py`) runs
`check_arguments` first. Without it a `dict` body or a None date fails
deep inside serialisation as ``'dict' object has no attribute 'to_dict'``.

A request body may also be a plain dict shaped as the model's TypedDict (`<package>.bodies`, decided in
`generator/body_types.py`): `BodyShapes.convert` turns it into the model with the model's own `from_dict` before
anything else looks at it, so the request check and the serialisation see a model either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

from ..policies._options import UNSET

__all__ = ["BodyShapes", "check_arguments"]

M = TypeVar("M")


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


class BodyShapes(Generic[M]):
    """The forms an operation's body may take: a model of `shapes` (or UNSET), or a dict one of them fits.

    The runtime call builds one per operation with a dict form (the descriptor's `dict_bodies`) and calls
    `convert` first, so the rest of the call sees a model.
    """

    def __init__(self, operation_id: str, *shapes: tuple[type, type], name: str = "body") -> None:
        """Args: the operation (named in errors), (model class, its TypedDict) per model in the spec's order,
        and the parameter's name."""
        self._operation_id = operation_id
        self._shapes = shapes
        self._name = name
        self._models = tuple(model for model, _ in shapes)

    def convert(self, value: M | Mapping[str, Any]) -> M:
        """`value` as a model: a model (or UNSET) as it is, a dict converted by the first shape it fits.

        Raises:
            TypeError: `value` is neither a model nor a dict, or the dict lacks a required key of every shape,
                has a key none of them knows (a closed model would drop it silently), or its values do not
                convert (the message keeps the model's own complaint).
        """
        if isinstance(value, self._models) or value is UNSET:
            return cast(M, value)
        models = " or ".join(model.__name__ for model in self._models)
        expected = f"{models} or a dict shaped as {' or '.join(shape.__name__ for _, shape in self._shapes)}"
        where = f"{self._operation_id}: argument {self._name!r} must be {expected}"
        if not isinstance(value, Mapping):
            raise TypeError(f"{where}, not {type(value).__name__} ({value!r:.60})")
        problems = []
        for model, shape in self._shapes:
            problem, converted = _convert(value, model, shape)
            if problem is None:
                return cast(M, converted)
            problems.append(f"as {shape.__name__}: {problem}")
        raise TypeError(f"{where}; the dict does not fit ({'; '.join(problems)})")


def _convert(value: Mapping[str, Any], model: type, shape: type) -> tuple[str | None, object]:
    """(None, the model) when `value` fits `shape`, else (what is wrong, None)."""
    required: frozenset[str] = getattr(shape, "__required_keys__", frozenset())
    if missing := sorted(required - value.keys()):
        return f"missing required key {', '.join(map(repr, missing))}", None
    try:
        converted = model.from_dict(value)  # type: ignore[attr-defined]  # every generated model has it
        sent = converted.to_dict().keys()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}", None
    if dropped := sorted(k for k in value if k not in sent):
        return f"unknown key {', '.join(map(repr, dropped))}", None
    return None, converted

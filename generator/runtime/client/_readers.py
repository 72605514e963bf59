"""How an operation's success answers are read: which statuses, which body, which Python value.

A `Success` pairs a status (or range) with where the body is (JSON, bytes, text, none) and a reader that
turns the decoded JSON into the generated type: a model's ``from_dict``, an enum, a list of either, a
union tried branch by branch, a date, or the value as it is. Readers raise ``KeyError``, ``TypeError``,
``ValueError`` or ``AttributeError`` on a body that is not the type; the call turns that into a
`ResponseValidationError` naming the schema.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any, Literal, Protocol

import attrs

from ._model_ref import ModelRef, classes_of

__all__ = [
    "AS_IS",
    "AsIs",
    "DateOf",
    "EnumOf",
    "FileOf",
    "ListOf",
    "ModelOf",
    "Reader",
    "Success",
    "UnionOf",
]

READ_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
"""What a reader raises on a body that is not its type."""


class Reader(Protocol):
    def read(self, data: Any) -> Any: ...


@attrs.frozen
class AsIs:
    """A primitive, a free-form object or a list of them: the decoded JSON itself."""

    def read(self, data: Any) -> Any:
        return data


AS_IS = AsIs()


@attrs.frozen
class ModelOf:
    """A generated model: ``Model.from_dict(data)``."""

    model: ModelRef

    def read(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        return classes_of((self.model,))[0].from_dict(data)  # type: ignore[attr-defined]  # generated models have it


@attrs.frozen
class EnumOf:
    """A generated enum: ``Enum(data)`` (ValueError for a value the spec does not list)."""

    enum: ModelRef

    def read(self, data: Any) -> Any:
        return classes_of((self.enum,))[0](data)


@attrs.frozen
class DateOf:
    """An ISO 8601 date or date-time string."""

    kind: Literal["date", "date-time"]

    def read(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise TypeError(f"expected a {self.kind} string, got {type(data).__name__}")
        moment = datetime.datetime.fromisoformat(data)
        return moment.date() if self.kind == "date" else moment


@attrs.frozen
class ListOf:
    """A JSON array, each item read by `item`."""

    item: Reader

    def read(self, data: Any) -> Any:
        if not isinstance(data, list):
            raise TypeError(f"expected an array, got {type(data).__name__}")
        return [self.item.read(member) for member in data]


@attrs.frozen
class UnionOf:
    """oneOf/anyOf: the first branch that reads the body (a JSON null is None when `nullable`)."""

    branches: tuple[Reader, ...]
    nullable: bool = False

    def read(self, data: Any) -> Any:
        if data is None and self.nullable:
            return None
        failure: Exception = TypeError("no branch of the union matched")
        for branch in self.branches:
            try:
                return branch.read(data)
            except READ_ERRORS as exc:
                failure = exc
        raise failure


@attrs.frozen
class FileOf:
    """A binary answer as the generated `types.File` (its payload a BytesIO of the content)."""

    file: ModelRef

    def read(self, data: Any) -> Any:
        return classes_of((self.file,))[0](payload=io.BytesIO(data))


@attrs.frozen(kw_only=True)
class Success:
    """One documented success answer.

    Attributes:
        low, high: the statuses it covers (equal for one status; ``2XX`` is 200..299).
        body: where the value is: decoded ``json``, ``binary`` content, ``text``, or ``none`` (no body).
        reader: turns the body into the generated type (``json`` and ``binary``).
        check: the spec's schema check of a JSON body (`ResponseSchemas.check_for`), skipped with
            ``validate_responses=False``; None when the spec gives no schema.
        schema: the type's name, for the `ResponseValidationError` of a body that does not read.
        not_modified: the plain call raises `NotModifiedError` for this answer (a body-less 3xx beside
            answers with a value); raw access returns it.
    """

    low: int
    high: int
    body: Literal["json", "binary", "text", "none"] = "json"
    reader: Reader = AS_IS
    check: Callable[[Any, Any], None] | None = attrs.field(default=None, eq=False, hash=False)
    schema: str = ""
    not_modified: bool = False

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

from ..core import httpx
from ._model_ref import ModelRef

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

READ_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError)
"""What a reader raises on a body that is not its type; also what parsing or walking a body nested past
Python's recursion limit raises (a broken or hostile server's ``[[[[...``)."""


class Reader(Protocol):
    def read(self, data: Any) -> Any: ...

    def describe(self) -> str:
        """The type's name, for the error about a body that does not read."""
        ...


@attrs.frozen
class AsIs:
    """A primitive, a free-form object or a list of them: the decoded JSON itself."""

    def read(self, data: Any) -> Any:
        return data

    def describe(self) -> str:
        return "Any"


AS_IS = AsIs()


@attrs.frozen
class ModelOf:
    """A generated model (`module`, `name`: a `ModelRef`): ``Model.from_dict(data)``."""

    module: str
    name: str
    model: ModelRef = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "model", ModelRef(self.module, self.name))

    def read(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        return self.model.load().from_dict(data)  # type: ignore[attr-defined]  # generated models have it

    def describe(self) -> str:
        return self.model.name


@attrs.frozen
class EnumOf:
    """A generated enum (`module`, `name`): ``Enum(data)``, ValueError for a value the spec does not list."""

    module: str
    name: str
    enum: ModelRef = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "enum", ModelRef(self.module, self.name))

    def read(self, data: Any) -> Any:
        return self.enum.load()(data)

    def describe(self) -> str:
        return self.enum.name


@attrs.frozen
class DateOf:
    """An ISO 8601 date or date-time string."""

    kind: Literal["date", "date-time"]

    def read(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise TypeError(f"expected a {self.kind} string, got {type(data).__name__}")
        moment = datetime.datetime.fromisoformat(data)
        return moment.date() if self.kind == "date" else moment

    def describe(self) -> str:
        return "datetime.date" if self.kind == "date" else "datetime.datetime"


@attrs.frozen
class ListOf:
    """A JSON array, each item read by `item`."""

    item: Reader

    def read(self, data: Any) -> Any:
        if not isinstance(data, list):
            raise TypeError(f"expected an array, got {type(data).__name__}")
        return [self.item.read(member) for member in data]

    def describe(self) -> str:
        return f"list[{self.item.describe()}]"


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

    def describe(self) -> str:
        return " | ".join([branch.describe() for branch in self.branches] + (["None"] if self.nullable else []))


@attrs.frozen
class FileOf:
    """A binary answer as the generated `types.File` (`module`, `name`), its payload a BytesIO of the content.

    When `name` is the generated `StreamedFile` and the call was sent streaming (`_streamed_call.py`),
    `open` makes it over the still-open response instead, so the body is never held whole in memory.
    """

    module: str
    name: str
    file: ModelRef = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "file", ModelRef(self.module, self.name))

    def read(self, data: Any) -> Any:
        return self.file.load()(payload=io.BytesIO(data))

    @property
    def streams(self) -> bool:
        """True for the generated `StreamedFile` (SDKs carrying the download wing), which `open` can make."""
        return self.name == "StreamedFile"

    def open(self, response: httpx.Response) -> Any:
        """The file over `response`'s unread body: a sync stream unless the response is async only."""
        opened = self.file.load().open  # type: ignore[attr-defined]  # StreamedFile: download/_streamed_file.py
        return opened(response, asynchronous=not isinstance(response.stream, httpx.SyncByteStream))

    def describe(self) -> str:
        return self.file.name


def _same_as_low(success: Success) -> int:
    return success.low


@attrs.frozen
class Success:
    """One documented success answer.

    Attributes:
        low, high: the statuses it covers (`high` defaults to `low`; ``2XX`` is 200..299).
        body: where the value is: decoded ``json``, ``binary`` content, ``text``, or ``none`` (no body).
        reader: turns the body into the generated type (``json`` and ``binary``).
        check: the spec's schema check of a JSON body (`ResponseSchemas.check_for`), skipped with
            ``validate_responses=False``; None when the spec gives no schema.
        not_modified: the plain call raises `NotModifiedError` for this answer (a body-less 3xx beside
            answers with a value); raw access returns it.
    """

    low: int
    high: int = attrs.field(default=attrs.Factory(_same_as_low, takes_self=True))
    body: Literal["json", "binary", "text", "none"] = attrs.field(default="json", kw_only=True)
    reader: Reader = attrs.field(default=AS_IS, kw_only=True)
    check: Callable[[Any, Any], None] | None = attrs.field(default=None, eq=False, hash=False, kw_only=True)
    not_modified: bool = attrs.field(default=False, kw_only=True)

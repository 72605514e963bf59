"""An operation described once: what the generator knows about it, as a frozen value the runtime call reads.

The generator writes one `Operation` per spec operation (method, path template, parameters and their
serialisation, request bodies, success answers and how to read them, auth and idempotency); the resource
method hands it with the call's arguments to `call_operation` (`_call.py`). Model classes are named, not
imported (`ModelRef`, `_model_ref.py`): importing the SDK does not import every model; the first call that
needs one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, Literal, TypeVar

import attrs

from ._model_ref import Classes, ModelRef
from ._readers import Success

__all__ = ["Body", "Operation", "Parameter"]

Location = Literal["path", "query", "header", "cookie"]
Style = Literal["simple", "form", "label", "matrix", "spaceDelimited", "pipeDelimited", "deepObject"]
Encoding = Literal["json", "multipart", "form", "binary", "text"]

T = TypeVar("T")
RawT = TypeVar("RawT")

_DEFAULT_STYLE: Mapping[str, Style] = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}


@attrs.frozen
class Parameter:
    """One path, query, header or cookie parameter.

    Attributes:
        name: the spec's name (what goes on the wire); `python_name` is the argument's name.
        types: the classes the argument may be (UNSET's `Unset` when optional, `NoneType` when nullable);
            empty: not checked. A wrong one is a `TypeError` naming the argument.
        style, explode: OpenAPI serialisation (defaults: the location's; `explode` is true for ``form``).
        bound: x-sdk-bind: the client argument that supplies the value when the call passes None.
        checked: the spec's name is in the operation's constraints (`check_request`).
    """

    name: str
    python_name: str
    location: Location
    types: Classes = ()
    style: Style | None = None
    explode: bool | None = None
    bound: str | None = None
    checked: bool = False

    @property
    def effective_style(self) -> Style:
        return self.style or _DEFAULT_STYLE[self.location]

    @property
    def effective_explode(self) -> bool:
        return self.explode if self.explode is not None else self.effective_style == "form"


@attrs.frozen
class Body:
    """One request body media type: how it is encoded and which argument classes select it."""

    encoding: Encoding
    content_type: str
    types: Classes = ()


@attrs.frozen(kw_only=True)
class Operation(Generic[T, RawT]):
    """One operation; `T` is what the plain call returns, `RawT` what `RawResponse.parse()` gives.

    Attributes:
        responses: the documented 2xx/3xx answers; anything else is `raise_for_status`, then an
            undocumented-status `ResponseValidationError`.
        errors: the documented error statuses (for documentation and tools; the error class comes from
            the status).
        body_required: a call without `body` (UNSET) sends none when False.
        accept: the Accept header (the media types the answers document), or None for httpx's default.
        unwrap: x-sdk-envelope's data field: the plain call returns it, raw access keeps the envelope.
        legacy_fields, legacy_items: x-sdk-legacy-fields, stripped from the parsed body (of the items of
            `legacy_items`: its JSON name and the attribute the generator gave it).
        constraints: the spec's request constraints (`check_request`), or None.
        deferrable: x-sdk-deferrable: `deliver="queued"` may keep the request in the outbox.
        deprecated: each call warns (DeprecationWarning).
        dict_bodies: (model, its TypedDict) per model a `body` given as a dict may become (`BodyShapes`), in
            the spec's order; () when the body has no dict form.
    """

    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...] = ()
    bodies: tuple[Body, ...] = ()
    body_required: bool = True
    accept: str | None = None
    responses: tuple[Success, ...] = ()
    errors: tuple[int, ...] = ()
    sends_idempotency_key: bool = False
    requires_auth: bool = True
    unwrap: str | None = None
    legacy_fields: frozenset[str] = frozenset()
    legacy_items: tuple[str, str] | None = None  # (JSON name, model attribute)
    constraints: Mapping[str, Any] | None = attrs.field(default=None, eq=False, hash=False)
    deferrable: bool = False
    deprecated: bool = False
    dict_bodies: tuple[tuple[type | ModelRef, type | ModelRef], ...] = ()
    # what the runtime call derives from this descriptor on its first call (`_call.py`), kept with it
    derived: list[Any] = attrs.field(factory=list, init=False, eq=False, hash=False, repr=False)

    def success(self, status: int) -> Success | None:
        """The documented answer for `status`, or None."""
        for answer in self.responses:
            if answer.low <= status <= answer.high:
                return answer
        return None

"""Response envelopes: APIs that wrap every body as ``{"status": ..., "data": ..., "message": ...}``.

A spec declares its convention once, as the document-level extension ``info.x-sdk-envelope``::

    x-sdk-envelope:
      status_field: status      # the field telling success from error
      data_field: data          # the operation's result in a success envelope
      message_field: message    # text for people (null: the API has none)
      errors_field: errors      # the list of field errors in an error envelope (null: none)
      success_value: success    # status_field's value in a success envelope
      error_value: error        # status_field's value in an error envelope (null: none)

`Envelope.from_extension()` reads it (every member is optional; the defaults are the convention
above). `unwrap()` takes a parsed success envelope, a generated model or a decoded JSON object, and
returns its `data` and `message`. Error envelopes need nothing from here: `Problem.from_body` in
`_errors.py` reads their `message` and `errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, NamedTuple, TypeVar

import attrs

__all__ = ["DEFAULT_ENVELOPE", "Envelope", "EnvelopeError", "Enveloped", "unwrap"]

T = TypeVar("T")


_NULLABLE = frozenset({"message_field", "errors_field", "error_value"})  # the members that may be null


class EnvelopeError(ValueError):
    """`x-sdk-envelope` is malformed; the message names the member and what it must be."""


def _name(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Field names and status values are non-empty strings (None where the attribute allows it)."""
    if value is None and attribute.name in _NULLABLE:
        return
    if not isinstance(value, str) or not value:
        allowed = "a non-empty string or null" if attribute.name in _NULLABLE else "a non-empty string"
        raise EnvelopeError(f"x-sdk-envelope.{attribute.name} must be {allowed}, not {value!r}")


@attrs.frozen(kw_only=True)
class Envelope:
    """How an API wraps its bodies; the defaults are the common ``status``/``data``/``message`` shape.

    Attributes:
        status_field: the field whose value tells a success envelope from an error envelope.
        data_field: where a success envelope keeps the operation's result.
        message_field: where an envelope keeps text for people; None when the API sends none.
        errors_field: where an error envelope lists field errors; None when the API sends none.
        success_value: `status_field`'s value in a success envelope.
        error_value: `status_field`'s value in an error envelope; None when errors carry no status.
    """

    status_field: str = attrs.field(default="status", validator=_name)
    data_field: str = attrs.field(default="data", validator=_name)
    message_field: str | None = attrs.field(default="message", validator=_name)
    errors_field: str | None = attrs.field(default="errors", validator=_name)
    success_value: str = attrs.field(default="success", validator=_name)
    error_value: str | None = attrs.field(default="error", validator=_name)

    @classmethod
    def from_extension(cls, value: object) -> Envelope:
        """The envelope an ``x-sdk-envelope`` mapping describes; missing members take the defaults.

        Raises:
            EnvelopeError: `value` is not a mapping, names an unknown member, or a member has the wrong type.
        """
        if not isinstance(value, Mapping):
            raise EnvelopeError(f"x-sdk-envelope must be a mapping of member names, not {type(value).__name__}")
        known = {field.name for field in attrs.fields(cls)}
        unknown = sorted(str(key) for key in value if key not in known)
        if unknown:
            raise EnvelopeError(
                f"x-sdk-envelope has unknown member(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return cls(**{str(key): member for key, member in value.items()})

    def data_path(self, field: str) -> str:
        """The dotted path of a field of the result, e.g. ``data.access_token`` to read a token answer."""
        return f"{self.data_field}.{field}"


DEFAULT_ENVELOPE = Envelope()
"""``{"status": "success" | "error", "data": ..., "message": ..., "errors": [...]}``."""


class Enveloped(NamedTuple, Generic[T]):
    """What a success envelope carries: ``data, message = unwrap(parsed)``."""

    data: T
    message: str | None


def _member(parsed: object, name: str) -> object:
    """A member of a decoded JSON object (by key) or of a generated model (by attribute); KeyError if absent."""
    if isinstance(parsed, Mapping):
        return parsed[name]
    try:
        return getattr(parsed, name)
    except AttributeError:
        raise KeyError(name) from None


def unwrap(parsed: object, envelope: Envelope = DEFAULT_ENVELOPE) -> Enveloped[Any]:
    """The result and the message of a parsed success envelope.

    Args:
        parsed: a generated envelope model (members read as attributes) or a decoded JSON object.
        envelope: the API's convention (default `DEFAULT_ENVELOPE`).

    Returns:
        `Enveloped(data, message)`: `message` is None when the envelope has none (absent, unset or
        not a string).

    Raises:
        KeyError: `parsed` has no `data_field` (the generated parsers report it as a
            `ResponseValidationError` naming the field).
    """
    data = _member(parsed, envelope.data_field)
    message: object = None
    if envelope.message_field is not None:
        try:
            message = _member(parsed, envelope.message_field)
        except KeyError:
            message = None
    return Enveloped(data, message if isinstance(message, str) else None)

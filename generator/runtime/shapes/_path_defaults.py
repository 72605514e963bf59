"""`PathDefaults`: values a client was given once for path parameters (``x-sdk-bind`` in the spec).

A device client talks about one machine: the spec marks the machine-id path parameter
``x-sdk-bind: rvm_id``, the client is made with ``rvm_id="rvm-0042"``, and every operation with that
parameter uses it unless the call passes its own value. The generated resource methods ask
`PathDefaults.resolve` for each bound parameter; the decision (the call's value, else the bound one,
else a `ConfigurationError` naming both ways to give it) lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ..core._errors import ConfigurationError

__all__ = ["PathDefaults"]

_T = TypeVar("_T")


class PathDefaults:
    """The bound values by client argument name; None (not given) binds nothing."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = {name: value for name, value in (values or {}).items() if value is not None}

    def get(self, argument: str) -> Any:
        """The value bound to `argument`, or None."""
        return self._values.get(argument)

    def resolve(self, argument: str, value: _T | None, *, parameter: str, operation_id: str) -> _T:
        """The call's `value` when given, else the client's bound one.

        Raises:
            ConfigurationError: neither is there; the message names the call's parameter and the client's argument.
        """
        if value is not None:
            return value
        if argument in self._values:
            bound: _T = self._values[argument]
            return bound
        raise ConfigurationError(
            f"{operation_id} needs {parameter}: pass {parameter}=... to the call, or create the client with "
            f"{argument}=... once",
            setting=argument,
        )

    def __repr__(self) -> str:
        return f"PathDefaults({self._values!r})"

"""The base of every generated resource class (`client.<tag>`): one call path for all its thin methods.

A generated method states its signature and docstring and hands its descriptor and ``locals()`` to
`_call`; the same method on `with_raw()` (what ``client.with_raw_response.<tag>`` wraps) returns the
`RawResponse` instead. ``<method>_detailed`` is the deprecated spelling of raw access, kept for one
release without a line per operation: `__getattr__` answers it with a DeprecationWarning.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._call import OperationClient, acall_operation, call_operation
from ._operation import Operation

__all__ = ["AsyncResource", "Resource"]

T = TypeVar("T")
_DETAILED = "_detailed"


def _deprecated_detailed(resource: _Resource, name: str) -> Callable[..., Any]:
    """``<method>_detailed``: the raw form of ``<method>``, with a DeprecationWarning naming what to use."""
    method = name.removesuffix(_DETAILED)
    if not name.endswith(_DETAILED) or not callable(getattr(type(resource), method, None)):
        raise AttributeError(f"{type(resource).__name__!r} object has no attribute {name!r}")
    warnings.warn(
        f"{method}_detailed() is deprecated and will be removed in the next major version: use "
        f"client.with_raw_response.<resource>.{method}(...), which returns a RawResponse "
        "(status_code, headers, request_id, parse())",
        DeprecationWarning,
        stacklevel=3,
    )
    found: Callable[..., Any] = getattr(resource.with_raw(), method)
    return found


def _warn_deprecated(operation: Operation[Any, Any]) -> None:
    warnings.warn(
        f"{operation.operation_id} is deprecated in the spec and may be removed", DeprecationWarning, stacklevel=4
    )


class _Resource:
    """What both flavours share: the low-level client, raw access and the deprecated `_detailed` spelling."""

    _raw = False

    def __init__(self, client: OperationClient) -> None:
        self._client = client

    def with_raw(self) -> Any:
        """This resource with calls returning `RawResponse` (``client.with_raw_response.<tag>``)."""
        derived = copy.copy(self)
        derived._raw = True
        return derived

    if not TYPE_CHECKING:  # type checkers see no catch-all: a misspelt method stays an error

        def __getattr__(self, name: str) -> Callable[..., Any]:
            return _deprecated_detailed(self, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Resource(_Resource):
    """Operations of one tag over the low-level client; sync."""

    def _call(self, operation: Operation[T, Any], arguments: Mapping[str, Any], deliver: Any = None) -> T:
        if operation.deprecated:
            _warn_deprecated(operation)
        return call_operation(self._client, operation, arguments, raw=self._raw, deliver=deliver)


class AsyncResource(_Resource):
    """Operations of one tag over the low-level client; every method awaitable (mirrors `Resource`)."""

    def _call(
        self, operation: Operation[T, Any], arguments: Mapping[str, Any], deliver: Any = None
    ) -> Coroutine[Any, Any, T]:
        """The call's coroutine (this is not one itself: the generated method awaits `acall_operation`'s own)."""
        if operation.deprecated:
            _warn_deprecated(operation)
        return acall_operation(self._client, operation, arguments, raw=self._raw, deliver=deliver)

"""Raw access to an operation's answer: ``client.with_raw_response.<resource>.<method>(...)``.

The call is the same as ``client.<resource>.<method>(...)`` (same arguments, same checks, retries and
errors), but it returns a `RawResponse`: the status, the headers, the server's request id and the raw
content, with `parse()` for the typed body. A `304 Not Modified` comes back here as itself (its `parse()`
is None) instead of raising `NotModifiedError`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, Protocol, TypeVar, cast

import attrs

from ..core._defaults import REQUEST_ID_HEADERS

if TYPE_CHECKING:
    from ._operation import Operation

__all__ = ["RawResponse", "araw", "raw"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
P = ParamSpec("P")


class _Answer(Protocol[T_co]):
    """What the generated `types.Response` carries (the runtime never imports the generated package)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...
    @property
    def parsed(self) -> T_co: ...


@attrs.frozen
class RawResponse(Generic[T]):
    """One answer as it came: `status_code`, `headers`, `request_id`, `content`; `parse()` gives the typed body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    _parsed: T

    @property
    def request_id(self) -> str | None:
        """The server's id for this exchange (``X-Request-ID`` and the like), for support tickets."""
        lowered = {name.lower(): value for name, value in self.headers.items()}
        return next((lowered[name.lower()] for name in REQUEST_ID_HEADERS if lowered.get(name.lower())), None)

    @property
    def parsed(self) -> T:
        """What `parse()` returns (the name the deprecated `<method>_detailed` answers used)."""
        return self._parsed

    def parse(self) -> T:
        """The body as the operation's model (None for an answer without a body, such as a 304)."""
        return self._parsed

    @classmethod
    def of(cls, answer: _Answer[T]) -> RawResponse[T]:
        return cls(int(answer.status_code), answer.headers, answer.content, answer.parsed)


def raw(method: Callable[P, Any], operation: Operation[Any, T]) -> Callable[P, RawResponse[T]]:
    """`method` of a raw resource (`Resource.with_raw()`, whose calls return a `RawResponse`), typed as such.

    `operation` only carries the type of `parse()`: the method's own signature is kept.
    """
    return cast("Callable[P, RawResponse[T]]", method)


def araw(method: Callable[P, Awaitable[Any]], operation: Operation[Any, T]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """The async form of `raw`."""
    return cast("Callable[P, Awaitable[RawResponse[T]]]", method)

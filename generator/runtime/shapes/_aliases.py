"""A design document's names over the SDK's own: renamed keywords, settings and hook signatures.

An API's spec may describe the client its design document promised (``info.x-sdk-aliases``); the
generated ``<package>.design`` module builds that client from these pieces, so the SDK's own names stay
the primary surface and the document's examples still run as written:

- `keyword_aliases`: a value object's constructor under the document's keyword names
  (``RetryPolicy(retry_codes=...)`` calling ``RetryPolicy.from_retries(statuses=...)``);
- `rename_settings`: a client's keyword arguments under the document's setting names (``api_url``);
- `spread_event`: a hook taking the event's fields as positional arguments (``lambda e, request,
  response: ...``) registered where the SDK passes one event object;
- `AliasedClient`: the base of the generated client, which reaches every member of the SDK client it
  wraps (``settings``, ``close()``, the hooks) and closes it as a context manager.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Generic, TypeVar

from ..core._errors import ConfigurationError

__all__ = ["AliasedClient", "keyword_aliases", "rename_settings", "spread_event"]

_T = TypeVar("_T")
_Client = TypeVar("_Client")


def keyword_aliases(target: Callable[..., _T], names: Mapping[str, str], *, name: str) -> Callable[..., _T]:
    """`target` called under other keyword names: ``names`` maps a document's keyword to the target's.

    Keywords not in `names` pass through unchanged (so the target's own names work too); giving both a
    keyword and its alias is a `TypeError` naming both, like Python's own for a duplicate argument.
    """
    aliases = dict(names)

    def call(*args: Any, **kwargs: Any) -> _T:
        renamed: dict[str, Any] = {}
        for key, value in kwargs.items():
            own = aliases.get(key, key)
            if own in renamed:
                raise TypeError(f"{name}() got {key!r} and {own!r}, which are the same argument: pass one")
            renamed[own] = value
        return target(*args, **renamed)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{name}(...): {getattr(target, '__qualname__', target)} with the keywords " + ", ".join(
        f"{alias} (= {own})" for alias, own in aliases.items()
    )
    return call


def rename_settings(options: Mapping[str, Any], aliases: Mapping[str, str]) -> dict[str, Any]:
    """Client keyword arguments with the document's setting names (`aliases`: name -> setting) renamed.

    Raises:
        ConfigurationError: a setting is given under both names (the message names both).
    """
    renamed: dict[str, Any] = {}
    for key, value in options.items():
        setting = aliases.get(key, key)
        if setting in renamed:
            raise ConfigurationError(f"{key} and {setting} name the same setting: pass one", setting=setting)
        renamed[setting] = value
    return renamed


def spread_event(fn: Callable[..., object], fields: tuple[str, ...]) -> Callable[[Any], object]:
    """A one-argument hook that calls ``fn(event.<field>, ...)`` with `fields` in order."""

    def hook(event: Any) -> object:
        return fn(*(getattr(event, field) for field in fields))

    hook.__qualname__ = getattr(fn, "__qualname__", type(fn).__name__)  # HookError names the user's function
    return hook


class AliasedClient(Generic[_Client]):
    """Base of a design document's client: `sdk` is the SDK's own client, whose members stay reachable."""

    def __init__(self, sdk: _Client) -> None:
        self.sdk = sdk
        """The SDK's own client (typed, resource-style): every member not defined here is read from it."""

    def __getattr__(self, name: str) -> Any:
        if name == "sdk":  # not set yet (a failed __init__): no recursion
            raise AttributeError(name)
        return getattr(self.sdk, name)

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        close = getattr(self.sdk, "close", None)
        if callable(close):
            close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.sdk!r})"

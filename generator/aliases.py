"""`info.x-sdk-aliases`: the names an API's design document gives the client, mapped onto the SDK's own.

```yaml
info:
  x-sdk-aliases:
    classes:     {AcmeClient: Acme}                   # the document's client class: the SDK's client class
    settings:    {api_url: base_url, retry_policy: retry}   # the document's client keyword: the SDK's setting
    parameters:                                       # a value object under the document's keyword names
      RetryPolicy:
        constructor: RetryPolicy.from_retries         # a runtime class, or one of its classmethods
        keywords: {retry_codes: statuses, backoff_max: max_delay_s}
    methods:                                          # a client method taking a hook in another signature
      on_error: {hook: on_call_error, arguments: [error, request, response]}
```

The SDK keeps its own names as the primary surface; `<package>.design` (rendered from
`templates/sdk_design.py.jinja`) holds the document's, and the README maps one onto the other. Every
target is checked against the runtime here, so a typo fails the build naming the key, not a user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from generator.registry import SdkEntry

__all__ = ["AliasError", "Aliases", "HookAlias", "ParameterAlias", "parse_aliases"]

# The hook registration methods of a generated client, and the event each hook receives.
HOOK_EVENTS = {
    "before_request": "RequestEvent",
    "after_response": "ResponseEvent",
    "on_error": "ErrorEvent",
    "on_call_error": "CallErrorEvent",
    "on_circuit_change": "CircuitStateChanged",
}


class AliasError(ValueError):
    """`info.x-sdk-aliases` names something that does not exist; the message says which key."""


@attrs.frozen(kw_only=True)
class ParameterAlias:
    """A value object under the document's keywords: `constructor` is ``Class`` or ``Class.classmethod``."""

    name: str
    constructor: str
    keywords: Mapping[str, str]

    @property
    def runtime_class(self) -> str:
        return self.constructor.split(".")[0]


@attrs.frozen(kw_only=True)
class HookAlias:
    """A client method `name` registering a hook whose arguments are the `arguments` fields of `hook`'s event."""

    name: str
    hook: str
    arguments: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Aliases:
    classes: Mapping[str, str]
    settings: Mapping[str, str]
    parameters: tuple[ParameterAlias, ...]
    methods: tuple[HookAlias, ...]


def _runtime() -> Any:
    import generator.runtime as runtime  # the runtime every SDK carries: what the aliases may point at

    return runtime


def _table(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(key, str) and key.isidentifier() for key in value):
        raise AliasError(f"{where} must be a mapping from Python names")
    return value


def _names(value: object, where: str) -> dict[str, str]:
    table = _table(value, where)
    if not all(isinstance(target, str) and target.isidentifier() for target in table.values()):
        raise AliasError(f"{where} must map names to names")
    return {str(key): str(target) for key, target in table.items()}


def _parameter(name: str, value: object, runtime: Any) -> ParameterAlias:
    where = f"info.x-sdk-aliases.parameters.{name}"
    table = _table(value, where)
    constructor = table.get("constructor", name)
    cls_name, _, method = str(constructor).partition(".")
    cls = getattr(runtime, cls_name, None) if cls_name in runtime.__all__ else None
    if not isinstance(cls, type) or (method and not callable(getattr(cls, method, None))):
        raise AliasError(f"{where}.constructor {constructor!r} is not a runtime class or one of its classmethods")
    return ParameterAlias(name=name, constructor=str(constructor), keywords=_names(table.get("keywords"), where))


def _method(name: str, value: object, runtime: Any) -> HookAlias:
    where = f"info.x-sdk-aliases.methods.{name}"
    table = _table(value, where)
    hook = table.get("hook")
    if hook not in HOOK_EVENTS:
        raise AliasError(f"{where}.hook must be one of {sorted(HOOK_EVENTS)}, not {hook!r}")
    fields = {field.name for field in attrs.fields(getattr(runtime, HOOK_EVENTS[str(hook)]))}
    arguments = table.get("arguments")
    if not isinstance(arguments, list) or not all(argument in fields for argument in arguments):
        raise AliasError(f"{where}.arguments must list fields of {HOOK_EVENTS[str(hook)]}: {sorted(fields)}")
    return HookAlias(name=name, hook=str(hook), arguments=tuple(str(argument) for argument in arguments))


def parse_aliases(extension: object, entry: SdkEntry) -> Aliases | None:
    """The checked aliases, or None when the spec has none.

    Raises:
        AliasError: an alias points at no client class, setting, runtime class or hook field.
    """
    if extension is None:
        return None
    table = _table(extension, "info.x-sdk-aliases")
    unknown = sorted(set(table) - {"classes", "settings", "parameters", "methods"})
    if unknown:
        raise AliasError(
            f"info.x-sdk-aliases has unknown keys {unknown}; known: classes, methods, parameters, settings"
        )
    runtime = _runtime()
    classes = _names(table.get("classes"), "info.x-sdk-aliases.classes")
    for alias, target in classes.items():
        if target != entry.client_class:
            raise AliasError(
                f"info.x-sdk-aliases.classes.{alias}: {target} is not the client class {entry.client_class}"
            )
    settings = _names(table.get("settings"), "info.x-sdk-aliases.settings")
    from generator.runtime.policies._setting_values import PARSERS

    for alias, target in settings.items():
        if target not in PARSERS:
            raise AliasError(
                f"info.x-sdk-aliases.settings.{alias}: {target} is not a setting; known: {sorted(PARSERS)}"
            )
    parameters = tuple(_parameter(k, v, runtime) for k, v in _table(table.get("parameters"), "parameters").items())
    methods = tuple(_method(k, v, runtime) for k, v in _table(table.get("methods"), "methods").items())
    return Aliases(classes=classes, settings=settings, parameters=parameters, methods=methods)

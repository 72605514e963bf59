"""A generated class named by module and name, imported on first use: descriptors name models without importing them.

Importing an SDK must not import every model (`tests/sdk/test_import_footprint.py`); the first call whose
arguments or answer need a model class loads it through `classes_of`, which memoises the loaded tuple.
"""

from __future__ import annotations

import importlib

import attrs

__all__ = ["Classes", "ModelRef", "classes_of"]


_SDK_PACKAGE = __name__.rpartition("._runtime.")[0] or None  # in an SDK, `<package>._runtime.client._model_ref`


@attrs.frozen
class ModelRef:
    """The class `name` in `module`: absolute, or relative to the SDK's package (``".models.pet"``)."""

    module: str
    name: str
    _loaded: list[type] = attrs.field(factory=list, init=False, eq=False, repr=False)  # the class, once loaded

    def load(self) -> type:
        """The class; imported on the first call, then kept (every later read pays a list lookup)."""
        if not self._loaded:
            self._loaded.append(getattr(importlib.import_module(self.module, _SDK_PACKAGE), self.name))
        return self._loaded[0]


Classes = tuple[type | ModelRef, ...]
_LOADED: dict[Classes, tuple[type, ...]] = {}


def classes_of(declared: Classes) -> tuple[type, ...]:
    """The classes `declared` names, each `ModelRef` loaded (memoised: later calls pay one dict lookup)."""
    found = _LOADED.get(declared)
    if found is None:
        found = _LOADED[declared] = tuple(c.load() if isinstance(c, ModelRef) else c for c in declared)
    return found

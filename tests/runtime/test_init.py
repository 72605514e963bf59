"""The package re-exports every public name of its modules, with a complete `__all__`."""

from __future__ import annotations

import importlib

import pytest
import runtime

# Modules whose names are all public (helpers such as _exchange.py and _setting_values.py are internal).
PUBLIC_MODULES = [
    "_auth",
    "_cache",
    "_connection",
    "_logging",
    "_oauth2",
    "_outbox",
    "_outbox_policy",
    "_realtime_protocol",
    "_redaction",
    "_response_schemas",
    "_token",
    "_token_providers",
    "_token_store",
    "_websocket",
    "_websocket_sync",
    "_download",
    "_envelope",
    "_sdk_defaults",
    "_pagination",
    "_ratelimit",
    "_versions",
    "_model_fields",
    "_backoff",
    "_circuit",
    "_clock",
    "_errors",
    "_factory",
    "_hooks",
    "_host_limit",
    "_options",
    "_path_defaults",
    "_pool",
    "_request_checks",
    "_retry",
    "_secret",
    "_settings",
    "_timeouts",
]


def test_every_name_in_all_exists() -> None:
    """Each name in runtime.__all__ is importable from the package."""
    missing = [name for name in runtime.__all__ if not hasattr(runtime, name)]
    assert missing == []
    assert len(set(runtime.__all__)) == len(runtime.__all__)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_module_names_are_re_exported(module_name: str) -> None:
    """A module's __all__ is part of the package's __all__, bound to the same objects."""
    module = importlib.import_module(f"runtime.{module_name}")
    for name in module.__all__:
        assert name in runtime.__all__, f"{module_name}.{name} is not re-exported"
        assert getattr(runtime, name) is getattr(module, name)

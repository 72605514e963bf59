"""The package re-exports every public name of its modules, with a complete `__all__`."""

from __future__ import annotations

import importlib

import pytest
import runtime

# Modules whose names are all public (helpers such as _exchange.py and _setting_values.py are internal).
PUBLIC_MODULES = [
    "core._retry_after",
    "outbox._client_options",
    "policies._rate_limit",
    "policies._circuit_breaker",
    "policies._retry_policy",
    "auth._auth",
    "pipeline._cache",
    "client._connection",
    "pipeline._logging",
    "auth._oauth2",
    "outbox._outbox",
    "outbox._outbox_policy",
    "realtime._realtime_protocol",
    "core._redaction",
    "shapes._response_schemas",
    "auth._token",
    "auth._token_providers",
    "auth._token_store",
    "realtime._websocket",
    "realtime._websocket_sync",
    "download._download",
    "shapes._envelope",
    "policies._sdk_defaults",
    "shapes._pagination",
    "pipeline._ratelimit",
    "shapes._versions",
    "shapes._model_fields",
    "policies._backoff",
    "pipeline._circuit",
    "core._clock",
    "core._errors",
    "pipeline._factory",
    "pipeline._hooks",
    "pipeline._host_limit",
    "policies._options",
    "shapes._path_defaults",
    "policies._pool",
    "shapes._request_checks",
    "pipeline._retry",
    "core._secret",
    "policies._settings",
    "policies._timeouts",
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

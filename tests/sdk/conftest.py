"""Fixtures for the generated SDKs' tests: a hermetic environment and wire recorders in front of Prism."""

from __future__ import annotations

import os

import pytest

from generator.registry import load_registry
from tests.sdk.wire import AsyncWireRecorder, WireRecorder


def clear_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove the developer's own `<env_prefix>_*` variables of every SDK in generator/sdks.toml."""
    prefixes = tuple(f"{entry.env_prefix}_" for entry in load_registry().values())
    for name in [name for name in os.environ if name.startswith(prefixes)]:
        monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own SDK variables (a token, a config file) never leak into a test."""
    clear_sdk_environment(monkeypatch)


@pytest.fixture
def wire() -> WireRecorder:
    """A sync `transport=` that records what actually went on the wire (below cache, logging and hooks)."""
    return WireRecorder()


@pytest.fixture
def async_wire() -> AsyncWireRecorder:
    """An async `transport=` that records what actually went on the wire."""
    return AsyncWireRecorder()

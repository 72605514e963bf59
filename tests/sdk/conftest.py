"""Fixtures for the generated SDKs' tests: a hermetic environment and wire recorders in front of Prism."""

from __future__ import annotations

import os

import pytest

from tests.sdk.wire import AsyncWireRecorder, WireRecorder


@pytest.fixture(autouse=True)
def no_myrvm_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own MYRVM_* variables (a token, a config file) never leak into a test."""
    for name in list(os.environ):
        if name.startswith("MYRVM_"):
            monkeypatch.delenv(name)


@pytest.fixture
def wire() -> WireRecorder:
    """A sync `transport=` that records what actually went on the wire (below cache, logging and hooks)."""
    return WireRecorder()


@pytest.fixture
def async_wire() -> AsyncWireRecorder:
    """An async `transport=` that records what actually went on the wire."""
    return AsyncWireRecorder()

"""Shared fixtures: the generated SDKs on sys.path, and Prism mocks on free ports that always stop.

A mock that dies during a test fails that test (with Prism's last log lines) instead of letting later
tests report passes against nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _sdk_dir in sorted((ROOT / "sdk").glob("*/")):
    sys.path.insert(0, str(_sdk_dir))

from generator.registry import load_registry  # noqa: E402
from mock.living_mock import LivingMock  # noqa: E402
from mock.prism import PrismServer, free_port  # noqa: E402
from mock.serve import default_mocks  # noqa: E402


class MockFactory(Protocol):
    """The `prism` fixture: `prism(name)`, or `prism(name, spec)` for one of that SDK's `other_versions`."""

    def __call__(self, name: str, spec: Path | None = None) -> PrismServer: ...


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockFactory]:
    """`prism("myrvm")`: that SDK's spec served by Prism on a free 127.0.0.1 port, one per session and spec.

    `prism("cloudconnexa", spec)` serves one of the entry's `other_versions` (sdks.toml) instead. Different
    specs may be started from different threads at once (a fixture starting two mocks while it generates).
    """
    registry = load_registry()
    servers: dict[Path, PrismServer] = {}
    logs = tmp_path_factory.mktemp("prism-logs")

    def start(name: str, spec: Path | None = None) -> PrismServer:
        entry = registry[name]
        served = entry.spec if spec is None else spec
        if served not in (entry.spec, *(older for older, _ in entry.other_versions)):
            raise ValueError(f"{served} is not a spec of {name} in generator/sdks.toml")
        if served not in servers:
            server = PrismServer(served, port=free_port(), log_path=logs / f"{name}-{served.stem}.log")
            server.start()
            servers[served] = server
        server = servers[served]
        if not server.alive():
            pytest.fail(f"the {name} mock of {served.name} died earlier in this run: {server.last_log_lines()}")
        return server

    try:
        yield start
    finally:
        for server in servers.values():
            server.stop()


def alive_throughout(server: PrismServer, label: str) -> Iterator[PrismServer]:
    """Yield `server` to one test, then fail that test if the mock died during it (`yield from` in a fixture)."""
    yield server
    if not server.alive():
        pytest.fail(f"the {label} mock died during this test: {server.last_log_lines()}")


@pytest.fixture
def myrvm_mock(prism: MockFactory) -> Iterator[PrismServer]:
    """The MyRVM mock; the test fails if the mock is dead after it."""
    yield from alive_throughout(prism("myrvm"), "MyRVM")


LivingFactory = Callable[[str], LivingMock]


def served_specs() -> dict[str, Path]:
    """The specs `make mock` serves with state, by the names it prints (`myrvm`, `cloudconnexa-v1.0`)."""
    return {m.name: m.document for m in default_mocks(list(load_registry().values())) if not m.websocket}


@pytest.fixture(scope="session")
def _living_mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LivingMock]]:
    """The stateful mocks started this session, by SDK name; all stopped at the end."""
    mocks: dict[str, LivingMock] = {}
    try:
        yield mocks
    finally:
        for mock in mocks.values():
            mock.stop()


@pytest.fixture
def living_mock(_living_mocks: dict[str, LivingMock], tmp_path_factory: pytest.TempPathFactory) -> LivingFactory:
    """`living_mock("xoohoox")`: that spec (a name `make mock` prints) served with state on free ports.

    One per session, reset to the spec's examples (state, journal, faults, latency) for every test.
    """
    specs = served_specs()

    def start(name: str) -> LivingMock:
        if name not in _living_mocks:
            log = tmp_path_factory.mktemp("living-logs") / f"{name}.log"
            _living_mocks[name] = LivingMock(specs[name], log_path=log).start()
        mock = _living_mocks[name]
        if not mock.alive():
            pytest.fail(f"the living {name} mock died earlier in this run")
        mock.control("reset")
        return mock

    return start

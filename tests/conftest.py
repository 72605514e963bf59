"""Shared fixtures: the generated SDKs on sys.path, and Prism mocks on free ports that always stop.

A mock that dies during a test fails that test (with Prism's last log lines) instead of letting later
tests report passes against nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _sdk_dir in sorted((ROOT / "sdk").glob("*/")):
    sys.path.insert(0, str(_sdk_dir))

from generator.registry import load_registry  # noqa: E402
from mock.prism import PrismServer, free_port  # noqa: E402

MockFactory = Callable[[str], PrismServer]


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockFactory]:
    """`prism("myrvm")`: that SDK's spec served by Prism on a free 127.0.0.1 port, one per session."""
    registry = load_registry()
    servers: dict[str, PrismServer] = {}
    logs = tmp_path_factory.mktemp("prism-logs")

    def start(name: str) -> PrismServer:
        if name not in servers:
            server = PrismServer(registry[name].spec, port=free_port(), log_path=logs / f"{name}.log")
            server.start()
            servers[name] = server
        server = servers[name]
        if not server.alive():
            pytest.fail(f"the {name} mock died earlier in this run: {server.last_log_lines()}")
        return server

    try:
        yield start
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def myrvm_mock(prism: MockFactory) -> Iterator[PrismServer]:
    """The MyRVM mock; the test fails if the mock is dead after it."""
    server = prism("myrvm")
    yield server
    if not server.alive():
        pytest.fail(f"the MyRVM mock died during this test: {server.last_log_lines()}")

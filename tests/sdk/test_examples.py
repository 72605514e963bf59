"""Every SDK's shipped examples run to the end against the mocks, as `make demo` runs the MyRVM one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.registry import load_registry
from generator.spec_walk import load
from mock.ws_mock import ThreadedWebSocketMock
from tests.conftest import MockFactory

pytestmark = pytest.mark.prism

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    (name, script)
    for name, entry in load_registry().items()
    for script in sorted((ROOT / "sdk" / name / "examples").glob("*.py"))
]


@pytest.mark.parametrize(("name", "script"), EXAMPLES, ids=[f"{n}/{s.name}" for n, s in EXAMPLES])
def test_example_runs_against_the_mocks(name: str, script: Path, prism: MockFactory) -> None:
    """The example exits 0 against Prism (and the WebSocket mock when the API has events)."""
    entry = load_registry()[name]
    prefix = entry.env_prefix
    env = dict(os.environ, PYTHONPATH=str(ROOT / "sdk" / name))
    env.update({f"{prefix}_CLIENT_ID": "example-client", f"{prefix}_CLIENT_SECRET": "example-secret"})
    server = prism(name)
    env[f"{prefix}_BASE_URL"] = server.url
    events = ThreadedWebSocketMock(entry.asyncapi, port=0, interval_s=0.5).start() if entry.asyncapi else None
    try:
        if events is not None:
            env[f"{prefix}_WS_URL"] = events.url
        result = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
        )
    finally:
        if events is not None:
            events.stop()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert server.alive(), server.last_log_lines()


SPECS = [
    (name, spec, port)
    for name, entry in load_registry().items()
    for spec, port in ((entry.spec, entry.mock_port), *entry.other_versions)
]


@pytest.mark.parametrize(("name", "spec", "port"), SPECS, ids=[s.name for _, s, _ in SPECS])
def test_each_specs_first_server_is_its_own_mock(name: str, spec: Path, port: int) -> None:
    """A spec's first server is the port `make mock` serves that very spec on (not another API's mock)."""

    servers = load(spec).get("servers") or []
    local = [server["url"] for server in servers if "127.0.0.1" in server["url"]]
    origins = [url.split("/", 3)[2] for url in local]  # host:port; a base path (Xoohoox's /api/v1) may follow
    assert origins[:1] in ([], [f"127.0.0.1:{port}"]), f"{spec.name}: {local} is not the mock port {port}"


@pytest.mark.parametrize(("name", "script"), EXAMPLES, ids=[f"{n}/{s.name}" for n, s in EXAMPLES])
def test_examples_use_public_names_and_their_own_mock_port(name: str, script: Path) -> None:
    """Examples import no private module (`._x`) of their SDK and name no other API's mock port."""
    entry = load_registry()[name]
    text = script.read_text(encoding="utf-8")
    assert f"{entry.package}._" not in text, f"{script.name} imports a private module"
    others = {e.mock_port for e in load_registry().values()} - {entry.mock_port}
    assert not [port for port in others if f"127.0.0.1:{port}" in text], f"{script.name} names another mock's port"

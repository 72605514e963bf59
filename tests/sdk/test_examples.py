"""Every SDK's shipped examples run to the end against the mocks, as `make demo` runs the MyRVM one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.registry import load_registry
from mock.prism import PrismServer, free_port
from mock.ws_mock import ThreadedWebSocketMock

pytestmark = pytest.mark.prism

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    (name, script)
    for name, entry in load_registry().items()
    for script in sorted((ROOT / "sdk" / name / "examples").glob("*.py"))
]


@pytest.mark.parametrize(("name", "script"), EXAMPLES, ids=[f"{n}/{s.name}" for n, s in EXAMPLES])
def test_example_runs_against_the_mocks(name: str, script: Path, tmp_path: Path) -> None:
    """The example exits 0 against Prism (and the WebSocket mock when the API has events)."""
    entry = load_registry()[name]
    prefix = entry.env_prefix
    env = dict(os.environ, PYTHONPATH=str(ROOT / "sdk" / name))
    env.update({f"{prefix}_CLIENT_ID": "example-client", f"{prefix}_CLIENT_SECRET": "example-secret"})
    with PrismServer(entry.spec, port=free_port(), log_path=tmp_path / "prism.log") as server:
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

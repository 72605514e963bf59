"""websockets is an optional extra: the runtime imports without it and only connecting asks for it.

Each check runs in a fresh interpreter where ``sys.modules["websockets"] = None`` makes every import of
websockets fail, as on an SDK installed without the ``realtime`` extra.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "generator"


def run(code: str) -> subprocess.CompletedProcess[str]:
    prelude = f"import sys\nsys.modules['websockets'] = None\nsys.path.insert(0, {str(GENERATOR)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_import_works_and_connect_raises_configuration_error() -> None:
    """`import runtime.realtime._websocket` succeeds; connect() raises ConfigurationError naming [realtime]."""
    result = run(
        """
        import asyncio
        import runtime
        from runtime.realtime import _realtime_protocol, _websocket, _websocket_sync
        from runtime.core._errors import ConfigurationError
        from runtime.realtime._realtime_protocol import RealtimeProtocol

        async def token() -> str:
            return "t"

        async def main() -> None:
            try:
                await _websocket.connect("ws://127.0.0.1:9/ws", protocol=RealtimeProtocol(), token_source=token)
            except ConfigurationError as exc:
                print("async:", exc.setting, exc)

        asyncio.run(main())
        try:
            _websocket_sync.SyncRealtimeClient(
                "ws://127.0.0.1:9/ws", protocol=RealtimeProtocol(), token_source=lambda: "t"
            ).connect()
        except ConfigurationError as exc:
            print("sync:", exc.setting, exc)
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines] == [["async:", "realtime"], ["sync:", "realtime"]]
    assert all("[realtime]" in line and "pip install" in line for line in lines)


def test_importing_the_runtime_does_not_import_websockets() -> None:
    """With websockets installed, importing the client modules still leaves it unimported (lazy)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(GENERATOR)!r}); "
            "import runtime.realtime._websocket, runtime.realtime._websocket_sync; "
            "print('websockets' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"

"""`make demo`: start the mock of one SDK's spec, run that SDK's quickstart against it, stop the mock.

`python -m mock.demo [NAME]` (default: the first SDK in generator/sdks.toml). The mock listens on a free
127.0.0.1 port, so the demo works even while `make mock` is running; it is stopped even if the
quickstart fails, and the demo's exit code is the quickstart's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generator.registry import ROOT, RegistryError, load_registry, select
from mock.prism import MockError, PrismServer, free_port
from mock.ws_mock import ThreadedWebSocketMock

LOG_DIR = ROOT / ".tmp" / "demo"


UPLINK_WAITING = "waiting for the uplink"


def _bring_up(uplink: PrismServer, line: str) -> None:
    if UPLINK_WAITING in line and not uplink.alive():
        time.sleep(1.0)  # let the example see the outbox hold its requests for a moment
        uplink.start()
        print(f"demo: uplink is back ({uplink.url})", flush=True)


def _run_streaming(script: Path, env: dict[str, str], *, on_line: Callable[[str], None]) -> int:
    """Run the example, echoing its output line by line and reacting to it."""
    process = subprocess.Popen(
        [sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            on_line(line)
        return process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", help="the SDK whose quickstart to run")
    args = parser.parse_args(argv)
    try:
        registry = load_registry()
        entry = select([args.name], registry)[0] if args.name else next(iter(registry.values()))
    except (RegistryError, StopIteration) as exc:
        print(f"demo: {exc or 'no SDK in generator/sdks.toml'}", file=sys.stderr)
        return 2
    quickstart = ROOT / "sdk" / entry.name / "examples" / "quickstart.py"
    if not quickstart.exists():
        print(f"demo: {quickstart.relative_to(ROOT)} does not exist: run `make generate`", file=sys.stderr)
        return 2
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    server = PrismServer(entry.spec, port=free_port(), log_path=LOG_DIR / f"{entry.name}-prism.log")
    events = ThreadedWebSocketMock(entry.asyncapi, port=0, interval_s=1.0) if entry.asyncapi else None
    try:
        server.start()
        env = dict(os.environ, **{f"{entry.env_prefix}_BASE_URL": server.url})
        print(f"demo: {entry.name} mock on {server.url}", flush=True)
        if events is not None:
            events.start()
            env[f"{entry.env_prefix}_WS_URL"] = events.url
            print(f"demo: {entry.name} event mock on {events.url}", flush=True)
        # The outbox part of the quickstart posts to an address where nothing answers yet ("the uplink is
        # down"); when it says it is waiting, a second mock comes up there ("the uplink is back").
        uplink = PrismServer(entry.spec, port=free_port(), log_path=LOG_DIR / f"{entry.name}-uplink.log")
        env[f"{entry.env_prefix}_OUTBOX_URL"] = uplink.url
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "sdk" / entry.name), env.get("PYTHONPATH")]))
        print(f"demo: running {quickstart.relative_to(ROOT)}\n", flush=True)
        try:
            returncode = _run_streaming(quickstart, env, on_line=lambda line: _bring_up(uplink, line))
        finally:
            uplink.stop()
        if returncode != 0:
            print(f"\ndemo: the quickstart failed (exit {returncode}); mock log: {server.log_path}", file=sys.stderr)
        return returncode
    except MockError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        if events is not None:
            events.stop()
        print("\ndemo: mocks stopped")


if __name__ == "__main__":
    raise SystemExit(main())

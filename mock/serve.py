"""`make mock`: serve every spec in generator/sdks.toml with Prism on its fixed port until Ctrl-C.

`python -m mock.serve [NAME ...]`. Waits until each mock answers, prints the URLs, restarts a mock that
dies (saying so), and stops everything on Ctrl-C or SIGTERM. Logs go to .tmp/mock/<name>.log.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from types import FrameType

from generator.registry import ROOT, RegistryError, load_registry, select
from mock.prism import MockError, PrismServer

LOG_DIR = ROOT / ".tmp" / "mock"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make mock", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="SDKs whose specs to serve (default: all)")
    args = parser.parse_args(argv)
    try:
        entries = select(args.names, load_registry())
    except RegistryError as exc:
        print(f"mock: {exc}", file=sys.stderr)
        return 2
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    servers = {e.name: PrismServer(e.spec, port=e.mock_port, log_path=LOG_DIR / f"{e.name}.log") for e in entries}

    def stop_all(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_all)
    try:
        for name, server in servers.items():
            server.start()
            print(f"mock: {name:<14} {server.url}   (spec {server.spec.relative_to(ROOT)}, log {server.log_path})")
        print("mock: all mocks answer; any bearer token is accepted. Ctrl-C stops them.", flush=True)
        while True:
            time.sleep(1)
            for name, server in servers.items():
                if not server.alive():
                    print(f"mock: {name} died ({server.last_log_lines(3)}); restarting", file=sys.stderr)
                    server.stop()
                    server.start()
    except MockError as exc:
        print(f"mock: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmock: stopping")
        return 0
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    raise SystemExit(main())

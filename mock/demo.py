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

from generator.registry import ROOT, RegistryError, load_registry, select
from mock.prism import MockError, PrismServer, free_port

LOG_DIR = ROOT / ".tmp" / "demo"


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
    try:
        server.start()
        print(f"demo: {entry.name} mock on {server.url}; running {quickstart.relative_to(ROOT)}\n", flush=True)
        env = dict(os.environ, **{f"{entry.env_prefix}_BASE_URL": server.url})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "sdk" / entry.name), env.get("PYTHONPATH")]))
        result = subprocess.run([sys.executable, str(quickstart)], env=env, check=False)
        if result.returncode != 0:
            print(
                f"\ndemo: the quickstart failed (exit {result.returncode}); mock log: {server.log_path}",
                file=sys.stderr,
            )
        return result.returncode
    except MockError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        print("\ndemo: mock stopped")


if __name__ == "__main__":
    raise SystemExit(main())

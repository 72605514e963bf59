"""How long `import <module>` takes in a fresh interpreter, against a baseline module, as a paired ratio.

    python -m tests.bench.import_time myrvm_sdk httpx --path sdk/myrvm --runs 9

Each run is its own process (nothing cached in `sys.modules`), timing only the import statement with
`time.perf_counter()` (not the interpreter's start-up, which both pay alike). Runs alternate module and
baseline so that drift of the machine's load hits both; the ratio is of the medians. A function for
`make bench` to call as well as a command.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence

import attrs

_TIMED = "import time; start = time.perf_counter(); import {module}; print(time.perf_counter() - start)"


@attrs.frozen(kw_only=True)
class ImportTiming:
    """Medians (seconds) of the module's and the baseline's import, each over `runs` fresh processes."""

    module: str
    baseline: str
    runs: int
    module_s: float
    baseline_s: float

    @property
    def ratio(self) -> float:
        return self.module_s / self.baseline_s


def import_seconds(module: str, *, path: Sequence[str] = (), python: str = sys.executable) -> float:
    """Seconds one fresh interpreter spends on `import module` (with `path` on PYTHONPATH)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    command = [python, "-c", _TIMED.format(module=module)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return float(result.stdout)


def paired_import_time(
    module: str, baseline: str, *, runs: int = 9, path: Sequence[str] = (), python: str = sys.executable
) -> ImportTiming:
    """`module` against `baseline`, interleaved run by run (one warm-up pair first fills the OS file cache)."""
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    import_seconds(module, path=path, python=python)
    import_seconds(baseline, path=path, python=python)
    module_s: list[float] = []
    baseline_s: list[float] = []
    for _ in range(runs):
        module_s.append(import_seconds(module, path=path, python=python))
        baseline_s.append(import_seconds(baseline, path=path, python=python))
    return ImportTiming(
        module=module,
        baseline=baseline,
        runs=runs,
        module_s=statistics.median(module_s),
        baseline_s=statistics.median(baseline_s),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="import time of a module against a baseline (medians, paired)")
    parser.add_argument("module")
    parser.add_argument("baseline")
    parser.add_argument("--path", action="append", default=[], help="a folder for PYTHONPATH (repeatable)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--python", default=sys.executable, help="the interpreter (a fresh venv: no dev tools)")
    args = parser.parse_args(argv)
    timing = paired_import_time(args.module, args.baseline, runs=args.runs, path=args.path, python=args.python)
    print(json.dumps({**attrs.asdict(timing), "ratio": timing.ratio}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

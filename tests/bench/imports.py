"""What importing an SDK costs against importing httpx alone, in fresh interpreters, as a paired ratio.

Each round starts one fresh ``python`` per module (httpx first in even rounds, the SDKs first in odd
ones) that times its own ``import <module>`` with `time.perf_counter` (the interpreter's start-up is
left out, as it is the same for all). The ratio is taken within a round and reported as the median and
min-max over rounds. Bytecode is compiled beforehand and may be cached, as for an installed package,
so no side pays for compiling; the SDKs are imported from the folders given, httpx from the venv.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def _import_s(module: str, path: list[Path]) -> float:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join(str(folder) for folder in path)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    return float(result.stdout.strip().splitlines()[-1])


def import_ratios(sdks: dict[str, Path], rounds: int) -> dict[str, Any]:
    """`import <package>` over `import httpx` for each package (name -> folder holding it)."""
    for folder in sdks.values():
        compileall.compile_dir(str(folder), quiet=1)
    path = list(sdks.values())
    times: dict[str, list[float]] = {"httpx": [], **{name: [] for name in sdks}}
    for round_ in range(rounds):
        order = ["httpx", *sdks] if round_ % 2 == 0 else [*sdks, "httpx"]
        for module in order:
            times[module].append(_import_s(module, path))
    ratios = {}
    for name in sdks:
        per_round = [sdk / base for sdk, base in zip(times[name], times["httpx"], strict=True)]
        ratios[name] = (statistics.median(per_round), min(per_round), max(per_round))
    return {"rounds": rounds, "httpx_ms": statistics.median(times["httpx"]) * 1000, "times_s": times, "ratios": ratios}

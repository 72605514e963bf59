"""Generation time against vanilla openapi-python-client on the same spec: `python -m tests.corpus.generation_time`.

Each side runs as its own process, alternately, `--rounds` times (default 3), on one corpus spec (default
3.0/star-trek): vanilla is `openapi-python-client generate --meta none` (its ruff post-hooks included), ours
is `build_into` (normalisation, checks, our templates, runtime copy, ruff, and the import check of every
module). It prints the best wall time and the CPU time (process and children) of each, and the ratios. On a
shared machine wall time moves with the load; CPU time less so. Not a test: nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.corpus.corpus import SPECS, extract

_OURS = """
import sys
from pathlib import Path
from generator.build import build_into
from generator.registry import SdkEntry
build_into(SdkEntry.named("corpus", Path(sys.argv[1]), mock_port=4999), Path(sys.argv[2]))
"""


def _timed(command: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # the interpreter's bin/ first on PATH: vanilla's ruff post-hooks run only when `ruff` is found there (without it
    # they are skipped with a warning, and vanilla's time would leave out the formatting ours includes)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "PATH": path}
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default="3.0/star-trek")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    [spec] = [s for s in SPECS if s.name == args.spec]
    path = extract(spec)
    vanilla_cli = Path(sys.executable).with_name("openapi-python-client")
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="generation-time-") as scratch:
        for round_ in range(args.rounds):
            vanilla_out, ours_out = (str(Path(scratch) / f"{side}-{round_}") for side in ("vanilla", "ours"))
            runs = {
                "vanilla": [
                    str(vanilla_cli),
                    "generate",
                    "--path",
                    str(path),
                    "--meta",
                    "none",
                    "--output-path",
                    vanilla_out,
                ],
                "ours": [sys.executable, "-c", _OURS, str(path), ours_out],
            }
            for side, command in runs.items():
                wall, cpu = _timed(command)
                old = best.get(side, (float("inf"), float("inf")))
                best[side] = (min(old[0], wall), min(old[1], cpu))
    (vanilla_wall, vanilla_cpu), (ours_wall, ours_cpu) = best["vanilla"], best["ours"]
    print(f"{args.spec}: best of {args.rounds}")
    print(f"  vanilla openapi-python-client: {vanilla_wall:.2f} s wall, {vanilla_cpu:.2f} s CPU")
    print(f"  ours (generator/build.py):     {ours_wall:.2f} s wall, {ours_cpu:.2f} s CPU")
    print(f"  ratio: {ours_wall / vanilla_wall:.2f}x wall, {ours_cpu / vanilla_cpu:.2f}x CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

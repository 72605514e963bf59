"""Schemathesis against the hardened Prism of each corpus spec: how many times the mock dies.

`python -m tests.corpus.corpus_fuzz [--large] [--max-examples N] [NAME ...]` serves each corpus spec with the
hardened Prism (mock/prism.py) and runs schemathesis' fuzzing and stateful phases at it, positive and
negative data alike (a broken `%` escape in a part name, a huge number, a wrong content type: inputs a real
client sends by mistake). A watchdog restarts Prism on its port whenever it exits, so one fatal input does
not hide the next; each death is counted with Prism's last log lines. The goal is 0 deaths on every spec.
Schemathesis' own verdict is not judged here: a mock of a spec it cannot fully satisfy still must not die.
tests/corpus/test_corpus_fuzz.py runs a few specs in `make test`.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import attrs

from generator.registry import ROOT
from generator.spec_walk import load, operations
from mock.prism import MockError, PrismServer, free_port
from tests.corpus.corpus import CACHE, CorpusSpec, chosen_specs, extract

_WATCH_INTERVAL_S = 0.2
_DEFAULT_MAX_EXAMPLES = 10


@attrs.frozen(kw_only=True)
class FuzzOutcome:
    name: str
    operations: int
    deaths: tuple[str, ...]  # Prism's last log lines before each exit
    schemathesis_exit: int | None  # None: the run never started (Prism did not start)
    failure: str | None = None  # why the run could not happen at all
    note: str | None = None  # why there was nothing to run (not a failure)


class _Watchdog:
    """Restarts `server` whenever its process has exited, until stopped; remembers each death's last words."""

    def __init__(self, server: PrismServer) -> None:
        self._server = server
        self.deaths: list[str] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="prism-watchdog", daemon=True)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stopping.wait(_WATCH_INTERVAL_S):
            if self._server.alive():
                continue
            self.deaths.append(self._server.last_log_lines())
            self._server.stop()  # closes the log handle of the dead process
            try:
                self._server.start(ready_timeout_s=120)
            except MockError as exc:
                self.deaths.append(f"and it did not come back: {exc}")
                return


def schemathesis_command(spec_path: Path, url: str, *, max_examples: int, seed: int | None) -> list[str]:
    """Fuzzing and stateful phases, both data modes; only the 5xx check, since the verdict is not judged.

    No `--max-time`: schemathesis repeats fuzzing until that budget is spent, so the run is bounded by
    `--max-examples` per operation instead (and a seed, when given, makes it repeatable).
    """
    return [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(spec_path),
        "--url",
        url,
        "--phases",
        "fuzzing,stateful",
        "--mode",
        "all",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(max_examples),
        "--request-timeout",
        "10",
        "--workers",
        "1",
        "--continue-on-failure",
        "--no-color",
        *(() if seed is None else ("--seed", str(seed))),
    ]


def fuzz_one(
    spec: CorpusSpec, *, max_examples: int = _DEFAULT_MAX_EXAMPLES, seed: int | None = None, timeout_s: int = 900
) -> FuzzOutcome:
    path = extract(spec)
    count = len(operations(load(path)))
    if count == 0:
        note = "no operations under paths: nothing to mock"
        return FuzzOutcome(name=spec.name, operations=0, deaths=(), schemathesis_exit=None, note=note)
    stem = f"fuzz-{spec.name.replace('/', '_')}"
    server = PrismServer(path, port=free_port(), log_path=CACHE / f"{stem}.prism.log")
    try:
        server.start(ready_timeout_s=120)
    except MockError as exc:
        return FuzzOutcome(name=spec.name, operations=count, deaths=(), schemathesis_exit=None, failure=str(exc))
    try:
        with _Watchdog(server) as watchdog, open(CACHE / f"{stem}.schemathesis.log", "wb") as output:
            command = schemathesis_command(path, server.url, max_examples=max_examples, seed=seed)
            # The run is bounded by --max-examples; the timeout only guards against a hung schemathesis.
            finished = subprocess.run(
                command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, timeout=timeout_s, check=False
            )
        if not server.alive():  # died after the watchdog's last look
            watchdog.deaths.append(server.last_log_lines())
    finally:
        server.stop()
    return FuzzOutcome(
        name=spec.name, operations=count, deaths=tuple(watchdog.deaths), schemathesis_exit=finished.returncode
    )


def table(outcomes: Sequence[FuzzOutcome]) -> str:
    lines = ["| spec | operations | schemathesis exit | mock deaths | last words |", "| --- | --- | --- | --- | --- |"]
    for o in outcomes:
        exit_code = "did not run" if o.schemathesis_exit is None else str(o.schemathesis_exit)
        words = (o.failure or o.note or (o.deaths[0] if o.deaths else ""))[:200]
        lines.append(f"| {o.name} | {o.operations} | {exit_code} | {len(o.deaths)} | {words} |")
    deaths = sum(len(o.deaths) for o in outcomes)
    ran = sum(o.schemathesis_exit is not None for o in outcomes)
    empty = sum(o.note is not None for o in outcomes)
    lines.append(f"\n{ran} of {len(outcomes) - empty} specs with operations fuzzed; {deaths} mock deaths (goal 0)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    max_examples = _DEFAULT_MAX_EXAMPLES
    if "--max-examples" in names:
        at = names.index("--max-examples")
        max_examples = int(names[at + 1])
        del names[at : at + 2]
    outcomes = []
    for spec in chosen_specs(names):
        started = time.perf_counter()
        outcome = fuzz_one(spec, max_examples=max_examples)
        print(f"{spec.name}: {len(outcome.deaths)} deaths in {time.perf_counter() - started:.0f} s", flush=True)
        outcomes.append(outcome)
    print(table(outcomes))
    return 0 if all(not o.deaths and o.failure is None for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())

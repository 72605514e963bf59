"""Schemathesis' fuzzing and stateful phases against the hardened Prism of a few corpus specs: no mock death.

The specs with multipart and form bodies are where Prism used to die (a part named `a%`); a seed keeps the
run repeatable. `python -m tests.corpus.corpus_fuzz [--large]` runs the whole corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import corpus_fuzz
from tests.corpus.corpus import SPECS
from tests.corpus.corpus_fuzz import FuzzOutcome, fuzz_one, table

CHOSEN = ("3.0/file-uploads", "3.0/form-data", "3.1/train-travel")


@pytest.mark.corpus
@pytest.mark.prism
@pytest.mark.parametrize("name", CHOSEN)
def test_the_mock_survives_fuzzing_and_stateful_phases(name: str) -> None:
    [spec] = [s for s in SPECS if s.name == name]
    outcome = fuzz_one(spec, max_examples=10, seed=20261203, timeout_s=300)
    print("\n" + table([outcome]))
    assert outcome.failure is None, outcome.failure
    assert outcome.schemathesis_exit is not None
    assert outcome.deaths == (), outcome.deaths


class _DyingServer:
    """A stand-in for PrismServer whose process exits once, then runs again after a restart."""

    def __init__(self) -> None:
        self.running = False  # already dead when the watchdog first looks
        self.starts = 0

    def alive(self) -> bool:
        return self.running

    def last_log_lines(self) -> str:
        return "URIError: URI malformed"

    def stop(self) -> None:
        self.running = False

    def start(self, *, ready_timeout_s: float) -> None:
        self.starts += 1
        self.running = True


def test_the_watchdog_counts_a_death_with_its_last_words_and_restarts_the_mock() -> None:
    server = _DyingServer()
    with corpus_fuzz._Watchdog(server) as watchdog:  # type: ignore[arg-type]
        for _ in range(200):
            if server.starts:
                break
            watchdog._stopping.wait(0.01)
    assert watchdog.deaths == ["URIError: URI malformed"]
    assert server.starts == 1


def test_the_table_counts_deaths_and_runs() -> None:
    outcomes = [
        FuzzOutcome(name="a", operations=3, deaths=(), schemathesis_exit=0),
        FuzzOutcome(name="b", operations=2, deaths=("boom",), schemathesis_exit=1),
        FuzzOutcome(name="c", operations=1, deaths=(), schemathesis_exit=None, failure="did not start"),
        FuzzOutcome(name="d", operations=0, deaths=(), schemathesis_exit=None, note="nothing to mock"),
    ]
    printed = table(outcomes)
    assert "| b | 2 | 1 | 1 | boom |" in printed
    assert "| c | 1 | did not run | 0 | did not start |" in printed
    assert printed.endswith("2 of 3 specs with operations fuzzed; 1 mock deaths (goal 0)")


def test_the_command_fuzzes_both_data_modes_without_a_time_budget(tmp_path: Path) -> None:
    command = corpus_fuzz.schemathesis_command(tmp_path / "s.json", "http://127.0.0.1:1", max_examples=7, seed=3)
    assert command[command.index("--phases") + 1] == "fuzzing,stateful"
    assert command[command.index("--mode") + 1] == "all"
    assert command[command.index("--max-examples") + 1] == "7"
    assert command[command.index("--seed") + 1] == "3"
    assert "--max-time" not in command  # it would repeat fuzzing until spent

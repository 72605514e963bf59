"""Schemathesis over a whole spec against any server: `make contract URL=...` and the mock run in `make test`.

    python -m tests.contract.run --url https://staging.example.com [--spec openapi/myrvm.yaml]

Every check runs against a real server. Against the Prism mock (`--mock`), the few checks that cannot
hold for a mock are switched off, each with its reason below. The token for a real server comes from
the CONTRACT_TOKEN environment variable (never from the command line, so it stays out of shell history).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC = ROOT / "openapi" / "myrvm.yaml"

# Checks that cannot hold against Prism, and why. Everything else runs, and everything runs for real servers.
MOCK_EXCLUDED_CHECKS: dict[str, str] = {
    "ignored_auth": "Prism checks that a bearer token is present but accepts any value, so a made-up "
    "token is not rejected with 401 as a real server would",
    "negative_data_rejection": "Prism treats an empty query or header value as absent, so an empty "
    "string below a parameter's minLength is accepted instead of rejected",
    "unsupported_method": "Prism answers an undeclared method with 405 but without the Allow header RFC 9110 requires",
}


@attrs.frozen(kw_only=True)
class ContractRun:
    """One schemathesis run: what to test, where, and how hard."""

    spec: Path
    url: str
    mock: bool
    max_examples: int = 20
    seed: int = 20261122
    # One worker: with two, hypothesis parses lambda sources in two threads at once, which CPython 3.11's
    # AST constructor does not survive ("AST constructor recursion depth mismatch", a SystemError).
    workers: int = 1
    max_time_s: int | None = None
    phases: str = "examples,coverage,fuzzing"  # the living mock adds "stateful" (it follows the spec's links)
    config_file: Path | None = None  # a schemathesis.toml (the living mock's expected statuses)

    def excluded_checks(self) -> dict[str, str]:
        return MOCK_EXCLUDED_CHECKS if self.mock else {}

    def command(self, report: Path) -> list[str]:
        token = "mock-token" if self.mock else os.environ.get("CONTRACT_TOKEN", "")
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            *(["--config-file", str(self.config_file)] if self.config_file is not None else []),
            "run",
            str(self.spec),
            "--url",
            self.url,
            "--checks",
            "all",
            "--max-examples",
            str(self.max_examples),
            "--seed",
            str(self.seed),
            "--workers",
            str(self.workers),
            "--phases",
            self.phases,
            "--request-timeout",
            "10",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            "--no-color",
        ]
        if self.excluded_checks():
            command += ["--exclude-checks", ",".join(sorted(self.excluded_checks()))]
        if self.max_time_s is not None:
            command += ["--max-time", str(self.max_time_s)]
        if token:
            command += ["--header", f"Authorization: Bearer {token}"]
        return command


@attrs.frozen(kw_only=True)
class ContractResult:
    exit_code: int
    output: str
    cases_per_operation: dict[str, int]
    checks_seen: tuple[str, ...]


def _summarise(report: Path) -> tuple[dict[str, int], tuple[str, ...]]:
    """Cases per operation and the names of the checks that ran, from schemathesis' ndjson events."""
    cases: Counter[str] = Counter()
    checks: set[str] = set()
    if not report.exists():
        return {}, ()
    for line in report.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        _walk(event, cases, checks)
    return dict(sorted(cases.items())), tuple(sorted(checks))


def _walk(node: object, cases: Counter[str], checks: set[str]) -> None:
    """Find scenario results in an event of any shape: each recorded case names its operation."""
    if isinstance(node, dict):
        label = node.get("label")
        recorder_cases = node.get("cases")
        if isinstance(label, str) and isinstance(recorder_cases, dict):
            cases[label] += len(recorder_cases)
            for check_list in (node.get("checks") or {}).values():
                for check in check_list or []:
                    if isinstance(check, dict) and isinstance(check.get("name"), str):
                        checks.add(check["name"])
        for value in node.values():
            _walk(value, cases, checks)
    elif isinstance(node, list):
        for value in node:
            _walk(value, cases, checks)


def run(contract: ContractRun) -> ContractResult:
    with tempfile.TemporaryDirectory(prefix="contract-") as scratch:
        report = Path(scratch) / "events.ndjson"
        result = subprocess.run(contract.command(report), capture_output=True, text=True, cwd=ROOT, check=False)
        cases, checks = _summarise(report)
    return ContractResult(
        exit_code=result.returncode,
        output=result.stdout + result.stderr,
        cases_per_operation=cases,
        checks_seen=checks,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make contract", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the server's base URL")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--mock", action="store_true", help="the server is our Prism mock")
    parser.add_argument("--max-examples", type=int, default=20)
    args = parser.parse_args(argv)
    contract = ContractRun(spec=args.spec, url=args.url, mock=args.mock, max_examples=args.max_examples)
    for check, reason in contract.excluded_checks().items():
        print(f"contract: check {check} is off for the mock: {reason}")
    result = run(contract)
    print(result.output)
    for operation, count in result.cases_per_operation.items():
        print(f"contract: {count:5d} cases  {operation}")
    print(f"contract: checks that ran: {', '.join(result.checks_seen) or 'none recorded'}")
    return result.exit_code


if __name__ == "__main__":
    raise SystemExit(main())

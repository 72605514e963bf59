"""Schemathesis over a whole spec against any server: `make contract URL=...` and the mock run in `make test`.

    python -m tests.contract.run --url https://staging.example.com [--spec openapi/myrvm.yaml]
        [--max-examples 20] [--mock] [--allow-auth-refusals] [SCHEMATHESIS OPTION ...]

Every check runs against a real server. Against the Prism mock (`--mock`), the few checks that cannot
hold for a mock are switched off, each with its reason below. The token for a real server comes from
the CONTRACT_TOKEN environment variable (never from the command line, so it stays out of shell history).
Options this script does not know (`--include-path /x`, `--max-time 600`, ...) go to schemathesis as they are.

Progress is printed live, operation by operation. Reports (JUnit XML, the NDJSON events, HAR traffic) are
written to .tmp/contract/<spec name>/ and kept. Exit codes: 0 the contract held, 1 contract failures
(including operations that declare security and never got past 401/403, unless --allow-auth-refusals),
2 usage or setup error.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TextIO

import attrs

from generator.spec_findings import SpecError
from generator.spec_walk import load
from tests.contract.auth_coverage import refusal_message, refused_operations, secured_operations
from tests.contract.events import RunLog, echo, read_events

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC = ROOT / "openapi" / "myrvm.yaml"
REPORT_ROOT = ROOT / ".tmp" / "contract"
MOCK_TOKEN = "mock-token"  # Prism wants a bearer token to be present and accepts any value
EXIT_OK, EXIT_FAILURES, EXIT_SETUP = 0, 1, 2
POLL_S = 0.2

# Checks that cannot hold against Prism, and why. Everything else runs, and everything runs for real servers.
MOCK_EXCLUDED_CHECKS: dict[str, str] = {
    "ignored_auth": "Prism checks that a bearer token is present but accepts any value, so a made-up "
    "token is not rejected with 401 as a real server would",
    "negative_data_rejection": "Prism treats an empty query or header value as absent, so an empty "
    "string below a parameter's minLength is accepted instead of rejected",
    "unsupported_method": "Prism answers an undeclared method with 405 but without the Allow header RFC 9110 requires",
}


@attrs.frozen(kw_only=True)
class ContractReports:
    """Where one run's reports go (kept after the run, replaced by the next run of the same spec)."""

    folder: Path

    @property
    def junit(self) -> Path:
        return self.folder / "junit.xml"

    @property
    def ndjson(self) -> Path:
        return self.folder / "events.ndjson"

    @property
    def har(self) -> Path:
        return self.folder / "traffic.har"


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
    token: str | None = attrs.field(default=None, repr=False)  # None: MOCK_TOKEN for the mock, else no header
    allow_auth_refusals: bool = False
    schemathesis_args: tuple[str, ...] = ()
    report_folder: Path | None = None  # None: .tmp/contract/<spec name>/
    phases: str = "examples,coverage,fuzzing"  # the living mock adds "stateful" (it follows the spec's links)
    config_file: Path | None = None  # a schemathesis.toml (the living mock's expected statuses)

    def excluded_checks(self) -> dict[str, str]:
        return MOCK_EXCLUDED_CHECKS if self.mock else {}

    def bearer_token(self) -> str | None:
        return self.token if self.token is not None else (MOCK_TOKEN if self.mock else None)

    def reports(self) -> ContractReports:
        return ContractReports(folder=self.report_folder or REPORT_ROOT / self.spec.stem)

    def command(self) -> list[str]:
        reports = self.reports()
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
            "junit,ndjson,har",
            "--report-junit-path",
            str(reports.junit),
            "--report-ndjson-path",
            str(reports.ndjson),
            "--report-har-path",
            str(reports.har),
            "--no-color",
        ]
        if self.excluded_checks():
            command += ["--exclude-checks", ",".join(sorted(self.excluded_checks()))]
        if self.max_time_s is not None:
            command += ["--max-time", str(self.max_time_s)]
        if token := self.bearer_token():
            command += ["--header", f"Authorization: Bearer {token}"]
        return command + list(self.schemathesis_args)


@attrs.frozen(kw_only=True)
class ContractResult:
    exit_code: int
    schemathesis_exit_code: int
    output: str
    cases_per_operation: dict[str, int]
    checks_seen: tuple[str, ...]
    auth_refused: tuple[str, ...]
    reports: ContractReports
    unreachable: bool = False


def run(contract: ContractRun, out: TextIO | None = None) -> ContractResult:
    """Run schemathesis, printing progress to `out` as it goes; judge the result (see the module docstring)."""
    reports = contract.reports()
    reports.folder.mkdir(parents=True, exist_ok=True)
    for stale in (reports.junit, reports.ndjson, reports.har):
        stale.unlink(missing_ok=True)
    log = RunLog()
    output: list[str] = []
    process = subprocess.Popen(
        contract.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT
    )
    assert process.stdout is not None  # stdout=PIPE
    reader = threading.Thread(target=_relay, args=(process.stdout, output, out), daemon=True)
    reader.start()
    offset = 0
    try:
        while True:
            finished = process.poll() is not None
            events, offset = read_events(reports.ndjson, offset)
            for event in events:
                if line := log.add(event):
                    echo(out, line)
            if finished:
                break
            time.sleep(POLL_S)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        reader.join(timeout=10)
    code = process.returncode
    refused = refused_operations(_secured(contract.spec), log.statuses) if code in (EXIT_OK, EXIT_FAILURES) else []
    verdict = code if code in (EXIT_OK, EXIT_FAILURES) else EXIT_SETUP
    if refused and not contract.allow_auth_refusals:
        verdict = EXIT_FAILURES
    unreachable = bool(log.cases) and not any(log.statuses.values())
    if unreachable:  # not one response: the server is down or the URL is wrong, nothing was tested
        verdict = EXIT_SETUP
    return ContractResult(
        exit_code=verdict,
        schemathesis_exit_code=code,
        output="".join(output),
        cases_per_operation=dict(sorted(log.cases.items())),
        checks_seen=tuple(sorted(log.checks)),
        auth_refused=tuple(refused),
        reports=reports,
        unreachable=unreachable,
    )


def _relay(stream: IO[str], output: list[str], out: TextIO | None) -> None:
    """Keep schemathesis' own output and pass it on as it comes."""
    for line in stream:
        output.append(line)
        if out is not None:
            out.write(line)
            out.flush()


def _secured(spec: Path) -> frozenset[str]:
    try:
        document = load(spec)
    except SpecError:
        return frozenset()  # schemathesis has already said why it could not read the spec
    return secured_operations(document) if isinstance(document, dict) else frozenset()


def _display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.contract.run",
        description=__doc__.splitlines()[0],
        epilog="Other options go to `schemathesis run` unchanged. Exit: 0 held, 1 failures, 2 usage or setup error.",
    )
    parser.add_argument("--url", required=True, help="the server's base URL")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--mock", action="store_true", help="the server is our Prism mock: MOCK_EXCLUDED_CHECKS apply")
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument(
        "--allow-auth-refusals",
        action="store_true",
        default=os.environ.get("ALLOW_AUTH_REFUSALS", "") not in ("", "0"),
        help="do not fail when operations that declare security only ever answered 401/403",
    )
    parser.add_argument("--report-dir", type=Path, default=None, help="default: .tmp/contract/<spec name>/")
    args, schemathesis_args = parser.parse_known_args(argv)
    if not args.spec.is_file():
        print(f"contract: no such spec file: {args.spec}", file=sys.stderr)
        return EXIT_SETUP
    contract = ContractRun(
        spec=args.spec.resolve(),
        url=args.url,
        mock=args.mock,
        max_examples=args.max_examples,
        token=os.environ.get("CONTRACT_TOKEN") or None,
        allow_auth_refusals=args.allow_auth_refusals,
        schemathesis_args=tuple(schemathesis_args),
        report_folder=args.report_dir.resolve() if args.report_dir else None,
    )
    for check, reason in contract.excluded_checks().items():
        echo(sys.stdout, f"contract: check {check} is off for the mock: {reason}")
    result = run(contract, out=sys.stdout)
    for operation, count in result.cases_per_operation.items():
        print(f"contract: {count:5d} cases  {operation}")
    print(f"contract: checks that ran: {', '.join(result.checks_seen) or 'none recorded'}")
    reports = result.reports
    print(
        f"contract: reports in {_display(reports.folder)}/: {reports.junit.name} (JUnit XML), "
        f"{reports.ndjson.name} (schemathesis events), {reports.har.name} (HAR)"
    )
    if result.unreachable:
        print(f"contract: no response at all from {contract.url}: is the server up and the URL right?", file=sys.stderr)
    if result.auth_refused:
        message = refusal_message(list(result.auth_refused), token_was_set=contract.token is not None)
        if contract.allow_auth_refusals:
            print("\n".join(message.splitlines()[:-1]).replace("FAILED", "allowed (--allow-auth-refusals)"))
        else:
            print(message, file=sys.stderr)
    outcome = {EXIT_OK: "the contract held", EXIT_FAILURES: "contract failures"}.get(result.exit_code, "setup error")
    print(f"contract: exit {result.exit_code}: {outcome}")
    return result.exit_code


if __name__ == "__main__":
    raise SystemExit(main())

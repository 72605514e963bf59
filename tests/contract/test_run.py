"""tests/contract/run.py against a real (small, local) server: a green run means the contract held.

The toy server (tests/contract/toy_server.py) has a public `GET /health` and a `GET /items/{item_id}`
behind a bearer token, optionally with a planted schema bug behind the token. Each run takes a few
seconds (five examples per operation).
"""

from __future__ import annotations

import json
import socket
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.registry import load_registry
from tests.contract.events import RunLog, read_events
from tests.contract.run import REPORT_ROOT, ROOT, ContractRun, main, run
from tests.contract.toy_server import TOY_SPEC, TOY_TOKEN, ToyServer

SECURED = "GET /items/{item_id}"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(TOY_SPEC, encoding="utf-8")
    return path


@pytest.fixture
def clean_server() -> Iterator[ToyServer]:
    with ToyServer() as server:
        yield server


@pytest.fixture
def buggy_server() -> Iterator[ToyServer]:
    with ToyServer(planted_bug=True) as server:
        yield server


def contract(
    server: ToyServer, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str, token: str | None
) -> int:
    """main() as `make contract` calls it, with CONTRACT_TOKEN set to `token` (or unset)."""
    if token is None:
        monkeypatch.delenv("CONTRACT_TOKEN", raising=False)
    else:
        monkeypatch.setenv("CONTRACT_TOKEN", token)
    monkeypatch.delenv("ALLOW_AUTH_REFUSALS", raising=False)
    report_dir = str(tmp_path / "reports")
    return main(["--url", server.url, "--spec", str(spec), "--max-examples", "5", "--report-dir", report_dir, *args])


@pytest.mark.parametrize(("token", "cause"), [(None, "is not set"), ("not-the-token", "was rejected")])
def test_only_401_behind_security_fails_naming_contract_token(
    buggy_server: ToyServer,
    spec: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token: str | None,
    cause: str,
) -> None:
    """Without a token the server accepts, a secured operation that only answered 401 fails the run, named."""
    assert contract(buggy_server, spec, tmp_path, monkeypatch, token=token) == 1
    err = capsys.readouterr().err
    assert f"CONTRACT_TOKEN {cause}" in err
    assert f"\n  {SECURED}\n" in err
    assert "GET /health" not in err  # public: it declares `security: []`


def test_allow_auth_refusals_accepts_a_server_that_refuses(
    buggy_server: ToyServer,
    spec: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--allow-auth-refusals turns the refusal into a note: exit 0, the operations still listed on stdout."""
    assert contract(buggy_server, spec, tmp_path, monkeypatch, "--allow-auth-refusals", token=None) == 0
    out = capsys.readouterr().out
    assert "allowed (--allow-auth-refusals)" in out
    assert f"\n  {SECURED}\n" in out


def test_allow_auth_refusals_from_the_environment(
    clean_server: ToyServer, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ALLOW_AUTH_REFUSALS=1 (what `make contract ALLOW_AUTH_REFUSALS=1` exports) works like the flag."""
    monkeypatch.delenv("CONTRACT_TOKEN", raising=False)
    monkeypatch.setenv("ALLOW_AUTH_REFUSALS", "1")
    code = main(["--url", clean_server.url, "--spec", str(spec), "--max-examples", "5", "--report-dir", str(tmp_path)])
    assert code == 0


def test_valid_token_finds_the_bug_behind_auth(
    buggy_server: ToyServer,
    spec: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With a token the server accepts, the planted schema bug behind it is found: exit 1, no refusal message."""
    assert contract(buggy_server, spec, tmp_path, monkeypatch, token=TOY_TOKEN) == 1
    captured = capsys.readouterr()
    assert "Response violates schema" in captured.out
    assert "CONTRACT_TOKEN" not in captured.err


def test_valid_token_and_correct_server_hold(
    clean_server: ToyServer,
    spec: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A correct server with a valid token is green, and the token never appears in the output."""
    assert contract(clean_server, spec, tmp_path, monkeypatch, token=TOY_TOKEN) == 0
    captured = capsys.readouterr()
    assert "contract: exit 0: the contract held" in captured.out
    assert TOY_TOKEN not in captured.out + captured.err


def test_reports_are_written_kept_and_named(
    clean_server: ToyServer,
    spec: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """JUnit XML, NDJSON events and HAR stay in the report folder after the run, and the path is printed."""
    assert contract(clean_server, spec, tmp_path, monkeypatch, token=TOY_TOKEN) == 0
    folder = tmp_path / "reports"
    assert f"contract: reports in {folder}/: junit.xml" in capsys.readouterr().out
    testcases = {case.get("name") for case in ET.parse(folder / "junit.xml").getroot().iter("testcase")}
    assert testcases == {"GET /health", SECURED}
    assert json.loads((folder / "traffic.har").read_text(encoding="utf-8"))["log"]["entries"]
    events, _ = read_events(folder / "events.ndjson", 0)
    assert any("EngineFinished" in event for event in events)
    assert TOY_TOKEN not in (folder / "traffic.har").read_text(encoding="utf-8")


def test_default_report_folder_is_per_spec() -> None:
    """Without --report-dir, reports go to .tmp/contract/<spec name>/ in the repository."""
    contract = ContractRun(spec=load_registry()["myrvm"].spec, url="http://127.0.0.1:9", mock=True)
    assert contract.reports().folder == REPORT_ROOT / "myrvm" == ROOT / ".tmp" / "contract" / "myrvm"


def test_progress_is_printed_while_the_run_is_going(spec: Path, tmp_path: Path) -> None:
    """The coverage phase's line for each operation comes out before schemathesis prints its final summary. The
    server answers after 50 ms, so the run lasts far longer than the runner's poll interval even on a loaded
    machine (against an instant server the whole run could end between two polls)."""
    written: list[str] = []

    class Watch:
        def write(self, text: str) -> int:
            written.append(text)
            return len(text)

        def flush(self) -> None:
            """Nothing buffered."""

    with ToyServer(answer_delay_s=0.05) as slow_server:
        contract = ContractRun(
            spec=spec, url=slow_server.url, mock=False, max_examples=5, token=TOY_TOKEN, report_folder=tmp_path
        )
        result = run(contract, out=Watch())  # type: ignore[arg-type]  # a write/flush stream is all print needs
    assert result.exit_code == 0
    summary = next(index for index, text in enumerate(written) if "SUMMARY" in text)
    progress = [index for index, text in enumerate(written) if text.startswith(f"contract: [coverage] {SECURED}")]
    assert progress and progress[0] < summary, written


def test_schemathesis_options_pass_through(
    buggy_server: ToyServer,
    spec: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Options the runner does not know go to schemathesis: --include-path limits the run to one operation."""
    assert contract(buggy_server, spec, tmp_path, monkeypatch, "--include-path", "/health", token=None) == 0
    out = capsys.readouterr().out
    assert "cases  GET /health" in out
    assert SECURED not in out


@pytest.mark.parametrize(
    "args",
    [["--spec", "openapi/no-such.yaml"], ["--no-such-schemathesis-option"]],
    ids=["missing-spec", "unknown-option"],
)
def test_usage_and_setup_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    """A missing spec and an option schemathesis rejects are exit 2 (usage or setup), not contract failures."""
    assert main(["--url", "http://127.0.0.1:9", *args, "--report-dir", str(tmp_path)]) == 2


def test_unreachable_server_is_a_setup_error(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A URL where nothing answers is exit 2 naming the URL (schemathesis alone says 1, a contract failure)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"  # bound, not listening: connections are refused
        assert main(["--url", url, "--spec", str(spec), "--max-examples", "1", "--report-dir", str(tmp_path)]) == 2
    assert f"no response at all from {url}" in capsys.readouterr().err


def test_missing_url_exits_2() -> None:
    """Without --url the runner stops with a usage error, exit 2."""
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2


def test_run_log_reads_only_complete_lines(tmp_path: Path) -> None:
    """A line schemathesis is still writing is read on the next poll, not half-parsed now."""
    path = tmp_path / "events.ndjson"
    finished = {
        "ScenarioFinished": {
            "phase": "fuzzing",
            "status": "success",
            "recorder": {
                "label": "GET /x",
                "cases": {"a": {}},
                "checks": {"a": [{"name": "not_a_server_error"}]},
                "interactions": {"a": {"request": {"method": "GET"}, "response": {"status_code": 401}}},
            },
        }
    }
    line = json.dumps(finished).encode() + b"\n"
    path.write_bytes(line + line[:10])
    events, offset = read_events(path, 0)
    assert (len(events), offset) == (1, len(line))
    log = RunLog()
    assert log.add(events[0]) == "contract: [fuzzing] GET /x: 1 cases, success (statuses so far: 401x1)"
    assert log.statuses == {"GET /x": {401: 1}}


def test_make_contract_passes_options_through() -> None:
    """`make contract` forwards SPEC, ARGS, MOCK=1 and ALLOW_AUTH_REFUSALS=1 to the runner (dry run)."""
    result = subprocess.run(
        [
            "make",
            "-n",
            "--no-print-directory",
            "contract",
            "URL=http://127.0.0.1:9",
            "SPEC=openapi/tiktrue.yaml",
            "ARGS=--max-examples 50 --include-path /x",
            "MOCK=1",
            "ALLOW_AUTH_REFUSALS=1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    command = result.stdout
    for part in (
        '--url "http://127.0.0.1:9"',
        "--spec openapi/tiktrue.yaml",
        "--max-examples 50 --include-path /x",
        "--mock",
        "--allow-auth-refusals",
    ):
        assert part in command, command

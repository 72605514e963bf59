"""`make mock` stays up: a broken save keeps the last good version served, and ports can be moved.

Saving a spec that did not parse used to end that Prism, then `make mock` and with it every mock. The
reload tests drive the serve loop's tick on two Prisms serving temporary specs on free ports.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from generator.registry import ROOT
from mock.mock_ports import PlannedMock, PortError, check_free, parse_ports, plan_ports
from mock.prism import LOOPBACK, free_port
from mock.prism_reload import ReloadingPrism
from mock.serve import follow_reloads, living_prisms, main, reloading_prisms

SPEC = """openapi: 3.1.0
info: {{title: {title}, version: 1.0.0}}
paths:
  /hello:
    get:
      operationId: hello
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: object}}
              example: {{version: {version}}}
"""
BROKEN = "openapi: 3.1.0\ninfo: {title: A, version: 1.0.0\npaths: {}\n"  # the mapping is never closed
INVALID = "openapi: 3.1.0\ninfo: {title: A}\npaths: {}\n"  # parses, but info.version is required


@pytest.fixture
def two_mocks(tmp_path: Path) -> Iterator[tuple[list[ReloadingPrism], list[str]]]:
    """Prisms for a.yaml and b.yaml (temporary copies) on free ports, as serve.py builds them; always stopped."""
    reports: list[str] = []
    planned = []
    for name in ("a", "b"):
        spec = tmp_path / f"{name}.yaml"
        spec.write_text(SPEC.format(title=name, version=1), encoding="utf-8")
        planned.append(PlannedMock(name=name, document=spec, port=free_port()))
    prisms = reloading_prisms(planned, tmp_path / "mock", reports.append)
    try:
        for prism in prisms:
            prism.tick()
        yield prisms, reports
    finally:
        for prism in prisms:
            prism.stop()


def _version(prism: ReloadingPrism) -> int:
    response = httpx.get(f"{prism.url}/hello", timeout=10)
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


@pytest.mark.parametrize(("broken", "finding"), [(BROKEN, "not valid YAML"), (INVALID, "#/info: [openapi-schema")])
def test_a_broken_save_keeps_the_last_good_version_until_the_fix(
    two_mocks: tuple[list[ReloadingPrism], list[str]], broken: str, finding: str
) -> None:
    """Broken: findings are reported, this mock answers its last good version, the other one is
    untouched. Fixed: the new version is served."""
    (a, b), reports = two_mocks
    assert (_version(a), _version(b)) == (1, 1)
    b_process = b.server.pid if b.server else None

    a.source.write_text(broken, encoding="utf-8")
    a.tick()
    b.tick()
    kept = "still serving the last good version"
    assert any("a.yaml" in line and finding in line and kept in line for line in reports)
    assert (_version(a), _version(b)) == (1, 1)
    a.tick()  # an unchanged broken file is not reported again
    assert sum("problem(s)" in line for line in reports) == 1

    a.source.write_text(SPEC.format(title="a", version=2), encoding="utf-8")
    a.tick()
    b.tick()
    assert (_version(a), _version(b)) == (2, 1)
    assert b.server is not None and b.server.pid == b_process
    assert any("a: reloaded" in line for line in reports)
    assert a.snapshot.current is not None
    assert [path.name for path in a.snapshot.folder.iterdir()] == [a.snapshot.current.name]


def test_a_spec_broken_at_start_is_served_from_its_first_clean_save(tmp_path: Path) -> None:
    """A spec that does not lint at start is reported and not served; its first clean save is."""
    spec = tmp_path / "a.yaml"
    spec.write_text(BROKEN, encoding="utf-8")
    reports: list[str] = []
    (prism,) = reloading_prisms([PlannedMock(name="a", document=spec, port=free_port())], tmp_path, reports.append)
    try:
        prism.tick()
        assert not prism.serving
        assert "not served until it is fixed" in reports[-1]
        spec.write_text(SPEC.format(title="a", version=3), encoding="utf-8")
        prism.tick()
        assert _version(prism) == 3
    finally:
        prism.stop()


def test_a_dead_prism_is_restarted_on_the_last_good_version(two_mocks: tuple[list[ReloadingPrism], list[str]]) -> None:
    """A Prism that died is restarted by the next tick, on the same port and version, and says so."""
    (a, _), reports = two_mocks
    assert a.server is not None and a.server.pid is not None
    os.kill(a.server.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while a.server.alive() and time.monotonic() < deadline:  # SIGKILL takes effect at once; reaping may lag
        time.sleep(0.05)
    a.tick()
    assert any(line.startswith("mock: a died") for line in reports)
    assert _version(a) == 1


def test_a_restart_that_fails_is_retried_ever_less_often(two_mocks: tuple[list[ReloadingPrism], list[str]]) -> None:
    """A dead Prism whose port was taken meanwhile is retried after 1, then 2 ... ticks, each failure said once."""
    (a, _), reports = two_mocks
    assert a.server is not None and a.server.pid is not None
    a.stop()
    with socket.socket() as thief:
        thief.bind((LOOPBACK, a.port))
        thief.listen()
        attempts = []
        for tick in range(7):
            before = len(reports)
            a.tick()
            if len(reports) > before:
                attempts.append(tick)
        assert attempts == [0, 2, 5]  # waits of 1 and 2 ticks between the attempts
        assert "is busy" in reports[-1] and "trying again in 4 s" in reports[-1]
    for _ in range(4):
        a.tick()
    assert _version(a) == 1


# --- ports --------------------------------------------------------------------------------------------

DEFAULTS = [
    PlannedMock(name="myrvm", document=Path("m.yaml"), port=4010),
    PlannedMock(name="myrvm-events", document=Path("m.asyncapi.yaml"), port=4011, websocket=True),
    PlannedMock(name="xoohoox", document=Path("x.yaml"), port=4020),
]


def test_port_offset_moves_every_mock_and_ports_single_ones() -> None:
    """PORT_OFFSET adds to every default port; a PORTS entry wins over it for its mock."""
    planned = plan_ports(DEFAULTS, ports=parse_ports("myrvm=5010"), offset=1000)
    assert [(m.name, m.port) for m in planned] == [("myrvm", 5010), ("myrvm-events", 5011), ("xoohoox", 5020)]


@pytest.mark.parametrize(
    ("ports", "offset", "message"),
    [
        ("myrvm", 0, "PORTS item 'myrvm' must look like <name>=<port>"),
        ("myrvm=http", 0, "must look like <name>=<port>"),
        ("myrvm=70000", 0, "PORTS myrvm: port 70000 is outside 1-65535"),
        ("nosuch=5000", 0, "PORTS names no mock called nosuch; the mocks are myrvm, myrvm-events, xoohoox"),
        ("xoohoox=4010", 0, "myrvm and xoohoox would share port 4010"),
        ("", 70000, "PORT_OFFSET: port 74010 is outside 1-65535"),
    ],
)
def test_bad_ports_are_named(ports: str, offset: int, message: str) -> None:
    """A malformed PORTS item, an unknown name, a port out of range or a clash is an error saying which."""
    with pytest.raises(PortError, match=re.escape(message)):
        plan_ports(DEFAULTS, ports=parse_ports(ports), offset=offset)


def test_a_busy_port_names_the_options_that_move_the_mocks(capsys: pytest.CaptureFixture[str]) -> None:
    """`make mock` on a busy port exits 2 before starting anything, naming the mock, PORT_OFFSET and PORTS."""
    with socket.socket() as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortError, match=r"PORT_OFFSET=1000.*PORTS="):
            check_free([PlannedMock(name="myrvm", document=Path("m.yaml"), port=port)])
        assert main(["myrvm", "--ports", f"myrvm={port}", "--port-offset", "20000"]) == 2
    error = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 (myrvm)" in error
    assert "make mock PORT_OFFSET=1000" in error and "make mock PORTS=<name>=<port>" in error


def test_make_mock_passes_ports_and_offset_through() -> None:
    """`make mock PORTS=... PORT_OFFSET=...` hands both options to mock.serve."""
    dry_run = subprocess.run(
        ["make", "-n", "mock", "PORTS=myrvm=5010,xoohoox=5020", "PORT_OFFSET=1000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-m mock.serve  --ports 'myrvm=5010,xoohoox=5020' --port-offset '1000'" in dry_run


def test_make_mock_stateless_passes_the_flag() -> None:
    """`make mock STATELESS=1` asks mock.serve for plain Prism."""
    dry_run = subprocess.run(
        ["make", "-n", "mock", "STATELESS=1"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--stateless" in dry_run


@pytest.mark.prism
def test_make_mock_serves_with_state_by_default() -> None:
    """`python -m mock.serve myrvm` answers on the API's port with state: a PATCH is read back; Ctrl-C stops it."""
    api_port, events_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/python"),
            "-m",
            "mock.serve",
            "myrvm",
            "--ports",
            f"myrvm={api_port},myrvm-events={events_port}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
        # started as a background job is, with SIGINT ignored: Ctrl-C must stop it all the same
        preexec_fn=_ignore_sigint,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "with state" in line:
                break
        url = f"http://{LOOPBACK}:{api_port}/api/v2/rvms/rvm-0042/config"
        auth = {"Authorization": "Bearer t"}
        assert httpx.patch(url, json={"confidence_threshold": 0.7}, headers=auth, timeout=30).status_code == 200
        assert httpx.get(url, headers=auth, timeout=30).json()["confidence_threshold"] == 0.7
        assert httpx.get(f"http://{LOOPBACK}:{api_port}/_mock/state", timeout=10).status_code == 200
    finally:
        _interrupt_and_reap(process)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupt_and_reap(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a user stops `make mock` (also when this test run was started with SIGINT ignored, as a
    background job is: mock.serve handles SIGINT itself). If it still runs after a minute, SIGTERM and then
    SIGKILL, so no mock outlives the test, and the failure says what it printed while stopping."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    said = process.stdout.read() if process.stdout is not None else ""
    raise AssertionError(f"mock.serve did not stop within 60 s of Ctrl-C; it printed: {said[-2000:]}")


@pytest.mark.prism
def test_a_saved_spec_restarts_the_living_mock_from_its_examples(tmp_path: Path) -> None:
    """With state, a clean save reloads Prism (proxy mode) and the store: the new version's example is served."""
    spec = tmp_path / "a.yaml"
    spec.write_text(SPEC.format(title="a", version=1), encoding="utf-8")
    livings, prisms = living_prisms([PlannedMock(name="a", document=spec, port=free_port())], tmp_path / "mock", print)
    fronts, served = {"a": livings[0]}, {}
    try:
        prisms[0].tick()
        follow_reloads(prisms, fronts, served)
        assert httpx.get(f"{livings[0].url}/hello", timeout=10).json() == {"version": 1}
        spec.write_text(SPEC.format(title="a", version=2), encoding="utf-8")
        prisms[0].tick()
        follow_reloads(prisms, fronts, served)
        assert httpx.get(f"{livings[0].url}/hello", timeout=10).json() == {"version": 2}
    finally:
        prisms[0].stop()
        livings[0].stop()

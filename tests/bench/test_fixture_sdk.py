"""The bench's SDK is generated at bench time, not committed, and the bench's clients run on it.

These run each of our SDK's bench scripts for a handful of requests against the bench's 1 ms server
(`slow_server.py`, no nginx needed) and check the one JSON line each prints. They assert no timing:
how fast anything is, is what `make bench` prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.registry import ROOT, load_registry
from tests.bench.fixture_sdk import BENCH_ENTRY, build_bench_sdk
from tests.bench.imports import import_ratios
from tests.bench.server import DelayServer


@pytest.fixture(scope="module")
def sdk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bench_sdk(tmp_path_factory.mktemp("bench-sdk"))


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with DelayServer(tmp_path_factory.mktemp("slow"), delay_ms=1.0) as server:
        yield server.url


def run_script(module: str, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", f"tests.bench.clients.{module}", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def test_the_bench_sdk_is_not_a_shipped_sdk() -> None:
    """Neither listed in generator/sdks.toml nor committed under sdk/ (it is generated at bench time)."""
    assert BENCH_ENTRY.name not in load_registry()
    assert not (ROOT / "sdk" / BENCH_ENTRY.name).exists()


def test_the_bench_sdk_builds_with_the_bench_names(sdk_dir: Path) -> None:
    """The build (the spec's lint included) gives `bench_sdk` with `Bench` and `AsyncBench`."""
    clients = (sdk_dir / "bench_sdk" / "_clients.py").read_text(encoding="utf-8")
    assert "class Bench:" in clients
    assert "class AsyncBench:" in clients


@pytest.mark.parametrize(
    ("module", "extra"),
    [
        ("sdk_sync", ()),
        ("sdk_sync", ("--no-validate", "--log-level", "INFO")),
        ("sdk_async", ()),
        ("sdk_async", ("--transport", "httpx")),
    ],
)
def test_our_sdks_bench_scripts_run_on_the_generated_sdk(
    sdk_dir: Path, server_url: str, module: str, extra: tuple[str, ...]
) -> None:
    """Each script sends its requests, checks every answer and prints its counts."""
    common = ("--base-url", server_url, "--requests", "6", "--warmup", "2", "--concurrency", "2")
    result = run_script(module, *common, "--sdk-dir", str(sdk_dir), *extra)
    assert result["requests"] == 6
    assert result["cpu_s"] > 0


def test_the_logging_script_pairs_its_rounds(sdk_dir: Path, server_url: str) -> None:
    """INFO and off, one figure per round and mode, on both servers."""
    args = ("--base-url", server_url, "--slow-url", server_url, "--requests", "3", "--rounds", "2")
    result = run_script("sdk_logging", *args, "--sdk-dir", str(sdk_dir))
    for target in ("loopback", "delay_1ms"):
        assert len(result[target]["info"]) == len(result[target]["off"]) == 2


def test_import_ratios_pair_fresh_interpreters(sdk_dir: Path) -> None:
    """One ratio per SDK over rounds of fresh interpreters."""
    result = import_ratios({"bench_sdk": sdk_dir}, rounds=2)
    assert len(result["times_s"]["httpx"]) == len(result["times_s"]["bench_sdk"]) == 2
    median, low, high = result["ratios"]["bench_sdk"]
    assert low <= median <= high

"""`make bench`: our SDK against raw HTTP clients and other generators, on a local nginx, and the table.

    make bench                        # or: .venv/bin/python -m tests.bench.run (PYTHONPATH=.)
    BENCH_REQUESTS=3000 BENCH_PAIRS=7 make bench

Steps: install the ``bench`` dependency group, install nginx from Debian's packages if it is missing,
generate the vanilla openapi-python-client and OpenAPI Generator clients for tests/bench/bench.yaml into a
scratch folder, start nginx and the 1 ms server on free 127.0.0.1 ports, then run every client script in
`clients/` as its own process, `BENCH_PAIRS` rounds of `BENCH_REQUESTS` timed requests each. In every
round the baseline and our SDK (and the SDK with ``validate_responses=False``) run back to back (baseline
first in even rounds, SDK first in odd ones), and each ratio is taken within a round; the table shows the
median and the min-max over rounds. Then the logging overhead (one process, interleaved rounds) and peak
memory over `BENCH_MEMORY_REQUESTS` sequential requests. The servers are always stopped, also on Ctrl-C
or a failure. Nothing here is a test: the goals are printed beside the numbers, not asserted. Exit status
1 means a client failed its checks (a wrong answer makes the run worthless), 2 that the bench could not
run at all.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from tests.bench.server import DelayServer, NginxServer, ServerError, ensure_nginx
from tests.support.fault_server import BLOCK, FaultServer, ServedFile

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "bench" / "bench.yaml"
SDK_DIR = ROOT / "sdk" / "bench"
RESULTS = ROOT / ".tmp" / "bench" / "last-run.json"
BIN = Path(sys.executable).parent

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
PAIRS = int(os.environ.get("BENCH_PAIRS", "7"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "100000"))
DOWNLOAD_MIB = int(os.environ.get("BENCH_DOWNLOAD_MIB", "200"))
LOG_REQUESTS = int(os.environ.get("BENCH_LOG_REQUESTS", "150"))
LOG_ROUNDS = int(os.environ.get("BENCH_LOG_ROUNDS", "60"))  # 30 left +-3% of noise on a shared machine
LOG_BLOCKS = 6  # the logging rounds are reported as this many blocks of consecutive rounds
INSTRUCTIONS = os.environ.get("BENCH_INSTRUCTIONS", "1") != "0"
INSTRUCTION_RUNS = (50, 250)  # requests per callgrind run; the difference cancels start-up and imports
CONCURRENCY = 32
CLIENT_TIMEOUT_S = 300

GOAL_ASYNC_THROUGHPUT = 0.8
GOAL_SYNC_CPU = 1.05
GOAL_LOG_OVERHEAD = 0.05
GOAL_VALIDATION_SHARE = 0.10  # checking bodies against the spec: at most this share of a sync request's CPU


class Client:
    """One client script and how to run it; `missing` says why it cannot run here (shown in the table)."""

    def __init__(
        self,
        key: str,
        label: str,
        module: str,
        *args: str,
        group: str,
        missing: str | None = None,
        paired: bool = False,
    ):
        self.key, self.label, self.module, self.args, self.group = key, label, module, args, group
        self.paired = paired  # runs right beside the baseline and the SDK in every round (a variant of the SDK)
        self.missing = missing
        self.failure: str | None = None
        self.runs: list[dict[str, Any]] = []  # one per round, index = round

    def command(self, base_url: str) -> list[str]:
        extra = ["--concurrency", str(CONCURRENCY)] if self.group == "async" else []
        return [
            sys.executable,
            "-m",
            f"tests.bench.clients.{self.module}",
            "--base-url",
            base_url,
            "--requests",
            str(REQUESTS),
            *extra,
            *self.args,
        ]


def say(message: str) -> None:
    print(message, flush=True)


def run_checked(command: Sequence[str], *, what: str, timeout_s: float = 600, **kwargs: Any) -> str:
    """Run a setup command; its stdout, or ServerError with its last words."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False, **kwargs)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-8:]
        raise ServerError(f"{what} failed ({result.returncode}): " + " | ".join(tail))
    return result.stdout


def install_bench_group() -> None:
    say("bench: pip install --group bench (urllib3, openapi-generator-cli)")
    run_checked(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--group", "bench"],
        what="pip install --group bench",
        cwd=ROOT,
    )


def machine() -> dict[str, str]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    versions = {}
    for name in (
        "httpx",
        "httpcore",
        "aiohttp",
        "httptools",
        "urllib3",
        "openapi-python-client",
        "openapi-generator-cli",
    ):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return {
        "nproc": nproc or str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def generate_vanilla_opc(scratch: Path) -> tuple[Path | None, str | None]:
    """openapi-python-client without our templates; (folder holding opc_bench_client, or None and why)."""
    out = scratch / "opc"
    out.mkdir()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # its post-hooks run ruff
    command = [
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(SPEC),
        "--meta",
        "none",
        "--output-path",
        str(out / "opc_bench_client"),
    ]
    try:
        run_checked(command, what="openapi-python-client generate", env=env, cwd=out)
    except (ServerError, OSError) as exc:
        return None, f"not generated: {exc}"
    return out, None


def generate_openapi_generator(scratch: Path) -> tuple[Path | None, str | None]:
    """OpenAPI Generator's python client (the jar bundled in the PyPI package, run on the machine's Java)."""
    cli = BIN / "openapi-generator-cli"
    if not cli.exists():
        return None, "not available: the openapi-generator-cli package is not installed"
    if shutil.which("java") is None:
        return None, "not available: no java on PATH (OpenAPI Generator needs Java 11+)"
    out = scratch / "oag"
    command = [
        str(cli),
        "generate",
        "-i",
        str(SPEC),
        "-g",
        "python",
        "-o",
        str(out),
        "--package-name",
        "oag_bench_client",
        "--global-property",
        "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
    ]
    try:
        run_checked(command, what="openapi-generator-cli generate", timeout_s=300)
    except (ServerError, OSError, subprocess.TimeoutExpired) as exc:
        return None, f"not generated: {exc}"
    return out, None


def clients(opc: tuple[Path | None, str | None], oag: tuple[Path | None, str | None]) -> list[Client]:
    sdk = ("--sdk-dir", str(SDK_DIR))
    opc_dir = ("--package-dir", str(opc[0])) if opc[0] else ()
    oag_dir = ("--package-dir", str(oag[0])) if oag[0] else ()
    return [
        Client("httpx", "raw httpx (sync)", "httpx_sync", group="sync"),
        Client("sdk", "our SDK, sync", "sdk_sync", *sdk, group="sync"),
        Client(
            "sdk-novalidate",
            "our SDK, sync, validate_responses=False",
            "sdk_sync",
            *sdk,
            "--no-validate",
            group="sync",
            paired=True,
        ),
        Client("urllib3", "raw urllib3", "urllib3_sync", group="sync"),
        Client("opc", "openapi-python-client (vanilla), sync", "opc", *opc_dir, group="sync", missing=opc[1]),
        Client("oag", "OpenAPI Generator python (urllib3)", "oag", *oag_dir, group="sync", missing=oag[1]),
        Client("aiohttp", "raw aiohttp", "aiohttp_async", group="async"),
        Client(
            "sdk-async",
            "our SDK, async, httptools transport",
            "sdk_async",
            *sdk,
            "--transport",
            "httptools",
            group="async",
        ),
        Client(
            "sdk-async-aiohttp",
            "our SDK, async, aiohttp transport",
            "sdk_async",
            *sdk,
            "--transport",
            "aiohttp",
            group="async",
        ),
        Client(
            "sdk-async-httpx",
            "our SDK, async, httpx transport",
            "sdk_async",
            *sdk,
            "--transport",
            "httpx",
            group="async",
        ),
        Client(
            "httpx-on-httptools",
            "raw httpx.AsyncClient on our HttptoolsTransport",
            "httpx_runtime_transport",
            *sdk,
            "--transport",
            "httptools",
            group="async",
        ),
        Client(
            "httpx-on-aiohttp",
            "raw httpx.AsyncClient on our AiohttpTransport",
            "httpx_runtime_transport",
            *sdk,
            "--transport",
            "aiohttp",
            group="async",
        ),
        Client("httpx-async", "raw httpx.AsyncClient", "httpx_async", group="async"),
        Client(
            "opc-async",
            "openapi-python-client (vanilla), async",
            "opc",
            *opc_dir,
            "--mode",
            "async",
            group="async",
            missing=opc[1],
        ),
    ]


def run_client(client: Client, base_url: str, round_: int) -> None:
    """One timed process; a failure marks the client failed (it is not run again) with its last words."""
    if client.missing or client.failure:
        return
    try:
        result = subprocess.run(
            client.command(base_url), capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S, check=False, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        client.failure = f"timed out after {CLIENT_TIMEOUT_S} s"
        return
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-3:]
        client.failure = f"exit {result.returncode}: " + " | ".join(tail)
        say(f"bench: {client.label} FAILED: {client.failure}")
        return
    run = json.loads(result.stdout.strip().splitlines()[-1])
    run["round"] = round_
    client.runs.append(run)


def round_order(round_: int, group: list[Client]) -> Iterator[Client]:
    """Baseline and SDK (and its paired variants) back to back, alternating which goes first, then the others,
    rotated per round."""
    pair = group[:2] + [client for client in group[2:] if client.paired]
    others = [client for client in group[2:] if not client.paired]
    yield from (pair if round_ % 2 == 0 else pair[::-1])
    shift = round_ % len(others) if others else 0
    yield from others[shift:] + others[:shift]


def per_request_us(run: dict[str, Any], key: str) -> float:
    return float(run[key]) / run["requests"] * 1e6


def spread(values: list[float]) -> tuple[float, float, float] | None:
    return (statistics.median(values), min(values), max(values)) if values else None


def ratios(client: Client, baseline: Client) -> dict[str, tuple[float, float, float] | None]:
    """Per round: CPU per request over the baseline's, and throughput (baseline wall / client wall)."""
    base = {run["round"]: run for run in baseline.runs}
    cpu, throughput = [], []
    for run in client.runs:
        other = base.get(run["round"])
        if other is not None:
            cpu.append(per_request_us(run, "cpu_s") / per_request_us(other, "cpu_s"))
            throughput.append(per_request_us(other, "wall_s") / per_request_us(run, "wall_s"))
    return {"cpu": spread(cpu), "throughput": spread(throughput)}


def best_of(client: Client, key: str) -> float:
    """The least disturbed run's cost per request (on a shared machine, noise only ever adds)."""
    return min(per_request_us(run, key) for run in client.runs)


def fmt_ratio(value: tuple[float, float, float] | None) -> str:
    return "-" if value is None else f"{value[0]:.2f}x ({value[1]:.2f}-{value[2]:.2f})"


def table(all_clients: list[Client]) -> list[str]:
    lines = [
        "| client | CPU µs/req | wall µs/req | CPU vs baseline | throughput vs baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for group, title in (
        ("sync", "sync, sequential; baseline raw httpx"),
        ("async", f"async, {CONCURRENCY} in flight; baseline raw aiohttp"),
    ):
        members = [c for c in all_clients if c.group == group]
        baseline = members[0]
        lines.append(f"| **{title}** | | | | |")
        for client in members:
            if client.missing or client.failure or not client.runs:
                lines.append(f"| {client.label} | {client.missing or client.failure or 'no runs'} | | | |")
                continue
            cpu = statistics.median(per_request_us(r, "cpu_s") for r in client.runs)
            wall = statistics.median(per_request_us(r, "wall_s") for r in client.runs)
            rel = ratios(client, baseline) if client is not baseline else {"cpu": None, "throughput": None}
            lines.append(
                f"| {client.label} | {cpu:.0f} | {wall:.0f} | {fmt_ratio(rel['cpu'])} | "
                f"{fmt_ratio(rel['throughput'])} |"
            )
    return lines


def logging_overhead(result: dict[str, Any]) -> dict[str, Any]:
    """INFO over off: the whole run's ratio, and the median and min-max over blocks of consecutive rounds."""
    out = {}
    for target in ("loopback", "delay_1ms"):
        info, off = result[target]["info"], result[target]["off"]
        size = max(1, len(info) // LOG_BLOCKS)
        starts = range(0, len(info) - size + 1, size)
        blocks = [sum(info[i : i + size]) / sum(off[i : i + size]) - 1 for i in starts]
        out[target] = {
            "overall": sum(info) / sum(off) - 1,
            "blocks": spread(blocks),
            "off_us": statistics.mean(off) * 1e6,
            "info_us": statistics.mean(info) * 1e6,
        }
    return out


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def summary(
    all_clients: list[Client],
    log: dict[str, Any] | None,
    memory: dict[str, Any] | None,
    instructions: dict[str, float | str],
) -> list[str]:
    by_key = {c.key: c for c in all_clients}
    lines = []
    sdk_async, aiohttp = by_key["sdk-async"], by_key["aiohttp"]
    if sdk_async.runs and aiohttp.runs:
        value = ratios(sdk_async, aiohttp)["throughput"]
        assert value is not None
        best = best_of(aiohttp, "wall_s") / best_of(sdk_async, "wall_s")
        lines.append(
            f"- Async throughput, our SDK (httptools transport) / raw aiohttp: {fmt_ratio(value)} over pairs, "
            f"{best:.2f}x best run against best run; goal ≥ {GOAL_ASYNC_THROUGHPUT}: "
            f"{verdict(value[0] >= GOAL_ASYNC_THROUGHPUT)}"
        )
    sdk, httpx = by_key["sdk"], by_key["httpx"]
    if sdk.runs and httpx.runs:
        value = ratios(sdk, httpx)["cpu"]
        assert value is not None
        best = best_of(sdk, "cpu_s") / best_of(httpx, "cpu_s")
        lines.append(
            f"- Sync CPU per request, our SDK / raw httpx: {fmt_ratio(value)} over pairs, {best:.2f}x best run "
            f"against best run; goal ≤ {GOAL_SYNC_CPU}: {verdict(value[0] <= GOAL_SYNC_CPU)}"
        )
    raw_count, sdk_count = instructions.get("httpx"), instructions.get("sdk")
    if isinstance(raw_count, float) and isinstance(sdk_count, float):
        lines.append(
            f"- Same, counted in instructions (callgrind, not disturbed by load): raw httpx {raw_count / 1e6:.3f} M, "
            f"our SDK {sdk_count / 1e6:.3f} M per request: {sdk_count / raw_count:.3f}x; goal ≤ {GOAL_SYNC_CPU}: "
            f"{verdict(sdk_count / raw_count <= GOAL_SYNC_CPU)}"
        )
    elif instructions:
        lines.append(f"- Instruction counts not measured: {raw_count if isinstance(raw_count, str) else sdk_count}")
    lines += validation_summary(by_key["sdk"], by_key["sdk-novalidate"], instructions)
    if log is not None:
        for target, words in (("loopback", "loopback nginx"), ("delay_1ms", "server answering after 1 ms")):
            entry = log[target]
            overall, (median, low, high) = entry["overall"], entry["blocks"]
            # The goal is set against loopback; the 1 ms server is reported, as a real network would be.
            judged = f"goal ≤ +5%: {verdict(overall <= GOAL_LOG_OVERHEAD)}" if target == "loopback" else "reported"
            lines.append(
                f"- Logging at INFO vs off, sync SDK, {words}: {overall:+.1%} CPU per request over the run "
                f"({entry['off_us']:.0f} -> {entry['info_us']:.0f} µs); per block of rounds median {median:+.1%}, "
                f"{low:+.1%} to {high:+.1%}; {judged}"
            )
    if memory is not None:
        growth = memory["rss_end_kb"] - memory["rss_after_warmup_kb"]
        second_half = memory["rss_end_kb"] - memory["rss_half_kb"]
        lines.append(
            f"- Memory, sync SDK, {memory['requests']:,} sequential requests after {memory['warmup']:,} warm-up: "
            f"peak RSS {memory['max_rss_kb'] / 1024:.1f} MiB; RSS {memory['rss_after_warmup_kb'] / 1024:.1f} MiB "
            f"after warm-up, {memory['rss_end_kb'] / 1024:.1f} MiB at the end ({growth:+d} KiB in all, "
            f"{second_half:+d} KiB over the second half)"
        )
    return lines


def validation_summary(sdk: Client, unvalidated: Client, instructions: dict[str, float | str]) -> list[str]:
    """What checking bodies against the spec costs: the share of the sync SDK's CPU per request it takes,
    from the paired rounds (on / off within a round) and, unmoved by load, from callgrind's counts."""
    lines = []
    if sdk.runs and unvalidated.runs:
        value = ratios(sdk, unvalidated)["cpu"]
        assert value is not None
        share = 1 - 1 / value[0]
        lines.append(
            f"- Response validation, sync SDK, CPU per request with it on / off: {fmt_ratio(value)} over rounds, "
            f"{share:.1%} of a request's CPU; goal ≤ {GOAL_VALIDATION_SHARE:.0%}: "
            f"{verdict(share <= GOAL_VALIDATION_SHARE)}"
        )
    on, off = instructions.get("sdk"), instructions.get("sdk-novalidate")
    if isinstance(on, float) and isinstance(off, float):
        share = 1 - off / on
        lines.append(
            f"- Same, counted in instructions (callgrind): {on / 1e6:.3f} M on, {off / 1e6:.3f} M off per request: "
            f"{share:.1%} of a request's instructions; goal ≤ {GOAL_VALIDATION_SHARE:.0%}: "
            f"{verdict(share <= GOAL_VALIDATION_SHARE)}"
        )
    return lines


def download_summary(download: dict[str, Any] | None) -> list[str]:
    if download is None:
        return []
    size_mib = download["size"] / 2**20
    return [
        f"- Memory, streaming download of {size_mib:.0f} MiB (runtime `download()`, checksum on the fly): "
        f"peak RSS {download['before'] / 2**20:.1f} MiB before, {download['after'] / 2**20:.1f} MiB after "
        f"({(download['after'] - download['before']) / 2**20:+.1f} MiB), {size_mib / download['seconds']:.0f} MiB/s"
    ]


def instructions_per_request(module: str, base_url: str, *extra: str) -> float | str:
    """Instructions one request costs a client, counted by callgrind: unlike CPU time, load cannot move it.

    Two runs of the client script under ``valgrind --tool=callgrind`` with different request counts (and
    a fixed hash seed); the difference over the extra requests is the per-request count. A string says why
    it was not measured.
    """
    if shutil.which("valgrind") is None:
        return "valgrind not installed"
    totals = []
    env = dict(os.environ, PYTHONHASHSEED="0")
    for requests in INSTRUCTION_RUNS:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            f"tests.bench.clients.{module}",
            "--base-url",
            base_url,
            "--requests",
            str(requests),
            "--warmup",
            "20",
            *extra,
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=ROOT, env=env)
        collected = [line for line in result.stderr.splitlines() if "Collected :" in line]
        if result.returncode != 0 or not collected:
            return f"callgrind run failed: {result.stderr.strip().splitlines()[-1:] or result.returncode}"
        totals.append(int(collected[-1].split()[-1]))
    return (totals[1] - totals[0]) / (INSTRUCTION_RUNS[1] - INSTRUCTION_RUNS[0])


def run_aux(command: list[str], *, stderr_path: Path, what: str) -> dict[str, Any] | None:
    with stderr_path.open("w", encoding="utf-8") as err:
        result = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=err, text=True, timeout=900, check=False, cwd=ROOT
        )
    if result.returncode != 0:
        tail = stderr_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        say(f"bench: {what} FAILED: " + " | ".join(tail))
        return None
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def download_memory(scratch: Path) -> dict[str, Any] | None:
    """Peak RSS of the runtime's streaming download (`client.download()`, the TikTrue model files) for a
    `DOWNLOAD_MIB` file from a local server, in a child process after a warm-up download
    (`tests/support/download_rss_probe.py`, also used by the runtime's memory test)."""
    served = ServedFile(DOWNLOAD_MIB * BLOCK, seed=11)
    target = scratch / "download"
    target.mkdir(exist_ok=True)
    with FaultServer({"/big.bin": served, "/warm.bin": ServedFile(8 * BLOCK, seed=8)}) as server:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generator")])}
        command = [sys.executable, "-m", "tests.support.download_rss_probe", "download", server.url, "/warm.bin"]
        command += ["/big.bin", served.sha256, str(served.size), str(target)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=ROOT, env=env)
    shutil.rmtree(target, ignore_errors=True)
    if result.returncode != 0:
        say(f"bench: the download run FAILED: {result.stderr.strip().splitlines()[-1:]}")
        return None
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through the ExitStack, which stops the servers


def main() -> int:
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if not SDK_DIR.is_dir():
        say(f"bench: {SDK_DIR.relative_to(ROOT)} is missing: run `python -m generator.build bench`")
        return 2
    info = machine()
    say(
        f"bench: {info['nproc']} cores, {info['cpu']}, Python {info['python']}; {REQUESTS} requests per run, "
        f"{PAIRS} rounds"
    )
    (ROOT / ".tmp").mkdir(exist_ok=True)
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-", dir=ROOT / ".tmp")))
        try:
            install_bench_group()
            nginx_binary = ensure_nginx(say)
        except ServerError as exc:
            say(f"bench: {exc}")
            return 2
        say("bench: generating the vanilla openapi-python-client and OpenAPI Generator clients")
        opc, oag = generate_vanilla_opc(scratch), generate_openapi_generator(scratch)
        for name, (_, why) in (("openapi-python-client", opc), ("OpenAPI Generator", oag)):
            if why:
                say(f"bench: {name} {why}")
        everyone = clients(opc, oag)
        try:
            nginx = stack.enter_context(NginxServer(scratch / "nginx", nginx_binary))
            slow = stack.enter_context(DelayServer(scratch / "slow", delay_ms=1.0))
        except ServerError as exc:
            say(f"bench: {exc}")
            return 2
        info["nginx"] = nginx.version()
        say(f"bench: nginx {info['nginx']} on {nginx.url} (1 worker), 1 ms server on {slow.url}")
        for round_ in range(PAIRS):
            for group in ("sync", "async"):
                for client in round_order(round_, [c for c in everyone if c.group == group]):
                    run_client(client, nginx.url, round_)
            say(f"bench: round {round_ + 1}/{PAIRS} done ({time.monotonic() - started:.0f} s)")
        say(f"bench: logging overhead ({LOG_ROUNDS} interleaved rounds of {LOG_REQUESTS} requests per mode, twice)")
        log_run = run_aux(
            [
                sys.executable,
                "-m",
                "tests.bench.clients.sdk_logging",
                "--base-url",
                nginx.url,
                "--slow-url",
                slow.url,
                "--requests",
                str(LOG_REQUESTS),
                "--rounds",
                str(LOG_ROUNDS),
                "--sdk-dir",
                str(SDK_DIR),
            ],
            stderr_path=scratch / "logging-stderr.txt",
            what="the logging run",
        )
        say(f"bench: memory ({MEMORY_REQUESTS:,} sequential requests)")
        memory = run_aux(
            [
                sys.executable,
                "-m",
                "tests.bench.clients.sdk_memory",
                "--base-url",
                nginx.url,
                "--requests",
                str(MEMORY_REQUESTS),
                "--sdk-dir",
                str(SDK_DIR),
            ],
            stderr_path=scratch / "memory-stderr.txt",
            what="the memory run",
        )
        say(f"bench: memory of a streaming download ({DOWNLOAD_MIB} MiB)")
        download = download_memory(scratch)
        instructions: dict[str, float | str] = {}
        if INSTRUCTIONS:
            say(
                "bench: instructions per request under callgrind (raw httpx, our SDK sync with and without "
                "response validation; BENCH_INSTRUCTIONS=0 skips)"
            )
            instructions["httpx"] = instructions_per_request("httpx_sync", nginx.url)
            instructions["sdk"] = instructions_per_request("sdk_sync", nginx.url, "--sdk-dir", str(SDK_DIR))
            instructions["sdk-novalidate"] = instructions_per_request(
                "sdk_sync", nginx.url, "--sdk-dir", str(SDK_DIR), "--no-validate"
            )
        if not nginx.alive():
            say(f"bench: nginx died during the run: {nginx.log_tail()}")
    log = logging_overhead(log_run) if log_run is not None else None
    elapsed = time.monotonic() - started
    lines = table(everyone)
    say("")
    say(
        f"Machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, {info['platform']}; "
        f"nginx {info.get('nginx', '?')}; {info['packages']}"
    )
    say(
        f"Each run: {REQUESTS} timed GET /items/{{id}} after 200 warm-up requests, every answer parsed and "
        f"checked; {PAIRS} rounds; medians, ratios per round as median (min-max)."
    )
    say("")
    for line in lines:
        say(line)
    say("")
    for line in summary(everyone, log, memory, instructions) + download_summary(download):
        say(line)
    say("")
    say(f"bench: finished in {elapsed:.0f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": info,
                "requests": REQUESTS,
                "pairs": PAIRS,
                "elapsed_s": elapsed,
                "clients": {
                    c.key: {"label": c.label, "missing": c.missing, "failure": c.failure, "runs": c.runs}
                    for c in everyone
                },
                "logging": log_run,
                "instructions": instructions,
                "memory": memory,
                "download": download,
                "table": lines,
                "summary": summary(everyone, log, memory, instructions) + download_summary(download),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    failed = [c.label for c in everyone if c.failure] + (["logging"] if log_run is None else [])
    failed += ["memory"] if memory is None else []
    failed += ["download"] if download is None else []
    if failed:
        say(f"bench: FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

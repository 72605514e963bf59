"""`make bench`: our SDK against raw HTTP clients and other generators, on a local nginx, and the table.

    make bench                        # or: .venv/bin/python -m tests.bench.run (PYTHONPATH=.)
    BENCH_REQUESTS=3000 BENCH_PAIRS=7 make bench

Steps: install the ``bench`` dependency group, install nginx from Debian's packages if it is missing,
generate our bench SDK (`fixture_sdk.py`, never committed), the vanilla openapi-python-client client and
OpenAPI Generator's urllib3 and asyncio clients for tests/bench/bench.yaml into a scratch folder, start
nginx and the 1 ms server on free 127.0.0.1 ports, then run every client script in `clients/` as its own
process, `BENCH_PAIRS` rounds of `BENCH_REQUESTS` timed requests each. In every round the baseline and our
SDK (and the SDK with ``validate_responses=False``) run back to back (baseline first in even rounds, SDK
first in odd ones), and each ratio is taken within a round; the table shows the median and the min-max
over rounds. Then the logging overhead (one process, interleaved rounds), the import time against httpx's
(`imports.py`), memory over `BENCH_MEMORY_REQUESTS` sequential requests (100,000 by default) and over a
`BENCH_DOWNLOAD_MIB` streaming download (200 by default), and callgrind's instruction counts. Each goal of
`goals.py` is printed as met or NOT met from this run. The servers are always stopped, also on Ctrl-C or a
failure. Nothing here is a test: the goals are printed beside the numbers, not asserted. Exit status 1
means a client failed its checks (a wrong answer makes the run worthless), 2 that the bench could not run
at all.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from generator.build import BuildError, SpecRejected
from tests.bench.fixture_sdk import build_bench_sdk
from tests.bench.goals import logging_overhead, summary
from tests.bench.imports import import_ratios
from tests.bench.results import Client, table
from tests.bench.server import DelayServer, NginxServer, ServerError, ensure_nginx
from tests.support.fault_server import BLOCK, FaultServer, ServedFile

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "bench" / "bench.yaml"
RESULTS = ROOT / ".tmp" / "bench" / "last-run.json"
BIN = Path(sys.executable).parent

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
PAIRS = int(os.environ.get("BENCH_PAIRS", "7"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "100000"))
DOWNLOAD_MIB = int(os.environ.get("BENCH_DOWNLOAD_MIB", "200"))
LOG_REQUESTS = int(os.environ.get("BENCH_LOG_REQUESTS", "150"))
# 30 rounds left +-3 points of noise on a shared machine; 60 still moved the median by 1-2 points from run
# to run (per-round ratios spread over about 15 points between quartiles): 200 halves that, for about a minute
LOG_ROUNDS = int(os.environ.get("BENCH_LOG_ROUNDS", "200"))
LOG_BLOCKS = 6  # the logging rounds are reported as this many blocks of consecutive rounds
INSTRUCTIONS = os.environ.get("BENCH_INSTRUCTIONS", "1") != "0"
INSTRUCTION_RUNS = (50, 250)  # requests per callgrind run; the difference cancels start-up and imports
CONCURRENCY = 32
CLIENT_TIMEOUT_S = 300

# Per-round ratios spread over 0.3-0.45 between quartiles (the machine's speed drifts between processes): with 7
# rounds one of three SDKs near 1.2x came out over 1.3 in two of three runs; 21 rounds (about 30 s) narrow it
IMPORT_ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "21"))
IMPORT_SDKS = ("tiktrue", "myrvm")  # shipped SDKs whose import is timed beside the bench SDK's


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
    say("bench: pip install --group bench (urllib3, httpx2, openapi-generator-cli)")
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
    return {
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),  # other jobs on a shared machine
        "nproc": nproc or str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def package_versions() -> str:
    """The measured libraries' versions; read after the bench group is installed, or a fresh venv lacks them."""
    versions = {}
    for name in (
        "httpx",
        "httpx2",
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
    return ", ".join(f"{k} {v}" for k, v in versions.items())


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


def generate_openapi_generator(scratch: Path, library: str = "urllib3") -> tuple[Path | None, str | None]:
    """OpenAPI Generator's python client with `library` (urllib3, its default, or asyncio), from the jar
    bundled in the PyPI package, run on the machine's Java."""
    cli = BIN / "openapi-generator-cli"
    if not cli.exists():
        return None, "not available: the openapi-generator-cli package is not installed"
    if shutil.which("java") is None:
        return None, "not available: no java on PATH (OpenAPI Generator needs Java 11+)"
    out = scratch / f"oag-{library}"
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
        "--library",
        library,
    ]
    try:
        run_checked(command, what="openapi-generator-cli generate", timeout_s=300)
    except (ServerError, OSError, subprocess.TimeoutExpired) as exc:
        return None, f"not generated: {exc}"
    return out, None


def clients(
    sdk_dir: Path,
    opc: tuple[Path | None, str | None],
    oag: tuple[Path | None, str | None],
    oag_async: tuple[Path | None, str | None],
) -> list[Client]:
    """Every client, by group; the first of a group is its baseline, the second our SDK (paired with it)."""
    sdk = ("--sdk-dir", str(sdk_dir))
    opc_dir = ("--package-dir", str(opc[0])) if opc[0] else ()
    oag_dir = ("--package-dir", str(oag[0])) if oag[0] else ()
    oag_async_dir = ("--package-dir", str(oag_async[0])) if oag_async[0] else ()
    httpx2 = None if has_module("httpx2") else "not available: httpx2 is not installed"
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
        Client(
            "sdk-httpx",
            'our SDK, sync, transport="httpx" (httpx\'s pool)',
            "sdk_sync",
            *sdk,
            "--transport",
            "httpx",
            group="sync",
        ),
        Client("urllib3", "raw urllib3", "urllib3_sync", group="sync"),
        Client("httpx2", "raw httpx2 (sync)", "httpx_sync", "--library", "httpx2", group="sync", missing=httpx2),
        Client("opc", "openapi-python-client (vanilla), sync", "opc", *opc_dir, group="sync", missing=opc[1]),
        Client("oag", "OpenAPI Generator python (urllib3)", "oag", *oag_dir, group="sync", missing=oag[1]),
        Client("aiohttp", "raw aiohttp", "aiohttp_async", group="async"),
        Client("sdk-async", "our SDK, async, as installed (default: httptools)", "sdk_async", *sdk, group="async"),
        Client(
            "sdk-async-aiohttp",
            'our SDK, async, transport="aiohttp" (fast extra)',
            "sdk_async",
            *sdk,
            "--transport",
            "aiohttp",
            group="async",
        ),
        Client(
            "sdk-async-httpx",
            'our SDK, async, transport="httpx" (httpx\'s pool)',
            "sdk_async",
            *sdk,
            "--transport",
            "httpx",
            group="async",
        ),
        Client("httpx-async", "raw httpx.AsyncClient", "httpx_async", group="async"),
        Client(
            "httpx2-async",
            "raw httpx2.AsyncClient",
            "httpx_async",
            "--library",
            "httpx2",
            group="async",
            missing=httpx2,
        ),
        Client(
            "oag-async",
            "OpenAPI Generator python (asyncio library)",
            "oag",
            *oag_async_dir,
            "--mode",
            "async",
            group="async",
            missing=oag_async[1],
        ),
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


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def run_client(client: Client, base_url: str, round_: int) -> None:
    """One timed process; a failure marks the client failed (it is not run again) with its last words."""
    if client.missing or client.failure:
        return
    try:
        result = subprocess.run(
            client.command(base_url, REQUESTS, CONCURRENCY),
            capture_output=True,
            text=True,
            timeout=CLIENT_TIMEOUT_S,
            check=False,
            cwd=ROOT,
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


def instructions_per_request(module: str, base_url: str, *extra: str) -> float | str:
    """Instructions one request costs a client, counted by callgrind: unlike CPU time, load cannot move it.

    Two runs of the client script under ``valgrind --tool=callgrind`` with different request counts (and
    a fixed hash seed); the difference over the extra requests is the per-request count. Valgrind reports
    to its own file, so a client that logs to stderr cannot garble the count. A string says why it was
    not measured.
    """
    if shutil.which("valgrind") is None:
        return "valgrind not installed"
    totals = []
    # Under valgrind a loaded machine can take longer than the SDK's default timeouts to connect 32
    # sockets, and the breaker then opens: the bench SDK's timeouts are lifted (the same work per request).
    env = dict(os.environ, PYTHONHASHSEED="0", BENCH_TIMEOUT_S="600")
    with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
        report = Path(folder) / "valgrind.txt"
        for requests in INSTRUCTION_RUNS:
            command = [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                f"--log-file={report}",
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
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=600, check=False, cwd=ROOT, env=env
            )
            text = report.read_text(encoding="utf-8", errors="replace") if report.exists() else ""
            collected = [line for line in text.splitlines() if "Collected :" in line]
            if result.returncode != 0 or not collected:
                last = (result.stderr.strip() or text.strip()).splitlines()[-1:]
                return f"callgrind run failed: {last or result.returncode}"
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


def aux_command(module: str, base_url: str, sdk_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", f"tests.bench.clients.{module}", "--base-url", base_url, *extra]


def instruction_counts(url: str, sdk_dir: Path, oag_dir: Path | None) -> dict[str, float | str]:
    """Callgrind's counts per request: raw httpx, raw urllib3 and OpenAPI Generator's urllib3 client; our sync
    SDK as installed (httptools) with and without validation, on httpx's pool, at INFO and off; raw aiohttp
    and our async SDK as installed and with ``transport="aiohttp"`` (32 in flight)."""
    if not INSTRUCTIONS:
        return {}
    say(
        "bench: instructions per request under callgrind (raw httpx, raw urllib3, OpenAPI Generator; our SDK sync "
        "with and without response validation, on httpx's pool, and with logging off and at INFO; raw aiohttp "
        "and our async SDK; BENCH_INSTRUCTIONS=0 skips)"
    )
    sdk = ("--sdk-dir", str(sdk_dir))
    oag: float | str = "not generated"
    if oag_dir is not None:
        oag = instructions_per_request("oag", url, "--package-dir", str(oag_dir))
    return {
        "httpx": instructions_per_request("httpx_sync", url),
        "urllib3": instructions_per_request("urllib3_sync", url),
        "oag": oag,
        "sdk": instructions_per_request("sdk_sync", url, *sdk),
        "sdk-httpx": instructions_per_request("sdk_sync", url, *sdk, "--transport", "httpx"),
        "sdk-novalidate": instructions_per_request("sdk_sync", url, *sdk, "--no-validate"),
        "sdk-log-off": instructions_per_request("sdk_sync", url, *sdk, "--log-level", "OFF"),
        "sdk-log-info": instructions_per_request("sdk_sync", url, *sdk, "--log-level", "INFO"),
        "aiohttp": instructions_per_request("aiohttp_async", url),
        "sdk-async": instructions_per_request("sdk_async", url, *sdk),
        "sdk-async-aiohttp": instructions_per_request("sdk_async", url, *sdk, "--transport", "aiohttp"),
    }


def shipped_sdk_copy(scratch: Path, name: str) -> Path:
    """A copy of sdk/<name> in the scratch folder, so timing its import leaves no bytecode in sdk/."""
    target = scratch / "imports" / name
    shutil.copytree(ROOT / "sdk" / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def measure(
    scratch: Path, sdk_dir: Path, oag_dir: Path | None, everyone: list[Client], nginx_url: str, slow_url: str
) -> dict[str, Any]:
    """Every measurement of the run, in order; each auxiliary result is None when its run failed."""
    started = time.monotonic()
    for round_ in range(PAIRS):
        for group in ("sync", "async"):
            for client in round_order(round_, [c for c in everyone if c.group == group]):
                run_client(client, nginx_url, round_)
        say(f"bench: round {round_ + 1}/{PAIRS} done ({time.monotonic() - started:.0f} s)")
    say(f"bench: logging overhead ({LOG_ROUNDS} interleaved rounds of {LOG_REQUESTS} requests per mode, twice)")
    log_args = ["--slow-url", slow_url, "--requests", str(LOG_REQUESTS), "--rounds", str(LOG_ROUNDS)]
    log_run = run_aux(
        aux_command("sdk_logging", nginx_url, sdk_dir, *log_args, "--sdk-dir", str(sdk_dir)),
        stderr_path=scratch / "logging-stderr.txt",
        what="the logging run",
    )
    say(f"bench: import time ({IMPORT_ROUNDS} rounds of fresh interpreters)")
    packages = {"bench_sdk": sdk_dir, **{f"{name}_sdk": shipped_sdk_copy(scratch, name) for name in IMPORT_SDKS}}
    try:
        imports: dict[str, Any] | None = import_ratios(packages, IMPORT_ROUNDS)
    except (subprocess.SubprocessError, OSError, ValueError) as exc:
        say(f"bench: the import run FAILED: {exc}")
        imports = None
    say(f"bench: memory ({MEMORY_REQUESTS:,} sequential requests)")
    memory = run_aux(
        aux_command("sdk_memory", nginx_url, sdk_dir, "--requests", str(MEMORY_REQUESTS), "--sdk-dir", str(sdk_dir)),
        stderr_path=scratch / "memory-stderr.txt",
        what="the memory run",
    )
    say(f"bench: memory of a streaming download ({DOWNLOAD_MIB} MiB)")
    download = download_memory(scratch)
    instructions = instruction_counts(nginx_url, sdk_dir, oag_dir)
    return {
        "logging": log_run,
        "imports": imports,
        "memory": memory,
        "download": download,
        "instructions": instructions,
    }


def report(info: dict[str, str], everyone: list[Client], results: dict[str, Any], elapsed: float) -> int:
    """Print the table and every goal, keep them in `RESULTS`; 1 when a client or an auxiliary run failed."""
    log = logging_overhead(results["logging"]) if results["logging"] is not None else None
    lines = table(everyone, CONCURRENCY)
    goals = summary(everyone, log, results["memory"], results["download"], results["imports"], results["instructions"])
    say("")
    say(
        f"Machine: {info['nproc']} cores ({info['cpu']}), load average {info['load']} at the start, Python "
        f"{info['python']}, {info['platform']}; nginx {info.get('nginx', '?')}; {info['packages']}"
    )
    say(
        f"Each run: {REQUESTS} timed GET /items/{{id}} after 200 warm-up requests, every answer parsed and "
        f"checked; {PAIRS} rounds; medians, ratios per round as median (min-max)."
    )
    say("")
    for line in [*lines, "", *goals, "", f"bench: finished in {elapsed:.0f} s"]:
        say(line)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    everything = {
        "machine": info,
        "requests": REQUESTS,
        "pairs": PAIRS,
        "elapsed_s": elapsed,
        "clients": {
            c.key: {"label": c.label, "missing": c.missing, "failure": c.failure, "runs": c.runs} for c in everyone
        },
        **results,
        "table": lines,
        "summary": goals,
    }
    RESULTS.write_text(json.dumps(everything, indent=1), encoding="utf-8")
    failed = [c.label for c in everyone if c.failure]
    failed += [name for name in ("logging", "imports", "memory", "download") if results[name] is None]
    if failed:
        say(f"bench: FAILED: {', '.join(failed)}")
        return 1
    return 0


def main() -> int:
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
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
            info["packages"] = package_versions()
            nginx_binary = ensure_nginx(say)
            say("bench: generating our bench SDK (tests/bench/fixture_sdk.py) into a scratch folder")
            sdk_dir = build_bench_sdk(scratch)
        except (ServerError, SpecRejected, BuildError) as exc:
            say(f"bench: {exc}")
            return 2
        say("bench: generating the vanilla openapi-python-client and OpenAPI Generator (urllib3, asyncio) clients")
        opc, oag = generate_vanilla_opc(scratch), generate_openapi_generator(scratch)
        oag_async = generate_openapi_generator(scratch, "asyncio")
        for name, (_, why) in (("openapi-python-client", opc), ("OpenAPI Generator", oag), ("OAG asyncio", oag_async)):
            if why:
                say(f"bench: {name} {why}")
        everyone = clients(sdk_dir, opc, oag, oag_async)
        try:
            nginx = stack.enter_context(NginxServer(scratch / "nginx", nginx_binary))
            slow = stack.enter_context(DelayServer(scratch / "slow", delay_ms=1.0))
        except ServerError as exc:
            say(f"bench: {exc}")
            return 2
        info["nginx"] = nginx.version()
        say(f"bench: nginx {info['nginx']} on {nginx.url} (1 worker), 1 ms server on {slow.url}")
        results = measure(scratch, sdk_dir, oag[0], everyone, nginx.url, slow.url)
        if not nginx.alive():
            say(f"bench: nginx died during the run: {nginx.log_tail()}")
    return report(info, everyone, results, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())

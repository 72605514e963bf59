"""The living mock against Prism alone: requests per second, latency and CPU, paired on one machine.

    .venv/bin/python -m tests.bench.living_mock [--spec openapi/xoohoox.yaml] [--seconds 4] [--rounds 6]

Both serve the same spec on free 127.0.0.1 ports, each in processes of its own: Prism in mock mode, and
the living mock (`python -m mock.living_mock`: front, Prism in proxy mode, state store). Each round
drives one, then the other, in `SLICES` alternating slices (after a warm-up that is not counted), with
`CLIENTS` concurrent clients sending a GET and POST mix: a third read one record, a third list the
collection, a third create a record. Reported per round and as the spread over the rounds: requests per
second, p50 and p99 latency, the ratio of the living mock's rate to Prism's (goal >= 0.5 in every
round) and its p99 (goal <= 50 ms); and the CPU each process spent per request (the living mock's
Python front and store, its Prism proxy; Prism alone), which says where the time goes and moves far
less than the rates when other work shares the machine. Needs psutil (`pip install --group bench`).
Not a test: speed is measured here, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import aiohttp
import attrs
import psutil
import yaml

from mock.prism import PrismServer, free_port
from mock.state_api import LivingApi

CLIENTS = 10
HEADERS = {"Authorization": "Bearer bench-token", "Content-Type": "application/json"}
GOAL_RATIO = 0.5
WARM_UP_S = 2.0
# A round alternates the two servers in this many slices, so that both meet the same moments of the load
# other work puts on a shared machine (one 4 s run each let a quiet moment favour one: 0.36x to 1.50x).
SLICES = 4
GOAL_P99_MS = 50.0


@attrs.frozen(kw_only=True)
class Mix:
    """The requests of the mix, from the spec: a collection, one of its records and a body to create one."""

    collection: str
    item: str
    body: bytes


@attrs.frozen(kw_only=True)
class Figures:
    """One drive of one server: what the clients saw, and the CPU seconds each process spent meanwhile."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]
    cpu_s: dict[str, float] = attrs.field(factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")

    def cpu_ms_per_request(self, name: str) -> float:
        return 1000 * self.cpu_s.get(name, 0.0) / max(1, self.requests)


def mix_for(spec: Path) -> Mix:
    """The first collection the living mock infers in `spec`, with a seeded record and a create example."""
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    api = LivingApi(document)
    for template, resource in api.resources.items():
        create = next((op for op in api.operations if op.resource == template and op.kind == "create"), None)
        if resource.singleton or create is None or not resource.records.seed:
            continue
        body = document["paths"][template]["post"]["requestBody"]["content"]["application/json"]["example"]
        first = next(iter(resource.records.seed))
        item = template + "/" + first[-1]
        return Mix(collection=template, item=item, body=json.dumps(body).encode())
    raise SystemExit(f"{spec}: no collection with a create operation and seeded records to drive")


async def drive(url: str, mix: Mix, seconds: float) -> Figures:
    """`CLIENTS` workers send the mix to `url` for `seconds`."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    requests: list[Callable[[aiohttp.ClientSession], object]] = [
        lambda s: s.get(url + mix.item, headers=HEADERS),
        lambda s: s.get(url + mix.collection, headers=HEADERS),
        lambda s: s.post(url + mix.collection, data=mix.body, headers=HEADERS),
    ]

    async def worker(offset: int) -> None:
        nonlocal errors
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
            count = offset
            while time.monotonic() < deadline:
                started = time.perf_counter()
                async with requests[count % len(requests)](session) as response:  # type: ignore[attr-defined]
                    await response.read()
                    errors += response.status >= 400
                latencies.append((time.perf_counter() - started) * 1000)
                count += 1

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(CLIENTS)))
    return Figures(
        requests=len(latencies), errors=errors, seconds=time.monotonic() - started, latencies_ms=tuple(latencies)
    )


@contextlib.contextmanager
def living_process(spec: Path) -> Iterator[tuple[str, int]]:
    """The living mock in a process of its own (as under `make mock`, not sharing this one's GIL); URL, pid."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock.living_mock", str(spec), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "living mock:" not in line:
            raise SystemExit(f"the living mock did not start: {line!r}")
        yield line.split("living mock:", 1)[1].strip(), process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


class CpuMeter:
    """CPU seconds (user + system) of named processes, each with its child processes, between two reads."""

    def __init__(self, processes: dict[str, Sequence[psutil.Process]]) -> None:
        self.processes = processes

    def read(self) -> dict[str, float]:
        return {name: sum(_cpu(p) for p in group) for name, group in self.processes.items()}

    @staticmethod
    def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {name: after[name] - before[name] for name in after}


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


def measured(url: str, mix: Mix, seconds: float, meter: CpuMeter) -> Figures:
    before = meter.read()
    figures = asyncio.run(drive(url, mix, seconds))
    return attrs.evolve(figures, cpu_s=CpuMeter.spent(before, meter.read()))


def _merged(figures: Sequence[Figures]) -> Figures:
    return Figures(
        requests=sum(f.requests for f in figures),
        errors=sum(f.errors for f in figures),
        seconds=sum(f.seconds for f in figures),
        latencies_ms=tuple(ms for f in figures for ms in f.latencies_ms),
        cpu_s={name: sum(f.cpu_s.get(name, 0.0) for f in figures) for name in figures[0].cpu_s},
    )


def _spread(values: Sequence[float], unit: str = "") -> str:
    return f"median {statistics.median(values):.2f}{unit} (min {min(values):.2f}, max {max(values):.2f})"


def report(spec: Path, rounds: list[tuple[Figures, Figures]], seconds: float, loads: tuple[float, float]) -> str:
    """The table of the rounds, the spread of the ratio and p99 against the goals, and CPU per request."""
    lines = [
        f"{spec.name}: {CLIENTS} clients, GET item / GET list / POST create, {len(rounds)} paired rounds x "
        f"{seconds:g} s each (in {SLICES} alternating slices), after {WARM_UP_S:g} s of warm-up",
        f"  load average {loads[0]:.1f} -> {loads[1]:.1f} on {os.cpu_count()} CPUs",
        "  round   Prism req/s  p50 ms  p99 ms | living req/s  p50 ms  p99 ms | ratio",
    ]
    for number, (prism, living) in enumerate(rounds, 1):
        lines.append(
            f"  {number:5d}   {prism.rate:11.0f} {prism.percentile(0.5):7.1f} {prism.percentile(0.99):7.1f} |"
            f" {living.rate:12.0f} {living.percentile(0.5):7.1f} {living.percentile(0.99):7.1f} |"
            f" {living.rate / prism.rate:5.2f}"
        )
    ratios = [living.rate / prism.rate for prism, living in rounds]
    living_p99 = [living.percentile(0.99) for _, living in rounds]
    prism_p99 = [prism.percentile(0.99) for prism, _ in rounds]
    errors = sum(f.errors for pair in rounds for f in pair)
    met = "met" if min(ratios) >= GOAL_RATIO else "NOT met"
    lines.append(f"  living/Prism throughput: {_spread(ratios, 'x')}; goal >= {GOAL_RATIO}x in every round: {met}")
    met = "met" if max(living_p99) <= GOAL_P99_MS else "NOT met"
    lines.append(
        f"  p99: living {_spread(living_p99, ' ms')}, Prism alone {_spread(prism_p99, ' ms')}; "
        f"goal living <= {GOAL_P99_MS:g} ms in every round: {met}"
    )
    prism_cpu = statistics.median(p.cpu_ms_per_request("prism") for p, _ in rounds)
    front = statistics.median(living.cpu_ms_per_request("living front+store") for _, living in rounds)
    proxy = statistics.median(living.cpu_ms_per_request("living Prism proxy") for _, living in rounds)
    lines.append(
        f"  CPU per request (median): Prism alone {prism_cpu:.2f} ms; living {front + proxy:.2f} ms = "
        f"front+store (Python) {front:.2f} + Prism proxy {proxy:.2f}; errors {errors}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=Path("openapi/xoohoox.yaml"))
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args(argv)
    mix = mix_for(args.spec)
    rounds: list[tuple[Figures, Figures]] = []
    load_before = os.getloadavg()[0]
    with PrismServer(args.spec, port=free_port()) as prism, living_process(args.spec) as (living_url, living_pid):
        assert prism.pid is not None
        front = psutil.Process(living_pid)
        meters = {
            "prism": CpuMeter({"prism": [psutil.Process(prism.pid), *psutil.Process(prism.pid).children(True)]}),
            "living": CpuMeter({"living front+store": [front], "living Prism proxy": front.children(True)}),
        }
        urls = {"prism": prism.url, "living": living_url}
        for url in urls.values():  # Node's JIT and Python's first answers, not counted
            asyncio.run(drive(url, mix, WARM_UP_S))
        for round_number in range(args.rounds):
            slices: dict[str, list[Figures]] = {"prism": [], "living": []}
            for number in range(SLICES):
                order = ["prism", "living"] if (round_number + number) % 2 == 0 else ["living", "prism"]
                for name in order:
                    urllib.request.urlopen(living_url + "/_mock/reset", timeout=10).close()
                    slices[name].append(measured(urls[name], mix, args.seconds / SLICES, meters[name]))
            rounds.append((_merged(slices["prism"]), _merged(slices["living"])))
    print(report(args.spec, rounds, args.seconds, (load_before, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

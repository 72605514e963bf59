"""The living mock against Prism alone: requests per second and latency, paired on one machine.

    .venv/bin/python -m tests.bench.living_mock [--spec openapi/xoohoox.yaml] [--seconds 5] [--rounds 3]

Both serve the same spec on free 127.0.0.1 ports, each in processes of its own: Prism in mock mode, and
the living mock (`python -m mock.living_mock`: front, Prism in proxy mode, state store). Each round
drives one, then the other (the order alternates), with
`CLIENTS` concurrent clients sending a GET and POST mix: a third read one record, a third list the
collection, a third create a record. Reported: requests per second, p50 and p99 latency, the ratio of
the living mock's rate to Prism's (goal >= 0.5) and its p99 (goal < 50 ms). Not a test: speed is a
ratio measured here, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import attrs
import yaml

from mock.prism import PrismServer, free_port
from mock.state_api import LivingApi

CLIENTS = 10
HEADERS = {"Authorization": "Bearer bench-token", "Content-Type": "application/json"}


@attrs.frozen(kw_only=True)
class Mix:
    """The requests of the mix, from the spec: a collection, one of its records and a body to create one."""

    collection: str
    item: str
    body: bytes


@attrs.frozen(kw_only=True)
class Figures:
    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


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
def living_process(spec: Path) -> Iterator[str]:
    """The living mock in a process of its own (as under `make mock`, not sharing this one's GIL); its URL."""
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
        yield line.split("living mock:", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def _merge(figures: list[Figures]) -> Figures:
    return Figures(
        requests=sum(f.requests for f in figures),
        errors=sum(f.errors for f in figures),
        seconds=sum(f.seconds for f in figures),
        latencies_ms=tuple(ms for f in figures for ms in f.latencies_ms),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=Path("openapi/xoohoox.yaml"))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    mix = mix_for(args.spec)
    results: dict[str, list[Figures]] = {"prism": [], "living": []}
    with PrismServer(args.spec, port=free_port()) as prism, living_process(args.spec) as living_url:
        urls = {"prism": prism.url, "living": living_url}
        for round_number in range(args.rounds):
            order = ["prism", "living"] if round_number % 2 == 0 else ["living", "prism"]
            for name in order:
                urllib.request.urlopen(living_url + "/_mock/reset", timeout=10).close()
                results[name].append(asyncio.run(drive(urls[name], mix, args.seconds)))
    merged = {name: _merge(figures) for name, figures in results.items()}
    print(
        f"{args.spec.name}: {CLIENTS} clients, GET item / GET list / POST create, "
        f"{args.rounds} x {args.seconds:g} s each"
    )
    for name, figures in merged.items():
        print(
            f"  {name:<7} {figures.rate:8.1f} req/s   p50 {figures.percentile(0.5):6.1f} ms   "
            f"p99 {figures.percentile(0.99):6.1f} ms   errors {figures.errors}/{figures.requests}"
        )
    ratio = merged["living"].rate / merged["prism"].rate
    per_round = [living.rate / prism.rate for living, prism in zip(results["living"], results["prism"], strict=True)]
    print(
        f"  living/prism throughput: {ratio:.2f}x (rounds: {', '.join(f'{r:.2f}' for r in per_round)}; "
        f"median {statistics.median(per_round):.2f}); goal >= 0.5x, living p99 < 50 ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What every client script shares: its arguments, the timed loop, and the one JSON line it prints.

A script is run as its own process (``python -m tests.bench.clients.<name> --base-url ... --requests N``)
so no client shares an interpreter, an import or a garbage collector with another. It first sends
`--warmup` requests (plus one GET /items whose ten items it checks), then times `--requests` GET
/items/{id} calls, each parsed and checked (`tests/bench/canned.py`). Sync clients send them one after
another; async ones run `--concurrency` workers, so that many requests are in flight.

CPU is `time.process_time()` (user + system time of the whole process, every thread), wall time is
`time.perf_counter()`; the orchestrator divides both by the request count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def parse_args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (async clients)")
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def item_ids(count: int, start: int = 0) -> Iterator[int]:
    """The ids to ask for: varied, so no client can cache one answer."""
    return (n % 997 for n in range(start, start + count))


def emit(client: str, args: argparse.Namespace, cpu_s: float, wall_s: float, **extra: Any) -> None:
    """Print the one JSON result line the orchestrator reads."""
    result = {
        "client": client,
        "requests": args.requests,
        "cpu_s": cpu_s,
        "wall_s": wall_s,
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        **extra,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def run_sync(
    client: str,
    args: argparse.Namespace,
    get_item: Callable[[int], None],
    check_page: Callable[[], None],
    **extra: Any,
) -> None:
    """Warm up, then time `args.requests` sequential calls of `get_item(id)` (each checks its answer)."""
    check_page()
    for item_id in item_ids(args.warmup, start=500):
        get_item(item_id)
    cpu, wall = time.process_time(), time.perf_counter()
    for item_id in item_ids(args.requests):
        get_item(item_id)
    emit(client, args, time.process_time() - cpu, time.perf_counter() - wall, **extra)


async def _drain(ids: Iterator[int], get_item: Callable[[int], Awaitable[None]]) -> None:
    for item_id in ids:  # the workers share one iterator, so each id is requested exactly once
        await get_item(item_id)


async def _in_flight(count: int, start: int, workers: int, get_item: Callable[[int], Awaitable[None]]) -> None:
    ids = item_ids(count, start)
    await asyncio.gather(*(_drain(ids, get_item) for _ in range(workers)))


async def run_async(
    client: str,
    args: argparse.Namespace,
    get_item: Callable[[int], Awaitable[None]],
    check_page: Callable[[], Awaitable[None]],
    **extra: Any,
) -> None:
    """`run_sync` for async clients: `args.concurrency` workers keep that many requests in flight."""
    await check_page()
    await _in_flight(args.warmup, 500, args.concurrency, get_item)
    cpu, wall = time.process_time(), time.perf_counter()
    await _in_flight(args.requests, 0, args.concurrency, get_item)
    emit(client, args, time.process_time() - cpu, time.perf_counter() - wall, concurrency=args.concurrency, **extra)


def use_generated_package(folder: str | Path) -> None:
    """Make a generated package importable: `folder` holds it (sdk/<name>, or a scratch dir)."""
    sys.path.insert(0, str(folder))

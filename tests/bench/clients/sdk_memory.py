"""Peak RSS of our sync SDK over many sequential requests, and whether it grows after warm-up.

Sends `--requests` calls (default 100,000) through one client with the `sdk_sync.py` stack, reading the
resident set size from /proc/self/statm after `--warmup` calls and then every tenth of the run. Prints
one JSON line: RSS after warm-up, half-way, at the end, the largest sample, and the peak (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import sys
import time

from tests.bench.canned import TOKEN, check_item_object
from tests.bench.clients._common import item_ids, use_generated_package
from tests.bench.clients.sdk_sync import sdk_options

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kb() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_KB


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=5_000)
    sdk_options(parser)
    args = parser.parse_args()
    use_generated_package(args.sdk_dir)
    sdk = importlib.import_module("bench_sdk")
    options = {"retry": sdk.RetryPolicy(), "circuit": sdk.CircuitBreaker(), "log_level": "WARNING"}
    samples: list[tuple[int, int]] = []
    step = max(1, args.requests // 10)
    with sdk.Bench(args.base_url, api_token=TOKEN, **options) as client:
        for item_id in item_ids(args.warmup, start=500):
            check_item_object(item_id, client.items.get(item_id))
        samples.append((0, rss_kb()))
        start = time.perf_counter()
        for done, item_id in enumerate(item_ids(args.requests), start=1):
            check_item_object(item_id, client.items.get(item_id))
            if done % step == 0:
                samples.append((done, rss_kb()))
        wall_s = time.perf_counter() - start
    result = {
        "requests": args.requests,
        "warmup": args.warmup,
        "wall_s": wall_s,
        "rss_after_warmup_kb": samples[0][1],
        "rss_half_kb": samples[len(samples) // 2][1],
        "rss_end_kb": samples[-1][1],
        "rss_max_sample_kb": max(kb for _, kb in samples),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "samples": samples,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

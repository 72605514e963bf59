"""What logging at INFO costs our sync SDK per request, against logging off, in one process.

One client (the same stack as `sdk_sync.py`, configured with ``log_level="INFO"``, so its logger has the
runtime's stderr handler) sends `--requests` calls per mode and round. Within a round the two modes take turns
every `BLOCK` requests (off first in even blocks, INFO first in odd ones), switching the SDK logger between INFO
(one line per request, written to stderr: the orchestrator points stderr at a file) and off (the level
``log_level="OFF"`` sets). This machine's speed drifts over tens of milliseconds: in rounds of 150 requests per
mode run back to back, two identical modes differed by 16 points between quartiles; taking turns every 10
requests, by 3. Each mode's time is the main thread's CPU (`time.thread_time`); the CPU the runtime's flush
thread spent during the round (it writes the queued lines, in whichever mode runs when it wakes) is added to
INFO's, the mode that made it work. This runs against `--base-url` (nginx on loopback) and again against
`--slow-url` (a server that answers after 1 ms), and prints one JSON line with every round's CPU seconds per
request, and the flush thread's share of INFO's.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import logging
import sys
import threading
import time
from typing import Any

from tests.bench.canned import TOKEN, check_item_object
from tests.bench.clients._common import item_ids, use_generated_package
from tests.bench.clients.sdk_sync import sdk_options

OFF = logging.CRITICAL + 1  # what configure_logging sets for log_level="OFF"
BLOCK = 10  # requests per turn of a mode within a round
FLUSH_THREAD = "sdk-log-flush"  # the name the runtime gives its handler's flush thread (`_log_output.py`)


def _flush_thread_cpu() -> float:
    """CPU seconds the runtime's flush thread has used so far (0 before it starts)."""
    for thread in threading.enumerate():
        if thread.name == FLUSH_THREAD and thread.ident is not None:
            return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    return 0.0


def _rounds(client: Any, logger: logging.Logger, requests: int, rounds: int) -> dict[str, list[float]]:
    turns = max(1, requests // BLOCK)  # per mode and round
    cpu: dict[str, list[float]] = {"off": [], "info": [], "flush": []}
    for round_ in range(rounds):
        ids = iter(item_ids(2 * turns * BLOCK, start=round_ * 2 * turns * BLOCK))
        spent = {"off": 0.0, "info": 0.0}
        flush_before = _flush_thread_cpu()
        for turn in range(turns):
            for mode in ("off", "info") if turn % 2 == 0 else ("info", "off"):
                logger.setLevel(logging.INFO if mode == "info" else OFF)
                start = time.thread_time()
                for item_id in itertools.islice(ids, BLOCK):
                    check_item_object(item_id, client.items.get(item_id))
                spent[mode] += time.thread_time() - start
        flush = _flush_thread_cpu() - flush_before
        done = turns * BLOCK
        cpu["off"].append(spent["off"] / done)
        cpu["info"].append((spent["info"] + flush) / done)
        cpu["flush"].append(flush / done)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--slow-url", required=True)
    parser.add_argument("--requests", type=int, default=150, help="requests per round and mode")
    parser.add_argument("--rounds", type=int, default=30)
    sdk_options(parser)
    args = parser.parse_args()
    use_generated_package(args.sdk_dir)
    sdk = importlib.import_module("bench_sdk")
    logger = logging.getLogger("bench_sdk")
    results: dict[str, Any] = {"requests": args.requests, "rounds": args.rounds}
    for target, url in (("loopback", args.base_url), ("delay_1ms", args.slow_url)):
        options = {"retry": sdk.RetryPolicy(), "circuit": sdk.CircuitBreaker(), "log_level": "INFO"}
        with sdk.Bench(url, api_token=TOKEN, **options) as client:
            _rounds(client, logger, max(50, args.requests // 5), 2)  # warm both modes up
            results[target] = _rounds(client, logger, args.requests, args.rounds)
    sys.stdout.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()

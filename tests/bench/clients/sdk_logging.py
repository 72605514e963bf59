"""What logging at INFO costs our sync SDK per request, against logging off, in one process.

One client (the same stack as `sdk_sync.py`, configured with ``log_level="INFO"``, so its logger has the
runtime's stderr handler) sends `--requests` calls per mode and round. Rounds switch the SDK logger
between INFO (one line per request, written to stderr: the orchestrator points stderr at a file) and off
(the level ``log_level="OFF"`` sets), off-then-INFO in even rounds and INFO-then-off in odd ones, so a
change in the machine's speed hits both modes alike. Many short rounds average out the noise of a
shared machine. This runs against `--base-url` (nginx on loopback) and again against `--slow-url` (a
server that answers after 1 ms), and prints one JSON line with every round's CPU seconds per request.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from typing import Any

from tests.bench.canned import TOKEN, check_item_object
from tests.bench.clients._common import item_ids, use_generated_package
from tests.bench.clients.sdk_sync import sdk_options

OFF = logging.CRITICAL + 1  # what configure_logging sets for log_level="OFF"


def _rounds(client: Any, logger: logging.Logger, requests: int, rounds: int) -> dict[str, list[float]]:
    cpu: dict[str, list[float]] = {"off": [], "info": []}
    for round_ in range(rounds):
        order = ("off", "info") if round_ % 2 == 0 else ("info", "off")
        for mode in order:
            logger.setLevel(logging.INFO if mode == "info" else OFF)
            start = time.process_time()
            for item_id in item_ids(requests, start=round_ * requests):
                check_item_object(item_id, client.items.get(item_id))
            cpu[mode].append((time.process_time() - start) / requests)
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

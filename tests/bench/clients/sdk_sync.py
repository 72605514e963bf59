"""Our generated SDK (sdk/bench), sync, with the runtime's stack on: static-token auth, retries (the default
`RetryPolicy`), the circuit breaker, the hooks transport and logging at WARNING.
"""

from __future__ import annotations

import argparse
import importlib

from tests.bench.canned import TOKEN, check_item_object, check_page_ids
from tests.bench.clients._common import ROOT, parse_args, run_sync, use_generated_package


def sdk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sdk-dir", default=str(ROOT / "sdk" / "bench"), help="the folder holding bench_sdk")


def main() -> None:
    args = parse_args(__doc__ or "", sdk_options)
    use_generated_package(args.sdk_dir)
    sdk = importlib.import_module("bench_sdk")
    client = sdk.Bench(
        args.base_url, api_token=TOKEN, retry=sdk.RetryPolicy(), circuit=sdk.CircuitBreaker(), log_level="WARNING"
    )
    with client:

        def get_item(item_id: int) -> None:
            check_item_object(item_id, client.items.get(item_id))

        def check_page() -> None:
            check_page_ids([item.id for item in client.items.list().items])

        run_sync("sdk", args, get_item, check_page)


if __name__ == "__main__":
    main()

"""Our generated SDK (the bench fixture, `tests/bench/fixture_sdk.py`), sync, with the runtime's stack on:
static-token auth, retries (the default `RetryPolicy`), the circuit breaker, the hooks transport, logging at
WARNING (``--log-level``) and the check of every body against the spec (``--no-validate``:
``validate_responses=False``, to measure what the check costs).

Without `--transport` it runs as installed (``transport=None``: httptools' sync pool, a regular dependency);
`--transport httpx` (httpx's own pool) or `httptools` names one.
"""

from __future__ import annotations

import argparse
import importlib

from tests.bench.canned import TOKEN, check_item_object, check_page_ids
from tests.bench.clients._common import parse_args, run_sync, use_generated_package


def sdk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sdk-dir", required=True, help="the folder holding bench_sdk (tests/bench/fixture_sdk.py)")
    parser.add_argument("--no-validate", action="store_true", help="validate_responses=False")
    parser.add_argument("--log-level", default="WARNING", help="the client's log_level (INFO: one line per request)")


def _options(parser: argparse.ArgumentParser) -> None:
    sdk_options(parser)
    parser.add_argument("--transport", choices=("httpx", "httptools"), default=None)


def main() -> None:
    args = parse_args(__doc__ or "", _options)
    use_generated_package(args.sdk_dir)
    sdk = importlib.import_module("bench_sdk")
    client = sdk.Bench(
        args.base_url,
        api_token=TOKEN,
        retry=sdk.RetryPolicy(),
        circuit=sdk.CircuitBreaker(),
        log_level=args.log_level,
        validate_responses=not args.no_validate,
        transport=args.transport,
    )
    with client:

        def get_item(item_id: int) -> None:
            check_item_object(item_id, client.items.get(item_id))

        def check_page() -> None:
            check_page_ids([item.id for item in client.items.list().items])

        run_sync("sdk", args, get_item, check_page, transport=args.transport)


if __name__ == "__main__":
    main()

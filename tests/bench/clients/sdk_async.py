"""Our generated SDK (the bench fixture), async, 32 requests in flight, with the same stack as `sdk_sync.py`.

Without `--transport` it runs as installed (``transport=None``: httptools' pool, a regular dependency);
`--transport httptools`, `aiohttp` (the SDK's `fast` extra) or `httpx` (httpx's own pool) name one. The
pool holds `--concurrency` connections, like the raw clients'.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib

from tests.bench.canned import TOKEN, check_item_object, check_page_ids
from tests.bench.clients._common import parse_args, run_async, use_generated_package
from tests.bench.clients.sdk_sync import sdk_options


def _options(parser: argparse.ArgumentParser) -> None:
    sdk_options(parser)
    parser.add_argument("--transport", choices=("httpx", "aiohttp", "httptools"), default=None)


async def amain() -> None:
    args = parse_args(__doc__ or "", _options)
    use_generated_package(args.sdk_dir)
    sdk = importlib.import_module("bench_sdk")
    pool = sdk.PoolLimits(max_connections=args.concurrency, max_keepalive=args.concurrency)
    client = sdk.AsyncBench(
        args.base_url,
        api_token=TOKEN,
        retry=sdk.RetryPolicy(),
        circuit=sdk.CircuitBreaker(),
        log_level="WARNING",
        pool=pool,
        transport=args.transport,
    )
    async with client:

        async def get_item(item_id: int) -> None:
            check_item_object(item_id, await client.items.get(item_id))

        async def check_page() -> None:
            check_page_ids([item.id for item in (await client.items.list()).items])

        name = f"sdk-async-{args.transport or 'default'}"
        await run_async(name, args, get_item, check_page, transport=args.transport)


if __name__ == "__main__":
    asyncio.run(amain())

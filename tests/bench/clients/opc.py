"""openapi-python-client's own client for bench.yaml, generated without our templates at bench time.

`--package-dir` is the scratch folder holding the generated package `opc_bench_client`. Sync uses its
`AuthenticatedClient` (one `httpx.Client`); `--mode async` its `httpx.AsyncClient` with a 32-connection
pool, like the other async clients.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from typing import Any

import httpx

from tests.bench.canned import TOKEN, CheckFailed, check_item_object, check_page_ids
from tests.bench.clients._common import parse_args, run_async, run_sync, use_generated_package


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--package-dir", required=True)
    parser.add_argument("--mode", choices=("sync", "async"), default="sync")


def _checked(item_id: int, parsed: Any, item_type: type) -> Any:
    if not isinstance(parsed, item_type):
        raise CheckFailed(f"item {item_id}: got {parsed!r}")
    return parsed


def main() -> None:
    args = parse_args(__doc__ or "", _options)
    use_generated_package(args.package_dir)
    package = importlib.import_module("opc_bench_client")
    get_item_op = importlib.import_module("opc_bench_client.api.items.get_item")
    list_items_op = importlib.import_module("opc_bench_client.api.items.list_items")
    models = importlib.import_module("opc_bench_client.models")
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    client = package.AuthenticatedClient(base_url=args.base_url, token=TOKEN, httpx_args={"limits": limits})

    if args.mode == "sync":
        with client:

            def get_item(item_id: int) -> None:
                check_item_object(item_id, _checked(item_id, get_item_op.sync(item_id, client=client), models.Item))

            def check_page() -> None:
                page = _checked(-1, list_items_op.sync(client=client), models.ItemPage)
                check_page_ids([item.id for item in page.items])

            run_sync("openapi-python-client", args, get_item, check_page)
        return

    async def amain() -> None:
        async with client:

            async def get_item(item_id: int) -> None:
                parsed = await get_item_op.asyncio(item_id, client=client)
                check_item_object(item_id, _checked(item_id, parsed, models.Item))

            async def check_page() -> None:
                page = _checked(-1, await list_items_op.asyncio(client=client), models.ItemPage)
                check_page_ids([item.id for item in page.items])

            await run_async("openapi-python-client-async", args, get_item, check_page)

    asyncio.run(amain())


if __name__ == "__main__":
    main()

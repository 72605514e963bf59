"""OpenAPI Generator's python client for bench.yaml, generated at bench time: `--mode sync` the default
library (urllib3 + pydantic), `--mode async` the ``asyncio`` library (aiohttp), `--concurrency` connections.

`--package-dir` is the scratch folder holding the generated package `oag_bench_client`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from types import ModuleType

from tests.bench.canned import TOKEN, check_item_object, check_page_ids
from tests.bench.clients._common import parse_args, run_async, run_sync, use_generated_package


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--package-dir", required=True)
    parser.add_argument("--mode", choices=("sync", "async"), default="sync")


def _sync(oag: ModuleType, args: argparse.Namespace) -> None:
    configuration = oag.Configuration(host=args.base_url, access_token=TOKEN)
    with oag.ApiClient(configuration) as api_client:
        items = oag.ItemsApi(api_client)

        def get_item(item_id: int) -> None:
            check_item_object(item_id, items.get_item(item_id))

        def check_page() -> None:
            check_page_ids([item.id for item in items.list_items().items])

        run_sync("openapi-generator", args, get_item, check_page)


async def _async(oag: ModuleType, args: argparse.Namespace) -> None:
    configuration = oag.Configuration(host=args.base_url, access_token=TOKEN)
    configuration.connection_pool_maxsize = args.concurrency
    async with oag.ApiClient(configuration) as api_client:
        items = oag.ItemsApi(api_client)

        async def get_item(item_id: int) -> None:
            check_item_object(item_id, await items.get_item(item_id))

        async def check_page() -> None:
            check_page_ids([item.id for item in (await items.list_items()).items])

        await run_async("openapi-generator-asyncio", args, get_item, check_page)


def main() -> None:
    args = parse_args(__doc__ or "", _options)
    use_generated_package(args.package_dir)
    oag = importlib.import_module("oag_bench_client")
    if args.mode == "sync":
        _sync(oag, args)
    else:
        asyncio.run(_async(oag, args))


if __name__ == "__main__":
    main()

"""Raw `httpx.AsyncClient` on one of the runtime's innermost transports (no SDK stack): the floor for any
httpx-based async client on that transport, between the raw library and our async SDK.

`--transport aiohttp` uses `AiohttpTransport`, `--transport httptools` uses `HttptoolsTransport`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib

import httpx

from tests.bench.canned import TOKEN, check_item_dict, check_page_ids, check_status
from tests.bench.clients._common import parse_args, run_async, use_generated_package
from tests.bench.clients.sdk_sync import sdk_options

TRANSPORT_CLASSES = {"aiohttp": "AiohttpTransport", "httptools": "HttptoolsTransport"}


def _options(parser: argparse.ArgumentParser) -> None:
    sdk_options(parser)
    parser.add_argument("--transport", choices=sorted(TRANSPORT_CLASSES), default="httptools")


async def amain() -> None:
    args = parse_args(__doc__ or "", _options)
    use_generated_package(args.sdk_dir)
    runtime = importlib.import_module("bench_sdk._runtime")
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    transport = getattr(runtime, TRANSPORT_CLASSES[args.transport])(limits=limits)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=args.base_url, headers=headers, transport=transport) as client:

        async def get_item(item_id: int) -> None:
            response = await client.get(f"/items/{item_id}")
            check_status(item_id, response.status_code)
            check_item_dict(item_id, response.json())

        async def check_page() -> None:
            response = await client.get("/items")
            check_status(-1, response.status_code)
            check_page_ids([item["id"] for item in response.json()["items"]])

        await run_async(f"httpx-on-{args.transport}", args, get_item, check_page, transport=args.transport)


if __name__ == "__main__":
    asyncio.run(amain())

"""Raw `httpx.AsyncClient` on the runtime's `AiohttpTransport` (no SDK stack): the floor for any
httpx-based async client on aiohttp, between raw aiohttp and our async SDK.
"""

from __future__ import annotations

import asyncio
import importlib

import httpx

from tests.bench.canned import TOKEN, check_item_dict, check_page_ids, check_status
from tests.bench.clients._common import parse_args, run_async, use_generated_package
from tests.bench.clients.sdk_sync import sdk_options


async def amain() -> None:
    args = parse_args(__doc__ or "", sdk_options)
    use_generated_package(args.sdk_dir)
    runtime = importlib.import_module("bench_sdk._runtime")
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    transport = runtime.AiohttpTransport(limits=limits)
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

        await run_async("httpx-on-aiohttp", args, get_item, check_page)


if __name__ == "__main__":
    asyncio.run(amain())

"""Raw `httpx.AsyncClient` (its own httpcore pool, 32 connections), for reference next to aiohttp.

``--library httpx2`` runs the same code on httpx2.
"""

from __future__ import annotations

import asyncio
import importlib

from tests.bench.canned import TOKEN, check_item_dict, check_page_ids, check_status
from tests.bench.clients._common import parse_args, run_async
from tests.bench.clients.httpx_sync import library_option


async def amain() -> None:
    args = parse_args(__doc__ or "", library_option)
    httpx = importlib.import_module(args.library)
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=args.base_url, headers=headers, limits=limits) as client:

        async def get_item(item_id: int) -> None:
            response = await client.get(f"/items/{item_id}")
            check_status(item_id, response.status_code)
            check_item_dict(item_id, response.json())

        async def check_page() -> None:
            response = await client.get("/items")
            check_status(-1, response.status_code)
            check_page_ids([item["id"] for item in response.json()["items"]])

        await run_async(f"{args.library}-async", args, get_item, check_page)


if __name__ == "__main__":
    asyncio.run(amain())

"""Raw aiohttp: one `ClientSession` with a 32-connection pool, `json.loads` and a check per answer."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from tests.bench.canned import TOKEN, check_item_dict, check_page_ids, check_status
from tests.bench.clients._common import parse_args, run_async


async def amain() -> None:
    args = parse_args(__doc__ or "")
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(args.base_url, connector=connector, headers=headers) as session:

        async def get_item(item_id: int) -> None:
            async with session.get(f"/items/{item_id}") as response:
                check_status(item_id, response.status)
                check_item_dict(item_id, json.loads(await response.read()))

        async def check_page() -> None:
            async with session.get("/items") as response:
                check_status(-1, response.status)
                check_page_ids([item["id"] for item in json.loads(await response.read())["items"]])

        await run_async("aiohttp", args, get_item, check_page)


if __name__ == "__main__":
    asyncio.run(amain())

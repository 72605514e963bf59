"""Raw httpx, sync: one `httpx.Client`, the token header set by hand, `json.loads` and a check per answer.

``--library httpx2`` runs the same code on httpx2 (Pydantic's continuation of httpx, same API).
"""

from __future__ import annotations

import argparse
import importlib

from tests.bench.canned import TOKEN, check_item_dict, check_page_ids, check_status
from tests.bench.clients._common import parse_args, run_sync


def library_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--library", choices=("httpx", "httpx2"), default="httpx", help="the module to import")


def main() -> None:
    args = parse_args(__doc__ or "", library_option)
    httpx = importlib.import_module(args.library)
    with httpx.Client(base_url=args.base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:

        def get_item(item_id: int) -> None:
            response = client.get(f"/items/{item_id}")
            check_status(item_id, response.status_code)
            check_item_dict(item_id, response.json())

        def check_page() -> None:
            response = client.get("/items")
            check_status(-1, response.status_code)
            check_page_ids([item["id"] for item in response.json()["items"]])

        run_sync(args.library, args, get_item, check_page)


if __name__ == "__main__":
    main()

"""Raw urllib3, sync: one `HTTPConnectionPool`, `json.loads` and a check per answer."""

from __future__ import annotations

import json

import urllib3

from tests.bench.canned import TOKEN, check_item_dict, check_page_ids, check_status
from tests.bench.clients._common import parse_args, run_sync


def main() -> None:
    args = parse_args(__doc__ or "")
    pool = urllib3.connection_from_url(args.base_url, maxsize=1)
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}

    def get_item(item_id: int) -> None:
        response = pool.request("GET", f"/items/{item_id}", headers=headers)
        check_status(item_id, response.status)
        check_item_dict(item_id, json.loads(response.data))

    def check_page() -> None:
        response = pool.request("GET", "/items", headers=headers)
        check_status(-1, response.status)
        check_page_ids([item["id"] for item in json.loads(response.data)["items"]])

    try:
        run_sync("urllib3", args, get_item, check_page)
    finally:
        pool.close()


if __name__ == "__main__":
    main()

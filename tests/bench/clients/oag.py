"""OpenAPI Generator's python client (urllib3 + pydantic) for bench.yaml, generated at bench time.

`--package-dir` is the scratch folder holding the generated package `oag_bench_client`.
"""

from __future__ import annotations

import argparse
import importlib

from tests.bench.canned import TOKEN, check_item_object, check_page_ids
from tests.bench.clients._common import parse_args, run_sync, use_generated_package


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--package-dir", required=True)


def main() -> None:
    args = parse_args(__doc__ or "", _options)
    use_generated_package(args.package_dir)
    oag = importlib.import_module("oag_bench_client")
    configuration = oag.Configuration(host=args.base_url, access_token=TOKEN)
    with oag.ApiClient(configuration) as api_client:
        items = oag.ItemsApi(api_client)

        def get_item(item_id: int) -> None:
            check_item_object(item_id, items.get_item(item_id))

        def check_page() -> None:
            check_page_ids([item.id for item in items.list_items().items])

        run_sync("openapi-generator", args, get_item, check_page)


if __name__ == "__main__":
    main()

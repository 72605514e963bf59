"""The bench API's canned answers and the checks every client applies to each response.

nginx (server.py) and the delaying server (slow_server.py) serve exactly these bodies, so every client
parses the same bytes and can verify them: an item echoes the id it was asked for.
"""

from __future__ import annotations

import json
from typing import Any

TOKEN = "bench-token-not-a-secret"
"""The bearer token every client sends; the servers answer 401 without it."""

ITEM_FIELDS: dict[str, Any] = {"name": "widget", "price": 9.5, "in_stock": True, "tags": ["blue", "small"]}
PAGE_SIZE = 10
REQUEST_ID = "bench-req-1"
"""The X-Request-ID the delaying server sends (nginx sends its own random $request_id)."""


def item_json(item_id: int | str) -> str:
    """The body of GET /items/{item_id}; `item_id` may be an nginx variable such as ``$1``."""
    fields = json.dumps(ITEM_FIELDS, separators=(",", ":"))
    return '{"id":' + str(item_id) + "," + fields[1:]


def page_json() -> str:
    """The body of GET /items: PAGE_SIZE items and no next page."""
    items = ",".join(item_json(n) for n in range(PAGE_SIZE))
    return '{"items":[' + items + '],"next":null}'


PROBLEM_401 = '{"type":"about:blank","title":"Unauthorized","status":401,"detail":"send the bench token"}'
PROBLEM_404 = '{"type":"about:blank","title":"Not Found","status":404}'


class CheckFailed(AssertionError):
    """A response did not carry what the bench server sends: the run is invalid."""


def check_item_fields(
    item_id: int, got_id: object, name: object, price: object, in_stock: object, tags: object
) -> None:
    """Every field as the server sent it, whatever object the client parsed it into."""
    tags_ok = isinstance(tags, list | tuple) and list(tags) == ITEM_FIELDS["tags"]
    if got_id != item_id or name != "widget" or price != 9.5 or in_stock is not True or not tags_ok:
        raise CheckFailed(f"item {item_id}: got id={got_id!r} name={name!r} price={price!r} tags={tags!r}")


def check_item_dict(item_id: int, data: Any) -> None:
    """A parsed JSON item."""
    if not isinstance(data, dict):
        raise CheckFailed(f"item {item_id}: not a JSON object: {data!r}")
    get = data.get
    check_item_fields(item_id, get("id"), get("name"), get("price"), get("in_stock"), get("tags"))


def check_item_object(item_id: int, item: Any) -> None:
    """A generated model object with attributes named like the JSON fields."""
    check_item_fields(item_id, item.id, item.name, item.price, item.in_stock, item.tags)


def check_page_ids(ids: list[int]) -> None:
    """GET /items answered with the PAGE_SIZE canned items, in order."""
    if ids != list(range(PAGE_SIZE)):
        raise CheckFailed(f"page: got ids {ids!r}")


def check_status(item_id: int, status: int) -> None:
    if status != 200:
        raise CheckFailed(f"item {item_id}: HTTP {status}")

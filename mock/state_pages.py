"""One page of a collection, as the list operation's example shapes it and its pagination says.

The page and size come from the query (`x-sdk-pagination`'s `page_param`/`size_param`, else `page` and
`size`), defaulting to the example's; query parameters that name a record field filter by equality; the
example's counters (total items and pages, page, size, items on the page) are set where it has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock.state_spec import Location, walk


def filtered(records: list[dict[str, Any]], query: Mapping[str, str], known: tuple[str, ...]) -> list[dict[str, Any]]:
    """The records whose fields equal each query parameter (of `known`) that names a record field."""
    filters = {k: v for k, v in query.items() if k in known and any(k in r for r in records)}
    if not filters:
        return records
    return [r for r in records if all(_text(r.get(k)) == v for k, v in filters.items())]


def paged(
    body: Any,
    at: Location,
    records: list[dict[str, Any]],
    query: Mapping[str, str],
    *,
    paging: Mapping[str, Any],
    pageable: bool,
) -> Any:
    """`body` (a copy of the example) with the page of `records` at `at`, and its counters updated."""
    page_param, size_param = paging.get("page_param", "page"), paging.get("size_param", "size")
    container = walk(body, at[:-1]) if at else None
    example_items = walk(body, at) or []
    first = int(paging.get("first_page", _int(walk(container, (page_param,)), 1)))
    default_size = _int(walk(container, (size_param,)), max(len(example_items), 20))
    page = _int(query.get(page_param), first)
    size = max(1, _int(query.get(size_param), default_size))
    start = (page - first) * size
    shown = records[start : start + size] if pageable else records
    if not at:
        return shown
    holder = walk(body, at[:-1])
    holder[at[-1]] = shown
    updates = {
        paging.get("total_items", "total"): len(records),
        paging.get("total_pages", "total_pages"): (len(records) + size - 1) // size,
        page_param: page,
        size_param: size,
        "numberOfElements": len(shown),
    }
    for name, value in updates.items():
        if name in holder and (isinstance(holder[name], int) or holder[name] is None):
            holder[name] = value
    return body


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)

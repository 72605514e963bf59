"""Walking paginated list operations: `Pagination` from ``x-sdk-pagination`` and the page/item iterators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import yaml
from runtime.shapes._pagination import (
    NEXT_URL,
    PageArgs,
    Pagination,
    PaginationError,
    aiterate_items,
    aiterate_pages,
    iterate_items,
    iterate_pages,
    page_items,
)

ROOT = Path(__file__).resolve().parents[2]
PAGE = Pagination.from_extension(
    {
        "style": "page",
        "page_param": "page",
        "size_param": "size",
        "items": "content",
        "total_pages": "totalPages",
        "total_items": "totalElements",
        "first_page": 0,
    }
)
CURSOR = Pagination.from_extension(
    {"style": "cursor", "cursor_param": "cursor", "size_param": "limit", "items": "data", "next_cursor": "meta.next"}
)


class Unset:
    """Stands in for openapi-python-client's UNSET sentinel type (the runtime knows it only by its class name)."""

    def __bool__(self) -> bool:
        return False


UNSET = Unset()


@attrs.define
class Item:
    id: int


@attrs.define
class ModelPage:
    """Shaped like a generated page model: Python attribute names, UNSET for absent fields, open extras."""

    content: list[Item]
    total_pages: int | Unset = UNSET
    total_elements: int | Unset = UNSET
    additional_properties: dict[str, Any] = attrs.Factory(dict)


@attrs.define
class Detailed:
    """Shaped like the generated ``Response`` wrapper: status, headers, parsed body."""

    status_code: int
    headers: httpx.Headers
    parsed: object


def dict_pages(sizes: list[int], *, totals: bool = True) -> list[dict[str, Any]]:
    """Pages holding consecutive ids, with Spring-style totals unless `totals` is False."""
    pages, next_id = [], 0
    for number, size in enumerate(sizes):
        page: dict[str, Any] = {"content": [{"id": next_id + i} for i in range(size)], "page": number}
        if totals:
            page |= {"totalPages": len(sizes), "totalElements": sum(sizes)}
        next_id += size
        pages.append(page)
    return pages


class Fetcher:
    """Serves pages by the page number in the arguments and records every call's arguments."""

    def __init__(self, pages: list[Any], key: str = "page") -> None:
        self.pages = pages
        self.key = key
        self.calls: list[PageArgs] = []

    def __call__(self, args: PageArgs) -> Any:
        self.calls.append(dict(args))
        return self.pages[args[self.key]]

    async def fetch_async(self, args: PageArgs) -> Any:
        return self(args)


def ids(items: list[Any]) -> list[int]:
    return [item["id"] if isinstance(item, dict) else item.id for item in items]


# --- the extension ---------------------------------------------------------------------------------------


def list_extensions(spec: str) -> list[dict[str, Any]]:
    document = yaml.safe_load((ROOT / "openapi" / spec).read_text(encoding="utf-8"))
    return [
        op["x-sdk-pagination"]
        for item in document["paths"].values()
        for op in item.values()
        if "x-sdk-pagination" in op
    ]


@pytest.mark.parametrize("spec", ["cloudconnexa.yaml", "cloudconnexa-v1.0.yaml"])
def test_every_extension_in_the_specs_reads(spec: str) -> None:
    """Each list operation's x-sdk-pagination in the CloudConnexa documents is a valid page-style Pagination."""
    extensions = list_extensions(spec)
    assert len(extensions) == 7
    assert {Pagination.from_extension(ext) for ext in extensions} == {PAGE}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"style": "page"}, "needs page_param"),
        ({"style": "cursor", "cursor_param": "c"}, "needs next_cursor"),
        ({"style": "next_link"}, "needs next"),
        ({"style": "offset", "page_param": "p"}, "style must be"),
        ({"style": "page", "page_param": "p", "pages": "x"}, "unknown keys"),
        ({"style": "page", "page_param": 3}, "non-empty string"),
        ({"style": "page", "page_param": "p", "first_page": "1"}, "first_page must be an int"),
    ],
)
def test_malformed_extension_is_refused(mapping: dict[str, object], message: str) -> None:
    """A malformed x-sdk-pagination raises PaginationError naming what is wrong, before any request."""
    with pytest.raises(PaginationError, match=message):
        Pagination.from_extension(mapping)


def test_page_items_refuses_a_non_list() -> None:
    """A page whose items field is not a list is an error, not silently zero items."""
    with pytest.raises(PaginationError, match="not a list"):
        page_items(PAGE, {"content": {"id": 1}})
    assert page_items(PAGE, {"other": []}) == []


# --- page style --------------------------------------------------------------------------------------------


def test_walks_every_page_in_order() -> None:
    """Items of all pages come out in order; pages are asked for 0, 1, 2 with the page size, and no further."""
    fetch = Fetcher(dict_pages([2, 2, 1]))
    assert ids(list(iterate_items(fetch, PAGE, page_size=2))) == [0, 1, 2, 3, 4]
    assert fetch.calls == [{"page": 0, "size": 2}, {"page": 1, "size": 2}, {"page": 2, "size": 2}]


def test_walks_generated_models_by_the_attribute_names_it_is_given() -> None:
    """`totalPages` in the extension is read from a model's `total_pages` because `names` says so; without the
    pair the runtime does not guess (it would walk on until an empty page)."""
    extension = {"style": "page", "page_param": "page", "items": "content", "total_pages": "totalPages"}
    named = Pagination.from_extension(extension, names={"totalPages": "total_pages"})
    pages = [ModelPage(content=[Item(0), Item(1)], total_pages=2), ModelPage(content=[Item(2)], total_pages=2)]
    fetch = Fetcher(pages)
    assert ids(list(iterate_items(fetch, named))) == [0, 1, 2]
    assert fetch.calls == [{"page": 0}, {"page": 1}]
    unnamed = Fetcher([*pages, ModelPage(content=[])])
    assert ids(list(iterate_items(unnamed, Pagination.from_extension(extension)))) == [0, 1, 2]
    assert len(unnamed.calls) == 3


def test_page_arguments_take_the_python_names_they_are_given() -> None:
    """Parameters with odd spec names (``page-number``, ``$size``, ``next.cursor``) are passed under the names
    the generator gave them; the spec's names stay in the extension."""
    pages = Pagination.from_extension(
        {"style": "page", "page_param": "page-number", "size_param": "$size", "items": "content"},
        names={"page-number": "page_number", "$size": "size"},
    )
    fetch = Fetcher(dict_pages([2, 1], totals=False), key="page_number")
    assert ids(list(iterate_items(fetch, pages, page_size=2))) == [0, 1, 2]
    assert fetch.calls == [{"size": 2, "page_number": 0}, {"size": 2, "page_number": 1}]
    cursor = Pagination.from_extension(
        {"style": "cursor", "cursor_param": "next.cursor", "next_cursor": "nextCursor"},
        names={"next.cursor": "next_cursor"},
    )
    answers = {None: {"content": [{"id": 0}], "nextCursor": "b"}, "b": {"content": [{"id": 1}]}}
    calls: list[PageArgs] = []

    def by_cursor(args: PageArgs) -> Any:
        calls.append(dict(args))
        return answers[args.get("next_cursor")]

    assert ids(list(iterate_items(by_cursor, cursor))) == [0, 1]
    assert calls == [{}, {"next_cursor": "b"}]


def test_empty_first_page_ends_the_walk() -> None:
    """An empty first page yields nothing and fetches nothing more, whatever the totals claim."""
    fetch = Fetcher([{"content": [], "totalPages": 5}])
    assert list(iterate_items(fetch, PAGE)) == []
    assert len(fetch.calls) == 1


def test_empty_page_without_totals_ends_the_walk() -> None:
    """Without totals or page size, the walk goes on until a page comes back empty."""
    fetch = Fetcher([*dict_pages([2, 2], totals=False), {"content": []}])
    assert ids(list(iterate_items(fetch, PAGE))) == [0, 1, 2, 3]
    assert [call["page"] for call in fetch.calls] == [0, 1, 2]


def test_short_page_ends_the_walk_when_the_size_is_known() -> None:
    """Without totals, a page shorter than the requested size is the last one."""
    fetch = Fetcher(dict_pages([3, 1], totals=False))
    assert ids(list(iterate_items(fetch, PAGE, page_size=3))) == [0, 1, 2, 3]
    assert len(fetch.calls) == 2


def test_total_items_ends_the_walk_without_total_pages() -> None:
    """With only totalElements, the walk stops once the pages held that many items."""
    pagination = attrs.evolve(PAGE, total_pages=None)
    fetch = Fetcher([*dict_pages([2, 2, 1]), {"content": [{"id": 99}]}])
    assert ids(list(iterate_items(fetch, pagination))) == [0, 1, 2, 3, 4]
    assert len(fetch.calls) == 3


def test_first_page_offset_is_honoured() -> None:
    """An API counting pages from 1 is asked for 1, 2, ... and totalPages still bounds the walk."""
    pagination = attrs.evolve(PAGE, first_page=1)
    pages = dict_pages([1, 1])
    fetch = Fetcher([{}, *pages])
    assert ids(list(iterate_items(fetch, pagination))) == [0, 1]
    assert [call["page"] for call in fetch.calls] == [1, 2]


def test_max_items_stops_mid_page_without_fetching_more() -> None:
    """max_items cuts a page short and no later page is requested."""
    fetch = Fetcher(dict_pages([2, 2, 1]))
    assert ids(list(iterate_items(fetch, PAGE, max_items=3))) == [0, 1, 2]
    assert [call["page"] for call in fetch.calls] == [0, 1]


def test_max_items_zero_fetches_nothing() -> None:
    """max_items=0 sends no request at all."""
    fetch = Fetcher(dict_pages([2]))
    assert list(iterate_items(fetch, PAGE, max_items=0)) == []
    assert fetch.calls == []


def test_iterate_pages_yields_each_page_and_honours_max_items() -> None:
    """iterate_pages hands out whole pages and stops fetching once max_items items were on them."""
    pages = dict_pages([2, 2, 1])
    assert list(iterate_pages(Fetcher(pages), PAGE)) == pages
    fetch = Fetcher(pages)
    assert list(iterate_pages(fetch, PAGE, max_items=3)) == pages[:2]
    assert len(fetch.calls) == 2


@pytest.mark.parametrize("bad", [{"page_size": 0}, {"max_items": -1}])
def test_bad_limits_are_refused(bad: dict[str, int]) -> None:
    """A page size below 1 or a negative max_items is a ValueError before any request."""
    with pytest.raises(ValueError):
        list(iterate_items(Fetcher([]), PAGE, **bad))


# --- cursor and next-link styles --------------------------------------------------------------------------


def test_cursor_style_follows_next_cursor_until_it_is_null() -> None:
    """The answer's meta.next is sent back as `cursor`; a null cursor ends the walk."""
    pages = {
        None: {"data": [{"id": 0}, {"id": 1}], "meta": {"next": "c1"}},
        "c1": {"data": [{"id": 2}], "meta": {"next": "c2"}},
        "c2": {"data": [{"id": 3}], "meta": {"next": None}},
    }
    calls: list[PageArgs] = []

    def fetch(args: PageArgs) -> dict[str, Any]:
        calls.append(dict(args))
        return pages[args.get("cursor")]

    assert ids(list(iterate_items(fetch, CURSOR, page_size=2))) == [0, 1, 2, 3]
    assert calls == [{"limit": 2}, {"limit": 2, "cursor": "c1"}, {"limit": 2, "cursor": "c2"}]


def test_a_repeated_cursor_is_an_error_not_a_loop() -> None:
    """A server that sends the same cursor again would loop forever: PaginationError instead."""

    def fetch(args: PageArgs) -> dict[str, Any]:
        return {"data": [{"id": 1}], "meta": {"next": "same"}}

    with pytest.raises(PaginationError, match="same cursor twice"):
        list(iterate_items(fetch, CURSOR))


def test_next_link_style_follows_a_body_field() -> None:
    """The `next` field's URL is handed to the fetcher as NEXT_URL; no `next` ends the walk."""
    pagination = Pagination.from_extension({"style": "next_link", "items": "results", "next": "links.next"})
    pages: dict[str | None, dict[str, Any]] = {
        None: {"results": [{"id": 0}], "links": {"next": "https://api.example/items?after=0"}},
        "https://api.example/items?after=0": {"results": [{"id": 1}], "links": {}},
    }
    calls: list[PageArgs] = []

    def fetch(args: PageArgs) -> dict[str, Any]:
        calls.append(dict(args))
        return pages[args.get(NEXT_URL)]

    assert ids(list(iterate_items(fetch, pagination))) == [0, 1]
    assert calls == [{}, {NEXT_URL: "https://api.example/items?after=0"}]


def test_next_link_style_follows_the_link_header_of_responses() -> None:
    """`header:Link` reads RFC 8288 rel="next" from httpx responses, resolving a relative link against the page URL."""
    pagination = Pagination.from_extension({"style": "next_link", "items": "items", "next": "header:Link"})

    def handler(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params.get("after", "0"))
        headers = {"Link": f'</v1/items?after={after + 1}>; rel="next", </v1/items>; rel="first"'} if after < 2 else {}
        return httpx.Response(200, json={"items": [{"id": after}]}, headers=headers)

    with httpx.Client(transport=httpx.MockTransport(handler), base_url="https://api.example") as client:

        def fetch(args: PageArgs) -> httpx.Response:
            return client.get(args.get(NEXT_URL, "/v1/items"))

        assert ids(list(iterate_items(fetch, pagination))) == [0, 1, 2]


def test_next_link_style_reads_the_detailed_response_wrapper() -> None:
    """The generated Response wrapper (parsed body + headers) works as a page, Link header included."""
    pagination = Pagination.from_extension({"style": "next_link", "items": "content", "next": "header:Link"})
    pages = [
        Detailed(200, httpx.Headers({"Link": '<https://api.example/p2>; rel="next"'}), ModelPage(content=[Item(0)])),
        Detailed(200, httpx.Headers(), ModelPage(content=[Item(1)])),
    ]
    fetch: Callable[[PageArgs], Detailed] = lambda args: pages[1 if NEXT_URL in args else 0]  # noqa: E731
    assert ids(list(iterate_items(fetch, pagination))) == [0, 1]


# --- async ---------------------------------------------------------------------------------------------------


async def test_async_iterators_walk_like_the_sync_ones() -> None:
    """aiterate_items / aiterate_pages await the fetcher and stop by the same rules (max_items mid-page)."""
    fetch = Fetcher(dict_pages([2, 2, 1]))
    assert ids([item async for item in aiterate_items(fetch.fetch_async, PAGE, page_size=2)]) == [0, 1, 2, 3, 4]
    pages = [page async for page in aiterate_pages(fetch.fetch_async, PAGE)]
    assert len(pages) == 3
    fetch.calls.clear()
    assert ids([item async for item in aiterate_items(fetch.fetch_async, PAGE, max_items=1)]) == [0]
    assert fetch.calls == [{"page": 0}]

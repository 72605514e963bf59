"""Walking paginated list operations: the `Pagination` value object and the page/item iterators.

A list operation says how it pages in its ``x-sdk-pagination`` extension (documented in the spec's
info.description); `Pagination.from_extension` reads it. Three styles:

=============  =========================================================  ===================================
style          keys                                                        the next request
=============  =========================================================  ===================================
``page``       page_param, size_param, items, total_pages, total_items,   ``page_param`` + 1, from first_page
               first_page
``cursor``     cursor_param, size_param, items, next_cursor                ``cursor_param`` = the answer's
                                                                          ``next_cursor`` field
``next_link``  items, next (a field, or ``header:Link``)                   the URL in ``next``, as `NEXT_URL`
=============  =========================================================  ===================================

The caller supplies ``fetch_page(args) -> page``: ``args`` maps Python parameter names (``page``, ``size``,
``cursor``; `NEXT_URL` for next links) to values, ready for ``client.<tag>.list(**args)``. A page may be a
generated attrs model, a plain dict, the generated ``Response`` wrapper (``.parsed`` + ``.headers``) or an
`httpx.Response`. Parameter and field names in the extension are the spec's (JSON) names; the Python names
the generator gave them (``page-size`` is the argument ``page_size``, ``totalPages`` the attribute
``total_pages``) come with it as ``names`` (`FieldNames`), see `_model_fields.read_field`.

A walk stops at the last page (by ``total_pages``, else ``total_items``, else a short page), at an empty
page, when ``max_items`` items were seen, or when there is no next cursor or link. The sync and async
iterators share `_Walk`, which decides; they only call the fetcher.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Literal, TypeVar

import attrs

from ..core import httpx
from ..core._errors import SDKError
from ._model_fields import NO_NAMES, FieldNames, is_absent, read_field

__all__ = [
    "NEXT_URL",
    "PageArgs",
    "Pagination",
    "PaginationError",
    "aiterate_items",
    "aiterate_pages",
    "iterate_items",
    "iterate_pages",
    "page_items",
]

T = TypeVar("T")
PageArgs = dict[str, Any]
"""Keyword arguments for one call of the list operation (Python parameter names)."""

NEXT_URL = "next_url"
"""The `PageArgs` key that carries the next page's URL in the ``next_link`` style."""

Style = Literal["page", "cursor", "next_link"]
_LINK_HEADER = "header:Link"
_LINK_NEXT = re.compile(r'<([^>]*)>\s*;[^,]*?\brel\s*=\s*"?([^",;]*)"?', re.IGNORECASE)


class PaginationError(SDKError):
    """The pages do not add up: a malformed ``x-sdk-pagination`` or a server repeating its cursor or link."""


def _body_and_headers(page: object) -> tuple[object, httpx.Headers | None, httpx.URL | None]:
    """The parsed body of a page and, when the page carries them, its headers and URL."""
    if isinstance(page, httpx.Response):
        try:
            url: httpx.URL | None = page.request.url
        except RuntimeError:  # a response built without a request (tests, MockTransport handlers)
            url = None
        return page.json(), page.headers, url
    if hasattr(page, "parsed") and hasattr(page, "headers") and hasattr(page, "status_code"):
        headers = page.headers
        return page.parsed, headers if isinstance(headers, httpx.Headers) else httpx.Headers(headers), None
    return page, None, None


def _text(value: object) -> str | None:
    return None if is_absent(value) or value == "" else str(value)


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _name(mapping: Mapping[str, object], key: str) -> str | None:
    value = mapping.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise PaginationError(f"x-sdk-pagination.{key} must be a non-empty string, not {value!r}")
    return value


@attrs.frozen(kw_only=True)
class Pagination:
    """How one list operation pages (see the module docstring); build it with `from_extension`."""

    style: Style
    items: str = "content"
    page_param: str | None = None
    size_param: str | None = None
    total_pages: str | None = None
    total_items: str | None = None
    first_page: int = 0
    cursor_param: str | None = None
    next_cursor: str | None = None
    next: str | None = None
    names: FieldNames = NO_NAMES  # the Python names of the parameters and fields above, where they differ

    def __attrs_post_init__(self) -> None:
        needs = {"page": ("page_param",), "cursor": ("cursor_param", "next_cursor"), "next_link": ("next",)}
        if self.style not in needs:
            raise PaginationError(f"x-sdk-pagination.style must be page, cursor or next_link, not {self.style!r}")
        missing = [key for key in needs[self.style] if getattr(self, key) is None]
        if missing:
            raise PaginationError(f"x-sdk-pagination style {self.style} needs {', '.join(missing)}")

    @classmethod
    def from_extension(
        cls, mapping: Mapping[str, object], *, names: FieldNames | Mapping[str, str] = NO_NAMES
    ) -> Pagination:
        """Read an ``x-sdk-pagination`` mapping.

        Args:
            mapping: the extension as the spec states it (JSON names).
            names: the Python names the generator gave its parameters (the list method's arguments) and
                fields (the page model's attributes), where they differ from the JSON names.

        Raises:
            PaginationError: an unknown key or style, a key of the wrong type, or one the style needs is missing.
        """
        known = {field.name for field in attrs.fields(cls)} - {"names"}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise PaginationError(f"x-sdk-pagination has unknown keys {unknown}; known: {sorted(known)}")
        first = mapping.get("first_page", 0)
        if _number(first) is None:
            raise PaginationError(f"x-sdk-pagination.first_page must be an int, not {first!r}")
        style = mapping.get("style")
        if style not in ("page", "cursor", "next_link"):
            raise PaginationError(f"x-sdk-pagination.style must be page, cursor or next_link, not {style!r}")
        keys = {key: _name(mapping, key) for key in known - {"style", "first_page", "items"}}
        if not isinstance(names, FieldNames):
            names = FieldNames(names)
        items = _name(mapping, "items") or "content"
        return cls(style=style, items=items, first_page=int(str(first)), names=names, **keys)


def page_items(pagination: Pagination, page: object) -> list[Any]:
    """The items of one page (its ``items`` field), an empty list when the field is absent.

    Raises:
        PaginationError: the field is there but is not a list.
    """
    body, _, _ = _body_and_headers(page)
    items = read_field(body, pagination.items, pagination.names)
    if items is None:
        return []
    if not isinstance(items, list):
        raise PaginationError(f"the page's {pagination.items!r} field is {type(items).__name__}, not a list")
    return items


def _next_link(
    pagination: Pagination, body: object, headers: httpx.Headers | None, url: httpx.URL | None
) -> str | None:
    """The next page's URL from a body field or the ``Link: <...>; rel="next"`` header (RFC 8288)."""
    link: str | None = None
    if pagination.next == _LINK_HEADER:
        for target, rel in _LINK_NEXT.findall(",".join(headers.get_list("Link")) if headers else ""):
            if "next" in rel.lower().split():
                link = target
                break
    else:
        link = _text(read_field(body, pagination.next or "", pagination.names))
    if link is None:
        return None
    return str(url.join(link)) if url is not None else link


class _Walk:
    """One walk's state; decides the arguments of each next page, or that the walk is over."""

    def __init__(self, pagination: Pagination, page_size: int | None, max_items: int | None) -> None:
        if page_size is not None and page_size < 1:
            raise ValueError(f"page_size must be >= 1 or None, not {page_size}")
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be >= 0 or None, not {max_items}")
        self.pagination = pagination
        self.page_size = page_size
        self.max_items = max_items
        self.seen = 0
        self.fetched = 0
        self.number = pagination.first_page
        self.previous: str | None = None

    @property
    def exhausted(self) -> bool:
        """max_items items have been handed out."""
        return self.max_items is not None and self.seen >= self.max_items

    def first_args(self) -> PageArgs:
        args: PageArgs = {}
        p = self.pagination
        if p.size_param is not None and self.page_size is not None:
            args[p.names.python(p.size_param)] = self.page_size
        if p.style == "page" and p.page_param is not None:
            args[p.names.python(p.page_param)] = self.number
        return args

    def count(self, items: list[Any]) -> list[Any]:
        """The items of this page that still fit under max_items, counted as handed out."""
        self.fetched += len(items)
        if self.max_items is not None:
            items = items[: max(0, self.max_items - self.seen)]
        self.seen += len(items)
        return items

    def next_args(self, page: object, items: list[Any]) -> PageArgs | None:
        """The arguments for the page after `page`, or None when `page` was the last.

        Raises:
            PaginationError: the server sent the same cursor or link twice (it would loop forever).
        """
        if not items or self.exhausted:
            return None
        p = self.pagination
        body, headers, url = _body_and_headers(page)
        args = self.first_args()
        if p.style == "page":
            return self._next_page(body, items, args)
        token = _text(read_field(body, p.next_cursor or "", p.names)) if p.style == "cursor" else None
        if p.style == "next_link":
            token = _next_link(p, body, headers, url)
        if token is None:
            return None
        if token == self.previous:
            raise PaginationError(f"the server sent the same {p.style.replace('_', ' ')} twice: {token!r}")
        self.previous = token
        if p.style == "cursor":
            args[p.names.python(p.cursor_param or "")] = token
            return args
        return {NEXT_URL: token}

    def _next_page(self, body: object, items: list[Any], args: PageArgs) -> PageArgs | None:
        p = self.pagination
        total_pages = _number(read_field(body, p.total_pages, p.names)) if p.total_pages else None
        total_items = _number(read_field(body, p.total_items, p.names)) if p.total_items else None
        self.number += 1
        if total_pages is not None:
            if self.number - p.first_page >= total_pages:
                return None
        elif total_items is not None:
            if self.fetched >= total_items:
                return None
        elif self.page_size is not None and len(items) < self.page_size:
            return None
        args[p.names.python(p.page_param or "")] = self.number
        return args


def iterate_pages(
    fetch_page: Callable[[PageArgs], T],
    pagination: Pagination,
    *,
    page_size: int | None = None,
    max_items: int | None = None,
) -> Iterator[T]:
    """Every page of a list operation, fetched lazily, first to last.

    Args:
        fetch_page: called with each page's `PageArgs`; returns the page (model, dict, Response).
        pagination: the operation's `Pagination`.
        page_size: sent as ``size_param`` on every request (the server's default when None).
        max_items: stop fetching once this many items were on the pages so far (None: no limit).

    Raises:
        PaginationError: a page's items field is not a list, or the server repeats a cursor or link.
    """
    walk = _Walk(pagination, page_size, max_items)
    args: PageArgs | None = walk.first_args()
    while args is not None and not walk.exhausted:
        page = fetch_page(args)
        yield page
        items = walk.count(page_items(pagination, page))
        args = walk.next_args(page, items)


def iterate_items(
    fetch_page: Callable[[PageArgs], Any],
    pagination: Pagination,
    *,
    page_size: int | None = None,
    max_items: int | None = None,
) -> Iterator[Any]:
    """Every item on every page, in order; at most `max_items` (no page is fetched beyond them).

    Same arguments and errors as `iterate_pages`.
    """
    walk = _Walk(pagination, page_size, max_items)
    args: PageArgs | None = walk.first_args()
    while args is not None and not walk.exhausted:
        page = fetch_page(args)
        items = walk.count(page_items(pagination, page))
        yield from items
        args = walk.next_args(page, items)


async def aiterate_pages(
    fetch_page: Callable[[PageArgs], Awaitable[T]],
    pagination: Pagination,
    *,
    page_size: int | None = None,
    max_items: int | None = None,
) -> AsyncIterator[T]:
    """The async twin of `iterate_pages`: `fetch_page` is awaited."""
    walk = _Walk(pagination, page_size, max_items)
    args: PageArgs | None = walk.first_args()
    while args is not None and not walk.exhausted:
        page = await fetch_page(args)
        yield page
        items = walk.count(page_items(pagination, page))
        args = walk.next_args(page, items)


async def aiterate_items(
    fetch_page: Callable[[PageArgs], Awaitable[Any]],
    pagination: Pagination,
    *,
    page_size: int | None = None,
    max_items: int | None = None,
) -> AsyncIterator[Any]:
    """The async twin of `iterate_items`: `fetch_page` is awaited."""
    walk = _Walk(pagination, page_size, max_items)
    args: PageArgs | None = walk.first_args()
    while args is not None and not walk.exhausted:
        page = await fetch_page(args)
        items = walk.count(page_items(pagination, page))
        for item in items:
            yield item
        args = walk.next_args(page, items)

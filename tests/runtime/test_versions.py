"""One client for several API versions: x-sdk-since, x-sdk-fallback (find in the list) and legacy fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import yaml
from runtime.core._errors import APIStatusError, NotFoundError, raise_for_status
from runtime.pipeline._hooks import CallErrorEvent, Hooks
from runtime.shapes._model_fields import FieldNames
from runtime.shapes._pagination import PageArgs, Pagination
from runtime.shapes._versions import (
    Fallback,
    UnsupportedOperationError,
    VersionedOperation,
    afind_item,
    find_item,
    legacy_fields_for,
    parse_version,
    strip_legacy_fields,
    version_at_least,
)

ROOT = Path(__file__).resolve().parents[2]
_DNS_NAME = FieldNames({"dnsName": "dns_name"})
PAGE = Pagination(style="page", page_param="page", size_param="size", items="content", total_pages="totalPages")
PAGES = [
    {"content": [{"id": "a"}, {"id": "b"}], "totalPages": 3},
    {"content": [{"id": "c"}, {"id": "d"}], "totalPages": 3},
    {"content": [{"id": "e"}], "totalPages": 3},
]


class Fetcher:
    def __init__(self) -> None:
        self.calls: list[PageArgs] = []

    def __call__(self, args: PageArgs) -> dict[str, Any]:
        self.calls.append(dict(args))
        return PAGES[args["page"]]

    async def fetch_async(self, args: PageArgs) -> dict[str, Any]:
        return self(args)


@pytest.mark.parametrize(
    ("text", "parsed"), [("1.0", (1,)), ("1.0.0", (1,)), ("1.1.0", (1, 1)), ("2", (2,)), ("1.10", (1, 10))]
)
def test_parse_version(text: str, parsed: tuple[int, ...]) -> None:
    """Versions are dotted numbers; trailing zeros do not count, so 1.0 equals 1.0.0."""
    assert parse_version(text) == parsed


@pytest.mark.parametrize("bad", ["", "v1.0", "1..0", "1.0-beta", "latest"])
def test_malformed_versions_are_refused(bad: str) -> None:
    """Anything but dotted numbers is a ValueError naming the value."""
    with pytest.raises(ValueError, match="dotted numbers"):
        parse_version(bad)


@pytest.mark.parametrize(
    ("version", "since", "expected"),
    [("1.0", "1.1.0", False), ("1.1.0", "1.1.0", True), ("1.1", "1.1.0", True), ("1.10", "1.9", True)],
)
def test_version_at_least_compares_numerically(version: str, since: str, expected: bool) -> None:
    """Parts compare as numbers (1.10 is after 1.9), not as text."""
    assert version_at_least(version, since) is expected


def test_plan_calls_falls_back_or_refuses() -> None:
    """A newer server (or none named) gets the call; an older one the fallback, or an error when there is none."""
    get = VersionedOperation(operation_id="getDnsRecord", since="1.1.0", fallback=Fallback(via="listDnsRecords"))
    assert get.plan(None) == "call"
    assert get.plan("1.1.0") == "call"
    assert get.plan("1.0") == "fallback"
    bare = VersionedOperation(operation_id="activateUser", since="1.1.1")
    with pytest.raises(
        UnsupportedOperationError, match=r"activateUser needs API version 1\.1\.1.*talks to version 1\.0"
    ):
        bare.plan("1.0")
    assert VersionedOperation(operation_id="listNetworks").plan("1.0") == "call"


def test_fallback_without_since_is_refused() -> None:
    """x-sdk-fallback only makes sense with x-sdk-since."""
    with pytest.raises(ValueError, match="needs x-sdk-since"):
        VersionedOperation(operation_id="getX", fallback=Fallback(via="listX"))


@pytest.mark.parametrize(
    "mapping", [{"via": ""}, {"match": "id"}, {"via": "listX", "match": 3}, {"via": "listX", "by": "id"}]
)
def test_malformed_fallback_is_refused(mapping: dict[str, object]) -> None:
    """x-sdk-fallback needs a non-empty `via`, a string `match`, and nothing else."""
    with pytest.raises(ValueError, match="x-sdk-fallback"):
        Fallback.from_extension(mapping)


def test_the_spec_marks_its_new_lookups_with_a_fallback_through_a_paginated_list() -> None:
    """In the v1.1.0 document, each x-sdk-since operation falls back to a list operation that has x-sdk-pagination."""
    document = yaml.safe_load((ROOT / "openapi" / "cloudconnexa.yaml").read_text(encoding="utf-8"))
    operations = {op["operationId"]: op for item in document["paths"].values() for op in item.values()}
    marked = {op_id: op for op_id, op in operations.items() if "x-sdk-since" in op}
    assert sorted(marked) == ["getDnsRecord", "getUserGroup"]
    for op_id, op in marked.items():
        versioned = VersionedOperation(
            operation_id=op_id, since=op["x-sdk-since"], fallback=Fallback.from_extension(op["x-sdk-fallback"])
        )
        assert versioned.plan("1.0") == "fallback"
        assert versioned.fallback is not None
        Pagination.from_extension(operations[versioned.fallback.via]["x-sdk-pagination"])
    legacy = document["components"]["schemas"]["IpService"]["x-sdk-legacy-fields"]
    assert legacy_fields_for(legacy, "1.0") == {"type", "routes"}


def test_find_item_stops_at_the_page_holding_the_match() -> None:
    """The walk ends on the page with the item; later pages are not fetched."""
    fetch = Fetcher()
    item = find_item(fetch, PAGE, match="id", value="c", url="/api/v1/dns-records/c", via="listDnsRecords")
    assert item == {"id": "c"}
    assert [call["page"] for call in fetch.calls] == [0, 1]


def test_find_item_reads_the_match_field_by_the_attribute_it_is_given() -> None:
    """A model item's `dnsName` is its `dns_name` when `names` says so; without the pair nothing matches."""

    @attrs.define
    class Record:
        dns_name: str
        additional_properties: dict[str, Any] = attrs.Factory(dict)

    pages = [{"content": [Record("a.example"), Record("b.example")], "totalPages": 1}]

    def fetch(args: dict[str, Any]) -> Any:
        return pages[args["page"]]

    found = find_item(fetch, PAGE, match="dnsName", value="b.example", url="/r/b", via="listX", names=_DNS_NAME)
    assert found == Record("b.example")
    with pytest.raises(NotFoundError):
        find_item(fetch, PAGE, match="dnsName", value="b.example", url="/r/b", via="listX")


def test_find_item_raises_the_usual_not_found() -> None:
    """No match is a NotFoundError (status 404) whose message says what was searched."""
    with pytest.raises(NotFoundError) as caught:
        find_item(Fetcher(), PAGE, match="id", value="z", url="/api/v1/dns-records/z", via="listDnsRecords")
    assert caught.value.status_code == 404
    assert "No item has id z among the 5 items listed by listDnsRecords" in str(caught.value)
    assert "/api/v1/dns-records/z" in str(caught.value)


async def test_async_find_item() -> None:
    """afind_item walks like find_item and raises the same NotFoundError."""
    fetch = Fetcher()
    assert await afind_item(fetch.fetch_async, PAGE, match="id", value="e", url="/x/e", via="listX") == {"id": "e"}
    with pytest.raises(NotFoundError):
        await afind_item(fetch.fetch_async, PAGE, match="id", value="nope", url="/x/nope", via="listX")


def test_legacy_fields_apply_only_to_servers_up_to_their_version() -> None:
    """Fields listed under 1.0 are dropped for a 1.0 (or 0.9) server, kept for 1.1.0 and for the newest."""
    extension = {"1.0": ["type", "routes"]}
    assert legacy_fields_for(extension, "0.9") == {"type", "routes"}
    assert legacy_fields_for(extension, "1.0") == {"type", "routes"}
    assert legacy_fields_for(extension, "1.1.0") == frozenset()
    assert legacy_fields_for(extension, None) == frozenset()
    assert legacy_fields_for(None, "1.0") == frozenset()


def test_strip_legacy_fields_makes_old_answers_look_new() -> None:
    """An item, or a list of items, loses the legacy fields; the input is not changed."""
    old = {"id": "s1", "name": "build-farm", "type": "IP_SOURCE", "routes": [{"subnet": "10.0.0.0/24"}]}
    fields = frozenset({"type", "routes"})
    assert strip_legacy_fields(old, fields) == {"id": "s1", "name": "build-farm"}
    assert strip_legacy_fields([old, old], fields) == [{"id": "s1", "name": "build-farm"}] * 2
    assert "routes" in old
    assert strip_legacy_fields("text", fields) == "text"
    assert strip_legacy_fields(old, frozenset()) is old


# --- the gradual approach: finding out that the server lacks an operation ----------------------------------


GET_RECORD = VersionedOperation(operation_id="getDnsRecord", since="1.1.0", fallback=Fallback(via="listDnsRecords"))


def answer(status: int) -> Any:
    def call() -> Any:
        raise_for_status(httpx.Response(status, request=httpx.Request("GET", "https://api.example.com/r/1")))
        return "direct"

    return call


@pytest.mark.parametrize("status", [405, 501])
def test_a_server_without_the_operation_is_served_by_the_fallback_from_then_on(status: int) -> None:
    """An unpinned client meeting an older server (405/501) falls back, remembers it, and skips the direct call."""
    missing: set[str] = set()
    calls: list[str] = []

    def direct() -> Any:
        calls.append("direct")
        return answer(status)()

    assert GET_RECORD.call_or_fallback(None, missing, direct, lambda: "fallback") == "fallback"
    assert missing == {"getDnsRecord"}
    assert GET_RECORD.call_or_fallback(None, missing, direct, lambda: "fallback") == "fallback"
    assert calls == ["direct"]


def test_other_failures_of_the_direct_call_are_raised_and_reported_once() -> None:
    """A 404 means the item is missing, not the operation: it is raised (and reported), no fallback runs."""
    hooks, events = Hooks(), []
    hooks.on_call_error(events.append)
    fallbacks: list[str] = []
    with pytest.raises(APIStatusError) as caught:
        GET_RECORD.call_or_fallback(None, set(), answer(404), lambda: fallbacks.append("x"), hooks=hooks)
    assert caught.value.status_code == 404 and fallbacks == []
    assert [type(e).__name__ for e in events] == ["CallErrorEvent"] and isinstance(events[0], CallErrorEvent)


def test_a_pinned_older_version_goes_straight_to_the_fallback() -> None:
    """api_version="1.0" never tries the direct call; a new enough server never falls back."""
    assert GET_RECORD.call_or_fallback("1.0", set(), answer(500), lambda: "fallback") == "fallback"
    assert GET_RECORD.call_or_fallback("1.1.0", set(), lambda: "direct", lambda: "fallback") == "direct"


def test_an_operation_without_fallback_lets_the_405_through() -> None:
    """Without x-sdk-fallback there is nothing to fall back on: the 405 is the call's error."""
    plain = VersionedOperation(operation_id="getThing", since="1.1.0")
    with pytest.raises(APIStatusError):
        plain.call_or_fallback(None, set(), answer(405), lambda: "fallback")


async def test_async_call_or_fallback() -> None:
    """The async twin finds out and falls back the same way."""
    missing: set[str] = set()

    async def direct() -> Any:
        return answer(405)()

    async def fallback() -> Any:
        return "fallback"

    assert await GET_RECORD.acall_or_fallback(None, missing, direct, fallback) == "fallback"
    assert missing == {"getDnsRecord"}


@attrs.define
class IpServiceModel:
    name: str
    additional_properties: dict[str, Any] = attrs.Factory(dict)


def test_strip_legacy_fields_from_parsed_models_and_page_items() -> None:
    """Parsed models lose legacy fields from their unknown fields; `items` strips a page's items (dict or model)."""
    fields = frozenset({"type", "routes"})
    model = IpServiceModel("ssh", {"type": "IP_SOURCE", "routes": [], "kept": 1})
    assert strip_legacy_fields(model, fields) is model and model.additional_properties == {"kept": 1}

    @attrs.define
    class Page:
        service_list: list[IpServiceModel]

    page = Page([IpServiceModel("a", {"routes": []})])
    strip_legacy_fields(page, fields, items=("service-list", "service_list"))  # (JSON name, attribute)
    assert page.service_list[0].additional_properties == {}
    raw = {"service-list": [{"name": "a", "type": "x"}], "page": 0}
    stripped = strip_legacy_fields(raw, fields, items=("service-list", "service_list"))
    assert stripped == {"service-list": [{"name": "a"}], "page": 0}

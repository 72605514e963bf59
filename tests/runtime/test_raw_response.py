"""RawResponse: raw access to an answer (status, headers, request id, content) with `parse()` for the body."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import attrs
from runtime.client._operation import Operation
from runtime.client._raw_response import RawResponse, araw, raw


@attrs.define
class Answer:
    """Shaped like the generated `types.Response`."""

    status_code: int
    content: bytes
    headers: Mapping[str, str]
    parsed: dict[str, int] | None


def detailed(item_id: str, *, verbose: bool = False) -> Answer:
    return Answer(200, b'{"n": 1}', {"x-request-id": f"req-{item_id}"}, {"n": 1 if not verbose else 2})


def raw_detailed(item_id: str, *, verbose: bool = False) -> RawResponse[dict[str, int] | None]:
    """A raw resource's method: it returns the RawResponse itself."""
    return RawResponse.of(detailed(item_id, verbose=verbose))


OPERATION: Operation[Any, dict[str, int] | None] = Operation(operation_id="get", method="GET", path="/items")


def test_raw_keeps_the_method_and_exposes_the_answer() -> None:
    """raw(method, operation) is the raw resource's method, called with its own arguments: status, headers,
    request id, content, parse() and (for the deprecated `_detailed` spelling) .parsed."""
    assert raw(raw_detailed, OPERATION) is raw_detailed
    answer = raw(raw_detailed, OPERATION)("7", verbose=True)
    assert (answer.status_code, answer.content, answer.request_id) == (200, b'{"n": 1}', "req-7")
    assert answer.parse() == answer.parsed == {"n": 2}


def test_a_304_parses_to_none_and_has_no_request_id_without_the_header() -> None:
    """A body-less answer parses to None; no known request id header means request_id is None."""
    answer = RawResponse.of(Answer(304, b"", {"ETag": '"v1"'}, None))
    assert (answer.status_code, answer.parse(), answer.request_id, answer.headers["ETag"]) == (304, None, None, '"v1"')


def test_araw_awaits_the_raw_call() -> None:
    """The async form keeps an awaitable raw method the same way."""

    async def adetailed(item_id: str) -> RawResponse[dict[str, int] | None]:
        return raw_detailed(item_id)

    answer = asyncio.run(araw(adetailed, OPERATION)("9"))
    assert (answer.status_code, answer.request_id) == (200, "req-9")

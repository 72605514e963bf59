"""Which calls are sent streaming, and what comes back unread: only a file answer; anything else is read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from runtime.client._operation import Operation
from runtime.client._readers import AS_IS, FileOf, Success
from runtime.client._streamed_call import asend_streamed, send_streamed, streams
from runtime.core._defaults import STREAMED_BODY_EXTENSION

STREAMED = FileOf("some_sdk.types", "StreamedFile")


def _operation(*responses: Success) -> Operation[Any, Any]:
    return Operation(operation_id="getFile", method="GET", path="/f", responses=responses)


FILE_OR_JSON = _operation(Success(200, body="binary", reader=STREAMED), Success(202))


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        (FILE_OR_JSON, True),
        (_operation(Success(200, body="binary", reader=FileOf("some_sdk.types", "File"))), False),  # no download wing
        (_operation(Success(200, body="binary", reader=AS_IS)), False),  # bytes that are not a file
        (_operation(Success(200), Success(204, body="none")), False),
    ],
)
def test_only_an_operation_answering_a_streamed_file_streams(operation: Operation[Any, Any], expected: bool) -> None:
    """A `FileOf(..., "StreamedFile")` success makes the call stream; a plain `File` reader (an SDK without the
    download wing) or a JSON or body-less answer does not."""
    assert streams(operation) is expected


def _client(seen: list[httpx.Request], status: int, body: bytes) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, stream=httpx.ByteStream(body))

    return httpx.Client(base_url="https://api.example.test", transport=httpx.MockTransport(answer))


KWARGS = {"method": "GET", "url": "/f", "headers": {"Accept": "application/octet-stream"}, "extensions": {"a": 1}}


def test_file_answer_comes_back_unread_with_the_extension_set() -> None:
    """The request carries the streamed-body extension beside its own; the file answer's body is left unread."""
    seen: list[httpx.Request] = []
    with _client(seen, 200, b"bytes") as http:
        response = send_streamed(http, FILE_OR_JSON, dict(KWARGS))
        assert not response.is_stream_consumed
        assert response.read() == b"bytes"
    assert seen[0].extensions[STREAMED_BODY_EXTENSION] is True
    assert seen[0].extensions["a"] == 1
    assert seen[0].headers["Accept"] == "application/octet-stream"
    assert KWARGS["extensions"] == {"a": 1}  # the caller's dict is not changed


@pytest.mark.parametrize("status", [202, 404, 503])
def test_any_other_answer_is_read_and_closed(status: int) -> None:
    """A JSON success beside the file, or an error status, comes back read and closed, as a plain call's."""
    with _client([], status, b'{"x": 1}') as http:
        response = send_streamed(http, FILE_OR_JSON, dict(KWARGS))
    assert response.is_closed and response.content == b'{"x": 1}'


async def test_async_twin_reads_other_answers_and_leaves_the_file() -> None:
    """asend_streamed: the file answer unread, an error answer read and closed."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.path == "/f" else 404, stream=httpx.ByteStream(b"body"))

    async with httpx.AsyncClient(base_url="https://api.example.test", transport=httpx.MockTransport(answer)) as http:
        file = await asend_streamed(http, FILE_OR_JSON, dict(KWARGS))
        assert not file.is_stream_consumed
        assert await file.aread() == b"body"
        error = await asend_streamed(http, FILE_OR_JSON, {**KWARGS, "url": "/missing"})
        assert error.is_closed and error.content == b"body"

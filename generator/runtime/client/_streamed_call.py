"""Sending a call whose answer may be a file, so the file is streamed instead of read into memory.

An operation with a binary success (``Success(body="binary", reader=FileOf(...))``) is sent with
``stream=True`` and `STREAMED_BODY_EXTENSION`: the transport below leaves the body unread but guarded
(pipeline/_streamed_body.py). When the answer is that binary success, its open response becomes the
generated `StreamedFile` (`FileOf.open`), which the caller reads, saves or closes. Any other answer (an
error status, a JSON success beside the file) is read here at once, within the same limits, and closed,
so error mapping and parsing see an ordinary in-memory response.

`_call.py` keeps the one decision (`streams`) and the answer; this module only sends.
"""

from __future__ import annotations

from typing import Any

from ..core import httpx
from ..core._defaults import STREAMED_BODY_EXTENSION
from ..core._errors import translate_transport_errors
from ._operation import Operation
from ._readers import FileOf

__all__ = ["asend_streamed", "send_streamed", "streams"]

_REQUEST_ARGUMENTS = ("content", "data", "files", "json", "params", "headers", "cookies", "timeout")


def streams(operation: Operation[Any, Any]) -> bool:
    """True when one of `operation`'s successes is a file (its calls are sent by `send_streamed`)."""
    return any(_is_streamed_file(success.reader) for success in operation.responses if success.body == "binary")


def _is_streamed_file(reader: object) -> bool:
    return isinstance(reader, FileOf) and reader.streams


def _keeps_stream(operation: Operation[Any, Any], response: httpx.Response) -> bool:
    success = operation.success(response.status_code)
    return success is not None and success.body == "binary" and _is_streamed_file(success.reader)


def _build(http: httpx.Client | httpx.AsyncClient, kwargs: dict[str, Any]) -> httpx.Request:
    extensions = {**(kwargs.get("extensions") or {}), STREAMED_BODY_EXTENSION: True}
    given = {name: kwargs[name] for name in _REQUEST_ARGUMENTS if name in kwargs}
    return http.build_request(kwargs["method"], kwargs["url"], extensions=extensions, **given)


def send_streamed(http: httpx.Client, operation: Operation[Any, Any], kwargs: dict[str, Any]) -> httpx.Response:
    """Send `kwargs` (``httpx.Client.request`` keywords); a file answer comes back unread (see the docstring)."""
    with translate_transport_errors():
        response = http.send(_build(http, kwargs), stream=True)
        if not _keeps_stream(operation, response):
            try:
                response.read()
            finally:
                response.close()
    return response


async def asend_streamed(
    http: httpx.AsyncClient, operation: Operation[Any, Any], kwargs: dict[str, Any]
) -> httpx.Response:
    """The async form of `send_streamed`."""
    async with translate_transport_errors():
        response = await http.send(_build(http, kwargs), stream=True)
        if not _keeps_stream(operation, response):
            try:
                await response.aread()
            finally:
                await response.aclose()
    return response

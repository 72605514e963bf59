"""A binary answer is a `StreamedFile` over the open response: constant memory, atomic save, the client's limits.

Every test calls a descriptor (`Operation` with a `FileOf(..., "StreamedFile")` success, as the generator
writes it) through `call_operation` / `acall_operation` and the SDK's real stack against a loopback
`WireServer`: the sync client, and the async client on httpx's pool and on httptools.
"""

from __future__ import annotations

import asyncio
import gzip
import sys
import tracemalloc
import types
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from runtime import (
    ClientSettings,
    FakeClock,
    Hooks,
    IncompleteResponseError,
    NotFoundError,
    PoolLimits,
    RequestOptions,
    RequestTimeout,
    ResponseTooLargeError,
    StreamedBody,
    build_async_client,
    build_sync_client,
)
from runtime.client._call import acall_operation, call_operation
from runtime.client._operation import Operation
from runtime.client._raw_response import RawResponse
from runtime.client._readers import FileOf, Success
from runtime.shapes._path_defaults import PathDefaults

from tests.support.wire_server import Answer, WireServer


@attrs.define
class File:
    """The generated `types.File` (types.py.jinja), as the SDKs have it."""

    payload: Any
    file_name: str | None = None
    mime_type: str | None = None


@attrs.define
class StreamedFile(StreamedBody, File):
    """The generated `types.StreamedFile`: the runtime's behaviour over the generated `File`."""


_TYPES = types.ModuleType("streamed_file_test_types")
_TYPES.StreamedFile = StreamedFile  # type: ignore[attr-defined]
sys.modules[_TYPES.__name__] = _TYPES

GET_FILE: Operation[StreamedFile, StreamedFile] = Operation(
    operation_id="getFile",
    method="GET",
    path="/files/model.bin",
    accept="application/octet-stream, application/problem+json",
    responses=(
        Success(200, body="binary", reader=FileOf(_TYPES.__name__, "StreamedFile")),
        Success(206, body="binary", reader=FileOf(_TYPES.__name__, "StreamedFile")),
    ),
)

OCTETS = (("Content-Type", "application/octet-stream"),)
BODY = bytes(range(256)) * 64  # 16 KiB
BIG = b"\x5a" * (16 << 20)  # 16 MiB, under the default max_response_bytes
ASYNC_BACKENDS = ["httpx", "httptools"]


@attrs.define
class _Client:
    """The generated low-level client, as far as a call needs it (`OperationClient`)."""

    http: Any
    hooks: Hooks | None = None
    validate_responses: bool = True
    check_requests: bool = True
    path_defaults: PathDefaults = attrs.field(factory=PathDefaults)
    api_version: str | None = None
    missing_operations: set[str] = attrs.field(factory=set)

    def request_options(self, options: Any) -> Any:
        return options

    def get_httpx_client(self) -> httpx.Client:
        return self.http  # type: ignore[no-any-return]

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self.http  # type: ignore[no-any-return]


def _options(clock: FakeClock | None) -> dict[str, Any]:
    options: dict[str, Any] = {"auth": None, "hooks": Hooks(), "logger_name": "sdk.streamed_test", "clock": clock}
    if clock is not None:
        options["jitter"] = lambda: 0.0
    return options


@pytest.fixture
def server() -> Iterator[WireServer]:
    with WireServer() as wire:
        yield wire


def sync_client(url: str, clock: FakeClock | None = None, **settings: Any) -> httpx.Client:
    return build_sync_client(ClientSettings(base_url=url, **settings), **_options(clock))


def run_async(
    url: str, backend: str, use: Callable[[_Client], Awaitable[Any]], clock: FakeClock | None = None, **settings: Any
) -> Any:
    """`use(client)` on an async client on `backend`, closed afterwards."""

    async def main() -> Any:
        built = ClientSettings(base_url=url, **settings)
        async with build_async_client(built, transport=backend, **_options(clock)) as http:  # type: ignore[arg-type]
            return await use(_Client(http))

    return asyncio.run(main())


def _leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


# --- sync -------------------------------------------------------------------------------------------------


def test_binary_answer_is_a_streamed_file_read_once(server: WireServer) -> None:
    """The call returns a StreamedFile with the name and type the headers give; read() is the whole body."""
    headers = (*OCTETS, ("Content-Disposition", 'attachment; filename="../../etc/model.bin"'))
    server.default = Answer(body=BODY, headers=headers)
    with sync_client(server.url) as http:
        file = call_operation(_Client(http), GET_FILE, {})
        assert isinstance(file, StreamedFile)
        assert (file.file_name, file.mime_type) == ("model.bin", "application/octet-stream")
        assert file.read() == BODY


def test_payload_reads_like_a_file(server: WireServer) -> None:
    """`payload` is a readable binary file: read(n) in pieces, then b"" at the end."""
    server.default = Answer(body=BODY, headers=OCTETS)
    with sync_client(server.url) as http, call_operation(_Client(http), GET_FILE, {}) as file:
        pieces = iter(lambda: file.payload.read(1000), b"")
        assert b"".join(pieces) == BODY


def test_large_body_streams_in_bounded_memory(server: WireServer) -> None:
    """16 MiB iterate through with the Python heap's peak (tracemalloc) under 1 MiB: nothing holds the body."""
    server.default = Answer(body=BIG, headers=OCTETS)
    with sync_client(server.url) as http:
        tracemalloc.start()
        try:
            file = call_operation(_Client(http), GET_FILE, {})
            total = sum(len(chunk) for chunk in file.iter_bytes())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert total == len(BIG)
    assert peak < 1 << 20, f"peak {peak} bytes while streaming {len(BIG)}"


def test_save_writes_the_file_atomically(server: WireServer, tmp_path: Path) -> None:
    """save() puts the whole body at the path and leaves no partial file beside it."""
    server.default = Answer(body=BODY, headers=OCTETS)
    with sync_client(server.url) as http:
        saved = call_operation(_Client(http), GET_FILE, {}).save(tmp_path / "model.bin")
    assert saved == tmp_path / "model.bin"
    assert saved.read_bytes() == BODY
    assert _leftovers(tmp_path) == ["model.bin"]


def test_cut_body_raises_incomplete_and_save_leaves_no_file(server: WireServer, tmp_path: Path) -> None:
    """A body cut off mid-way raises IncompleteResponseError from save(); neither the target nor a partial
    file is left."""
    server.default = Answer(body=BODY, headers=OCTETS, cut_after=len(BODY) // 2)
    with sync_client(server.url) as http:
        file = call_operation(_Client(http), GET_FILE, {})
        with pytest.raises(IncompleteResponseError, match="body broke off"):
            file.save(tmp_path / "model.bin")
    assert _leftovers(tmp_path) == []


def test_declared_size_over_the_limit_raises_at_the_call(server: WireServer) -> None:
    """A Content-Length over max_response_bytes raises from the call itself, before any byte is read."""
    server.default = Answer(body=BODY, headers=OCTETS)
    with sync_client(server.url, max_response_bytes=1000) as http, pytest.raises(ResponseTooLargeError) as caught:
        call_operation(_Client(http), GET_FILE, {})
    assert caught.value.limit_bytes == 1000


def test_undeclared_body_over_the_limit_raises_while_saving(server: WireServer, tmp_path: Path) -> None:
    """A body without Content-Length raises ResponseTooLargeError once past the limit; save() leaves nothing."""
    server.default = Answer(body=BODY, headers=OCTETS, close_delimited=True)
    with sync_client(server.url, max_response_bytes=1000) as http:
        file = call_operation(_Client(http), GET_FILE, {})
        with pytest.raises(ResponseTooLargeError):
            file.save(tmp_path / "model.bin")
    assert _leftovers(tmp_path) == []


def test_decompressed_size_is_held_to_the_limit(server: WireServer) -> None:
    """A gzip body under the limit whose expansion is over it raises ResponseTooLargeError as it decodes."""
    bomb = gzip.compress(b"\0" * (4 << 20))
    server.default = Answer(body=bomb, headers=(*OCTETS, ("Content-Encoding", "gzip")))
    with sync_client(server.url, max_response_bytes=1 << 20) as http:
        file = call_operation(_Client(http), GET_FILE, {})
        with pytest.raises(ResponseTooLargeError, match="once decompressed"):
            file.read()


def test_deadline_keeps_running_while_the_body_is_read(server: WireServer) -> None:
    """The call's deadline holds for the streamed body: a chunk after it raises RequestTimeout naming it."""
    clock = FakeClock()
    server.default = Answer(body=BIG, headers=OCTETS)
    with sync_client(server.url, clock=clock, deadline_s=10.0) as http:
        chunks = call_operation(_Client(http), GET_FILE, {}).iter_bytes()
        next(chunks)
        clock.advance(11.0)
        with pytest.raises(RequestTimeout) as caught:
            for _ in chunks:
                pass
    assert caught.value.deadline_s == 10.0


def test_a_call_without_a_deadline_streams_past_the_clients(server: WireServer) -> None:
    """RequestOptions(deadline_s=None) lifts the deadline for one long transfer: the same wait reads on."""
    clock = FakeClock()
    server.default = Answer(body=BIG, headers=OCTETS)
    with sync_client(server.url, clock=clock, deadline_s=10.0) as http:
        options = RequestOptions(deadline_s=None)
        chunks = call_operation(_Client(http), GET_FILE, {"request_options": options}).iter_bytes()
        size = len(next(chunks))
        clock.advance(11.0)
        assert size + sum(len(chunk) for chunk in chunks) == len(BIG)


def test_error_status_is_read_and_raised(server: WireServer) -> None:
    """A 404 problem document to a file operation is read (not streamed) and raises NotFoundError."""
    problem = b'{"type": "about:blank", "title": "Not Found", "status": 404, "code": "no_file"}'
    server.default = Answer(status=404, body=problem, headers=(("Content-Type", "application/problem+json"),))
    with sync_client(server.url) as http, pytest.raises(NotFoundError) as caught:
        call_operation(_Client(http), GET_FILE, {})
    assert caught.value.status_code == 404


def test_raw_answer_keeps_the_file_unread(server: WireServer) -> None:
    """Raw access gives status and headers at once; its content is empty and parse() streams the body."""
    server.default = Answer(status=206, body=BODY[:100], headers=(*OCTETS, ("Content-Range", "bytes 0-99/16384")))
    with sync_client(server.url) as http:
        raw = call_operation(_Client(http), GET_FILE, {}, raw=True)
        assert isinstance(raw, RawResponse)
        assert (raw.status_code, raw.headers["Content-Range"], raw.content) == (206, "bytes 0-99/16384", b"")
        assert raw.parse().read() == BODY[:100]


def test_closed_file_frees_its_connection(server: WireServer) -> None:
    """close() without reading hands the connection back: a pool of one serves the next call."""
    server.default = Answer(body=BIG, headers=OCTETS)
    with sync_client(server.url, pool=PoolLimits(max_connections=1)) as http:
        with call_operation(_Client(http), GET_FILE, {}) as file:
            file.payload.read(10)
        server.default = Answer(body=BODY, headers=OCTETS)
        assert call_operation(_Client(http), GET_FILE, {}).read() == BODY
        with pytest.raises(ValueError, match="closed"):
            file.payload.read(10)


def test_async_methods_of_a_sync_file_say_which_to_use(server: WireServer) -> None:
    """A sync file refuses aread() with a TypeError naming the sync methods."""
    server.default = Answer(body=BODY, headers=OCTETS)
    with (
        sync_client(server.url) as http,
        call_operation(_Client(http), GET_FILE, {}) as file,
        pytest.raises(TypeError, match=r"use read\(\)"),
    ):
        asyncio.run(file.aread())


# --- async ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ASYNC_BACKENDS)
def test_async_file_reads_and_saves(server: WireServer, backend: str, tmp_path: Path) -> None:
    """aread(), aiter_bytes() and asave() give the body; sync read() says to use aread()."""
    server.default = Answer(body=BODY, headers=OCTETS)

    async def use(client: _Client) -> None:
        first = await acall_operation(client, GET_FILE, {})
        assert isinstance(first, StreamedFile)
        with pytest.raises(TypeError, match=r"use aread\(\)"):
            first.read()
        assert await first.aread() == BODY
        async with await acall_operation(client, GET_FILE, {}) as second:
            assert b"".join([chunk async for chunk in second.aiter_bytes()]) == BODY
        third = await acall_operation(client, GET_FILE, {})
        assert await third.payload.aread(10) == BODY[:10]
        assert await third.asave(tmp_path / "model.bin") == tmp_path / "model.bin"

    run_async(server.url, backend, use)
    assert (tmp_path / "model.bin").read_bytes() == BODY[10:]  # the rest: the first ten were read already
    assert _leftovers(tmp_path) == ["model.bin"]


@pytest.mark.parametrize("backend", ASYNC_BACKENDS)
def test_async_large_body_streams_in_bounded_memory(server: WireServer, backend: str) -> None:
    """The async twin of the 16 MiB test: the heap's peak stays under 1 MiB."""
    server.default = Answer(body=BIG, headers=OCTETS)

    async def use(client: _Client) -> tuple[int, int]:
        tracemalloc.start()
        try:
            file = await acall_operation(client, GET_FILE, {})
            total = 0
            async for chunk in file.aiter_bytes():
                total += len(chunk)
            return total, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    total, peak = run_async(server.url, backend, use)
    assert total == len(BIG)
    assert peak < 1 << 20, f"peak {peak} bytes while streaming {len(BIG)}"


@pytest.mark.parametrize("backend", ASYNC_BACKENDS)
def test_async_cut_body_leaves_no_file(server: WireServer, backend: str, tmp_path: Path) -> None:
    """asave() of a cut body raises IncompleteResponseError and leaves nothing in the directory."""
    server.default = Answer(body=BODY, headers=OCTETS, cut_after=1000)

    async def use(client: _Client) -> None:
        file = await acall_operation(client, GET_FILE, {})
        with pytest.raises(IncompleteResponseError):
            await file.asave(tmp_path / "model.bin")

    run_async(server.url, backend, use)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("backend", ASYNC_BACKENDS)
def test_async_body_over_the_limit_raises(server: WireServer, backend: str) -> None:
    """A close-delimited body past max_response_bytes raises ResponseTooLargeError from aread()."""
    server.default = Answer(body=BODY, headers=OCTETS, close_delimited=True)

    async def use(client: _Client) -> None:
        file = await acall_operation(client, GET_FILE, {})
        with pytest.raises(ResponseTooLargeError):
            await file.aread()

    run_async(server.url, backend, use, max_response_bytes=1000)


@pytest.mark.parametrize("backend", ASYNC_BACKENDS)
def test_async_deadline_keeps_running(server: WireServer, backend: str) -> None:
    """The async twin of the deadline test, on an injected clock."""
    clock = FakeClock()
    server.default = Answer(body=BIG, headers=OCTETS)

    async def use(client: _Client) -> None:
        file = await acall_operation(client, GET_FILE, {})
        chunks = file.aiter_bytes()
        await anext(chunks)
        clock.advance(11.0)
        with pytest.raises(RequestTimeout):
            async for _ in chunks:
                pass
        await file.aclose()

    run_async(server.url, backend, use, clock=clock, deadline_s=10.0)

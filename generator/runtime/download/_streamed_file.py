"""What a binary answer can do with its open body: `StreamedBody`, the behaviour of the generated `StreamedFile`.

An operation that answers with a file (``application/octet-stream``, and the media types read as it) returns
a `StreamedFile`: the generated `types.File` (``payload``, ``file_name``, ``mime_type``) whose payload
streams from the still-open response, so a file of any size passes in constant memory. The generated
class is ``class StreamedFile(StreamedBody, File)``: the behaviour is here, tested once for every SDK.

Rules:

- One read: the body is read once, by whichever method comes first (``read()``, ``iter_bytes()``,
  ``save()``, or ``payload`` as a file); each hands on what the others have not.
- Sync files come from the sync client (``read()``, ``iter_bytes()``, ``save()``, ``close()``, ``with``);
  async ones from the async client (``aread()``, ``aiter_bytes()``, ``asave()``, ``aclose()``,
  ``async with``). A method of the other kind raises `TypeError` saying which to use.
- The client's limits hold while reading (pipeline/_streamed_body.py, _response_stream.py):
  `max_response_bytes` (`ResponseTooLargeError`), the call's deadline (`RequestTimeout`), and a body cut
  off mid-way raises `IncompleteResponseError`.
- ``save(path)`` is atomic: the body goes to a unique partial file beside `path` (`PartFile`), which is
  fsynced and moved onto `path` by one `os.replace` once the whole body is in. On any failure the partial
  file is deleted and `path` is untouched: never a half-written file.
- Close what you do not read: ``with``/``async with``, or ``close()``/``aclose()``, returns the connection
  to the pool. Reading to the end (and ``save``) closes it too.
"""

from __future__ import annotations

import email.message
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from ..core import httpx
from ._download_part import PartFile
from ._response_stream import AsyncResponseStream, ResponseStream

__all__ = ["StreamedBody"]

_Self = TypeVar("_Self", bound="StreamedBody")


def _file_name(headers: httpx.Headers) -> str | None:
    """The name ``Content-Disposition`` suggests, without any directory part (a server must not pick paths)."""
    disposition = headers.get("content-disposition")
    if not disposition:
        return None
    message = email.message.Message()
    message["content-disposition"] = disposition
    name = message.get_filename()
    if not name:
        return None
    return os.path.basename(name.replace("\\", "/")) or None


class StreamedBody:
    """The methods of a streamed binary answer (see the module docstring); mixed into the generated `File`."""

    __slots__ = ()

    payload: Any  # a `File` field: the ResponseStream (sync) or AsyncResponseStream (async) here

    @classmethod
    def open(cls: type[_Self], response: httpx.Response, *, asynchronous: bool) -> _Self:
        """The file over `response`'s unread body (a response sent with ``stream=True``)."""
        payload = AsyncResponseStream(response) if asynchronous else ResponseStream(response)
        return cls(  # type: ignore[call-arg]  # File's attrs constructor
            payload=payload, file_name=_file_name(response.headers), mime_type=response.headers.get("content-type")
        )

    # --- sync -----------------------------------------------------------------------------------------

    def _sync(self) -> ResponseStream:
        if not isinstance(self.payload, ResponseStream):
            raise TypeError("this file came from the async client: use aread(), aiter_bytes(), asave(), aclose()")
        return self.payload

    def read(self) -> bytes:
        """The rest of the body, in memory (up to `max_response_bytes`); the response is then closed."""
        stream = self._sync()
        try:
            return b"".join(stream.iter_bytes())
        finally:
            stream.close()

    def iter_bytes(self) -> Iterator[bytes]:
        """The body chunk by chunk, as it arrives; the response is closed when it ends or fails."""
        return self._sync().iter_bytes()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the body to `path` atomically (see the module docstring) and return `path`.

        Raises:
            OSError: `path`'s directory does not exist or is not writable.
            ResponseTooLargeError, RequestTimeout, IncompleteResponseError: as for any read; `path` untouched.
        """
        stream = self._sync()
        target = Path(path)
        part = PartFile(target)
        try:
            for chunk in stream.iter_bytes():
                part.write(chunk)
            part.commit()
        finally:
            part.discard()  # a no-op once committed
            stream.close()
        return target

    def close(self) -> None:
        """Close the response without reading the rest (idempotent)."""
        self._sync().close()

    def __enter__(self: _Self) -> _Self:
        self._sync()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- async ----------------------------------------------------------------------------------------

    def _async(self) -> AsyncResponseStream:
        if not isinstance(self.payload, AsyncResponseStream):
            raise TypeError("this file came from the sync client: use read(), iter_bytes(), save(), close()")
        return self.payload

    async def aread(self) -> bytes:
        """The async form of `read`."""
        stream = self._async()
        try:
            return await stream.aread()
        finally:
            await stream.aclose()

    def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The async form of `iter_bytes`."""
        return self._async().aiter_bytes()

    async def asave(self, path: str | os.PathLike[str]) -> Path:
        """The async form of `save`. The file writes are plain writes of one chunk each, as `adownload` does."""
        stream = self._async()
        target = Path(path)
        part = PartFile(target)
        try:
            async for chunk in stream.aiter_bytes():
                part.write(chunk)
            part.commit()
        finally:
            part.discard()
            await stream.aclose()
        return target

    async def aclose(self) -> None:
        """The async form of `close`."""
        await self._async().aclose()

    async def __aenter__(self: _Self) -> _Self:
        self._async()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

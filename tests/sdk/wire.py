"""Wire recorders: innermost transports that note each request as it actually left, then send it on.

They sit below the cache, the logging and the hooks, so they see what those add (``If-None-Match``
from the cache) and what goes through the token client (the login call), which no hook sees.
"""

from __future__ import annotations

import attrs
import httpx


@attrs.frozen
class Sent:
    """One request as it left for the server: a snapshot, since retries re-send (and re-head) one object."""

    method: str
    path: str
    headers: httpx.Headers
    content: bytes | None
    """The body when it was in memory (JSON); None for a stream (multipart) or no body."""

    @classmethod
    def of(cls, request: httpx.Request) -> Sent:
        content = b"".join(request.stream) if isinstance(request.stream, httpx.ByteStream) else None
        return cls(method=request.method, path=request.url.path, headers=request.headers.copy(), content=content)


class WireRecorder(httpx.BaseTransport):
    """The innermost transport: records each request as sent, then talks to the real server."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[Sent] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(Sent.of(request))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncWireRecorder(httpx.AsyncBaseTransport):
    """The async twin of `WireRecorder`."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[Sent] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(Sent.of(request))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

"""Innermost test transports for the CloudConnexa tests: record what goes to Prism, and script its answers.

They sit where a generated client's ``transport=`` goes (below retries, breaker and logging), and the
token client uses the same transport, so token requests are counted too. ``Prefer: code=NNN`` asks Prism
for a documented status; `ask_first` does so for the first N API requests only (never the token call).
"""

from __future__ import annotations

import threading

import httpx

TOKEN_PATH = "/api/v1/oauth/token"


class _Script:
    """Shared bookkeeping: paths sent, and the statuses still to ask Prism for."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.authorization: list[str | None] = []
        self.token_forms: list[bytes] = []
        self._ask: list[int] = []
        self._lock = threading.Lock()

    def ask_first(self, status: int, times: int) -> None:
        """Make the next `times` API requests ask Prism for `status`."""
        with self._lock:
            self._ask.extend([status] * times)

    def note(self, request: httpx.Request) -> None:
        with self._lock:
            self.paths.append(request.url.path)
            if request.url.path == TOKEN_PATH:
                self.token_forms.append(request.read())
                return
            self.authorization.append(request.headers.get("Authorization"))
            if self._ask:
                request.headers["Prefer"] = f"code={self._ask.pop(0)}"
                request.extensions["test.asked"] = True
            elif request.extensions.pop("test.asked", False):
                del request.headers["Prefer"]  # a retry re-sends the same request object

    @property
    def token_requests(self) -> int:
        return self.paths.count(TOKEN_PATH)

    @property
    def api_requests(self) -> int:
        return len(self.paths) - self.token_requests


class Wire(_Script, httpx.BaseTransport):
    """Sync: records each request, applies the script, and sends it to the real server."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.note(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncWire(_Script, httpx.AsyncBaseTransport):
    """Async twin of `Wire`."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.note(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

"""`LeanClient` / `AsyncLeanClient`: the SDK's httpx clients, with a short path for plain requests.

They are `httpx.Client` / `httpx.AsyncClient` (same constructor, same API, the same transport stack
underneath), but `request()` skips the parts of httpx's per-request work that a generated SDK never
needs, when it does not need them: merging the base URL by parsing it twice, copying default headers
twice, and offering every response to the cookie jar (httpx builds a `urllib.request.Request` and an
`email.message.Message` per response for that). Measured on loopback: httpx's client work is more than
the whole request costs in aiohttp, so this is where an httpx-based SDK loses under concurrency.

The short path is taken only when the outcome is the same as httpx's own: a relative URL string, no
per-call cookies, auth or redirect choice, no client-level query params, event hooks or redirect
following, an empty cookie jar, no credentials in the base URL, and a client built with ``transport=``
and without ``mounts=`` or ``proxy=`` (then httpx sends every request through that transport; the
client remembers it from its own constructor arguments). It still builds a real `httpx.Request`, runs
the client's `auth` flow (token refresh works unchanged), sends through the client's transport stack
(retries, hooks, breaker, logging), reads the body, sets ``response.request``, ``elapsed`` and, for a
redirect, ``next_request`` (built by httpx's own public `send`, see `_redirect_offer`); a ``Set-Cookie``
answer is handed to the cookie jar, after which the jar is no longer empty and every later request takes
httpx's full path. Anything else (`send`, `stream`, `build_request`, users' own calls with cookies or
auth) is httpx's code, unchanged. Only the library's public API is used (`_http.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any

from ..core import httpx
from ..core._http import LIBRARY
from ..core._received_headers import received_headers
from ..core._whole_body import WholeBody
from ._lean_auth import LeanAuth, lean_auth
from ._lean_cookies import WatchedJar
from ._lean_exchange import HostHeaders, WatchedHeaders, bodyless_request

__all__ = ["AsyncLeanClient", "LeanClient"]

_DEFAULT = httpx.USE_CLIENT_DEFAULT
_httpx_logger = logging.getLogger(LIBRARY)  # the library logs each request here at INFO; so do we
_BODY_ARGUMENTS = ("content", "data", "files", "json", "params")  # passed to httpx.Request only when given
_OPTIONS: dict[str, Any] = dict.fromkeys(("content", "data", "files", "json", "params", "headers", "cookies"))
_OPTIONS |= {"auth": _DEFAULT, "follow_redirects": _DEFAULT, "timeout": _DEFAULT, "extensions": None}
"""`request()`'s keyword arguments and their defaults (`request_unread` takes them as ``**given``)."""
_IN_MEMORY = (httpx.ByteStream, WholeBody)  # streams httpx's sync read takes whole, in an async client too


class _Plan:
    """What every short-path request of one client shares; rebuilt when the client's settings change."""

    __slots__ = ("base", "base_url", "host_headers", "lazy_base", "timeout", "timeout_dict")

    def __init__(self, base_url: httpx.URL, timeout: httpx.Timeout) -> None:
        self.base_url, self.timeout = base_url, timeout
        self.base = str(base_url).rstrip("/")  # httpx keeps a trailing slash; relative URLs start with one
        plain = not base_url.query and base_url.fragment == ""
        self.lazy_base = base_url if plain else None  # requests to it may parse their URL late (`LazyURLRequest`)
        self.host_headers = HostHeaders(base_url.netloc)
        self.timeout_dict = timeout.as_dict()


def _plan(client: httpx.Client | httpx.AsyncClient, cached: _Plan | None) -> _Plan | None:
    """The shared pieces, or None when this client's settings rule the short path out."""
    if client.params or client.follow_redirects:  # settable at any time: checked on every request
        return None
    base_url, timeout = client.base_url, client.timeout
    if cached is not None and cached.base_url is base_url and cached.timeout is timeout:
        return cached
    if base_url.userinfo or not base_url.is_absolute_url:
        return None
    return _Plan(base_url, timeout)


def _short_path(
    client: LeanClient | AsyncLeanClient, method: str, url: httpx.URL | str, options: dict[str, Any]
) -> httpx.Request | None:
    """The `httpx.Request` that `client.build_request` would build, or None when httpx's path must run."""
    hooks, jar = client.event_hooks, client.cookies.jar
    if not (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and options["cookies"] is None
        and options["auth"] is _DEFAULT
        and options["follow_redirects"] is _DEFAULT
        and not hooks["request"]
        and not hooks["response"]
        and ((type(jar) is WatchedJar and not jar.touched) or not jar)  # empty: no count if it never held one
        and not client.is_closed
        and client.sole_transport is not None
    ):
        return None
    plan = client._lean_plan = _plan(client, client._lean_plan)
    if plan is None:
        return None
    timeout, extensions = options["timeout"], options["extensions"]
    timeouts = plan.timeout_dict if timeout is _DEFAULT else httpx.Timeout(timeout).as_dict()
    extensions = {**extensions, "timeout": timeouts} if extensions else {"timeout": timeouts}
    extra = options["headers"]
    if options["content"] is None and options["data"] is None and options["files"] is None and options["json"] is None:
        request = _bodyless(plan, client.headers, method, url, extra, options["params"], extensions)
        if request is not None:
            return request
    body = {name: options[name] for name in _BODY_ARGUMENTS if options[name] is not None}
    target = plan.base + url
    headers = client.headers  # httpx.Request copies it
    if extra is not None:
        headers = headers.copy()
        headers.update(extra)
    return httpx.Request(method, target, headers=headers, extensions=extensions, **body)


def _bodyless(
    plan: _Plan,
    defaults: httpx.Headers,
    method: str,
    path: str,
    extra: Any,
    params: Any,
    extensions: dict[str, Any],
) -> httpx.Request | None:
    """A request to the base URL plus `path` without a body, its headers ready with ``Host``
    (`_lean_exchange.py`), or None."""
    headers = plan.host_headers.for_defaults(defaults)
    if headers is None:
        return None
    if extra is not None:
        merged = plan.host_headers.with_extra(headers, extra)
        if merged is None:  # the caller set Host: httpx keeps it where the caller put it
            return None
        headers = merged
    return bodyless_request(method, plan.base + path, headers, params, extensions, base=plan.lazy_base, path=path)


class _Answer(httpx.BaseTransport):
    """A transport that hands back one prepared response and never reads the request (it was sent already)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.response


def _redirect_offer(cookies: httpx.Cookies, request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The next request httpx offers for a redirect answer, from httpx's own public `send`.

    A throwaway client with the same cookies is given a stand-in answer (status, headers and HTTP version;
    no body) and does not follow it, so its `send` sets ``next_request`` exactly as the full path would.
    That `send` also logs the request line, so `_received` does not. Redirect answers are rare for an SDK.
    """
    stand_in = httpx.Response(response.status_code, headers=response.headers, extensions=response.extensions)
    with httpx.Client(cookies=cookies, transport=_Answer(stand_in), trust_env=False) as replay:
        return replay.send(request).next_request


def _received(client: httpx.Client | httpx.AsyncClient, request: httpx.Request, response: httpx.Response) -> bool:
    """What httpx records on every response it hands out; True when the body is sent as is (no
    ``Content-Encoding``: what httpx's read would decode is the bytes that came)."""
    headers = received_headers(response)  # names lowered once per response, shared with the layers below
    encoded = b"content-encoding" in headers
    response.request = request
    if b"set-cookie" in headers:
        client.cookies.extract_cookies(response)
    if response.has_redirect_location:  # rare: httpx offers the next request even when not following
        response.next_request = _redirect_offer(client.cookies, request, response)
        return not encoded
    if _httpx_logger.isEnabledFor(logging.INFO):
        _httpx_logger.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            request.url,
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )
    return not encoded


_BASE_HEADERS: property = httpx.Client.headers  # type: ignore[assignment]  # the class attribute is the property
_set_base_headers: Callable[[Any, Any], None] = _BASE_HEADERS.fset  # type: ignore[assignment]  # both are defined
_get_base_headers: Callable[[Any], httpx.Headers] = _BASE_HEADERS.fget  # type: ignore[assignment]
"""httpx's ``headers`` property (its base client's, the async client's too): its setter adds httpx's defaults."""


def _watched_headers() -> Any:
    """The ``headers`` property of the lean clients: httpx's, kept as `WatchedHeaders` (`HostHeaders`)."""

    def get(client: LeanClient | AsyncLeanClient) -> httpx.Headers:
        return client.watched_headers

    def set_(client: LeanClient | AsyncLeanClient, headers: Any) -> None:
        _set_base_headers(client, headers)  # httpx's defaults, then the given ones over them
        client.watched_headers = WatchedHeaders(_get_base_headers(client))

    return property(get, set_, doc=_BASE_HEADERS.__doc__)


def _unread_body(response: httpx.Response, plain: bool) -> bytes | None:
    """The body of a response whose bytes are all in memory and need no decoding, without httpx's read
    (its byte iterators, decoder and chunker cost more than the rest of a small answer's handling); None
    when httpx must read it."""
    stream = response.stream
    if not plain:
        return None
    if type(stream) is WholeBody:  # the async httptools transport's: its bytes without a generator
        return stream.content
    if type(stream) is httpx.ByteStream:
        return b"".join(stream)  # an httpx.ByteStream yields its one bytes object, as often as it is iterated
    return None


class LeanClient(httpx.Client):
    """`httpx.Client` with the short path for `request()` described in the module docstring."""

    _lean_plan: _Plan | None = None
    watched_headers: WatchedHeaders
    headers = _watched_headers()

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        mounts: Mapping[str, httpx.BaseTransport | None] | None = None,
        proxy: Any = None,
        **options: Any,
    ) -> None:
        if options.get("cookies") is None:  # a jar that can tell it is empty without counting (`WatchedJar`)
            options["cookies"] = WatchedJar()
        super().__init__(transport=transport, mounts=mounts, proxy=proxy, **options)
        self.sole_transport = transport if mounts is None and proxy is None else None
        """The transport every request goes through, or None when httpx may choose one per URL."""

    def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        auth: Any = _DEFAULT,
        follow_redirects: Any = _DEFAULT,
        timeout: Any = _DEFAULT,
        extensions: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        options = {
            "content": content,
            "data": data,
            "files": files,
            "json": json,
            "params": params,
            "headers": headers,
            "cookies": cookies,
            "auth": auth,
            "follow_redirects": follow_redirects,
            "timeout": timeout,
            "extensions": extensions,
        }
        request, transport = _short_path(self, method, url, options), self.sole_transport
        if request is None or transport is None:
            return super().request(method, url, **options)
        return self._send_lean(request, transport, unread=False)[0]

    def request_unread(self, method: str, url: httpx.URL | str, **given: Any) -> tuple[httpx.Response, bytes | None]:
        """`request` (same keyword arguments) for a caller that reads the body itself: the response and, when
        the short path left it unread by httpx (`_unread_body`), its body; else the body is None and httpx
        read it. The caller must `read()` such a response before anyone else may see it."""
        options = {**_OPTIONS, **given}
        request, transport = _short_path(self, method, url, options), self.sole_transport
        if request is None or transport is None:
            return super().request(method, url, **options), None
        return self._send_lean(request, transport, unread=True)

    def _send_lean(
        self, request: httpx.Request, transport: httpx.BaseTransport, *, unread: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """httpx's `send` for one request: the auth flow around single sends, each body read (elapsed until
        then), or the last one left unread when `unread` allows (`request_unread`)."""
        auth = self.auth
        lean = lean_auth(auth, is_async=False)
        if lean is not None or auth is None:
            return self._send_plain(request, transport, lean, unread=unread)
        flow = auth.sync_auth_flow(request)
        try:
            request = next(flow)
            while True:
                start = time.perf_counter()
                try:
                    response = transport.handle_request(request)
                except httpx.RequestError as exc:
                    exc.request = request  # as httpx does: errors name the request that failed
                    raise
                try:
                    plain = _received(self, request, response)
                    try:
                        next_request = flow.send(response)
                    except StopIteration:
                        next_request = None
                    body = _unread_body(response, plain) if unread and next_request is None else None
                    if body is None:
                        response.read()
                    response.elapsed = timedelta(seconds=time.perf_counter() - start)
                    if next_request is None:
                        return response, body
                    request = next_request
                except BaseException:
                    response.close()
                    raise
        finally:
            flow.close()

    def _send_plain(
        self, request: httpx.Request, transport: httpx.BaseTransport, auth: LeanAuth | None, *, unread: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """`_send_lean` for no auth or a `LeanAuth`: its flow as plain calls, no generator (`_lean_auth.py`).

        The send-and-read steps repeat `_send_lean`'s on purpose: this loop is nearly every request's path,
        and a helper shared with the generator loop would be one more call per attempt."""
        ticket = None
        if auth is not None:
            ticket = auth.authorize_now(request)
            if ticket is None:
                ticket = auth.authorize(request)
        while True:
            start = time.perf_counter()
            try:
                response = transport.handle_request(request)
            except httpx.RequestError as exc:
                exc.request = request  # as httpx does: errors name the request that failed
                raise
            try:
                plain = _received(self, request, response)
                again = auth is not None and ticket is not None and auth.replay(request, response, ticket)
                ticket = None  # one replay at most: the flow ends after the second send
                body = _unread_body(response, plain) if unread and not again else None
                if body is None:
                    response.read()
                response.elapsed = timedelta(seconds=time.perf_counter() - start)
                if not again:
                    return response, body
            except BaseException:
                response.close()
                raise


class AsyncLeanClient(httpx.AsyncClient):
    """`httpx.AsyncClient` with the short path for `request()` described in the module docstring."""

    _lean_plan: _Plan | None = None
    watched_headers: WatchedHeaders
    headers = _watched_headers()

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        mounts: Mapping[str, httpx.AsyncBaseTransport | None] | None = None,
        proxy: Any = None,
        **options: Any,
    ) -> None:
        if options.get("cookies") is None:  # a jar that can tell it is empty without counting (`WatchedJar`)
            options["cookies"] = WatchedJar()
        super().__init__(transport=transport, mounts=mounts, proxy=proxy, **options)
        self.sole_transport = transport if mounts is None and proxy is None else None
        """The transport every request goes through, or None when httpx may choose one per URL."""

    async def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        auth: Any = _DEFAULT,
        follow_redirects: Any = _DEFAULT,
        timeout: Any = _DEFAULT,
        extensions: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        options = {
            "content": content,
            "data": data,
            "files": files,
            "json": json,
            "params": params,
            "headers": headers,
            "cookies": cookies,
            "auth": auth,
            "follow_redirects": follow_redirects,
            "timeout": timeout,
            "extensions": extensions,
        }
        request, transport = _short_path(self, method, url, options), self.sole_transport
        if request is None or transport is None:
            return await super().request(method, url, **options)
        return (await self._send_lean(request, transport, unread=False))[0]

    def request_unread(
        self, method: str, url: httpx.URL | str, **given: Any
    ) -> Coroutine[Any, Any, tuple[httpx.Response, bytes | None]]:
        """The async twin of `LeanClient.request_unread` (the coroutine of the path taken: it is not one itself,
        so the short path costs no coroutine of its own; a bad argument raises here, before any await)."""
        options = {**_OPTIONS, **given}
        request, transport = _short_path(self, method, url, options), self.sole_transport
        if request is None or transport is None:
            return self._request_read(method, url, options)
        return self._send_lean(request, transport, unread=True)

    async def _request_read(
        self, method: str, url: httpx.URL | str, options: dict[str, Any]
    ) -> tuple[httpx.Response, bytes | None]:
        """httpx's own `request` (it reads the body): no unread body."""
        return await super().request(method, url, **options), None

    def _send_lean(
        self, request: httpx.Request, transport: httpx.AsyncBaseTransport, *, unread: bool
    ) -> Coroutine[Any, Any, tuple[httpx.Response, bytes | None]]:
        """The async twin of `LeanClient._send_lean` (the coroutine of one of its two paths: not a coroutine
        itself, so the call costs no coroutine more than the path it takes)."""
        auth = self.auth
        lean = lean_auth(auth, is_async=True)
        if lean is not None or auth is None:
            return self._send_plain(request, transport, lean, unread=unread)
        return self._send_flow(request, transport, auth, unread=unread)

    async def _send_flow(
        self, request: httpx.Request, transport: httpx.AsyncBaseTransport, auth: httpx.Auth, *, unread: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """`_send_lean` through the auth's async flow, as httpx runs it."""
        flow = auth.async_auth_flow(request)
        try:
            request = await flow.__anext__()
            while True:
                start = time.perf_counter()
                try:
                    response = await transport.handle_async_request(request)
                except httpx.RequestError as exc:
                    exc.request = request  # as httpx does: errors name the request that failed
                    raise
                try:
                    plain = _received(self, request, response)
                    try:
                        next_request = await flow.asend(response)
                    except StopAsyncIteration:
                        next_request = None
                    body = _unread_body(response, plain) if unread and next_request is None else None
                    if body is not None:
                        pass
                    elif type(response.stream) in _IN_MEMORY:
                        response.read()  # in memory: httpx's sync read, without its async generators
                    else:
                        await response.aread()
                    response.elapsed = timedelta(seconds=time.perf_counter() - start)
                    if next_request is None:
                        return response, body
                    request = next_request
                except BaseException:
                    await response.aclose()
                    raise
        finally:
            await flow.aclose()

    async def _send_plain(
        self, request: httpx.Request, transport: httpx.AsyncBaseTransport, auth: LeanAuth | None, *, unread: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """The async twin of `LeanClient._send_plain`."""
        ticket = None
        if auth is not None:
            ticket = auth.authorize_now(request)
            if ticket is None:
                ticket = await auth.aauthorize(request)
        while True:
            start = time.perf_counter()
            try:
                response = await transport.handle_async_request(request)
            except httpx.RequestError as exc:
                exc.request = request  # as httpx does: errors name the request that failed
                raise
            try:
                plain = _received(self, request, response)
                again = (
                    auth is not None
                    and ticket is not None
                    and response.status_code == 401  # checked here too: no coroutine for the usual answer
                    and await auth.areplay(request, response, ticket)
                )
                ticket = None  # one replay at most: the flow ends after the second send
                body = _unread_body(response, plain) if unread and not again else None
                if body is not None:
                    pass
                elif type(response.stream) in _IN_MEMORY:
                    response.read()  # in memory: httpx's sync read, without its async generators
                else:
                    await response.aread()
                response.elapsed = timedelta(seconds=time.perf_counter() - start)
                if not again:
                    return response, body
            except BaseException:
                await response.aclose()
                raise

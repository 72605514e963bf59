"""`LeanClient` / `AsyncLeanClient` send what httpx would send and return what httpx would return.

Each case runs the same call through a plain `httpx.Client` and through the lean one, both on a
transport that records requests, and compares the requests on the wire and the responses.
Whether the short path was taken is seen by counting calls of httpx's own `send`, which only the full
path uses.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import sys
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from typing import Any

import httpx
import pytest
from runtime.core._http import LIBRARY
from runtime.pipeline._lean_auth import LeanAuth
from runtime.pipeline._lean_client import AsyncLeanClient, LeanClient

from mock.prism import free_port

BASE = "https://api.example.test/v1"


class Transport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Like `httpx.MockTransport`, but without reading the request first (so `Recorder` sees it as built)."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)


def _wire(request: httpx.Request) -> tuple[str, str, list[tuple[bytes, bytes]], bytes, dict[str, Any]]:
    return request.method, str(request.url), request.headers.raw, request.read(), dict(request.extensions)


class Recorder:
    """A transport handler: records each request and answers from `replies` (then 200 JSON)."""

    def __init__(self, *replies: httpx.Response) -> None:
        self.seen: list[httpx.Request] = []
        self.loaded: list[int | None] = []
        self.authorization: list[str | None] = []  # as sent: an auth flow may change the request afterwards
        self.replies = list(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        try:
            self.loaded.append(len(request.content))  # httpx loads an in-memory body when building the request
        except httpx.RequestNotRead:
            self.loaded.append(None)
        self.seen.append(request)
        self.authorization.append(request.headers.get("Authorization"))
        if self.replies:
            return self.replies.pop(0)
        return httpx.Response(200, json={"ok": True}, headers={"X-Request-Id": "r-1"})


@pytest.fixture
def full_sends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts httpx's own `send` (the full path), sync and async."""
    calls: list[str] = []
    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def counted_send(self: httpx.Client, *args: Any, **kwargs: Any) -> httpx.Response:
        calls.append("sync")
        return sync_send(self, *args, **kwargs)

    async def counted_asend(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> httpx.Response:
        calls.append("async")
        return await async_send(self, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", counted_send)
    monkeypatch.setattr(httpx.AsyncClient, "send", counted_asend)
    return calls


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("GET", {"url": "/items/5"}),
    ("GET", {"url": "/items", "params": {"limit": 10, "tag": ["a b", "ü"]}}),
    ("GET", {"url": "/items?fixed=1", "params": {"extra": "2"}}),
    ("POST", {"url": "/items", "json": {"name": "x", "n": [1, 2]}, "headers": {"Idempotency-Key": "k-1"}}),
    ("PUT", {"url": "/items/5", "content": b"raw", "headers": {"Content-Type": "application/octet-stream"}}),
    ("POST", {"url": "/form", "data": {"a": "1"}}),
    ("POST", {"url": "/upload", "files": {"file": ("a.txt", b"hello", "text/plain")}}),
    ("GET", {"url": "/slow", "timeout": 1.5, "extensions": {"sdk.operation": "get_slow"}}),
    ("GET", {"url": "/items/%2Fodd%20id"}),
    ("GET", {"url": "/items/5", "headers": {"X-Trace": "t", "Accept": "application/json", "user-agent": "me"}}),
    ("GET", {"url": "/items/5", "headers": {"Host": "other.example.test"}}),
    ("DELETE", {"url": "/items/5", "params": {"force": True}}),
    ("HEAD", {"url": "/items/5"}),
    ("OPTIONS", {"url": "/items"}),
    ("POST", {"url": "/items/5/touch"}),
]


def _normalised(wire: tuple[str, str, list[tuple[bytes, bytes]], bytes, dict[str, Any]]) -> Any:
    method, url, headers, body, extensions = wire
    boundary = dict(headers).get(b"Content-Type", b"").partition(b"boundary=")[2]
    if boundary:  # a multipart boundary is random per request
        headers = [(k, v.replace(boundary, b"B")) for k, v in headers]
        body = body.replace(boundary, b"B")
    return method, url, headers, body, extensions


@pytest.mark.parametrize(("method", "call"), CALLS, ids=[f"{m} {c['url']}" for m, c in CALLS])
def test_sync_short_path_sends_what_httpx_sends(method: str, call: dict[str, Any], full_sends: list[str]) -> None:
    options: dict[str, Any] = {"base_url": BASE, "headers": {"User-Agent": "sdk/1", "X-Default": "d"}, "timeout": 7.0}
    plain_seen, lean_seen = Recorder(), Recorder()
    with httpx.Client(transport=Transport(plain_seen), **options) as plain:
        expected = plain.request(method, **call)
    full_sends.clear()
    with LeanClient(transport=Transport(lean_seen), **options) as lean:
        got = lean.request(method, **call)
    assert lean_seen.loaded == plain_seen.loaded
    assert full_sends == []
    assert [_normalised(_wire(r)) for r in lean_seen.seen] == [_normalised(_wire(r)) for r in plain_seen.seen]
    assert (got.status_code, got.headers.raw, got.content) == (
        expected.status_code,
        expected.headers.raw,
        expected.content,
    )
    assert got.request is lean_seen.seen[0]
    assert got.elapsed.total_seconds() >= 0
    assert got.is_closed


@pytest.mark.parametrize(("method", "call"), CALLS, ids=[f"{m} {c['url']}" for m, c in CALLS])
async def test_async_short_path_sends_what_httpx_sends(
    method: str, call: dict[str, Any], full_sends: list[str]
) -> None:
    options: dict[str, Any] = {"base_url": BASE, "headers": {"User-Agent": "sdk/1"}, "timeout": 7.0}
    plain_seen, lean_seen = Recorder(), Recorder()
    async with httpx.AsyncClient(transport=Transport(plain_seen), **options) as plain:
        expected = await plain.request(method, **call)
    full_sends.clear()
    async with AsyncLeanClient(transport=Transport(lean_seen), **options) as lean:
        got = await lean.request(method, **call)
    assert full_sends == []
    assert [_normalised(_wire(r)) for r in lean_seen.seen] == [_normalised(_wire(r)) for r in plain_seen.seen]
    assert (got.status_code, got.headers.raw, got.content) == (
        expected.status_code,
        expected.headers.raw,
        expected.content,
    )
    assert got.request is lean_seen.seen[0]


class _RetryOn401(httpx.Auth):
    """Sends token "old"; on a 401, reads the body (like a refresh would) and sends once more with "new"."""

    requires_response_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer old"
        response = yield request
        if response.status_code == 401:
            assert response.json() == {"error": "expired"}
            request.headers["Authorization"] = "Bearer new"
            yield request


def test_auth_flow_runs_on_the_short_path(full_sends: list[str]) -> None:
    seen = Recorder(httpx.Response(401, json={"error": "expired"}))
    with LeanClient(base_url=BASE, auth=_RetryOn401(), transport=Transport(seen)) as lean:
        response = lean.get("/items/1")
    assert full_sends == []
    assert seen.authorization == ["Bearer old", "Bearer new"]
    assert response.status_code == 200


async def test_async_auth_flow_runs_on_the_short_path(full_sends: list[str]) -> None:
    seen = Recorder(httpx.Response(401, json={"error": "expired"}))
    async with AsyncLeanClient(base_url=BASE, auth=_RetryOn401(), transport=Transport(seen)) as lean:
        response = await lean.get("/items/1")
    assert full_sends == []
    assert seen.authorization == ["Bearer old", "Bearer new"]
    assert response.status_code == 200


class _Ticketed(LeanAuth):
    """A `LeanAuth` that records who ran it: the lean clients call its methods, httpx steps its flow."""

    def __init__(self) -> None:
        self.callers: list[str] = []

    def authorize_now(self, request: httpx.Request) -> int | None:
        self.callers.append(sys._getframe(1).f_code.co_name)
        return None  # a renewal is "due": authorize runs

    def authorize(self, request: httpx.Request) -> int:
        request.headers["Authorization"] = "Bearer old"
        return 1

    async def aauthorize(self, request: httpx.Request) -> int:
        return self.authorize(request)

    def replay(self, request: httpx.Request, response: httpx.Response, ticket: int) -> bool:
        if ticket != 1 or response.status_code != 401:
            return False
        request.headers["Authorization"] = "Bearer new"
        return True

    async def areplay(self, request: httpx.Request, response: httpx.Response, ticket: int) -> bool:
        return self.replay(request, response, ticket)


class _OwnFlow(_Ticketed):
    """Overrides both flows: the lean clients must then run them as httpx would."""

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Own-Flow"] = "1"
        yield from super().sync_auth_flow(request)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["X-Own-Flow"] = "1"
        flow = super().async_auth_flow(request)
        response = yield await flow.__anext__()
        with contextlib.suppress(StopAsyncIteration):
            yield await flow.asend(response)


def test_a_lean_auth_runs_as_plain_calls_with_its_flow_s_outcome(full_sends: list[str]) -> None:
    """`LeanAuth`'s flow, stepped by httpx, and its methods, called by the lean client, send the same."""
    auth, seen = _Ticketed(), Recorder(httpx.Response(401))
    with LeanClient(base_url=BASE, auth=auth, transport=Transport(seen)) as lean:
        assert lean.get("/items/1").status_code == 200
    assert seen.authorization == ["Bearer old", "Bearer new"] and full_sends == []
    flow_auth, flow_seen = _Ticketed(), Recorder(httpx.Response(401))
    with httpx.Client(base_url=BASE, auth=flow_auth, transport=Transport(flow_seen)) as client:
        assert client.get("/items/1").status_code == 200
    assert flow_seen.authorization == seen.authorization
    assert (auth.callers, flow_auth.callers) == (["_send_plain"], ["sync_auth_flow"])


async def test_async_lean_auth_runs_as_plain_calls(full_sends: list[str]) -> None:
    auth, seen = _Ticketed(), Recorder(httpx.Response(401))
    async with AsyncLeanClient(base_url=BASE, auth=auth, transport=Transport(seen)) as lean:
        assert (await lean.get("/items/1")).status_code == 200
    assert seen.authorization == ["Bearer old", "Bearer new"] and full_sends == []
    assert auth.callers == ["_send_plain"]


async def test_a_lean_auth_with_its_own_flow_has_that_flow_run() -> None:
    auth, seen = _OwnFlow(), Recorder(httpx.Response(401), httpx.Response(200), httpx.Response(401))
    with LeanClient(base_url=BASE, auth=auth, transport=Transport(seen)) as lean:
        assert lean.get("/items/1").status_code == 200
    async with AsyncLeanClient(base_url=BASE, auth=auth, transport=Transport(seen)) as alean:
        assert (await alean.get("/items/1")).status_code == 200
    assert [request.headers.get("X-Own-Flow") for request in seen.seen] == ["1"] * 4
    assert seen.authorization == ["Bearer old", "Bearer new"] * 2
    assert auth.callers == ["sync_auth_flow", "async_auth_flow"]


def _hook(_: object) -> None:
    return None


FALLBACKS: list[tuple[str, dict[str, Any], Callable[[httpx.Client], None], dict[str, Any]]] = [
    ("absolute URL", {}, lambda client: None, {"url": f"{BASE}/items"}),
    ("per-call auth", {}, lambda client: None, {"url": "/items", "auth": ("u", "p")}),
    ("per-call cookies", {}, lambda client: None, {"url": "/items", "cookies": {"c": "1"}}),
    ("per-call redirects", {}, lambda client: None, {"url": "/items", "follow_redirects": True}),
    ("client params", {"params": {"key": "v"}}, lambda client: None, {"url": "/items"}),
    ("follows redirects", {"follow_redirects": True}, lambda client: None, {"url": "/items"}),
    ("event hooks", {"event_hooks": {"request": [_hook]}}, lambda client: None, {"url": "/items"}),
    ("cookie in jar", {}, lambda client: client.cookies.set("c", "1", domain="api.example.test"), {"url": "/items"}),
    ("user info in base URL", {"base_url": "https://u:p@api.example.test/v1"}, lambda client: None, {"url": "/items"}),
    ("mounts", {"mounts": {"all://elsewhere.example.test": None}}, lambda client: None, {"url": "/items"}),
]


@pytest.mark.filterwarnings("ignore:Setting per-request cookies:DeprecationWarning")
@pytest.mark.parametrize(("case", "options", "prepare", "call"), FALLBACKS, ids=[f[0] for f in FALLBACKS])
def test_anything_else_takes_httpx_own_path(
    case: str,
    options: dict[str, Any],
    prepare: Callable[[httpx.Client], None],
    call: dict[str, Any],
    full_sends: list[str],
) -> None:
    plain_seen, lean_seen = Recorder(), Recorder()
    settings = {"base_url": BASE, **options}
    with httpx.Client(transport=Transport(plain_seen), **settings) as plain:
        prepare(plain)
        plain.request("GET", **call)
    full_sends.clear()
    with LeanClient(transport=Transport(lean_seen), **settings) as lean:
        prepare(lean)
        lean.request("GET", **call)
    assert full_sends == ["sync"]
    assert [_wire(r)[:4] for r in lean_seen.seen] == [_wire(r)[:4] for r in plain_seen.seen]


def test_a_set_cookie_answer_is_kept_and_sent_back(full_sends: list[str]) -> None:
    seen = Recorder(httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}))
    with LeanClient(base_url=BASE, transport=Transport(seen)) as lean:
        lean.get("/login")
        assert full_sends == []
        lean.get("/items")
    assert full_sends == ["sync"]  # the jar is no longer empty: httpx's path sends the cookie
    assert seen.seen[1].headers["Cookie"] == "session=abc"


def test_a_redirect_answer_offers_the_next_request_like_httpx() -> None:
    answers: Iterator[httpx.Response] = iter([httpx.Response(302, headers={"Location": "/v1/elsewhere"})] * 2)
    with httpx.Client(base_url=BASE, transport=Transport(lambda r: next(answers))) as plain:
        expected = plain.get("/items")
    with LeanClient(base_url=BASE, transport=Transport(lambda r: next(answers))) as lean:
        got = lean.get("/items")
    assert got.next_request is not None and expected.next_request is not None
    assert str(got.next_request.url) == str(expected.next_request.url) == f"{BASE}/elsewhere"


def test_a_redirect_answer_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    """httpx's own `send` builds the next request and logs the request line; the short path adds no second one."""
    answers: Iterator[httpx.Response] = iter([httpx.Response(302, headers={"Location": "/v1/elsewhere"})] * 2)
    with caplog.at_level(logging.INFO, logger=LIBRARY):
        with httpx.Client(base_url=BASE, transport=Transport(lambda r: next(answers))) as plain:
            plain.get("/items")
        expected = [record.getMessage() for record in caplog.records]
        caplog.clear()
        with LeanClient(base_url=BASE, transport=Transport(lambda r: next(answers))) as lean:
            lean.get("/items")
    assert [record.getMessage() for record in caplog.records] == expected
    assert len(expected) == 1


async def test_async_redirect_answer_offers_the_next_request_like_httpx() -> None:
    """The async client offers the same next request, with the cookies the answer set."""
    answer = httpx.Response(303, headers={"Location": "https://other.example.test/x", "Set-Cookie": "s=1; Path=/"})
    answers: Iterator[httpx.Response] = iter([answer, httpx.Response(303, headers=answer.headers)])
    async with httpx.AsyncClient(base_url=BASE, transport=Transport(lambda r: next(answers))) as plain:
        expected = await plain.post("/items", json={"a": 1})
    async with AsyncLeanClient(base_url=BASE, transport=Transport(lambda r: next(answers))) as lean:
        got = await lean.post("/items", json={"a": 1})
    assert got.next_request is not None and expected.next_request is not None
    assert _wire(got.next_request)[:4] == _wire(expected.next_request)[:4]


def test_a_client_without_its_own_transport_takes_httpx_own_path(full_sends: list[str]) -> None:
    """Without ``transport=`` httpx picks the transport (proxies from the environment included): its own path."""
    with LeanClient(base_url=f"http://127.0.0.1:{free_port()}") as lean:
        assert lean.sole_transport is None
        with pytest.raises(httpx.ConnectError):  # nobody listens there
            lean.get("/items")
    assert full_sends == ["sync"]


def test_changing_the_base_url_or_timeout_is_seen() -> None:
    seen = Recorder()
    with LeanClient(base_url=BASE, timeout=5.0, transport=Transport(seen)) as lean:
        lean.get("/a")
        lean.base_url = httpx.URL("https://other.example.test/v2")
        lean.timeout = httpx.Timeout(9.0)
        lean.get("/b")
    assert [str(r.url) for r in seen.seen] == [f"{BASE}/a", "https://other.example.test/v2/b"]
    assert seen.seen[1].extensions["timeout"] == httpx.Timeout(9.0).as_dict()


def test_a_closed_client_refuses_like_httpx() -> None:
    lean = LeanClient(base_url=BASE, transport=Transport(Recorder()))
    lean.close()
    with pytest.raises(RuntimeError, match="client has been closed"):
        lean.get("/items")


def test_transport_errors_propagate_and_the_auth_flow_is_closed() -> None:
    closed: list[bool] = []

    class Tracking(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            try:
                yield request
            finally:
                closed.append(True)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")  # transports raise without the request; the client adds it

    lean = LeanClient(base_url=BASE, auth=Tracking(), transport=Transport(refuse))
    with lean, pytest.raises(httpx.ConnectError) as caught:
        lean.get("/items")
    assert closed == [True]
    assert str(caught.value.request.url) == f"{BASE}/items"


async def test_async_transport_errors_name_the_request() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    lean = AsyncLeanClient(base_url=BASE, transport=Transport(refuse))
    async with lean:
        with pytest.raises(httpx.ConnectError) as caught:
            await lean.get("/items")
    assert str(caught.value.request.url) == f"{BASE}/items"


def _answers() -> list[httpx.Response]:
    compressed = gzip.compress(b'{"zipped": true}')
    return [
        httpx.Response(200, content=b'{"plain": 1}', headers={"Content-Type": "application/json"}),
        httpx.Response(200, content=compressed, headers={"Content-Encoding": "gzip"}),
        httpx.Response(200, stream=httpx.ByteStream(b"chunk")),
        httpx.Response(204),
        httpx.Response(200, text="caf\u00e9", headers={"Content-Type": "text/plain; charset=latin-1"}),
    ]


def _seen_as(response: httpx.Response) -> tuple[Any, ...]:
    return (
        response.status_code,
        response.headers.raw,
        response.content,
        response.text,
        response.num_bytes_downloaded,
        response.is_closed,
        response.is_stream_consumed,
    )


def test_responses_read_like_httpx_reads_them() -> None:
    with httpx.Client(base_url=BASE, transport=Transport(Recorder(*_answers()))) as plain:
        expected = [_seen_as(plain.get("/x")) for _ in range(5)]
    with LeanClient(base_url=BASE, transport=Transport(Recorder(*_answers()))) as lean:
        got = [_seen_as(lean.get("/x")) for _ in range(5)]
    assert got == expected
    assert got[1][2] == b'{"zipped": true}'


async def test_async_responses_read_like_httpx_reads_them() -> None:
    async with httpx.AsyncClient(base_url=BASE, transport=Transport(Recorder(*_answers()))) as plain:
        expected = [_seen_as(await plain.get("/x")) for _ in range(5)]
    async with AsyncLeanClient(base_url=BASE, transport=Transport(Recorder(*_answers()))) as lean:
        got = [_seen_as(await lean.get("/x")) for _ in range(5)]
    assert got == expected


def test_a_host_default_header_is_left_where_the_caller_put_it() -> None:
    plain_seen, lean_seen = Recorder(), Recorder()
    options: dict[str, Any] = {"base_url": BASE, "headers": {"Accept": "*/*", "Host": "front.example.test"}}
    with httpx.Client(transport=Transport(plain_seen), **options) as plain:
        plain.get("/items")
    with LeanClient(transport=Transport(lean_seen), **options) as lean:
        lean.get("/items")
        lean.headers["X-Later"] = "changed defaults are seen"
        del lean.headers["Host"]
        lean.get("/items")
    assert lean_seen.seen[0].headers.raw == plain_seen.seen[0].headers.raw
    assert lean_seen.seen[1].headers.raw[0] == (b"Host", b"api.example.test")
    assert lean_seen.seen[1].headers["X-Later"] == "changed defaults are seen"


def test_settings_changed_after_a_request_are_seen(full_sends: list[str]) -> None:
    """A client's redirect and query-param settings can change at any time; the short path rechecks them."""
    answers = iter([httpx.Response(200), httpx.Response(302, headers={"Location": "/v1/next"}), httpx.Response(200)])
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return next(answers)

    with LeanClient(base_url=BASE, transport=Transport(answer)) as lean:
        lean.get("/first")
        lean.follow_redirects = True
        lean.params = httpx.QueryParams({"key": "v"})
        lean.get("/second")
    assert full_sends == ["sync"]
    assert seen == [f"{BASE}/first", f"{BASE}/second?key=v", f"{BASE}/next"]


def test_repeated_extra_headers_are_sent_as_httpx_sends_them() -> None:
    """The short path keeps the merge of an operation's extra headers per distinct dict: every call, a changed
    value, another dict, a Host among them and changed client defaults still send exactly what httpx sends."""
    options: dict[str, Any] = {"base_url": BASE, "headers": {"Accept": "*/*", "X-Default": "d"}}
    calls: list[dict[str, str]] = [
        {"Accept": "application/json"},
        {"Accept": "application/json"},
        {"Accept": "application/problem+json"},
        {"Accept": "application/json", "X-Trace": "t"},
        {"Host": "other.example.test"},
        {"Accept": "application/json"},
    ] + [{"Idempotency-Key": f"k-{n}"} for n in range(40)]  # more distinct dicts than are kept

    def run(client: httpx.Client) -> None:
        for extra in calls:
            client.delete("/items/5", headers=extra)
        client.headers["X-Default"] = "changed"
        client.get("/items/5", headers={"Accept": "application/json"})

    plain_seen, lean_seen = Recorder(), Recorder()
    with httpx.Client(transport=Transport(plain_seen), **options) as plain:
        run(plain)
    with LeanClient(transport=Transport(lean_seen), **options) as lean:
        run(lean)
    assert [_wire(r) for r in lean_seen.seen] == [_wire(r) for r in plain_seen.seen]
    assert len(lean_seen.seen) == len(calls) + 1


async def test_async_request_unread_leaves_the_short_path_s_body_to_the_caller(full_sends: list[str]) -> None:
    """The short path hands back the body unread by httpx (for the caller to parse); httpx's own path (an
    absolute URL here) reads it and hands back None."""
    seen = Recorder()
    async with AsyncLeanClient(base_url=BASE, transport=Transport(seen)) as lean:
        response, body = await lean.request_unread("GET", "/items/1")
        assert body == b'{"ok":true}' and full_sends == []
        response, body = await lean.request_unread("GET", f"{BASE}/items/1")
        assert body is None and response.content == b'{"ok":true}' and full_sends == ["async"]


@pytest.mark.parametrize("encoded", [False, True], ids=["plain", "gzip"])
async def test_async_whole_body_answers_as_a_byte_stream_does(encoded: bool, full_sends: list[str]) -> None:
    """An answer in a `WholeBody` (the async httptools transport's, its bytes read without a generator)
    gives the same unread body, read content and decoding as the same bytes in an `httpx.ByteStream`."""
    from runtime.core._whole_body import WholeBody

    body = gzip.compress(b'{"ok":true}') if encoded else b'{"ok":true}'
    headers = {"Content-Encoding": "gzip"} if encoded else {}
    seen: dict[type, list[object]] = {}
    for kind in (httpx.ByteStream, WholeBody):

        def answer(request: httpx.Request, kind: type = kind) -> httpx.Response:
            return httpx.Response(200, headers=headers, stream=kind(body))

        async with AsyncLeanClient(base_url=BASE, transport=Transport(answer)) as lean:
            response, unread = await lean.request_unread("GET", "/items/1")
            read = await lean.request("GET", "/items/1")
            seen[kind] = [unread, response.is_stream_consumed, read.content, read.headers.raw, read.status_code]
    assert seen[WholeBody] == seen[httpx.ByteStream]
    assert seen[WholeBody][0] == (None if encoded else b'{"ok":true}')
    assert seen[WholeBody][2] == b'{"ok":true}' and full_sends == []


async def test_the_watched_jar_takes_the_short_path_exactly_when_a_counted_jar_is_empty(
    full_sends: list[str],
) -> None:
    """The lean clients' own jar (`WatchedJar`) answers "empty" without counting until a cookie is set;
    after every way of changing it, the short path is taken exactly when the jar holds no cookie, as a
    count says, and the jar is (and shows itself as) the library's own jar class."""
    from runtime.pipeline._lean_cookies import WatchedJar

    library_jar = type(httpx.Cookies().jar)  # httpx's CookieJar, httpx2's own

    def set_one(client: Any) -> None:
        client.cookies.set("c", "1", domain="api.example.test")

    def set_in_jar(client: Any) -> None:
        other = httpx.Cookies()
        other.set("d", "2", domain="api.example.test")
        for cookie in other.jar:
            client.cookies.jar.set_cookie(cookie)

    steps: list[Callable[[Any], None]] = [
        lambda client: None,
        set_one,
        lambda client: client.cookies.clear(),  # held one once: counted from now on, and empty again
        set_in_jar,
        lambda client: client.cookies.jar.clear(),
    ]
    seen = Recorder()
    async with AsyncLeanClient(base_url=BASE, transport=Transport(seen)) as alean:
        with LeanClient(base_url=BASE, transport=Transport(seen)) as lean:
            for client in (lean, alean):
                assert type(client.cookies.jar) is WatchedJar and isinstance(client.cookies.jar, library_jar)
                assert repr(client.cookies.jar) == repr(library_jar()) and str(client.cookies.jar) == str(library_jar())
            for step in steps:
                for client in (lean, alean):
                    step(client)
                    full_sends.clear()
                    if client is lean:
                        lean.get("/items")
                    else:
                        await alean.get("/items")
                    empty = len(client.cookies.jar) == 0
                    assert (full_sends == []) is empty
    given = {"c": "1"}  # a client built with cookies keeps httpx's own jar, counted as before
    with LeanClient(base_url=BASE, cookies=given, transport=Transport(seen)) as lean:
        assert type(lean.cookies.jar) is library_jar and dict(lean.cookies) == given

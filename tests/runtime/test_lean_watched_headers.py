"""The lean clients' default headers (`WatchedHeaders`): httpx's own, and every change to them reaches the
next request, whichever way it is made, although the short path no longer compares them per request."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from runtime.pipeline._lean_client import AsyncLeanClient, LeanClient
from runtime.pipeline._lean_exchange import WatchedHeaders


def _echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=[[name.decode(), value.decode()] for name, value in request.headers.raw])


def _sent(client: LeanClient) -> list[list[str]]:
    sent: list[list[str]] = client.get("/x").json()
    return sent


def test_the_defaults_are_httpx_s_and_look_like_them() -> None:
    with LeanClient(
        base_url="https://api.example.test", headers={"X-A": "1"}, transport=httpx.MockTransport(_echo)
    ) as lean:
        plain = httpx.Client(base_url="https://api.example.test", headers={"X-A": "1"})
        assert type(lean.headers) is WatchedHeaders
        assert lean.headers.raw == plain.headers.raw
        assert repr(lean.headers) == repr(plain.headers)
        assert lean.headers == plain.headers
        plain.close()


CHANGES: list[tuple[str, Callable[[httpx.Headers], object], list[str] | None]] = [
    ("set", lambda headers: headers.__setitem__("X-A", "2"), ["X-A", "2"]),
    ("add", lambda headers: headers.__setitem__("X-B", "3"), ["X-B", "3"]),
    ("update", lambda headers: headers.update({"X-A": "4"}), ["X-A", "4"]),
    ("setdefault", lambda headers: headers.setdefault("X-C", "5"), ["X-C", "5"]),
    ("delete", lambda headers: headers.__delitem__("X-A"), None),
    ("pop", lambda headers: headers.pop("X-A"), None),
]


@pytest.mark.parametrize(("what", "change", "expected"), CHANGES, ids=[case[0] for case in CHANGES])
def test_every_change_in_place_reaches_the_next_request(
    what: str, change: Callable[[httpx.Headers], object], expected: list[str] | None
) -> None:
    with LeanClient(
        base_url="https://api.example.test", headers={"X-A": "1"}, transport=httpx.MockTransport(_echo)
    ) as lean:
        assert ["X-A", "1"] in _sent(lean)
        assert ["X-A", "1"] in _sent(lean)  # the kept headers, unchanged
        change(lean.headers)
        sent = _sent(lean)
        assert sent[1:] == [[name.decode(), value.decode()] for name, value in lean.headers.raw]  # after Host
        if expected is None:
            assert all(name.lower() != "x-a" for name, _ in sent)
        else:
            assert expected in sent


def test_clearing_and_assigning_reach_the_next_request() -> None:
    with LeanClient(base_url="https://api.example.test", transport=httpx.MockTransport(_echo)) as lean:
        _sent(lean)
        lean.headers.clear()
        assert _sent(lean) == [["Host", "api.example.test"]]
        lean.headers = {"X-New": "1"}
        assert type(lean.headers) is WatchedHeaders
        assert ["X-New", "1"] in _sent(lean) and ["Accept", "*/*"] in _sent(lean)  # httpx's defaults come back


async def test_the_async_client_watches_its_headers_too() -> None:
    async def echo(request: httpx.Request) -> httpx.Response:
        return _echo(request)

    async with AsyncLeanClient(base_url="https://api.example.test", transport=httpx.MockTransport(echo)) as lean:
        assert type(lean.headers) is WatchedHeaders
        await lean.get("/x")
        lean.headers["X-Late"] = "1"
        assert ["X-Late", "1"] in (await lean.get("/x")).json()

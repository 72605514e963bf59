"""HostLimitTransport / AsyncHostLimitTransport: at most N requests in flight per host, on any pool."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from runtime import (
    AsyncHostLimitTransport,
    ClientSettings,
    Hooks,
    HostLimitTransport,
    PoolLimits,
    build_async_client,
    build_sync_client,
)
from runtime.core._defaults import STREAM_EXTENSION

NO_WAIT = httpx.Timeout(5.0, pool=0.01)


def ok(request: httpx.Request) -> httpx.Response:
    """A streamed answer, as a real pool gives: it holds its connection until closed."""
    return httpx.Response(200, stream=httpx.ByteStream(b"body"))


def test_a_host_gets_no_more_than_its_slots_until_a_response_is_closed() -> None:
    """Two streamed responses hold host A's two slots: a third waits out the pool timeout, host B is free."""
    client = httpx.Client(transport=HostLimitTransport(2, inner=httpx.MockTransport(ok)), timeout=NO_WAIT)
    first = client.send(client.build_request("GET", "https://a.example/1"), stream=True)
    client.send(client.build_request("GET", "https://a.example/2"), stream=True)
    with pytest.raises(httpx.PoolTimeout, match=r"2 requests to that host are in flight .*max_connections_per_host"):
        client.get("https://a.example/3")
    assert client.get("https://b.example/").status_code == 200
    first.close()
    assert client.get("https://a.example/3").content == b"body"


def test_a_failed_send_gives_its_slot_back() -> None:
    """A request whose transport raises frees the host's slot: the next request is not blocked by it."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=HostLimitTransport(1, inner=httpx.MockTransport(refuse)), timeout=NO_WAIT)
    for _ in range(3):
        with pytest.raises(httpx.ConnectError):
            client.get("https://a.example/")


def test_the_async_twin_limits_per_host_the_same_way() -> None:
    """AsyncHostLimitTransport: one slot for host A, held by a stream, times out a second request; B is free."""

    async def scenario() -> None:
        transport = AsyncHostLimitTransport(1, inner=httpx.MockTransport(ok))
        async with httpx.AsyncClient(transport=transport, timeout=NO_WAIT) as client:
            held = await client.send(client.build_request("GET", "https://a.example/1"), stream=True)
            with pytest.raises(httpx.PoolTimeout):
                await client.get("https://a.example/2")
            assert (await client.get("https://b.example/")).status_code == 200
            await held.aclose()
            assert (await client.get("https://a.example/2")).content == b"body"

    asyncio.run(scenario())


@pytest.mark.parametrize("bad", [0, -1, True, 2.5])
def test_pool_limits_refuse_a_per_host_cap_that_is_not_a_count(bad: object) -> None:
    """max_connections_per_host is an int >= 1 or None; anything else names the setting."""
    with pytest.raises(ValueError, match="max_connections_per_host"):
        PoolLimits(max_connections_per_host=bad)  # type: ignore[arg-type]


STREAMED = {STREAM_EXTENSION: True}


def test_clients_built_with_a_per_host_cap_enforce_it() -> None:
    """The factory puts the cap above the pool of sync and async clients; without one there is no cap. The held
    requests are streamed (`sdk.stream`, as download() marks its own): an in-memory body is read, and its slot
    given back, within the attempt."""
    capped = ClientSettings(base_url="https://api.example.com", pool=PoolLimits(max_connections_per_host=1))
    client = build_sync_client(capped, auth=None, hooks=Hooks(), logger_name="sdk", transport=httpx.MockTransport(ok))
    held = client.send(client.build_request("GET", "/a", timeout=NO_WAIT, extensions=STREAMED), stream=True)
    with pytest.raises(httpx.PoolTimeout):
        client.get("/b", timeout=NO_WAIT)
    held.close()
    uncapped = build_sync_client(
        ClientSettings(base_url="https://api.example.com"),
        auth=None,
        hooks=Hooks(),
        logger_name="sdk",
        transport=httpx.MockTransport(ok),
    )
    streams = [
        uncapped.send(uncapped.build_request("GET", "/a", timeout=NO_WAIT, extensions=STREAMED), stream=True)
        for _ in range(3)
    ]
    assert [stream.status_code for stream in streams] == [200, 200, 200]

    async def scenario() -> None:
        async_client = build_async_client(
            capped, auth=None, hooks=Hooks(), logger_name="sdk", transport=httpx.MockTransport(ok)
        )
        async with async_client:
            held = await async_client.send(
                async_client.build_request("GET", "/a", timeout=NO_WAIT, extensions=STREAMED), stream=True
            )
            with pytest.raises(httpx.PoolTimeout):
                await async_client.get("/b", timeout=NO_WAIT)
            await held.aclose()

    asyncio.run(scenario())


def test_an_answer_read_already_frees_its_slot_at_once() -> None:
    """A transport answering with an in-memory body (closed already) holds no slot, even when streamed."""
    in_memory = httpx.MockTransport(lambda request: httpx.Response(200, content=b"done"))
    client = httpx.Client(transport=HostLimitTransport(1, inner=in_memory), timeout=NO_WAIT)
    client.send(client.build_request("GET", "https://a.example/1"), stream=True)
    assert client.get("https://a.example/2").content == b"done"

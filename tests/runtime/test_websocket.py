"""RealtimeClient against a loopback protocol server: auth, subscriptions, reconnects, queue, events.

The server (`Loopback`) follows the `x-ws-protocol` contract on 127.0.0.1 with a free port, records
what it sees, and can be told to refuse tokens, drop every connection, stop answering pings or acks.
Time is scaled: reconnect delays are milliseconds (or a FakeClock), heartbeats 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import attrs
import pytest
from runtime.core._clock import FakeClock
from runtime.core._errors import (
    ConfigurationError,
    RealtimeAuthError,
    RealtimeClosedError,
    RealtimeConnectionError,
    RealtimeQueueFullError,
    RealtimeRequestError,
    RealtimeTimeoutError,
    TokenRefreshError,
)
from runtime.policies._backoff import RetryDecision
from runtime.realtime._realtime_protocol import HeartbeatPolicy, RealtimeProtocol, ReconnectPolicy
from runtime.realtime._websocket import ConnectionState, ConnectionStateChanged, RealtimeClient, classify, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus, InvalidURI
from websockets.frames import Close
from websockets.http11 import Request, Response

PROTOCOL = RealtimeProtocol.from_mapping(
    {
        "discriminator": "type",
        "channel_field": "channel",
        "auth": {"send": "auth", "token_field": "token", "ok": "auth_ok"},
        "subscribe": {"send": "subscribe", "ok": "subscribed"},
        "unsubscribe": {"send": "unsubscribe", "ok": "unsubscribed"},
        "ping": {"send": "ping", "reply": "pong", "interval_s": 30, "timeout_s": 10},
        "error": {"kind": "error", "code_field": "code", "message_field": "message", "auth_failed_code": "auth_failed"},
        "reconnect": {"initial_delay_s": 5, "max_delay_s": 60, "max_attempts": 10},
    }
)
FAST = ReconnectPolicy(initial_delay_s=0.01, max_delay_s=0.05, max_attempts=50, max_jitter_s=None)
TOKEN = "tok-very-secret-123"
CHANNELS = ("timezone_update", "alerts")


@attrs.frozen
class TimezoneUpdate:
    device_id: str
    timezone: str

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> TimezoneUpdate:
        device_id, data = src["device_id"], src["data"]
        if not isinstance(device_id, str):
            raise TypeError("device_id must be a string")
        return cls(device_id=device_id, timezone=str(data["timezone"]))


def decode(frame: Mapping[str, Any]) -> object:
    """What the generated dispatch table does: known kinds become models, others stay dicts."""
    models: dict[str, Callable[[Mapping[str, Any]], object]] = {"timezone_update": TimezoneUpdate.from_dict}
    model = models.get(str(frame.get("type")))
    return model(frame) if model is not None else dict(frame)


def tz_event(n: int) -> dict[str, Any]:
    return {"type": "timezone_update", "device_id": f"rvm-{n}", "data": {"timezone": f"Zone/{n}"}}


class Loopback:
    """A scriptable protocol server that records connections, tokens, subscriptions and message ids."""

    def __init__(self) -> None:
        self.url = ""
        self.connections = 0
        self.tokens: list[str] = []
        self.subscribed: list[tuple[int, str]] = []  # (connection number, channel)
        self.wire_ids: list[tuple[int, str]] = []  # every client message as it arrived: (connection, id)
        self.received: list[dict[str, Any]] = []  # client messages after dedup by id
        self.pings = 0
        self.live: set[ServerConnection] = set()
        self.refuse_auth: str | None = None  # "error" (error frame + 4401) or "close" (4401 only)
        self.mute_pings_on: set[int] = set()  # connection numbers whose pings go unanswered
        self.ack_messages = True
        self.hold_auth: asyncio.Event | None = None  # auth_ok waits for it (the server is "down")
        self.reject_handshakes = 0  # answer this many handshakes with HTTP 503

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if self.reject_handshakes > 0:
            self.reject_handshakes -= 1
            return connection.respond(503, "busy")
        return None

    async def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        number = self.connections
        auth = json.loads(await ws.recv())
        self.tokens.append(auth.get("token"))
        if self.refuse_auth == "error":
            await ws.send(json.dumps({"type": "error", "code": "auth_failed", "message": "bad token"}))
        if self.refuse_auth is not None:
            await ws.close(4401, "unauthorized")
            return
        if self.hold_auth is not None:
            await self.hold_auth.wait()
        await ws.send(json.dumps({"type": "auth_ok"}))
        self.live.add(ws)
        try:
            async for raw in ws:
                await self.answer(ws, number, json.loads(raw))
        except ConnectionClosed:
            pass  # dropped on purpose by a test
        finally:
            self.live.discard(ws)

    async def answer(self, ws: ServerConnection, number: int, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "subscribe":
            if frame["channel"] not in CHANNELS:
                await ws.send(json.dumps({"type": "error", "code": "unknown_channel", "message": "no such channel"}))
                return
            self.subscribed.append((number, frame["channel"]))
            await ws.send(json.dumps({"type": "subscribed", "channel": frame["channel"]}))
        elif kind == "unsubscribe":
            await ws.send(json.dumps({"type": "unsubscribed", "channel": frame["channel"]}))
        elif kind == "ping":
            self.pings += 1
            if number not in self.mute_pings_on:
                await ws.send(json.dumps({"type": "pong", "id": frame["id"]}))
        elif frame.get("invalid"):
            await ws.send(json.dumps({"type": "error", "code": "invalid_message", "message": "no", "id": frame["id"]}))
        else:
            self.wire_ids.append((number, frame["id"]))
            if frame["id"] not in {m["id"] for m in self.received}:
                self.received.append(frame)
            if self.ack_messages:
                await ws.send(json.dumps({"type": "ack", "id": frame["id"]}))

    async def push(self, frame: dict[str, Any] | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        for ws in list(self.live):
            await ws.send(text)

    def drop_all(self) -> None:
        """Cut every connection without a close frame, as a network failure would."""
        for ws in list(self.live):
            ws.transport.abort()


@pytest.fixture
async def server() -> AsyncIterator[Loopback]:
    loopback = Loopback()
    async with serve(loopback.handler, "127.0.0.1", 0, process_request=loopback.process_request) as running:
        port = running.sockets[0].getsockname()[1]
        loopback.url = f"ws://127.0.0.1:{port}/ws"
        yield loopback


async def token_source() -> str:
    return TOKEN


def client(server: Loopback, **options: Any) -> RealtimeClient:
    options.setdefault("reconnect", FAST)
    options.setdefault("heartbeat", None)
    return RealtimeClient(server.url, protocol=PROTOCOL, token_source=token_source, decode=decode, **options)


async def eventually(condition: Callable[[], bool], timeout_s: float = 3.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.005)


def state_of(ws: RealtimeClient) -> ConnectionState:
    """The state, read through a call so mypy does not keep an earlier narrowing."""
    return ws.state


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connects_and_authenticates(server: Loopback) -> None:
    """connect() returns an authenticated client (the auth frame carries the token). No timing is asserted
    here: tests use injectable clocks, and speed is for `make bench`."""
    ws = await connect(server.url, protocol=PROTOCOL, token_source=token_source, heartbeat=None)
    try:
        assert ws.state is ConnectionState.OPEN
        assert server.tokens == [TOKEN]
    finally:
        assert await ws.close() == []
    assert state_of(ws) is ConnectionState.CLOSED


@pytest.mark.parametrize("refusal", ["error", "close"])
async def test_refused_token_is_fatal_and_never_retried(server: Loopback, refusal: str) -> None:
    """An auth_failed error or a 4401 close raises RealtimeAuthError; the server sees exactly one connection."""
    server.refuse_auth = refusal
    with pytest.raises(RealtimeAuthError) as caught:
        await connect(server.url, protocol=PROTOCOL, token_source=token_source, reconnect=FAST)
    await asyncio.sleep(0.1)  # time enough for several FAST reconnects, were there any
    assert server.connections == 1
    assert caught.value.code == ("auth_failed" if refusal == "error" else "close code 4401")
    assert TOKEN not in str(caught.value)


async def test_handshake_401_is_an_auth_error() -> None:
    """A server refusing the HTTP upgrade with 401 raises RealtimeAuthError at once (no retries)."""
    calls = 0

    def refuse(connection: ServerConnection, request: Request) -> Response:
        nonlocal calls
        calls += 1
        return connection.respond(401, "who are you")

    async with serve(lambda ws: ws.close(), "127.0.0.1", 0, process_request=refuse) as running:
        url = f"ws://127.0.0.1:{running.sockets[0].getsockname()[1]}/"
        with pytest.raises(RealtimeAuthError):
            await connect(url, protocol=PROTOCOL, token_source=token_source, reconnect=FAST)
    assert calls == 1


async def test_reconnects_restores_subscriptions_and_keeps_receiving(server: Loopback) -> None:
    """After the server drops every connection the client reconnects, re-subscribes, and events flow again."""
    tokens = iter(["tok-1", "tok-2"])

    async def rotating() -> str:
        return next(tokens)

    async with connect(server.url, protocol=PROTOCOL, token_source=rotating, decode=decode, reconnect=FAST) as ws:
        for channel in CHANNELS:
            await ws.subscribe(channel)
        await server.push(tz_event(1))
        events = ws.events()
        assert await anext(events) == TimezoneUpdate("rvm-1", "Zone/1")
        server.drop_all()
        await eventually(lambda: (2, "alerts") in server.subscribed and ws.state is ConnectionState.OPEN)
        await server.push(tz_event(2))
        assert await anext(events) == TimezoneUpdate("rvm-2", "Zone/2")
        assert ws.subscriptions == CHANNELS
    assert server.subscribed == [(1, "timezone_update"), (1, "alerts"), (2, "timezone_update"), (2, "alerts")]
    assert server.tokens == ["tok-1", "tok-2"]  # a fresh token for each connection


async def test_messages_sent_while_down_arrive_in_order_once(server: Loopback) -> None:
    """Unacked and queued messages are resent after reconnecting, in order, same ids: none lost or doubled."""
    server.ack_messages = False
    async with client(server) as ws:
        await ws.subscribe("alerts")
        first = [await ws.send({"type": "device_status", "n": n}) for n in range(2)]
        await eventually(lambda: len(server.wire_ids) == 2)  # on the wire, never acked
        server.hold_auth = asyncio.Event()
        server.drop_all()
        await eventually(lambda: server.connections == 2)
        later = [await ws.send({"type": "device_status", "n": n, "id": f"mine-{n}"}) for n in range(2, 5)]
        assert [m["id"] for m in ws.unsent] == first + later
        server.ack_messages = True
        server.hold_auth.set()
        await ws.drain(timeout_s=3)
        assert ws.unsent == []
    assert [m["id"] for m in server.received] == first + later
    assert [m["n"] for m in server.received] == [0, 1, 2, 3, 4]
    assert [i for c, i in server.wire_ids if c == 2] == first + later  # resent in order, same ids
    assert (2, "alerts") in server.subscribed


@pytest.mark.parametrize(
    ("limits", "fits"),
    [({"max_queued_messages": 2}, 2), ({"max_queued_bytes": 200}, 2)],
    ids=["count", "bytes"],
)
async def test_queue_overflow_raises_the_typed_error(server: Loopback, limits: dict[str, int], fits: int) -> None:
    """Beyond max_queued_messages or max_queued_bytes, send() raises RealtimeQueueFullError and queues nothing."""
    server.ack_messages = False
    async with client(server, **limits) as ws:
        ids = [await ws.send({"type": "device_status", "pad": "x" * 10}) for _ in range(fits)]
        with pytest.raises(RealtimeQueueFullError) as caught:
            await ws.send({"type": "device_status", "pad": "x" * 10})
        assert [m["id"] for m in ws.unsent] == ids
    assert caught.value.max_messages == limits.get("max_queued_messages", 1000)


async def test_close_hands_back_unsent_messages(server: Loopback) -> None:
    """close() returns every unacknowledged message (ids included), in order; sending afterwards fails."""
    server.ack_messages = False
    ws = await connect(server.url, protocol=PROTOCOL, token_source=token_source, heartbeat=None)
    ids = [await ws.send({"type": "device_status", "n": n}) for n in range(3)]
    unsent = await ws.close()
    assert [(m["id"], m["n"]) for m in unsent] == list(zip(ids, range(3), strict=True))
    assert ws.unsent == unsent
    with pytest.raises(RealtimeClosedError):
        await ws.send({"type": "device_status"})


async def test_messages_sent_before_connecting_are_flushed_after_auth(server: Loopback) -> None:
    """A message queued before start() is written once the connection is authenticated and subscribed."""
    ws = client(server)
    await ws.send({"type": "device_status", "id": "early"})
    async with ws:
        await ws.drain(timeout_s=2)
    assert server.wire_ids == [(1, "early")]


async def test_garbage_frames_are_skipped_and_later_events_arrive(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """Non-JSON, non-object, discriminator-less and undecodable frames are logged and skipped."""
    async with client(server) as ws:
        garbage = ["not json {", "[1, 2]", json.dumps({"no_type": 1}), json.dumps(tz_event(0) | {"device_id": 7})]
        for frame in [*garbage, "[" * 100_000]:  # the last nested past Python's recursion limit
            await server.push(frame)
        await server.push(tz_event(9))
        assert await ws.next_event(timeout_s=2) == TimezoneUpdate("rvm-9", "Zone/9")
        assert ws.state is ConnectionState.OPEN
    assert server.connections == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 5
    assert "does not match its model" in warnings[3] and "not JSON" in warnings[4]


async def test_heartbeat_timeout_reconnects_from_a_silent_server(server: Loopback) -> None:
    """A server that stops answering pings is detected within interval + timeout and replaced by a new link."""
    server.mute_pings_on = {1}
    changes: list[ConnectionStateChanged] = []
    heartbeat = HeartbeatPolicy(interval_s=0.05, timeout_s=0.1)
    async with client(server, heartbeat=heartbeat) as ws:
        ws.on_state(changes.append)
        await eventually(lambda: server.connections == 2 and ws.state is ConnectionState.OPEN, timeout_s=2)
        pings = server.pings
        await asyncio.sleep(0.3)
        assert server.connections == 2  # the answered heartbeat keeps the new link
        assert server.pings >= pings + 3
    reconnecting = [c for c in changes if c.new is ConnectionState.RECONNECTING]
    assert isinstance(reconnecting[0].error, RealtimeTimeoutError)


async def test_backoff_delays_grow_and_reset_after_a_good_connection(server: Loopback) -> None:
    """Failed attempts wait 1, 2, 4 (initial * 2**(n-1)); after a good connection the sequence restarts."""
    clock = FakeClock()
    policy = ReconnectPolicy(initial_delay_s=1, max_delay_s=3, max_attempts=10, max_jitter_s=None)
    server.reject_handshakes = 3
    async with client(server, reconnect=policy, clock=clock) as ws:
        assert clock.sleeps == [1, 2, 3]  # capped at max_delay_s
        server.reject_handshakes = 2
        server.drop_all()
        await eventually(lambda: server.connections == 2 and ws.state is ConnectionState.OPEN)
    assert clock.sleeps == [1, 2, 3, 1, 2, 3]  # after the drop: 1 s, then two rejected attempts


async def test_injected_delays_are_taken_fresh_after_each_good_connection(server: Loopback) -> None:
    """reconnect_delays() is called once at start and once per authenticated connection."""
    calls = 0

    def delays() -> Any:
        nonlocal calls
        calls += 1
        return iter([0.001] * 10)

    async with client(server, reconnect_delays=delays) as ws:
        server.drop_all()
        await eventually(lambda: server.connections == 2 and ws.state is ConnectionState.OPEN)
    assert calls == 3


async def test_exhausted_attempts_raise_connection_error() -> None:
    """With nothing listening, max_attempts failures end in RealtimeConnectionError (attempts counted)."""
    clock = FakeClock()
    url = f"ws://127.0.0.1:{free_port()}/ws"
    policy = ReconnectPolicy(initial_delay_s=0.5, max_attempts=3, max_jitter_s=None)
    with pytest.raises(RealtimeConnectionError) as caught:
        await connect(url, protocol=PROTOCOL, token_source=token_source, reconnect=policy, clock=clock)
    assert caught.value.attempts == 3
    assert clock.sleeps == [0.5, 1.0]
    assert isinstance(caught.value.__cause__, OSError)


async def test_losing_the_server_for_good_ends_events_with_connection_error() -> None:
    """When reconnecting fails max_attempts times the event iterator raises RealtimeConnectionError."""
    loopback = Loopback()
    running = await serve(loopback.handler, "127.0.0.1", 0)
    loopback.url = f"ws://127.0.0.1:{running.sockets[0].getsockname()[1]}/ws"
    changes: list[ConnectionStateChanged] = []
    ws = client(loopback, reconnect=ReconnectPolicy(initial_delay_s=0.01, max_attempts=2, max_jitter_s=None))
    ws.on_state(changes.append)
    await ws.start()
    running.close()
    await running.wait_closed()
    with pytest.raises(RealtimeConnectionError):
        async with asyncio.timeout(3):
            async for _ in ws.events():
                pass
    assert changes[-1].new is ConnectionState.CLOSED
    assert isinstance(changes[-1].error, RealtimeConnectionError)
    with pytest.raises(RealtimeClosedError):
        await ws.subscribe("alerts")
    assert await ws.close() == []


async def test_handlers_and_iterator_both_get_typed_events(server: Loopback) -> None:
    """on(kind) handlers (sync and async), on("*") and events() get the decoded models; a raising handler
    does not stop delivery; unknown kinds arrive as raw dicts."""
    seen_sync: list[object] = []
    seen_async: list[object] = []
    seen_all: list[object] = []
    async with client(server) as ws:

        @ws.on("timezone_update")
        def on_tz(event: object) -> None:
            seen_sync.append(event)
            raise RuntimeError("a handler bug")

        @ws.on("timezone_update")
        async def on_tz_async(event: object) -> None:
            await asyncio.sleep(0)
            seen_async.append(event)

        ws.on("*")(seen_all.append)
        await server.push(tz_event(1))
        await server.push({"type": "mystery", "x": 1})
        await server.push(tz_event(2))
        received = [await ws.next_event(timeout_s=2) for _ in range(3)]
        await eventually(lambda: len(seen_all) == 3)
    typed = [TimezoneUpdate("rvm-1", "Zone/1"), TimezoneUpdate("rvm-2", "Zone/2")]
    assert received == [typed[0], {"type": "mystery", "x": 1}, typed[1]]
    assert seen_sync == typed and seen_async == typed
    assert seen_all == received


async def test_a_message_the_server_refuses_leaves_the_queue_and_is_reported(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """An error frame naming a queued message's id removes it (it would be refused again) and is delivered."""
    async with client(server) as ws:
        message_id = await ws.send({"type": "device_status", "invalid": True})
        error = await ws.next_event(timeout_s=2)
        await ws.drain(timeout_s=1)
    assert error == {"type": "error", "code": "invalid_message", "message": "no", "id": message_id}
    assert any(message_id in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


async def test_protocol_without_auth_sends_no_auth_frame() -> None:
    """With `auth: null` the first frame the server sees is the client's own (here a subscribe)."""
    first: list[dict[str, Any]] = []

    async def handler(ws: ServerConnection) -> None:
        first.append(json.loads(await ws.recv()))
        await ws.send(json.dumps({"type": "subscribed", "channel": "alerts"}))
        await ws.send(json.dumps({"type": "alert", "level": "high"}))
        await ws.wait_closed()

    protocol = RealtimeProtocol.from_mapping({"auth": None, "ping": None})
    async with serve(handler, "127.0.0.1", 0) as running:
        url = f"ws://127.0.0.1:{running.sockets[0].getsockname()[1]}/"
        ws = RealtimeClient(url, protocol=protocol, reconnect=FAST)
        await ws.subscribe("alerts")
        async with ws:
            assert await ws.next_event(timeout_s=2) == {"type": "alert", "level": "high"}
    assert first == [{"type": "subscribe", "channel": "alerts"}]


async def test_unknown_kinds_can_be_skipped(server: Loopback) -> None:
    """deliver_unknown_kinds=False drops frames decode has no model for."""
    async with client(server, deliver_unknown_kinds=False) as ws:
        await server.push({"type": "mystery"})
        await server.push(tz_event(3))
        assert await ws.next_event(timeout_s=2) == TimezoneUpdate("rvm-3", "Zone/3")


async def test_state_callbacks_in_order(server: Loopback) -> None:
    """State callbacks see CONNECTING->OPEN, OPEN->RECONNECTING->OPEN after a drop, then OPEN->CLOSED."""
    changes: list[tuple[str, str]] = []
    async_seen: list[ConnectionState] = []

    async def async_callback(change: ConnectionStateChanged) -> None:
        async_seen.append(change.new)

    ws = client(server)
    ws.on_state(lambda c: changes.append((c.old.value, c.new.value)))
    ws.on_state(async_callback)
    await ws.start()
    server.drop_all()
    await eventually(lambda: server.connections == 2 and ws.state is ConnectionState.OPEN)
    await ws.close()
    assert changes == [("connecting", "open"), ("open", "reconnecting"), ("reconnecting", "open"), ("open", "closed")]
    assert async_seen[:3] == [ConnectionState.OPEN, ConnectionState.RECONNECTING, ConnectionState.OPEN]


async def test_channels_declared_before_start_are_subscribed_by_connect(server: Loopback) -> None:
    """subscribe() before start() only records the channel; start() returns once the server acked it."""
    ws = client(server)
    await ws.subscribe("alerts")
    await ws.subscribe("nope")  # refused during the first connection: logged and dropped
    async with ws:
        assert server.subscribed == [(1, "alerts")]
        assert ws.subscriptions == ("alerts",)


async def test_close_while_connecting_ends_start(server: Loopback) -> None:
    """close() from another task while start() waits (server holding auth) makes start() raise, not hang."""
    server.hold_auth = asyncio.Event()
    ws = client(server)
    starting = asyncio.create_task(ws.start())
    await eventually(lambda: server.connections == 1)
    await ws.close()
    with pytest.raises(RealtimeClosedError):
        await starting
    server.hold_auth.set()


async def test_unknown_channel_is_refused_and_not_kept(server: Loopback) -> None:
    """A subscribe answered with an error raises RealtimeRequestError and is not restored later."""
    async with client(server) as ws:
        with pytest.raises(RealtimeRequestError) as caught:
            await ws.subscribe("nope")
        await ws.subscribe("alerts")
        await ws.unsubscribe("alerts")
        assert ws.subscriptions == ()
    assert (caught.value.code, caught.value.channel) == ("unknown_channel", "nope")


async def test_async_for_yields_the_client_once_per_connection(server: Loopback) -> None:
    """`async for ws in connect(...)`: the body runs per connection, its events() ends when the link drops,
    and leaving the loop closes the client."""
    rounds: list[list[object]] = []
    async for ws in connect(server.url, protocol=PROTOCOL, token_source=token_source, decode=decode, reconnect=FAST):
        got: list[object] = []
        rounds.append(got)
        if len(rounds) == 2:
            break
        await ws.subscribe("timezone_update")
        await server.push(tz_event(1))
        async for event in ws.events():
            got.append(event)
            server.drop_all()
    assert rounds == [[TimezoneUpdate("rvm-1", "Zone/1")], []]
    await eventually(lambda: ws.state is ConnectionState.CLOSED)  # leaving the loop closes it (generator finalized)
    assert server.subscribed == [(1, "timezone_update"), (2, "timezone_update")]


async def test_the_token_is_never_logged(server: Loopback, caplog: pytest.LogCaptureFixture) -> None:
    """With DEBUG logging everywhere (websockets' logger too), the token appears in no record."""
    caplog.set_level(logging.DEBUG)
    async with client(server) as ws:
        server.drop_all()
        await eventually(lambda: server.connections == 2 and ws.state is ConnectionState.OPEN)
    assert server.tokens == [TOKEN, TOKEN]
    client_side = [r for r in caplog.records if not r.name.startswith("websockets.server")]  # the test server's own
    assert client_side
    assert not [r for r in client_side if TOKEN in r.getMessage()]


async def test_server_revoking_the_token_mid_session_is_fatal(server: Loopback) -> None:
    """An auth_failed error after a good connection ends the client with RealtimeAuthError, no reconnect."""
    async with client(server) as ws:
        await server.push({"type": "error", "code": "auth_failed", "message": "token revoked"})
        with pytest.raises(RealtimeAuthError):
            await ws.next_event(timeout_s=2)
    assert server.connections == 1


async def test_missing_token_source_is_a_configuration_error(server: Loopback) -> None:
    """A protocol with an auth step needs a token source: ConfigurationError, no retries."""
    with pytest.raises(ConfigurationError, match="token source"):
        await connect(server.url, protocol=PROTOCOL, reconnect=FAST)
    assert server.connections == 0


async def test_heartbeat_none_sends_no_pings(server: Loopback) -> None:
    """heartbeat=None switches the protocol ping off."""
    ws = RealtimeClient(server.url, protocol=PROTOCOL, token_source=token_source, heartbeat=None, reconnect=FAST)
    async with ws:
        await asyncio.sleep(0.05)
    assert server.pings == 0


def closed(code: int) -> ConnectionClosedError:
    return ConnectionClosedError(Close(code, "x"), None)


@pytest.mark.parametrize(
    ("exc", "decision"),
    [
        (OSError("refused"), RetryDecision.RETRY),
        (TimeoutError(), RetryDecision.RETRY),
        (RealtimeTimeoutError("no pong"), RetryDecision.RETRY),
        (closed(1006), RetryDecision.RETRY),
        (closed(4401), RetryDecision.GIVE_UP),
        (InvalidStatus(Response(503, "busy", Headers(), b"")), RetryDecision.RETRY),
        (InvalidStatus(Response(404, "nope", Headers(), b"")), RetryDecision.GIVE_UP),
        (InvalidURI("x", "bad"), RetryDecision.GIVE_UP),
        (RealtimeAuthError("no"), RetryDecision.GIVE_UP),
        (TokenRefreshError("login failed"), RetryDecision.GIVE_UP),
        (ConfigurationError("missing"), RetryDecision.GIVE_UP),
        (ValueError("bug"), RetryDecision.GIVE_UP),
    ],
)
def test_classify_decides_retry_or_give_up(exc: BaseException, decision: RetryDecision) -> None:
    """Network trouble, timeouts, drops and 5xx/429 handshakes are retried; refusals and bugs are final."""
    assert classify(exc) is decision


@pytest.mark.parametrize("url", ["ws://events.example.com/ws", "ws://10.0.0.7:4011/ws", "ws://[2001:db8::1]/ws"])
def test_a_token_is_never_sent_over_plain_ws_to_another_machine(url: str) -> None:
    """ws:// to a host that is not loopback is refused before any connection, as the HTTP side refuses
    plain http://, with an error naming the URL setting and the require_https switch; the token is never asked."""
    asked: list[str] = []

    async def token_source() -> str:
        asked.append("asked")
        return TOKEN

    with pytest.raises(ConfigurationError) as caught:
        connect(url, protocol=PROTOCOL, token_source=token_source)
    assert caught.value.setting == "url"
    assert "wss://" in str(caught.value) and "require_https=False" in str(caught.value)
    assert asked == []


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("wss://events.example.com/ws", {}),
        ("ws://localhost:4011/ws", {}),
        ("ws://127.0.0.2:4011/ws", {}),
        ("ws://[::1]:4011/ws", {}),
        ("ws://events.example.com/ws", {"require_https": False}),  # a trusted network, said explicitly
        ("ws://events.example.com/ws", {"token_source": None}),  # no token travels
    ],
)
def test_wss_loopback_or_an_explicit_opt_out_are_allowed(url: str, options: dict[str, Any]) -> None:
    """wss://, a loopback host, require_https=False, or no token at all: the client is built."""

    async def token_source() -> str:
        return TOKEN

    settings: dict[str, Any] = {"token_source": token_source, **options}
    assert isinstance(RealtimeClient(url, protocol=PROTOCOL, **settings), RealtimeClient)


def test_a_protocol_without_auth_may_use_plain_ws_anywhere() -> None:
    """No auth frame in the protocol, no token on the wire: nothing to protect."""
    protocol = RealtimeProtocol.from_mapping({"auth": None, "ping": None})
    assert isinstance(RealtimeClient("ws://events.example.com/ws", protocol=protocol), RealtimeClient)

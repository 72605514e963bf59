"""SyncRealtimeClient: the blocking facade, end to end against a threaded loopback server.

The server here is websockets' own threading server (`websockets.sync.server.serve`) running in a
thread, so the test is plain synchronous code, like a device main loop.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest
from runtime.core._errors import RealtimeAuthError, RealtimeClosedError
from runtime.realtime._realtime_protocol import RealtimeProtocol, ReconnectPolicy
from runtime.realtime._websocket import ConnectionState
from runtime.realtime._websocket_sync import SyncRealtimeClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

PROTOCOL = RealtimeProtocol()
FAST = ReconnectPolicy(initial_delay_s=0.01, max_delay_s=0.05, max_attempts=5, max_jitter_s=None)
TOKEN = "sync-token-456"


@attrs.frozen
class TimezoneUpdate:
    device_id: str

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> TimezoneUpdate:
        return cls(device_id=str(src["device_id"]))


def decode(frame: Mapping[str, Any]) -> object:
    return TimezoneUpdate.from_dict(frame) if frame.get("type") == "timezone_update" else dict(frame)


class ThreadedServer:
    """Auth, subscribe (answered with one event), acks; records connections, tokens and message ids."""

    def __init__(self) -> None:
        self.connections = 0
        self.tokens: list[str] = []
        self.received: list[str] = []
        self.refuse = False
        self.ack = True

    def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        self.tokens.append(json.loads(ws.recv())["token"])
        if self.refuse:
            ws.send(json.dumps({"type": "error", "code": "auth_failed", "message": "no"}))
            ws.close(4401)
            return
        ws.send(json.dumps({"type": "auth_ok"}))
        try:
            for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "subscribe":
                    ws.send(json.dumps({"type": "subscribed", "channel": frame["channel"]}))
                    ws.send(json.dumps({"type": "timezone_update", "device_id": "rvm-0042"}))
                elif frame["type"] != "ping":
                    self.received.append(frame["id"])
                    if self.ack:
                        ws.send(json.dumps({"type": "ack", "id": frame["id"]}))
        except ConnectionClosed:
            pass


@pytest.fixture
def server() -> Iterator[tuple[ThreadedServer, str]]:
    state = ThreadedServer()
    with serve(state.handler, "127.0.0.1", 0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            yield state, f"ws://127.0.0.1:{running.socket.getsockname()[1]}/ws"
        finally:
            running.shutdown()
            thread.join(5)


def realtime_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sdk-realtime"]


def make(url: str, **options: Any) -> SyncRealtimeClient:
    token_threads: list[str] = options.pop("token_threads", [])

    def token() -> str:
        token_threads.append(threading.current_thread().name)
        return TOKEN

    return SyncRealtimeClient(
        url, protocol=PROTOCOL, token_source=token, decode=decode, heartbeat=None, reconnect=FAST, **options
    )


def test_connect_subscribe_receive_send_close(server: tuple[ThreadedServer, str]) -> None:
    """The facade connects, subscribes, receives typed events (iterator and handler), sends, and joins on close."""
    state, url = server
    token_threads: list[str] = []
    handled: list[object] = []
    ws = make(url, token_threads=token_threads)
    ws.on("timezone_update")(handled.append)
    started = time.monotonic()
    with ws:
        assert time.monotonic() - started < 2
        assert ws.state is ConnectionState.OPEN and len(realtime_threads()) == 1
        ws.subscribe("timezone_update")
        assert list(ws.events(timeout=0.2)) == [TimezoneUpdate("rvm-0042")]
        message_id = ws.send({"type": "device_status", "status": "ok"})
        ws.drain(timeout_s=2)
        assert ws.subscriptions == ("timezone_update",)
    assert ws.close() == []
    assert state.received == [message_id]
    assert handled == [TimezoneUpdate("rvm-0042")]
    assert state.tokens == [TOKEN] and token_threads and token_threads[0] != threading.current_thread().name
    assert realtime_threads() == []
    with pytest.raises(RealtimeClosedError):
        ws.send({"type": "device_status"})


def test_close_returns_unsent_messages(server: tuple[ThreadedServer, str]) -> None:
    """Messages the server never acked come back from close(), in order, and via `unsent` afterwards."""
    state, url = server
    state.ack = False
    ws = make(url).connect()
    ids = [ws.send({"type": "device_status", "n": n}) for n in range(3)]
    unsent = ws.close()
    assert [m["id"] for m in unsent] == ids
    assert ws.unsent == unsent
    assert realtime_threads() == []


def test_refused_token_raises_and_stops_the_thread(server: tuple[ThreadedServer, str]) -> None:
    """A refused token raises RealtimeAuthError from connect(); no reconnect; the background thread is gone."""
    state, url = server
    state.refuse = True
    with pytest.raises(RealtimeAuthError):
        make(url).connect()
    assert state.connections == 1
    assert realtime_threads() == []


def test_handlers_cannot_block_on_the_facade(server: tuple[ThreadedServer, str]) -> None:
    """A handler calling the blocking facade gets a RuntimeError instead of a deadlock."""
    _, url = server
    errors: list[BaseException] = []
    ws = make(url)

    @ws.on("timezone_update")
    def reply(event: object) -> None:
        try:
            ws.send({"type": "device_status"})
        except RuntimeError as exc:
            errors.append(exc)

    with ws:
        ws.subscribe("timezone_update")
        list(ws.events(timeout=0.2))
    assert len(errors) == 1 and "own thread" in str(errors[0])


def test_events_end_after_the_timeout_without_events(server: tuple[ThreadedServer, str]) -> None:
    """events(timeout=) returns control to the caller's loop after `timeout` seconds of silence."""
    _, url = server
    with make(url) as ws:
        started = time.monotonic()
        assert list(ws.events(timeout=0.05)) == []
        assert time.monotonic() - started < 1

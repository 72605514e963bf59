"""The WebSocket mock follows the document's frame shape (`payload_field`) and serves `x-ws-stream` paths.

A small inline document (no API of this repository) whose frames nest their fields in `data`, as in
`{"event": "subscribe", "data": {"channel": "news"}}`, and whose `ticker` channel is a stream: a URL
path of its own whose connections get its events without sending anything.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from mock.ws_document import AsyncApiDocument, DocumentError, load_document
from mock.ws_mock import WebSocketMock

STREAM_PATH = "/live/ticker"
CONTROL_KINDS = ("auth", "auth_ok", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "ping", "pong", "error")


def _message(kind: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    payload = {"type": "object", "required": ["event"], "properties": {"event": {"const": kind}, "data": {}}}
    message: dict[str, Any] = {"name": kind, "payload": payload}
    if example is not None:
        message["examples"] = [{"name": "one", "payload": {"event": kind, "data": example}}]
    return message


def _send(kind: str, replies: list[str]) -> dict[str, Any]:
    return {
        "action": "send",
        "channel": {"$ref": "#/channels/control"},
        "messages": [{"$ref": f"#/channels/control/messages/{kind}"}],
        "reply": {"messages": [{"$ref": f"#/channels/control/messages/{r}"} for r in replies]},
    }


DOCUMENT: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {
        "title": "Shapes",
        "version": "1",
        "x-ws-protocol": {
            "discriminator": "event",
            "payload_field": "data",
            "channel_field": "channel",
            "auth": {"send": "auth", "token_field": "token", "ok": "auth_ok"},
            "subscribe": {"send": "subscribe", "ok": "subscribed"},
            "unsubscribe": {"send": "unsubscribe", "ok": "unsubscribed"},
            "ping": {"send": "ping", "reply": "pong"},
            "error": {"kind": "error", "code_field": "type", "message_field": "message", "auth_failed_code": "auth"},
        },
    },
    "servers": {"local": {"host": "127.0.0.1:0", "protocol": "ws", "pathname": "/socket"}},
    "channels": {
        "news": {"address": "news", "messages": {"headline": {"$ref": "#/components/messages/headline"}}},
        "ticker": {
            "address": STREAM_PATH,
            "x-ws-stream": True,
            "messages": {"tick": {"$ref": "#/components/messages/tick"}},
        },
        "control": {
            "address": None,
            "messages": {k: {"$ref": f"#/components/messages/{k}"} for k in CONTROL_KINDS},
        },
    },
    "operations": {
        "receiveNews": {"action": "receive", "channel": {"$ref": "#/channels/news"}},
        "receiveTicker": {"action": "receive", "channel": {"$ref": "#/channels/ticker"}, "security": []},
        "sendAuth": _send("auth", ["auth_ok", "error"]),
        "sendSubscribe": _send("subscribe", ["subscribed", "error"]),
        "sendUnsubscribe": _send("unsubscribe", ["unsubscribed", "error"]),
        "sendPing": _send("ping", ["pong"]),
    },
    "components": {
        "messages": {
            "headline": _message("headline", {"title": "Rain"}),
            "tick": _message("tick", {"price": 3}),
            **{k: _message(k) for k in CONTROL_KINDS},
        }
    },
}
# Operations list their messages through the channel, as AsyncAPI 3 requires.
DOCUMENT["operations"]["receiveNews"]["messages"] = [{"$ref": "#/channels/news/messages/headline"}]
DOCUMENT["operations"]["receiveTicker"]["messages"] = [{"$ref": "#/channels/ticker/messages/tick"}]


@pytest.fixture
def document(tmp_path: Path) -> AsyncApiDocument:
    """The inline document, written to a file and loaded as the mock loads it."""
    path = tmp_path / "shapes.asyncapi.yaml"
    path.write_text(yaml.safe_dump(DOCUMENT), encoding="utf-8")
    return load_document(path)


@pytest.fixture
async def mock(document: AsyncApiDocument) -> AsyncIterator[WebSocketMock]:
    """The document's mock without repeats; stopped even when the test fails."""
    async with WebSocketMock(document, interval_s=None) as server:
        yield server


async def exchange(ws: ClientConnection, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    answer: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 1))
    return answer


def test_streams_are_kept_apart_from_subscribable_channels(document: AsyncApiDocument) -> None:
    """An x-ws-stream channel is served on its path and cannot be subscribed to; payload_field is read."""
    assert set(document.channels) == {"news"}
    assert [spec.kind for spec in document.streams[STREAM_PATH]] == ["tick"]
    assert document.protocol.payload_field == "data"


async def test_nested_frames_are_read_and_answered_in_the_same_shape(mock: WebSocketMock) -> None:
    """auth, subscribe, ping and errors carry their fields in `data`, both ways."""
    async with connect(mock.url) as ws:
        assert await exchange(ws, {"event": "auth", "data": {"token": "t"}}) == {"event": "auth_ok", "data": {}}
        answer = await exchange(ws, {"event": "subscribe", "data": {"channel": "news"}})
        assert answer == {"event": "subscribed", "data": {"channel": "news"}}
        assert json.loads(await ws.recv()) == {"event": "headline", "data": {"title": "Rain"}}
        assert await exchange(ws, {"event": "ping", "data": {"id": 4}}) == {"event": "pong", "data": {"id": 4}}
        assert await exchange(ws, {"event": "ping"}) == {"event": "pong", "data": {}}
        error = await exchange(ws, {"event": "subscribe", "data": {"channel": "weather"}})
        assert (error["event"], error["data"]["type"], error["data"]["channel"]) == (
            "error",
            "unknown_channel",
            "weather",
        )
    assert [session.token for session in mock.sessions] == ["t"]


async def test_a_refused_token_is_reported_in_the_documents_error_shape(mock: WebSocketMock) -> None:
    """The auth_failed code sits in data.type (here `auth`), and the connection closes with 4401."""
    mock.refuse_auth()
    async with connect(mock.url) as ws:
        error = await exchange(ws, {"event": "auth", "data": {"token": "t"}})
        assert (error["event"], error["data"]["type"]) == ("error", "auth")
        await ws.wait_closed()
        assert ws.close_code == 4401


async def test_a_stream_path_sends_its_events_without_any_frame(mock: WebSocketMock) -> None:
    """Connecting to the stream path is enough: its examples at once, pushes later, client frames unanswered."""
    async with connect(f"ws://127.0.0.1:{mock.port}{STREAM_PATH}") as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 1)) == {"event": "tick", "data": {"price": 3}}
        await ws.send(json.dumps({"event": "ping"}))
        assert await mock.push(STREAM_PATH, {"event": "tick", "data": {"price": 4}}) == 1
        assert json.loads(await asyncio.wait_for(ws.recv(), 1)) == {"event": "tick", "data": {"price": 4}}
    assert [session.stream for session in mock.sessions] == [STREAM_PATH]


async def test_a_stream_repeats_its_events_every_interval(document: AsyncApiDocument) -> None:
    """With interval_s the stream's examples come again, as subscriptions' do."""
    async with (
        WebSocketMock(document, interval_s=0.05) as server,
        connect(f"ws://127.0.0.1:{server.port}{STREAM_PATH}") as ws,
    ):
        frames = [json.loads(await asyncio.wait_for(ws.recv(), 1)) for _ in range(3)]
    assert frames == [{"event": "tick", "data": {"price": 3}}] * 3


async def test_other_paths_are_still_refused(mock: WebSocketMock) -> None:
    """Only the document's pathname and its stream paths open a WebSocket; anything else is a 404."""
    with pytest.raises(InvalidStatus) as caught:
        async with connect(f"ws://127.0.0.1:{mock.port}/live/other"):
            pass
    assert caught.value.response.status_code == 404


def test_a_stream_address_must_be_a_path(tmp_path: Path) -> None:
    """x-ws-stream on an address that is not a URL path is a DocumentError naming the channel."""
    raw = json.loads(json.dumps(DOCUMENT))
    raw["channels"]["ticker"]["address"] = "ticker"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DocumentError, match="channels/ticker/address"):
        load_document(path)


def test_payload_field_must_be_a_name(tmp_path: Path) -> None:
    """An empty payload_field is refused rather than read as flat frames."""
    raw = json.loads(json.dumps(DOCUMENT))
    raw["info"]["x-ws-protocol"]["payload_field"] = ""
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DocumentError, match="payload_field"):
        load_document(path)

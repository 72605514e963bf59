"""generator/asyncapi.py: an `x-ws-stream` channel becomes a stream (URL path -> kinds), not a subscription."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.asyncapi import AsyncAPIError, realtime_context

EVENT = {"payload": {"type": "object", "properties": {"kind": {"const": "tick"}}}}
DOCUMENT: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {"title": "Ticks", "version": "1", "x-ws-protocol": {"discriminator": "kind"}},
    "channels": {
        "ticks": {"address": "ticks", "messages": {"tick": {"$ref": "#/components/messages/Tick"}}},
        "live": {
            "address": "/live/ticks",
            "x-ws-stream": True,
            "messages": {"tick": {"$ref": "#/components/messages/Tick"}},
        },
    },
    "operations": {},
    "components": {"messages": {"Tick": EVENT}},
}


def test_a_stream_channel_is_listed_by_path_and_not_as_a_channel() -> None:
    """The stream's kinds are listed under its path; the subscribable channel keeps the same kind."""
    context = realtime_context(DOCUMENT)
    assert context.streams == {"/live/ticks": ("tick",)}
    assert context.channels == {"ticks": ("tick",)}


def test_a_stream_address_that_is_not_a_path_is_refused() -> None:
    """x-ws-stream on a plain name is an AsyncAPIError naming the channel."""
    document = copy.deepcopy(DOCUMENT)
    document["channels"]["live"]["address"] = "live"
    with pytest.raises(AsyncAPIError, match="channels/live/address"):
        realtime_context(document)


def test_every_websocket_server_is_listed_in_document_order() -> None:
    """`servers` holds each ws/wss server's URL (the SDK picks one by the client's host), no other protocol."""
    document = copy.deepcopy(DOCUMENT)
    document["servers"] = {
        "local": {"host": "127.0.0.1:4011", "protocol": "ws", "pathname": "/ws"},
        "mqtt": {"host": "broker.example", "protocol": "mqtt"},
        "production": {"host": "api.example", "protocol": "wss", "pathname": "/ws"},
    }
    assert realtime_context(document).servers == ("ws://127.0.0.1:4011/ws", "wss://api.example/ws")

"""The generated MyRVM SDK's real-time side against the WebSocket mock driven by the AsyncAPI document."""

from __future__ import annotations

import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM
from myrvm_sdk.realtime import CHANNELS, MESSAGE_MODELS, decode
from myrvm_sdk.realtime.models import DeviceStatus, TimezoneUpdate

from generator.registry import load_registry
from mock.ws_mock import ThreadedWebSocketMock, WebSocketMock

DOCUMENT = load_registry()["myrvm"].asyncapi
TOKEN = "rt-token-for-the-mock"


def test_every_channel_and_message_kind_has_a_typed_model() -> None:
    """The generated dispatch table covers every channel's events with an attrs model."""
    assert set(CHANNELS) >= {"timezone_update", "config_changed", "remote_access", "backup_progress"}
    for kinds in CHANNELS.values():
        for kind in kinds:
            assert hasattr(MESSAGE_MODELS[kind], "from_dict")
    event = decode(
        {
            "type": "timezone_update",
            "device_id": "rvm-0042",
            "data": {
                "timezone": "Asia/Jakarta",
                "local_time": "2026-03-14T16:00:00+07:00",
                "country": "ID",
                "city": "Jakarta",
                "last_sync": "2026-03-14T09:00:00Z",
            },
        }
    )
    assert isinstance(event, TimezoneUpdate)
    assert event.data.timezone == "Asia/Jakarta"


async def test_async_client_subscribes_receives_typed_events_and_sends() -> None:
    """client.realtime() authenticates with the SDK token, gets typed events of its channel, and sends."""
    async with WebSocketMock(DOCUMENT, port=0, interval_s=None) as mock:
        async with AsyncMyRVM("http://127.0.0.1:9", api_token=TOKEN) as client, client.realtime(mock.url) as ws:
            await ws.subscribe("timezone_update")
            event = await ws.next_event(timeout_s=2)
            assert isinstance(event, TimezoneUpdate)
            assert event.device_id
            await ws.send(
                DeviceStatus.from_dict(
                    {
                        "type": "device_status",
                        "id": "m-1",
                        "rvm_id": "rvm-0042",
                        "state": "online",
                        "at": "2026-03-14T09:00:00Z",
                    }
                ).to_dict()
            )
            await ws.drain(timeout_s=2)
        assert [message["id"] for message in mock.received] == ["m-1"]
        assert mock.sessions[0].token == TOKEN


def test_sync_facade_for_device_main_loops() -> None:
    """The sync client's realtime() runs in a background thread: subscribe, receive, close cleanly."""
    with (
        ThreadedWebSocketMock(DOCUMENT, port=0, interval_s=None) as mock,
        MyRVM("http://127.0.0.1:9", api_token=TOKEN) as client,
    ):
        ws = client.realtime(mock.url)
        ws.connect()
        try:
            ws.subscribe("backup_progress")
            events = ws.events(timeout=2)
            first = next(iter(events))
            assert type(first).__name__ == "BackupProgress"
        finally:
            unsent = ws.close()
        assert unsent == []


def test_missing_url_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without url= the SDK uses MYRVM_WS_URL, then the server for the client's base_url; an explicit URL wins."""
    from myrvm_sdk.errors import ConfigurationError
    from myrvm_sdk.realtime import _url

    monkeypatch.delenv("MYRVM_WS_URL", raising=False)
    with pytest.raises(ConfigurationError):
        _url(None)
    assert _url(None, "https://api.myrvm.example") == "wss://api.myrvm.example/ws"
    monkeypatch.setenv("MYRVM_WS_URL", "ws://127.0.0.1:1234/ws")
    assert _url(None) == "ws://127.0.0.1:1234/ws"
    assert _url("ws://127.0.0.1:9/ws") == "ws://127.0.0.1:9/ws"

"""Design document 001 (MyRVM server timezone features): every client-side example, run against the mocks.

Each example is copied with only the host changed (Prism or the WebSocket mock on a free 127.0.0.1
port) and a bearer token added where the REST API asks for one (the document's examples leave auth
out; its section 10 lists `401 Unauthorized`). JavaScript is translated into the same HTTP and
WebSocket calls with the same paths and payloads. Server-side items (database tables, the handler
class, metrics, notifications, analytics) are out of scope. Each example also runs through the SDK,
sync and async, to show the document's names work there too.
"""

from __future__ import annotations

import datetime
import json
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM
from myrvm_sdk.models import (
    ManualSyncTrigger,
    ManualTimezoneSyncRequest,
    SyncMethod,
    TimezoneStatus,
    TimezoneSyncEvent,
    TimezoneSyncRequest,
)
from myrvm_sdk.realtime import STREAMS, connect_stream, connect_stream_sync
from myrvm_sdk.realtime.models import TimezoneUpdate
from websockets.asyncio.client import connect as ws_connect

from generator.registry import load_registry
from mock.prism import PrismServer
from mock.ws_mock import ThreadedWebSocketMock, WebSocketMock

ASYNCAPI = load_registry()["myrvm"].asyncapi
TOKEN = "seed-001-token"
DEVICE_ID = "jetson_orin_nano"
DASHBOARD_PATH = "/ws/timezone"

# 1.A Timezone Sync Endpoint: the document's body, word for word.
SYNC_BODY: dict[str, Any] = {
    "device_id": "jetson_orin_nano",
    "event": "timezone_sync",
    "timezone": "Asia/Jakarta",
    "country": "Indonesia",
    "city": "Magelang",
    "ip": "182.8.226.59",
    "timestamp": "2025-09-19T03:03:31",
    "sync_method": "automatic",
}
# Testing Requirements (and section 10's OpenAPI example): the curl body, without event and timestamp.
CURL_BODY: dict[str, Any] = {
    "device_id": "jetson_orin_nano",
    "timezone": "Asia/Jakarta",
    "country": "Indonesia",
    "city": "Magelang",
    "ip": "182.8.226.59",
    "sync_method": "automatic",
}
# 1.C Manual Sync Trigger (the dashboard's "Sync Timezone" button).
MANUAL_BODY: dict[str, Any] = {"device_id": "jetson_orin_nano", "trigger": "dashboard_button"}
CANONICAL_PATHS = ["/api/v2/timezone-sync", f"/api/v2/timezone-status/{DEVICE_ID}", "/api/v2/timezone-sync/manual"]


@pytest.fixture
def http(myrvm_mock: PrismServer) -> Iterator[httpx.Client]:
    """A plain HTTP client on the mock, as `curl` and the browser's `fetch` are."""
    with httpx.Client(base_url=myrvm_mock.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def dashboard_url(mock: WebSocketMock | ThreadedWebSocketMock) -> str:
    """`ws://localhost:8000/ws/timezone` with the mock's host and port."""
    return f"ws://127.0.0.1:{mock.port}{DASHBOARD_PATH}"


# --- REST, as the document writes it -------------------------------------------------------------------


@pytest.mark.parametrize("body", [SYNC_BODY, CURL_BODY], ids=["section-1A", "curl"])
def test_timezone_sync_accepts_the_documents_bodies(http: httpx.Client, body: dict[str, Any]) -> None:
    """POST /api/v2/timezone-sync takes the document's body (local timestamp, country name) and the curl body."""
    response = http.post("/api/v2/timezone-sync", json=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert (response.json()["device_id"], response.json()["timezone"]) == (DEVICE_ID, "Asia/Jakarta")


def test_timezone_status_answers_with_the_documents_values(http: httpx.Client) -> None:
    """GET /api/v2/timezone-status/{device_id} (1.B, the curl test, the mobile widget's fetch)."""
    response = http.get(f"/api/v2/timezone-status/{DEVICE_ID}")
    assert response.status_code == 200, response.text
    data = response.json()
    # MobileTimezoneWidget.updateDisplay reads these two.
    assert (data["local_time"], data["timezone"]) == ("2025-09-19T03:03:31+07:00", "Asia/Jakarta")
    assert (data["country"], data["city"]) == ("Indonesia", "Magelang")


def test_manual_sync_accepts_the_dashboard_button(http: httpx.Client) -> None:
    """POST /api/v2/timezone-sync/manual with trigger dashboard_button is queued (202)."""
    response = http.post("/api/v2/timezone-sync/manual", json=MANUAL_BODY)
    assert response.status_code == 202, response.text
    assert response.json()["trigger"] == "dashboard_button"


# --- the same through the SDK ---------------------------------------------------------------------------


def test_sdk_sends_the_documents_sync_unchanged_and_calls_the_canonical_paths(myrvm_mock: PrismServer) -> None:
    """The document's body round-trips through the model (local timestamp kept); no DeprecationWarning."""
    paths: list[str] = []
    bodies: list[dict[str, Any]] = []
    request = TimezoneSyncRequest.from_dict(SYNC_BODY)
    assert request.timestamp == datetime.datetime(2025, 9, 19, 3, 3, 31)  # naive: the device's local time
    assert request.to_dict() == SYNC_BODY
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client, warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        client.after_response(lambda event: paths.append(event.request.url.path))
        client.after_response(lambda event: bodies.append(json.loads(event.request.content or b"null")))
        result = client.timezone.sync(body=request)
        status = client.timezone.status(DEVICE_ID)
        queued = client.timezone.sync_manual(body=ManualTimezoneSyncRequest.from_dict(MANUAL_BODY))
    assert paths == CANONICAL_PATHS
    assert bodies[0] == SYNC_BODY and bodies[2] == MANUAL_BODY
    assert (result.device_id, status.country, status.city) == (DEVICE_ID, "Indonesia", "Magelang")
    assert queued.trigger is ManualSyncTrigger.DASHBOARD_BUTTON


async def test_async_sdk_sends_the_curl_body_and_the_manual_trigger(myrvm_mock: PrismServer) -> None:
    """The async client sends the curl body (no event, no timestamp) and the dashboard's manual trigger."""
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        result = await client.timezone.sync(
            body=TimezoneSyncRequest(
                device_id=DEVICE_ID,
                timezone="Asia/Jakarta",
                sync_method=SyncMethod.AUTOMATIC,
                country="Indonesia",
                city="Magelang",
                ip="182.8.226.59",
            )
        )
        status = await client.timezone.status(DEVICE_ID)
        queued = await client.timezone.sync_manual(
            body=ManualTimezoneSyncRequest(device_id=DEVICE_ID, trigger=ManualSyncTrigger.DASHBOARD_BUTTON)
        )
    assert result.timezone == "Asia/Jakarta"
    assert status.local_time == datetime.datetime.fromisoformat("2025-09-19T03:03:31+07:00")
    assert queued.state.value == "queued"


def test_sdk_sends_a_naive_datetime_as_local_time(myrvm_mock: PrismServer) -> None:
    """A datetime without tzinfo is sent without offset, as the device's local clock gives it, and accepted."""
    sent: list[dict[str, Any]] = []
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        client.after_response(lambda event: sent.append(json.loads(event.request.content or b"null")))
        client.timezone.sync(
            body=TimezoneSyncRequest(
                device_id=DEVICE_ID,
                event=TimezoneSyncEvent.TIMEZONE_SYNC,
                timezone="Asia/Jakarta",
                timestamp=datetime.datetime(2025, 9, 19, 3, 3, 31),
                sync_method=SyncMethod.AUTOMATIC,
            )
        )
    assert sent[0]["timestamp"] == "2025-09-19T03:03:31"


def test_answers_with_local_times_without_offset_parse_too() -> None:
    """A server answering in the device's local time (no offset) parses: models read any ISO 8601 date-time."""
    status = TimezoneStatus.from_dict(
        {
            "device_id": DEVICE_ID,
            "timezone": "Asia/Jakarta",
            "utc_offset": "+07:00",
            "local_time": "2025-09-19T03:03:31",
            "last_sync": "2025-09-19 03:03:31",
            "sync_status": "synced",
            "success_count": 1,
            "failure_count": 0,
        }
    )
    assert status.local_time == datetime.datetime(2025, 9, 19, 3, 3, 31) == status.last_sync
    update = TimezoneUpdate.from_dict(
        {
            "type": "timezone_update",
            "device_id": DEVICE_ID,
            "data": {**SYNC_BODY, "local_time": "2025-09-19T03:03:31", "last_sync": None},
        }
    )
    assert update.data.local_time == datetime.datetime(2025, 9, 19, 3, 3, 31)


# --- 2.B Real-time Timezone Updates: the dashboard's WebSocket ------------------------------------------


async def test_dashboard_websocket_reads_timezone_updates_without_sending_anything() -> None:
    """`new WebSocket('ws://host/ws/timezone')`; onmessage: JSON.parse, then local_time and timezone."""
    async with WebSocketMock(ASYNCAPI, interval_s=None) as mock, ws_connect(dashboard_url(mock)) as timezone_socket:
        data = json.loads(await timezone_socket.recv())  # timezoneSocket.onmessage
        assert data["type"] == "timezone_update"
        # updateTimezoneDisplay(timezoneData)
        assert (data["local_time"], data["timezone"]) == ("2025-09-19T03:03:31+07:00", "Asia/Jakarta")
        # The server's broadcast_timezone_update() reaches the open dashboard.
        assert await mock.push(DASHBOARD_PATH) == 1
        pushed = json.loads(await timezone_socket.recv())
        assert pushed["device_id"] == DEVICE_ID and pushed["data"]["city"] == "Magelang"


async def test_sdk_stream_client_reads_the_dashboard_stream() -> None:
    """realtime.connect_stream('/ws/timezone') gets typed TimezoneUpdate events with no token or subscribe."""
    assert STREAMS == {DASHBOARD_PATH: ("timezone_update",)}
    async with WebSocketMock(ASYNCAPI, interval_s=None) as mock:
        async with connect_stream(DASHBOARD_PATH, url=mock.url) as stream:
            event = await stream.next_event(timeout_s=2)
        assert [session.stream for session in mock.sessions] == [DASHBOARD_PATH]
        assert [session.token for session in mock.sessions] == [None]
    assert isinstance(event, TimezoneUpdate)
    assert (event.timezone, event.data.city, event.data.country) == ("Asia/Jakarta", "Magelang", "Indonesia")


def test_sync_sdk_stream_client_reads_the_dashboard_stream() -> None:
    """realtime.connect_stream_sync does the same for code that is not async."""
    with ThreadedWebSocketMock(ASYNCAPI, interval_s=None) as mock:
        stream = connect_stream_sync(DASHBOARD_PATH, url=f"ws://127.0.0.1:{mock.port}/ws")
        stream.connect()
        try:
            event = next(iter(stream.events(timeout=2)))
        finally:
            unsent = stream.close()
    assert unsent == []
    assert isinstance(event, TimezoneUpdate)
    assert event.local_time == datetime.datetime.fromisoformat("2025-09-19T03:03:31+07:00")

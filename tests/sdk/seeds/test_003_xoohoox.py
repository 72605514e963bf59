"""Design document 003 (Xoohoox REST + WebSocket integration): every client-side item, run against the mocks.

The document's base URL `http://localhost:8000/api/v1` becomes Prism's port with the same `/api/v1`
(mock/prism-base-path.cjs serves the spec's server path), and `ws://localhost:8000/ws` the WebSocket
mock's. Its TypeScript examples are translated into the same HTTP calls and WebSocket frames: the
socket.io-style `socket.emit('subscribe', { channel: 'batches' })` is the frame
`{"event": "subscribe", "data": {"channel": "batches"}}` and `socket.on('batchUpdate', ...)` reads
frames whose `event` is `batchUpdate`. Only the host and the token differ from the document. Each
example also runs through the SDK, sync and async.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from xoohoox_sdk import AsyncXoohoox, RequestOptions, Xoohoox
from xoohoox_sdk.errors import AuthenticationError, NotFoundError
from xoohoox_sdk.models import Batch, BatchCreate, Equipment, MaintenanceRecord, QualityCheck
from xoohoox_sdk.realtime import PROTOCOL_VALUE
from xoohoox_sdk.realtime.models import BatchUpdate

from generator.registry import load_registry
from mock.prism import PrismServer
from mock.ws_document import load_document
from mock.ws_mock import ThreadedWebSocketMock, WebSocketMock
from tests.conftest import LivingFactory

ASYNCAPI = load_registry()["xoohoox"].asyncapi
TOKEN = "seed-003-token"
AT = "2026-03-15T06:00:00+00:00"

# "Data Models": the fields each TypeScript interface declares.
DOCUMENTED_FIELDS = {
    Batch: {
        "id",
        "product_type",
        "quantity",
        "start_date",
        "expected_completion_date",
        "status",
        "quality_checks",
        "equipment_used",
    },
    QualityCheck: {"id", "batch_id", "parameter", "value", "threshold", "timestamp", "status"},
    Equipment: {"id", "name", "type", "status", "last_maintenance", "next_maintenance", "maintenance_history"},
    MaintenanceRecord: {
        "id",
        "equipment_id",
        "type",
        "description",
        "technician",
        "start_date",
        "end_date",
        "status",
        "cost",
    },
}
# "Server to Client" events: the fields of each `data` object.
EVENT_FIELDS = {
    "batches": ("batchUpdate", {"batch_id", "status", "updated_at"}),
    "quality": ("qualityAlert", {"batch_id", "parameter", "value", "threshold", "severity"}),
    "equipment": ("equipmentStatus", {"equipment_id", "status", "last_maintenance", "next_maintenance"}),
    "inventory": ("inventoryUpdate", {"item_id", "quantity", "threshold"}),
    "system": ("systemAlert", {"type", "message", "severity"}),
}
# A `Partial<Batch>` for the "REST API Example" createBatch(batchData).
BATCH_DATA: dict[str, Any] = {
    "product_type": "cold_pressed",
    "quantity": 500,
    "start_date": AT,
    "expected_completion_date": "2026-03-15T14:00:00+00:00",
    "status": "pending",
}
# "Endpoints", each with a body shaped by the document's data models where it takes one.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/auth/login", {"email": "mia.chen@xoohoox.example", "password": "demo-password"}),
    ("POST", "/auth/register", {"email": "sam@xoohoox.example", "password": "a-long-password", "full_name": "Sam"}),
    ("POST", "/auth/refresh", {"refresh_token": "rt_example"}),
    ("POST", "/auth/logout", None),
    ("GET", "/batches", None),
    ("POST", "/batches", BATCH_DATA),
    ("GET", "/batches/BAT-2026-0142", None),
    ("PUT", "/batches/BAT-2026-0142", {"status": "in_progress", "quantity": 520}),
    ("DELETE", "/batches/BAT-2026-0142", None),
    ("GET", "/batches/BAT-2026-0142/quality", None),
    ("GET", "/batches/BAT-2026-0142/equipment", None),
    ("GET", "/quality", None),
    (
        "POST",
        "/quality",
        {"batch_id": "BAT-2026-0142", "parameter": "brix", "value": 10.2, "threshold": 10.5, "timestamp": AT},
    ),
    ("GET", "/quality/QC-2026-0917", None),
    ("PUT", "/quality/QC-2026-0917", {"value": 10.6, "status": "pass"}),
    ("DELETE", "/quality/QC-2026-0917", None),
    ("GET", "/quality/batch/BAT-2026-0142", None),
    ("GET", "/equipment", None),
    (
        "POST",
        "/equipment",
        {"name": "Cold press 4", "type": "press", "status": "operational", "next_maintenance": AT},
    ),
    ("GET", "/equipment/EQ-PRESS-01", None),
    ("PUT", "/equipment/EQ-PRESS-01", {"status": "maintenance", "last_maintenance": AT}),
    ("DELETE", "/equipment/EQ-PRESS-01", None),
    ("GET", "/equipment/maintenance", None),
    (
        "POST",
        "/equipment/maintenance",
        {
            "equipment_id": "EQ-PRESS-01",
            "type": "preventive",
            "description": "Belt tension check.",
            "technician": "Sam Okafor",
            "start_date": AT,
            "end_date": "2026-03-15T07:00:00Z",
            "status": "scheduled",
            "cost": 420,
        },
    ),
]


@pytest.fixture
def xoohoox_mock(prism: Any) -> Iterator[PrismServer]:
    """The Xoohoox Prism mock; the test fails if it died."""
    server: PrismServer = prism("xoohoox")
    yield server
    if not server.alive():
        pytest.fail(f"the Xoohoox mock died during this test: {server.last_log_lines()}")


@pytest.fixture
def api(xoohoox_mock: PrismServer) -> Iterator[httpx.Client]:
    """axios with the document's base URL (`/api/v1` kept) and `Authorization: Bearer <token>`."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with httpx.Client(base_url=f"{xoohoox_mock.url}/api/v1", headers=headers) as client:
        yield client


# --- REST ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_every_listed_endpoint_answers_in_the_documented_format(
    api: httpx.Client, method: str, path: str, body: dict[str, Any] | None
) -> None:
    """Each endpoint of the list answers 2xx under /api/v1 with `{"status": "success", "data", "message"}`."""
    response = api.request(method, path, json=body)
    assert response.is_success, (response.status_code, response.text)
    envelope = response.json()
    assert envelope["status"] == "success" and "data" in envelope and isinstance(envelope["message"], str)


def test_create_batch_example_returns_the_envelope_with_the_documented_fields(api: httpx.Client) -> None:
    """createBatch(batchData): POST /api/v1/batches with the bearer header; response.data is the envelope."""
    response = api.post("/batches", json=BATCH_DATA, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 201, response.text
    batch = response.json()["data"]
    assert DOCUMENTED_FIELDS[Batch] <= set(batch)


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/batches/BAT-2026-0142", Batch),
        ("/quality/QC-2026-0917", QualityCheck),
        ("/equipment/EQ-PRESS-01", Equipment),
        ("/equipment/maintenance", MaintenanceRecord),
    ],
)
def test_each_data_model_comes_with_the_documented_field_names(api: httpx.Client, path: str, model: type[Any]) -> None:
    """Batch, QualityCheck, Equipment and MaintenanceRecord carry every field the document's interface names."""
    data = api.get(path).json()["data"]
    item = data["items"][0] if "items" in data else data
    assert DOCUMENTED_FIELDS[model] <= set(item)
    if model is Batch:  # nested models, as the interfaces declare them
        assert DOCUMENTED_FIELDS[QualityCheck] <= set(item["quality_checks"][0])
        assert DOCUMENTED_FIELDS[Equipment] <= set(item["equipment_used"][0])
        assert DOCUMENTED_FIELDS[MaintenanceRecord] <= set(item["equipment_used"][0]["maintenance_history"][0])


def test_rest_error_example_reaches_its_404_and_401_branches(xoohoox_mock: PrismServer, api: httpx.Client) -> None:
    """axios.get('/api/v1/batches/123'): without a token the 401 branch, for an unknown id the 404 branch.

    The error format is `{"status": "error", "message", "errors": []}`. The mock is asked for its
    documented 404 with `Prefer` (it cannot know which ids exist).
    """
    unauthorized = httpx.get(f"{xoohoox_mock.url}/api/v1/batches/123")
    assert unauthorized.status_code == 401
    assert set(unauthorized.json()) == {"status", "message", "errors"} and unauthorized.json()["status"] == "error"
    not_found = api.get("/batches/123", headers={"Prefer": "code=404"})
    assert not_found.status_code == 404
    assert not_found.json()["status"] == "error"


def test_sdk_models_use_the_documents_names() -> None:
    """The generated models have an attribute for every documented field (`type` is `type_` in Python)."""
    for model, fields in DOCUMENTED_FIELDS.items():
        attributes = {field.name.rstrip("_") for field in attrs.fields(model)}
        assert fields <= attributes, (model.__name__, fields - attributes)


def test_sdk_creates_a_batch_from_the_documents_partial_batch(xoohoox_mock: PrismServer) -> None:
    """client.batches.create(body=BatchCreate.from_dict(batchData)) sends the document's fields unchanged."""
    sent: list[dict[str, Any]] = []
    with Xoohoox(f"{xoohoox_mock.url}/api/v1", api_token=TOKEN) as client:
        client.after_response(lambda event: sent.append(json.loads(event.request.content or b"null")))
        batch = client.batches.create(body=BatchCreate.from_dict(BATCH_DATA))
        with pytest.raises(NotFoundError):
            client.batches.get("123", request_options=RequestOptions(headers={"Prefer": "code=404"}))
    assert sent[0] == BATCH_DATA
    assert isinstance(batch, Batch) and batch.quantity == 1200.0 and batch.quality_checks == []


async def test_async_sdk_reads_the_nested_models_and_maps_401(xoohoox_mock: PrismServer) -> None:
    """The async client reads Batch.quality_checks/equipment_used and raises AuthenticationError on 401."""
    async with AsyncXoohoox(f"{xoohoox_mock.url}/api/v1", api_token=TOKEN) as client:
        batch = await client.batches.get("BAT-2026-0142")
        with pytest.raises(AuthenticationError):
            await client.batches.get("123", request_options=RequestOptions(headers={"Prefer": "code=401"}))
    check, machine = batch.quality_checks[0], batch.equipment_used[0]
    assert (check.parameter, check.value, check.threshold) == ("brix", 10.2, 10.5)
    assert machine.maintenance_history[0].cost == 410.0 and machine.last_maintenance is not None


# --- WebSocket -------------------------------------------------------------------------------------------


async def emit(socket: ClientConnection, event: str, data: dict[str, Any] | None = None) -> None:
    """socket.emit(event, data) as one frame in the document's shape."""
    await socket.send(json.dumps({"event": event, "data": data or {}}))


async def on(socket: ClientConnection, event: str) -> dict[str, Any]:
    """The `data` of the next frame whose `event` is `event` (socket.on(event, (data) => ...))."""
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 2))
        if frame["event"] == event:
            return dict(frame["data"])


async def test_websocket_example_subscribes_to_batches_and_gets_batch_updates() -> None:
    """auth, then subscribeToBatches: emit('subscribe', {channel: 'batches'}); on('batchUpdate', data)."""
    async with WebSocketMock(ASYNCAPI, interval_s=None) as mock, ws_connect(mock.url) as socket:
        await emit(socket, "auth", {"token": TOKEN})
        assert await on(socket, "auth_ok") == {}
        await emit(socket, "subscribe", {"channel": "batches"})
        assert await on(socket, "subscribed") == {"channel": "batches"}
        data = await on(socket, "batchUpdate")
        assert {"batch_id", "status", "updated_at"} <= set(data)
        await socket.send(json.dumps({"event": "ping"}))  # ping: keep the connection alive
        assert (await on(socket, "pong")) == {}
        await emit(socket, "unsubscribe", {"channel": "batches"})
        assert await on(socket, "unsubscribed") == {"channel": "batches"}


@pytest.mark.parametrize("channel", sorted(EVENT_FIELDS))
async def test_every_channel_pushes_its_event_with_the_documented_fields(channel: str) -> None:
    """batches, quality, equipment, inventory and system push their event with the documented `data` fields."""
    event, fields = EVENT_FIELDS[channel]
    async with WebSocketMock(ASYNCAPI, interval_s=None) as mock, ws_connect(mock.url) as socket:
        await emit(socket, "auth", {"token": TOKEN})
        await emit(socket, "subscribe", {"channel": channel})
        assert fields <= set(await on(socket, event))


async def test_websocket_error_example_sees_an_auth_error_type() -> None:
    """socket.on('error', error => error.type === 'auth'): a refused token is an error of type `auth`."""
    async with WebSocketMock(ASYNCAPI, interval_s=None) as mock, ws_connect(mock.url) as socket:
        mock.refuse_auth()
        await emit(socket, "auth", {"token": TOKEN})
        error = await on(socket, "error")
        assert error["type"] == "auth"


def test_every_message_example_of_the_asyncapi_document_matches_its_schema() -> None:
    """The frames the mock sends and the document shows (`{"event", "data"}`) are valid for their schemas."""
    document = load_document(ASYNCAPI)
    specs = {**document.client_messages, **document.server_messages}
    assert all(spec.examples for spec in specs.values())
    for kind, spec in specs.items():
        for example in spec.examples:
            assert spec.validate(example) == [], (kind, example)
            assert example["event"] == kind and set(example) <= {"event", "data"}


def test_connection_management_follows_the_document() -> None:
    """Heartbeat 30 s, 5 reconnection attempts, exponential backoff up to 30 s, frames keyed by `event`."""
    protocol = PROTOCOL_VALUE
    assert protocol.heartbeat is not None and protocol.heartbeat.interval_s == 30
    assert (protocol.reconnect.max_attempts, protocol.reconnect.max_delay_s) == (5, 30)
    assert (protocol.discriminator, protocol.payload_field) == ("event", "data")


def test_sdk_realtime_client_subscribes_to_batches_in_the_documents_frames() -> None:
    """client.realtime(): subscribe('batches') sends the document's frames and yields typed BatchUpdate events."""
    with (
        ThreadedWebSocketMock(ASYNCAPI, interval_s=None) as mock,
        Xoohoox("http://127.0.0.1:9/api/v1", api_token=TOKEN) as client,
        client.realtime(mock.url) as socket,
    ):
        socket.subscribe("batches")
        event = next(iter(socket.events(timeout=2)))
        assert [session.channels for session in mock.sessions] == [frozenset({"batches"})]
        assert [session.token for session in mock.sessions] == [TOKEN]
    assert isinstance(event, BatchUpdate)
    assert (event.event, event.data.batch_id, event.data.quantity) == ("batchUpdate", "BAT-2026-0142", 1200.0)


async def test_async_sdk_realtime_client_gets_batch_updates() -> None:
    """The async realtime client does the same: auth frame, subscribe frame, typed batchUpdate."""
    async with (
        WebSocketMock(ASYNCAPI, interval_s=None) as mock,
        AsyncXoohoox("http://127.0.0.1:9/api/v1", api_token=TOKEN) as client,
        client.realtime(mock.url) as socket,
    ):
        await socket.subscribe("batches")
        event = await socket.next_event(timeout_s=2)
        assert await mock.push("batches") == 1
        again = await socket.next_event(timeout_s=2)
    assert isinstance(event, BatchUpdate) and isinstance(again, BatchUpdate)
    assert event.data.status.value == "in_progress"


def test_rest_error_example_reaches_its_404_branch_as_written_on_the_living_mock(living_mock: LivingFactory) -> None:
    """axios.get('/api/v1/batches/123') as the document writes it (host and token aside): the living mock knows
    which batches exist, so the unknown id answers the documented 404 with no mock-specific header."""
    mock = living_mock("xoohoox")
    not_found = httpx.get(f"{mock.url}/api/v1/batches/123", headers={"Authorization": f"Bearer {TOKEN}"})
    assert not_found.status_code == 404, not_found.text
    assert set(not_found.json()) == {"status", "message", "errors"} and not_found.json()["status"] == "error"

"""The Xoohoox SDK, generated fresh from openapi/xoohoox.yaml, against Prism and the WebSocket mock.

A session fixture generates the SDK (with its real-time side from openapi/xoohoox.asyncapi.yaml) into a
scratch folder under its own package name, so a committed copy in sdk/ can never shadow it. The table in
`xoohoox_operations` says how to call each operation and what its `data` must hold; assertions read the
result through `data_of()`, the one line to change when resource methods return the unwrapped data.
The error tests walk every documented 4xx/5xx, ask Prism for it with ``Prefer: code=NNN`` and check the
typed error carries the error envelope's message and field errors. Schemathesis then fuzzes the whole
spec against the same Prism.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest

from generator.build import build_into
from generator.registry import load_registry
from mock.prism import PrismServer
from mock.ws_mock import ThreadedWebSocketMock
from tests.conftest import MockFactory, alive_throughout
from tests.contract.run import ContractRun, run
from tests.sdk.conftest import clear_sdk_environment
from tests.sdk.wire import WireRecorder
from tests.sdk.xoohoox_operations import BATCH, CASES, SPEC, Case, call_for, data_of

pytestmark = pytest.mark.prism

PACKAGE = "xoohoox_prism_sdk"  # not sdk/xoohoox's package name: the fresh build is the one under test
TOKEN = "test-token-not-a-secret"
CREDENTIALS = {"email": "mia.chen@xoohoox.example", "password": "correct-horse-battery-staple"}


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The SDK generated from the spec and the AsyncAPI document, importable for this session."""
    project = tmp_path_factory.mktemp("xoohoox-sdk") / "xoohoox"
    entry = attrs.evolve(load_registry()["xoohoox"], package=PACKAGE, examples=None)  # examples import xoohoox_sdk
    build_into(entry, project)  # raises SpecRejected, naming each pointer, on any generator warning
    sys.path.insert(0, str(project))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(project))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(scope="session")
def models(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.models")


@pytest.fixture(scope="session")
def session_mock(prism: MockFactory) -> PrismServer:
    """The shared Prism mock of the spec (at its root: Prism ignores the /api/v1 base path)."""
    return prism("xoohoox")


@pytest.fixture
def mock(session_mock: PrismServer) -> Iterator[PrismServer]:
    """The Prism mock; the test fails if the mock is dead after it."""
    yield from alive_throughout(session_mock, "Xoohoox")


@pytest.fixture(scope="module")
def shared_client(sdk: ModuleType, session_mock: PrismServer) -> Iterator[Any]:
    """One sync client (static bearer token) for the module's table tests, built without XOOHOOX_* set."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        clear_sdk_environment(monkeypatch)
        with sdk.Xoohoox(session_mock.url, api_token=TOKEN) as client:
            yield client


@pytest.fixture
def client(mock: PrismServer, shared_client: Any) -> Any:
    return shared_client


@pytest.fixture
async def async_client(sdk: ModuleType, mock: PrismServer) -> AsyncIterator[Any]:
    """A fresh async client per test (its pool belongs to the test's event loop)."""
    async with sdk.AsyncXoohoox(mock.url, api_token=TOKEN) as client:
        yield client


def asking_for(sdk: ModuleType, status: int) -> Any:
    """Prism's ``Prefer: code=`` for one call, with retries off so each documented status is seen once."""
    return sdk.RequestOptions(retry=None, headers={"Prefer": f"code={status}"})


# --- the table is the spec -----------------------------------------------------------------------------


def test_every_operation_of_the_spec_has_a_call() -> None:
    """CASES covers exactly the spec's operations (24 today), so none goes untested and none is stale."""
    assert sorted(case.operation_id for case in CASES) == sorted(SPEC.operation_ids())


def test_the_envelope_extension_describes_every_response(sdk: ModuleType) -> None:
    """info.x-sdk-envelope parses, every 2xx schema is a success envelope and every 4xx/5xx an error envelope."""
    envelope_module = importlib.import_module(f"{PACKAGE}._runtime.shapes._envelope")
    envelope = envelope_module.Envelope.from_extension(SPEC.document["info"]["x-sdk-envelope"])
    for operation_id in SPEC.operation_ids():
        for status, response in SPEC.responses(operation_id).items():
            resolved = SPEC.resolve(response["content"]["application/json"]["schema"])
            status_const = resolved["properties"][envelope.status_field]["const"]
            if status.startswith("2"):
                assert status_const == envelope.success_value, (operation_id, status)
                assert {envelope.status_field, envelope.data_field} <= set(resolved["required"]), (operation_id, status)
            else:
                assert status_const == envelope.error_value, (operation_id, status)
                assert {envelope.status_field, envelope.message_field} <= set(resolved["required"]), (
                    operation_id,
                    status,
                )
                assert envelope.errors_field in resolved["properties"]


# --- success: the typed data, sync and async, and the envelope through raw access ----------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.operation_id)
def test_operation_returns_its_typed_data(case: Case, client: Any, models: ModuleType) -> None:
    """A valid call returns the documented data type holding the spec example's values."""
    case.check(data_of(case.call(client, models)), models)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.operation_id)
async def test_async_operation_returns_its_typed_data(case: Case, async_client: Any, models: ModuleType) -> None:
    """The async client returns the same typed data for the same call."""
    case.check(data_of(await case.call(async_client, models)), models)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.operation_id)
def test_raw_response_keeps_the_envelope(case: Case, client: Any, models: ModuleType) -> None:
    """Raw access returns status, headers and the whole envelope; unwrap() gives its data and message."""
    unwrap = importlib.import_module(f"{PACKAGE}._runtime.shapes._envelope").unwrap
    example = SPEC.success_example(case.operation_id)
    response = case.call(client, models, detailed=True)
    assert 200 <= response.status_code < 300
    assert response.headers["X-Request-ID"] == "7c2e9b14-5a3d-4f8e-b1c6-2d9f0e8a7b35"
    assert response.parse().status == "success"
    data, message = unwrap(response.parse())
    assert message == example["message"]
    case.check(data, models)


# --- errors: every documented status, typed, carrying the error envelope ----------------------------------

ERROR_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
    500: "ServerError",
}


@pytest.mark.parametrize(("operation_id", "status"), SPEC.documented_errors(), ids=lambda value: str(value))
def test_documented_error_raises_its_typed_error(
    operation_id: str, status: int, client: Any, models: ModuleType, sdk: ModuleType
) -> None:
    """A documented error status raises its own class carrying the envelope's message and errors list."""
    documented = SPEC.documented_error(operation_id, status)
    with pytest.raises(sdk.errors.APIStatusError) as caught:
        call_for(operation_id).call(client, models, asking_for(sdk, status))
    error = caught.value
    assert type(error) is getattr(sdk.errors, ERROR_CLASSES[status])
    assert error.status_code == status
    assert error.request_id == documented.request_id
    assert error.body == documented.body
    assert error.problem.detail == documented.body["message"]
    assert error.errors == documented.body["errors"]
    assert documented.body["message"] in str(error)
    assert error.retry_after_s == documented.retry_after_s
    assert TOKEN not in str(error)


async def test_async_client_raises_the_same_typed_errors(
    async_client: Any, models: ModuleType, sdk: ModuleType
) -> None:
    """The async client maps an error envelope to the same typed error, field errors included."""
    with pytest.raises(sdk.errors.UnprocessableEntityError) as caught:
        await call_for("createBatch").call(async_client, models, asking_for(sdk, 422))
    assert [item["field"] for item in caught.value.errors] == ["quantity", "product_type"]


# --- the /api/v1 base path --------------------------------------------------------------------------------


def test_a_base_url_with_a_path_prefixes_every_operation(sdk: ModuleType, models: ModuleType) -> None:
    """The server URL's /api/v1 is kept: operation paths are joined below it (openapi-python-client uses
    the given base URL and the spec's relative paths; the spec's `servers` are not read)."""
    seen: list[str] = []
    example = json.dumps(SPEC.success_example("getBatch")).encode()

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=example, headers={"Content-Type": "application/json"})

    transport = httpx.MockTransport(server)
    with sdk.Xoohoox("https://api.xoohoox.example/api/v1", api_token=TOKEN, transport=transport) as client:
        assert data_of(client.batches.get(BATCH)).id == BATCH
        with pytest.raises(sdk.errors.ResponseValidationError):  # a Batch is not a list of checks
            client.quality.list_for_batch(BATCH)
    assert seen == [f"/api/v1/batches/{BATCH}", f"/api/v1/quality/batch/{BATCH}"]


# --- auth through the envelope (needs the generator's envelope-aware token fields and x-sdk-auth: logout) ---


def test_credentials_log_in_and_logout_forgets_the_token(sdk: ModuleType, mock: PrismServer) -> None:
    """With credentials the SDK logs in (reading the token from the envelope's data), sends the token, and
    `client.logout()` revokes the session and forgets the token: the next call logs in again."""
    wire = WireRecorder()
    with sdk.Xoohoox(mock.url, credentials=CREDENTIALS, transport=wire) as client:
        client.batches.get(BATCH)
        assert client.is_authenticated()
        client.logout()
        assert not client.is_authenticated()
        client.batches.get(BATCH)
    assert [sent.path for sent in wire.sent] == [
        "/auth/login",
        f"/batches/{BATCH}",
        "/auth/logout",
        "/auth/login",
        f"/batches/{BATCH}",
    ]
    assert wire.sent[1].headers["Authorization"].startswith("Bearer eyJ")


# --- real-time events from the WebSocket mock -------------------------------------------------------------


def test_realtime_protocol_defaults_come_from_the_document(sdk: ModuleType) -> None:
    """Heartbeat every 30 s; at most 5 reconnection attempts, backing off from 1 s up to 30 s."""
    realtime = importlib.import_module(f"{PACKAGE}.realtime")
    protocol = realtime.PROTOCOL_VALUE
    assert (protocol.heartbeat.interval_s, protocol.heartbeat.timeout_s) == (30, 10)
    reconnect = protocol.reconnect
    assert (reconnect.initial_delay_s, reconnect.max_delay_s, reconnect.max_attempts) == (1, 30, 5)
    assert dict(realtime.CHANNELS) == {
        "batches": ("batchUpdate",),
        "equipment": ("equipmentStatus",),
        "inventory": ("inventoryUpdate",),
        "quality": ("qualityAlert",),
        "system": ("systemAlert",),
    }


def test_quality_alerts_arrive_typed_from_the_websocket_mock(sdk: ModuleType) -> None:
    """client.realtime() authenticates with the SDK's token, subscribes to `quality` and gets a QualityAlert."""
    realtime_models = importlib.import_module(f"{PACKAGE}.realtime.models")
    with (
        ThreadedWebSocketMock(load_registry()["xoohoox"].asyncapi, port=0, interval_s=None) as ws_mock,
        sdk.Xoohoox("http://127.0.0.1:9", api_token=TOKEN) as client,
    ):
        ws = client.realtime(ws_mock.url)
        ws.connect()
        try:
            ws.subscribe("quality")
            event = next(iter(ws.events(timeout=2)))
        finally:
            unsent = ws.close()
        assert unsent == []
        assert [session.token for session in ws_mock.sessions] == [TOKEN]
    assert isinstance(event, realtime_models.QualityAlert)
    assert (event.data.batch_id, event.data.parameter.value, event.data.severity.value) == (BATCH, "brix", "warning")
    assert event.data.value < event.data.threshold


# --- schemathesis over the whole spec ----------------------------------------------------------------------


def test_every_operation_conforms_under_fuzzing(mock: PrismServer) -> None:
    """Schemathesis exercises all 24 operations with the conformance checks on, finds nothing, and Prism lives."""
    result = run(ContractRun(spec=SPEC.path, url=mock.url, mock=True, max_examples=10))
    assert result.exit_code == 0, result.output[-6000:]
    exercised = set(result.cases_per_operation)
    assert exercised == SPEC.endpoints()
    for check in ("response_schema_conformance", "status_code_conformance", "content_type_conformance"):
        assert check in result.checks_seen, f"{check} did not run"

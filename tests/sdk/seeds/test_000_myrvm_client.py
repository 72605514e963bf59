"""The MyRVM device client plan (seeds/000), its requirements run against the Prism mock, sync and async.

The plan's `EnhancedMyRVMAPIClient(base_url, api_token, rvm_id)` is `MyRVM(base_url, api_token=...,
rvm_id=...)` (`AsyncMyRVM` for async code); its `RetryConfig()` and `ConnectionPool()` values are this
API's defaults (`info.x-sdk-defaults`). Only the host (the mock's URL) and the token differ from the plan.
"""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM
from myrvm_sdk._runtime import FakeClock, OutboxPolicy, QueuedReceipt
from myrvm_sdk.errors import RequestValidationError, ServerError
from myrvm_sdk.models import (
    BackupUploadForm,
    CameraSettingsUpdate,
    ConfidenceThresholdUpdate,
    RemoteAccessStartRequest,
    RvmConfigUpdate,
)
from myrvm_sdk.types import File

from generator.registry import load_registry
from mock.prism import PrismServer, free_port
from mock.ws_mock import WebSocketMock
from tests.conftest import MockFactory
from tests.sdk.test_myrvm_outbox import SAMPLE  # one metrics report, as the outbox tests send it

RVM_ID = "rvm-0042"
TOKEN = "device-token-for-tests"
ARCHIVE_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def archive() -> BackupUploadForm:
    payload = File(payload=io.BytesIO(b"\x1f\x8b backup"), file_name="backup.tar.gz", mime_type="application/gzip")
    return BackupUploadForm(archive=payload, sha256=ARCHIVE_SHA256)


class Recorder(httpx.BaseTransport):
    """The innermost transport: notes each request's method and path (and If-None-Match), then talks to the mock."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[str] = []
        self.if_none_match: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        self.if_none_match.append(request.headers.get("If-None-Match"))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def api(prism: MockFactory) -> Iterator[str]:
    """The plan's server, served by the MyRVM mock; the test fails if the mock dies."""
    server: PrismServer = prism("myrvm")
    yield server.url
    if not server.alive():
        pytest.fail(f"the MyRVM mock died during this test: {server.last_log_lines()}")


# --- Step 1: the client class -------------------------------------------------------------------------


def test_the_client_is_bound_to_its_machine(api: str) -> None:
    """EnhancedMyRVMAPIClient(base_url, api_token, rvm_id): rvm_id given once fills every {id}; a call may name
    another machine; the token never shows in repr or settings."""
    recorder = Recorder()
    with MyRVM(api, api_token=TOKEN, rvm_id=RVM_ID, transport=recorder) as client:
        assert (client.settings.base_url, client.rvm_id) == (api, RVM_ID)
        client.config.get()
        client.config.get("rvm-0007")
        assert TOKEN not in repr(client) and TOKEN not in repr(client.settings)
    assert recorder.sent == ["GET /api/v2/rvms/rvm-0042/config", "GET /api/v2/rvms/rvm-0007/config"]


def test_retry_config_and_connection_pool_are_the_plans(api: str) -> None:
    """RetryConfig(): 3 attempts, 1 s doubling to at most 60 s, on 500/502/503/504; ConnectionPool: 10, 5 per host."""
    with MyRVM(api, api_token=TOKEN, rvm_id=RVM_ID) as client:
        retry = client.settings.retry
        pool = client.settings.pool
    assert retry is not None
    assert (retry.max_attempts, retry.initial_delay_s, retry.backoff_factor, retry.max_delay_s) == (3, 1.0, 2.0, 60)
    assert retry.retry_statuses == frozenset({500, 502, 503, 504})
    assert (pool.max_connections, pool.max_connections_per_host) == (10, 5)


def test_three_attempts_with_backoff_then_the_error() -> None:
    """Network failure / server unavailable: a GET answered 503 is tried 3 times (waits 1 s, 2 s), then raises."""
    attempts: list[float] = []
    clock = FakeClock()

    def unavailable(request: httpx.Request) -> httpx.Response:
        attempts.append(clock.monotonic())
        return httpx.Response(503, json={"status": 503, "title": "Unavailable"})

    transport = httpx.MockTransport(unavailable)
    client = MyRVM("https://api.myrvm.example", api_token=TOKEN, rvm_id=RVM_ID, transport=transport, clock=clock)
    with client, pytest.raises(ServerError):
        client.config.get()
    assert len(attempts) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert 1.0 <= gaps[0] < 2.0 and 2.0 <= gaps[1] < 3.0  # 1 s and 2 s, plus at most 1 s of jitter


# --- Enhanced API endpoints, all with the machine's id ------------------------------------------------------


def test_every_endpoint_of_the_plan_with_the_bound_machine(api: str) -> None:
    """Configuration, remote access, monitoring and backup endpoints all answer for the bound rvm_id (sync)."""
    recorder = Recorder()
    with MyRVM(api, api_token=TOKEN, rvm_id=RVM_ID, transport=recorder) as client:
        client.config.get()
        client.config.update(body=RvmConfigUpdate(confidence_threshold=0.9, camera=CameraSettingsUpdate(fps=25)))
        client.config.get_confidence_threshold()
        client.config.update_confidence_threshold(body=ConfidenceThresholdUpdate(confidence_threshold=0.9))
        client.remote_access.start(body=RemoteAccessStartRequest(reason="support"))
        client.remote_access.stop()
        client.remote_access.status()
        client.remote_access.history()
        client.metrics.create(body=SAMPLE)
        client.metrics.list(days=7)
        client.backup.start()
        client.backup.status()
        client.backup.upload(body=archive())
        client.timezone.status_alias(device_id=client.rvm_id or "")  # the plan's path; status() is 001's
    base = "/api/v2/rvms/rvm-0042"
    assert recorder.sent == [
        f"GET {base}/config",
        f"PATCH {base}/config",
        f"GET {base}/config/confidence-threshold",
        f"PATCH {base}/config/confidence-threshold",
        f"POST {base}/remote-access/start",
        f"POST {base}/remote-access/stop",
        f"GET {base}/remote-access/status",
        f"GET {base}/remote-access/history",
        f"POST {base}/metrics",
        f"GET {base}/metrics",
        f"POST {base}/backup/start",
        f"GET {base}/backup/status",
        f"POST {base}/backup/upload",
        "GET /api/v2/timezone/status/rvm-0042",
    ]


async def test_the_async_client_is_bound_the_same_way(api: str) -> None:
    """AsyncMyRVM(..., rvm_id=...): the same bound calls, awaited."""
    async with AsyncMyRVM(api, api_token=TOKEN, rvm_id=RVM_ID) as client:
        config = await client.config.get()
        threshold = await client.config.update_confidence_threshold(
            body=ConfidenceThresholdUpdate(confidence_threshold=0.9)
        )
        metrics = await client.metrics.list(days=7)
        upload = await client.backup.upload(body=archive())
    assert config is not None and config.rvm_id == RVM_ID
    assert threshold.confidence_threshold == 0.9  # type: ignore[union-attr]
    assert metrics.rvm_id == RVM_ID and upload.rvm_id == RVM_ID  # type: ignore[union-attr]


# --- Step 2: configuration validation -------------------------------------------------------------------


def test_a_threshold_of_1_5_is_refused_before_sending(api: str) -> None:
    """Configuration validation: 1.5 breaks the spec's maximum 1; the error names field and bound; nothing is sent."""
    recorder = Recorder()
    with MyRVM(api, api_token=TOKEN, rvm_id=RVM_ID, transport=recorder) as client:
        with pytest.raises(RequestValidationError, match=r"body\.confidence_threshold = 1\.5 .*maximum 1") as caught:
            client.config.update_confidence_threshold(body=ConfidenceThresholdUpdate(confidence_threshold=1.5))
        with pytest.raises(RequestValidationError, match=r"body\.confidence_threshold"):
            client.config.update(body=RvmConfigUpdate(confidence_threshold=1.5))
        with pytest.raises(RequestValidationError, match=r"parameter id = 'machine-7' .*pattern"):
            client.config.get("machine-7")
    assert caught.value.constraint == "maximum 1" and caught.value.field == "body.confidence_threshold"
    assert recorder.sent == []


async def test_the_async_client_validates_too(api: str) -> None:
    """The async twin refuses the same value the same way, without a request."""
    async with AsyncMyRVM(api, api_token=TOKEN, rvm_id=RVM_ID) as client:
        with pytest.raises(RequestValidationError, match="maximum 1"):
            await client.config.update_confidence_threshold(body=ConfidenceThresholdUpdate(confidence_threshold=1.5))


def test_configuration_caching_revalidates_with_the_etag(api: str) -> None:
    """Step 2, configuration caching: with cache=True the second read asks If-None-Match with the config's ETag."""
    recorder = Recorder()
    with MyRVM(api, api_token=TOKEN, rvm_id=RVM_ID, cache=True, transport=recorder) as client:
        first = client.config.get()
        second = client.config.get()
    assert first is not None and second is not None and first.rvm_id == second.rvm_id == RVM_ID
    assert recorder.if_none_match == [None, '"cfg-7f3a9c2e"']


# --- Request queuing during offline ---------------------------------------------------------------------


def test_every_device_write_queues_offline_and_is_delivered_later(tmp_path: Path) -> None:
    """Reliability / request queuing during offline: config PATCH, threshold PATCH, a backup upload (multipart)
    and a metrics report are kept on disk while nothing listens; after a restart of the device program a new
    client on the same file delivers them once the API answers, and the server refuses none."""
    port = free_port()
    policy = OutboxPolicy(path=tmp_path / "outbox.sqlite3", probe_interval_s=0.1, max_probe_interval_s=0.2)
    url = f"http://127.0.0.1:{port}"
    with MyRVM(url, api_token=TOKEN, rvm_id=RVM_ID, outbox=policy, max_retries=0) as client:
        receipts = [
            client.config.update(body=RvmConfigUpdate(maintenance_mode=True), deliver="queued"),
            client.config.update_confidence_threshold(
                body=ConfidenceThresholdUpdate(confidence_threshold=0.8), deliver="queued"
            ),
            client.backup.upload(body=archive(), deliver="queued"),
            client.metrics.create(body=SAMPLE, deliver="queued"),
        ]
        assert all(isinstance(receipt, QueuedReceipt) for receipt in receipts)
        assert client.outbox is not None
        assert [item.method for item in client.outbox.pending()] == ["PATCH", "PATCH", "POST", "POST"]
    assert TOKEN.encode() not in (tmp_path / "outbox.sqlite3").read_bytes()
    with (
        PrismServer(load_registry()["myrvm"].spec, port=port),
        MyRVM(url, api_token=TOKEN, rvm_id=RVM_ID, outbox=policy, max_retries=0) as restarted,
    ):
        assert restarted.outbox is not None
        restarted.outbox.flush(timeout_s=30)
        stats = restarted.outbox.stats()
        dead = restarted.outbox.dead_letters()
    assert (stats.queued, stats.delivered, stats.dead) == (0, 4, 0), dead


# --- Real-time communication ------------------------------------------------------------------------------


def test_websocket_client_reconnects_as_the_plan_says() -> None:
    """WebSocketClient: reconnect_interval 5 s and max_reconnect_attempts 10 are the real-time client's defaults."""
    from myrvm_sdk.realtime import PROTOCOL_VALUE

    reconnect = PROTOCOL_VALUE.reconnect
    assert (reconnect.initial_delay_s, reconnect.max_attempts) == (5, 10)


async def test_real_time_updates_arrive_with_the_devices_token() -> None:
    """Real-time updates: the bound client's realtime() authenticates with its token and gets typed events."""
    document = load_registry()["myrvm"].asyncapi
    async with WebSocketMock(document, port=0, interval_s=None) as mock:
        client = AsyncMyRVM("http://127.0.0.1:9", api_token=TOKEN, rvm_id=RVM_ID)
        async with client, client.realtime(mock.url) as events:
            await events.subscribe("config_changed")
            event = await events.next_event(timeout_s=2)
        assert type(event).__name__ == "ConfigChanged"
        assert mock.sessions[0].token == TOKEN


# --- Request/response logging ----------------------------------------------------------------------------


def test_requests_are_logged_without_the_token(api: str, caplog: pytest.LogCaptureFixture) -> None:
    """Request/response logging: each call is logged with its path and status; the token is redacted."""
    caplog.set_level(logging.DEBUG, logger="myrvm_sdk")
    with MyRVM(api, api_token=TOKEN, rvm_id=RVM_ID) as client:
        client.config.get_confidence_threshold()
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("myrvm_sdk")]
    assert any("/api/v2/rvms/rvm-0042/config/confidence-threshold" in line and "200" in line for line in lines)
    assert all(TOKEN not in line for line in lines)

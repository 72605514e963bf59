"""The MyRVM operations as the tests see them: read from openapi/myrvm.yaml, and how to call each one.

`CASES` says how to call every operation with valid arguments and which values of the spec's example
answer the typed result must hold; `SPEC` is the spec as every SDK's tests read it (`tests.support.spec_kit`).
Not a test module: the test modules import it as ``tests.sdk.myrvm_operations``.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from myrvm_sdk import RequestOptions, RetryPolicy
from myrvm_sdk.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from myrvm_sdk.models import (
    BackupArchive,
    BackupJob,
    BackupUploadForm,
    ConfidenceThreshold,
    ConfidenceThresholdUpdate,
    HealthStatus,
    LoginRequest,
    ManualSyncTrigger,
    ManualTimezoneSyncAccepted,
    ManualTimezoneSyncRequest,
    MetricBatch,
    MetricsAccepted,
    MetricSample,
    MetricSeries,
    RefreshRequest,
    RemoteAccessHistoryPage,
    RemoteAccessSession,
    RemoteAccessStartRequest,
    RemoteAccessStatus,
    RvmConfig,
    RvmConfigUpdate,
    SyncMethod,
    TimezoneStatus,
    TimezoneSyncEvent,
    TimezoneSyncRequest,
    TimezoneSyncResult,
    TokenPair,
)
from myrvm_sdk.types import File

from tests.support.spec_kit import spec_kit

SPEC = spec_kit("myrvm")

RVM = "rvm-0042"
TAKEN_AT = datetime.datetime(2026, 3, 14, 9, 0, tzinfo=datetime.UTC)
ARCHIVE = gzip.compress(b"etc/myrvm/config.toml\nvar/lib/myrvm/counters.db\n")
ARCHIVE_SHA256 = hashlib.sha256(ARCHIVE).hexdigest()


# --- how to call each operation ------------------------------------------------------------------------

Call = Callable[[Any, RequestOptions | None], Any]
"""``call(client, request_options)``: the result for `MyRVM`, an awaitable for `AsyncMyRVM`."""


def sample(minute: int = 0) -> MetricSample:
    return MetricSample(
        timestamp=TAKEN_AT + datetime.timedelta(minutes=minute),
        cpu_percent=37.5,
        memory_percent=62.1,
        disk_percent=48.0,
        temperature_c=54.2,
        uptime_s=864_000 + 60 * minute,
        items_processed=15_230 + minute,
    )


def timezone_sync() -> TimezoneSyncRequest:
    return TimezoneSyncRequest(
        device_id=RVM,
        event=TimezoneSyncEvent.BOOT,
        timezone="Asia/Jakarta",
        timestamp=TAKEN_AT,
        sync_method=SyncMethod.AUTOMATIC,
        country="ID",
        city="Jakarta",
        ip="203.0.113.42",
    )


def manual_sync() -> ManualTimezoneSyncRequest:
    return ManualTimezoneSyncRequest(device_id=RVM, trigger=ManualSyncTrigger.OPERATOR_PANEL)


def upload_form() -> BackupUploadForm:
    """A fresh form per call: the archive is a stream that one upload consumes."""
    archive = File(payload=io.BytesIO(ARCHIVE), file_name="rvm-0042.tar.gz", mime_type="application/gzip")
    return BackupUploadForm(archive=archive, sha256=ARCHIVE_SHA256)


@attrs.frozen
class Case:
    """One way to call an operation, the model it must return, and fields (dotted paths) from the spec's example."""

    operation_id: str
    label: str
    call: Call
    model: type
    expected: dict[str, object]

    @property
    def id(self) -> str:
        return self.operation_id if self.label == "" else f"{self.operation_id}[{self.label}]"


CASES = [
    Case(
        "login",
        "",
        lambda c, o: c.auth.login(
            body=LoginRequest(rvm_id=RVM, api_key="myrvm_live_3f9a2c7e1b5d4f60a8c9e2b1d3f4a5c6"), request_options=o
        ),
        TokenPair,
        {"token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt_9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2"},
    ),
    Case(
        "refreshToken",
        "",
        lambda c, o: c.auth.refresh(
            body=RefreshRequest(refresh_token="rt_9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2"), request_options=o
        ),
        TokenPair,
        {"expires_in": 3600, "refresh_token": "rt_4b7e1d9c2a6f3e8b0c5d7a9e1f2b3c4d5e6f7a8b"},
    ),
    Case(
        "getRvmConfig",
        "",
        lambda c, o: c.config.get(RVM, request_options=o),
        RvmConfig,
        {"rvm_id": RVM, "confidence_threshold": 0.85, "camera.fps": 30, "bin_capacity.max_items": 600},
    ),
    Case(
        "updateRvmConfig",
        "",
        lambda c, o: c.config.update(
            RVM,
            body=RvmConfigUpdate(confidence_threshold=0.9, maintenance_mode=True),
            if_match='"cfg-7f3a9c2e"',
            request_options=o,
        ),
        RvmConfig,
        {"confidence_threshold": 0.9, "maintenance_mode": True, "camera.fps": 25},
    ),
    Case(
        "getConfidenceThreshold",
        "",
        lambda c, o: c.config.get_confidence_threshold(RVM, request_options=o),
        ConfidenceThreshold,
        {"rvm_id": RVM, "confidence_threshold": 0.85},
    ),
    Case(
        "updateConfidenceThreshold",
        "",
        lambda c, o: c.config.update_confidence_threshold(
            RVM, body=ConfidenceThresholdUpdate(confidence_threshold=0.9), if_match='"cfg-7f3a9c2e"', request_options=o
        ),
        ConfidenceThreshold,
        {"confidence_threshold": 0.9},
    ),
    Case(
        "startRemoteAccess",
        "",
        lambda c, o: c.remote_access.start(
            RVM, body=RemoteAccessStartRequest(reason="Jammed conveyor", duration_minutes=30), request_options=o
        ),
        RemoteAccessSession,
        {"state": "active", "ended_at": None, "tunnel.port": 22042, "tunnel.protocol": "ssh"},
    ),
    Case(
        "stopRemoteAccess",
        "",
        lambda c, o: c.remote_access.stop(RVM, request_options=o),
        RemoteAccessSession,
        {"state": "ended", "ended_at": datetime.datetime(2026, 3, 14, 9, 18, 27, tzinfo=datetime.UTC)},
    ),
    Case(
        "getRemoteAccessStatus",
        "",
        lambda c, o: c.remote_access.status(RVM, request_options=o),
        RemoteAccessStatus,
        {"active": True, "session.state": "active", "session.requested_by": "ops-engineer-17"},
    ),
    Case(
        "listRemoteAccessHistory",
        "",
        lambda c, o: c.remote_access.history(RVM, limit=2, request_options=o),
        RemoteAccessHistoryPage,
        {
            "items.0.state": "ended",
            "items.1.state": "expired",
            "next_cursor": "eyJiZWZvcmUiOiIyMDI2LTAzLTAyVDEzOjQ1OjAwWiJ9",
        },
    ),
    Case(
        "submitMetrics",
        "single",
        lambda c, o: c.metrics.create(RVM, body=sample(), request_options=o),
        MetricsAccepted,
        {"accepted": 2},
    ),
    Case(
        "submitMetrics",
        "batch",
        lambda c, o: c.metrics.create(RVM, body=MetricBatch(samples=[sample(0), sample(5)]), request_options=o),
        MetricsAccepted,
        {"accepted": 2},
    ),
    Case(
        "listMetrics",
        "",
        lambda c, o: c.metrics.list(RVM, days=7, request_options=o),
        MetricSeries,
        {"days": 7, "samples.1.cpu_percent": 37.5, "samples.0.gpu_percent": 69.0},
    ),
    Case(
        "startBackup",
        "",
        lambda c, o: c.backup.start(RVM, request_options=o),
        BackupJob,
        {"state": "queued", "progress_percent": 0, "finished_at": None},
    ),
    Case(
        "getBackupStatus",
        "",
        lambda c, o: c.backup.status(RVM, request_options=o),
        BackupJob,
        {"state": "uploading", "progress_percent": 64, "size_bytes": 734_003_200},
    ),
    Case(
        "uploadBackup",
        "",
        lambda c, o: c.backup.upload(RVM, body=upload_form(), request_options=o),
        BackupArchive,
        {"rvm_id": RVM, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    ),
    Case(
        "syncTimezone",
        "",
        lambda c, o: c.timezone.sync(body=timezone_sync(), request_options=o),
        TimezoneSyncResult,
        {"timezone": "Asia/Jakarta", "utc_offset": "+07:00", "changed": False},
    ),
    Case(
        "getTimezoneStatus",
        "",
        lambda c, o: c.timezone.status(RVM, request_options=o),
        TimezoneStatus,
        {"sync_status": "synced", "success_count": 128, "failure_count": 3},
    ),
    Case(
        "requestManualTimezoneSync",
        "",
        lambda c, o: c.timezone.sync_manual(body=manual_sync(), request_options=o),
        ManualTimezoneSyncAccepted,
        {"trigger": "dashboard_button", "state": "queued"},
    ),
    Case(
        "syncTimezoneAlias",
        "",
        lambda c, o: c.timezone.sync_alias(body=timezone_sync(), request_options=o),
        TimezoneSyncResult,
        {"utc_offset": "+07:00", "changed": False},
    ),
    Case(
        "getTimezoneStatusAlias",
        "",
        lambda c, o: c.timezone.status_alias(RVM, request_options=o),
        TimezoneStatus,
        {"timezone": "Asia/Jakarta", "success_count": 128},
    ),
    Case(
        "requestManualTimezoneSyncAlias",
        "",
        lambda c, o: c.timezone.sync_manual_alias(body=manual_sync(), request_options=o),
        ManualTimezoneSyncAccepted,
        {"device_id": "jetson_orin_nano", "state": "queued"},
    ),
    Case(
        "getHealth",
        "",
        lambda c, o: c.health.check(request_options=o),
        HealthStatus,
        {"status": "ok", "version": "2.0.0"},
    ),
]

FIRST_CASE = {case.operation_id: case for case in reversed(CASES)}
"""The first case of each operation: the call the error tests make."""


def field(value: object, path: str) -> object:
    """`path` ("camera.fps", "items.0.state") read from a model: attributes, and list indexes for digits."""
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part)  # type: ignore[index]
    return value


def assert_matches_example(case: Case, result: object) -> None:
    assert isinstance(result, case.model), f"{case.id} returned {type(result).__name__}, not {case.model.__name__}"
    assert {path: field(result, path) for path in case.expected} == case.expected


def call_for(operation_id: str) -> Case:
    """The table entry for an operation the spec documents; a clear failure when nobody added one."""
    if operation_id not in FIRST_CASE:
        pytest.fail(f"operation {operation_id!r} is in the spec but not in CASES: add how to call it")
    return FIRST_CASE[operation_id]


def expected_error_class(status: int) -> type[APIStatusError]:
    """The most specific class the runtime documents for a status."""
    specific: dict[int, type[APIStatusError]] = {
        400: BadRequestError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        409: ConflictError,
        412: PreconditionFailedError,
        422: UnprocessableEntityError,
        429: RateLimitError,
        503: ServiceUnavailableError,
    }
    return specific.get(status) or (ServerError if status >= 500 else APIStatusError)


RETRIED_STATUSES = RetryPolicy().retry_statuses
TRANSIENT = frozenset({500, 502, 503, 504})


def asking_for(status: int) -> RequestOptions:
    """Prism's ``Prefer: code=`` for one call; retries off for a status the default policy would retry."""
    headers = {"Prefer": f"code={status}"}
    if status in RETRIED_STATUSES:
        return RequestOptions(retry=None, headers=headers)
    return RequestOptions(headers=headers)


def assert_documented_error(error: APIStatusError, operation_id: str, status: int) -> None:
    documented = SPEC.documented_error(operation_id, status)
    assert type(error) is expected_error_class(status)
    assert error.status_code == status
    assert error.request_id == documented.request_id
    assert error.body == documented.body
    assert error.problem is not None
    assert (error.problem.title, error.problem.code) == (documented.body["title"], documented.body["code"])
    assert error.retry_after_s == documented.retry_after_s
    if isinstance(error, ServerError):
        assert error.is_transient is (status in TRANSIENT)

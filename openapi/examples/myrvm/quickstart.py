"""MyRVM quickstart: log in, read and update the config, remote access, metrics, timezone sync.

Run against the mock:  make mock  (in another terminal), then
    MYRVM_BASE_URL=http://127.0.0.1:4010 python examples/quickstart.py
`make demo` does both for you.
"""

from __future__ import annotations

import datetime
import os

from myrvm_sdk import MyRVM, RequestOptions
from myrvm_sdk._runtime import ResponseEvent
from myrvm_sdk.errors import NotFoundError
from myrvm_sdk.models import (
    MetricSample,
    RemoteAccessStartRequest,
    RvmConfigUpdate,
    SyncMethod,
    TimezoneSyncEvent,
    TimezoneSyncRequest,
)

RVM_ID = "rvm-0042"


def show(event: ResponseEvent) -> None:
    """Print every API call the SDK makes (each attempt) as the demo's trace."""
    print(f"    -> {event.operation_id or 'token'}: {event.response.status_code} (attempt {event.attempt})")


def main() -> None:
    base_url = os.environ.get("MYRVM_BASE_URL", "http://127.0.0.1:4010")
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    # The SDK logs in with these credentials on the first call and refreshes the token before it expires.
    with MyRVM(
        base_url,
        credentials={"rvm_id": RVM_ID, "api_key": os.environ.get("MYRVM_API_KEY", "demo-key-for-the-local-mock")},
    ) as client:
        client.after_response(show)

        print(f"health: {client.health.check().status}")

        print("config: read")
        current = client.config.get_detailed(RVM_ID)
        config = current.parsed
        assert config is not None
        etag = current.headers.get("ETag")
        print(
            f"  confidence threshold {config.confidence_threshold}, model {config.detection_model} "
            f"{config.model_version}, timezone {config.timezone}, ETag {etag}"
        )

        print("config: update (If-Match makes a concurrent change fail with 412 instead of being overwritten)")
        updated = client.config.update(
            RVM_ID, body=RvmConfigUpdate(confidence_threshold=0.9, maintenance_mode=False), if_match=etag or "*"
        )
        print(f"  now {updated.confidence_threshold} (the mock answers with its example config)")

        print("remote access: start, status, stop")
        session = client.remote_access.start(
            RVM_ID, body=RemoteAccessStartRequest(reason="Quickstart check", duration_minutes=15)
        )
        print(f"  session {session.session_id} is {session.state}")
        print(f"  status: active={client.remote_access.status(RVM_ID).active}")
        stopped = client.remote_access.stop(RVM_ID)
        print(f"  stopped: {stopped.state}")

        print("metrics: post one sample (retried safely: the SDK sends an Idempotency-Key), then read 7 days")
        accepted = client.metrics.create(
            RVM_ID,
            body=MetricSample(
                timestamp=now,
                cpu_percent=37.5,
                memory_percent=61.2,
                disk_percent=48.0,
                temperature_c=54.5,
                uptime_s=86_400,
                items_processed=1_204,
            ),
            request_options=RequestOptions(idempotency_key=f"metrics-{RVM_ID}-{now:%Y%m%dT%H%M%S}"),
        )
        print(f"  accepted {accepted.accepted} sample(s)")
        series = client.metrics.list(RVM_ID, days=7)
        print(f"  {len(series.samples)} sample(s) over {series.days} days")

        print("timezone: sync, then status")
        result = client.timezone.sync(
            body=TimezoneSyncRequest(
                device_id=RVM_ID,
                event=TimezoneSyncEvent.BOOT,
                timezone="Asia/Jakarta",
                timestamp=now,
                sync_method=SyncMethod.AUTOMATIC,
                country="ID",
                city="Jakarta",
            )
        )
        print(f"  synced to {result.timezone} (UTC{result.utc_offset}), changed={result.changed}")
        status = client.timezone.status(RVM_ID)
        print(
            f"  {status.timezone}, local time {status.local_time}, {status.sync_status}, "
            f"{status.success_count} ok / {status.failure_count} failed"
        )

        print("errors are typed: ask the mock for its documented 404")
        try:
            client.config.get(RVM_ID, request_options=RequestOptions(headers={"Prefer": "code=404"}))
        except NotFoundError as error:
            print(f"  NotFoundError: status {error.status_code}, request id {error.request_id}")

    print("done: every call above went through retries, token refresh, logging and typed errors")


if __name__ == "__main__":
    main()

"""MyRVM quickstart: log in, read and update the config, remote access, metrics, timezone sync.

Run against the mock:  make mock  (in another terminal), then
    MYRVM_BASE_URL=http://127.0.0.1:4010 python examples/quickstart.py
`make demo` does both for you.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import time
from pathlib import Path

from myrvm_sdk import MyRVM, OutboxPolicy, QueuedReceipt, RequestOptions, ResponseEvent
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
        current = client.with_raw_response.config.get(RVM_ID)  # the status and headers too, for the ETag
        config = current.parse()
        assert config is not None  # None only for a 304, which a call without if_none_match never gets
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

        if os.environ.get("MYRVM_WS_URL"):
            print("real-time: subscribe to timezone_update and wait for one event (pip install 'myrvm-sdk[realtime]')")
            with client.realtime() as events:  # connects; the same login token authenticates the WebSocket
                events.subscribe("timezone_update")
                for event in events.events(timeout=5):
                    print(f"  {type(event).__name__}: {event.device_id} is now on {event.data.timezone} "
                          f"(local time {event.data.local_time})")
                    break

    outbox_url = os.environ.get("MYRVM_OUTBOX_URL")
    if outbox_url:
        offline_outbox(outbox_url, now)

    print("done: every call above went through retries, token refresh, logging and typed errors")


def offline_outbox(url: str, now: datetime.datetime) -> None:
    """Metrics posted while the uplink is down are kept on disk and delivered, once, when it is back."""
    print(f"offline outbox: the uplink ({url}) is down; metrics are kept on disk, then delivered")
    with tempfile.TemporaryDirectory() as scratch:
        policy = OutboxPolicy(path=Path(scratch) / "outbox.sqlite3", probe_interval_s=0.5, max_probe_interval_s=1.0)
        with MyRVM(url, api_token="device-token", outbox=policy, max_retries=0) as device:
            for minute in range(3):
                sample = MetricSample(
                    timestamp=now + datetime.timedelta(minutes=minute), cpu_percent=30.0 + minute,
                    memory_percent=60.0, disk_percent=48.0, temperature_c=55.0, uptime_s=86_400 + 60 * minute,
                    items_processed=1_204 + minute,
                )
                receipt = device.metrics.create(RVM_ID, body=sample, deliver="queued")
                assert isinstance(receipt, QueuedReceipt)
                print(f"  queued #{receipt.outbox_id} ({receipt.operation_id}, key {receipt.idempotency_key[:8]}...)")
            assert device.outbox is not None
            print(f"  {device.outbox.stats().queued} waiting for the uplink", flush=True)
            deadline = time.monotonic() + 30
            while device.outbox.stats().queued and time.monotonic() < deadline:
                time.sleep(0.2)
            stats = device.outbox.stats()
            print(f"  delivered {stats.delivered}, still queued {stats.queued}, dead letters {stats.dead}")


if __name__ == "__main__":
    main()

"""Xoohoox example: plan a batch, record a quality check, schedule maintenance, watch quality alerts.

Run against the mocks:  make mock  (in another terminal), then
    XOOHOOX_BASE_URL=http://127.0.0.1:4020 XOOHOOX_WS_URL=ws://127.0.0.1:4021/ws python examples/example.py

A real server's base URL ends in /api/v1 (e.g. https://api.xoohoox.example/api/v1); the Prism mock
ignores that base path and serves the same operations at its root. Every response of the API is an
envelope ({"status": "success", "data": ..., "message": ...}): resource methods return its `data`,
and `client.with_raw_response.<tag>.<method>()` returns the whole response, whose `.parse()` is the
envelope with `message`.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from xoohoox_sdk import RequestOptions, Xoohoox
from xoohoox_sdk.errors import NotFoundError, UnprocessableEntityError
from xoohoox_sdk.models import (
    BatchCreate,
    BatchStatus,
    BatchUpdate,
    MaintenanceRecordCreate,
    MaintenanceType,
    ProductType,
    QualityCheckCreate,
)

EQUIPMENT_ID = "EQ-PRESS-01"


def show(event: Any) -> None:
    """Print every API call the SDK makes (each attempt) as the example's trace: a ResponseEvent."""
    print(f"    -> {event.operation_id or 'token'}: {event.response.status_code} (attempt {event.attempt})")


def main() -> None:
    base_url = os.environ.get("XOOHOOX_BASE_URL", "http://127.0.0.1:4020")
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    # The SDK logs in with these credentials on the first call (reading the token from the envelope's
    # data) and refreshes the token before it expires.
    credentials = {
        "email": os.environ.get("XOOHOOX_EMAIL", "mia.chen@xoohoox.example"),
        "password": os.environ.get("XOOHOOX_PASSWORD", "demo-password-for-the-mock"),
    }
    with Xoohoox(base_url, credentials=credentials) as client:
        client.after_response(show)

        print("batches: plan a batch, then start it")
        batch = client.batches.create(
            body=BatchCreate(
                name="Valencia orange, morning run",
                product_type=ProductType.FRESH_JUICE,
                fruit_variety="Valencia orange",
                quantity=1200.0,
                supplier="Riverland Citrus Co-op",
                start_date=now,
                expected_completion_date=now + datetime.timedelta(hours=8),
            )
        )
        print(f"  {batch.id} ({batch.product_type.value}, {batch.quantity:g} l) is {batch.status.value}")
        started = client.batches.update(batch.id, body=BatchUpdate(status=BatchStatus.IN_PROGRESS))
        print(f"  now {started.status.value} (the mock answers with its example batch)")

        print("quality: record a check (raw access keeps the envelope, and so its message)")
        recorded = client.with_raw_response.quality.create(
            body=QualityCheckCreate(
                batch_id=batch.id,
                parameter="brix",
                value=10.2,
                threshold=10.5,
                checked_by="Mia Chen",
                timestamp=now,
            )
        )
        envelope = recorded.parse()
        check = envelope.data
        print(f"  {check.id}: {check.parameter} {check.value} (threshold {check.threshold}) -> {check.status.value} ({envelope.message})")
        for earlier in client.batches.list_quality_checks(batch.id):
            print(f"  on record: {earlier.id} {earlier.status.value} at {earlier.timestamp:%H:%M}")

        print("equipment: schedule preventive maintenance")
        record = client.equipment.schedule_maintenance(
            body=MaintenanceRecordCreate(
                equipment_id=EQUIPMENT_ID,
                type_=MaintenanceType.PREVENTIVE,
                description="Monthly belt tension check and filter cloth replacement.",
                technician="Sam Okafor",
                start_date=now + datetime.timedelta(days=14),
                cost=420.0,
                currency="AUD",
            )
        )
        print(f"  {record.id} for {record.equipment_id}: {record.status.value}, {record.cost:g} {record.currency}")
        page = client.equipment.list_maintenance(equipment_id=EQUIPMENT_ID)
        print(f"  {page.total} maintenance record(s) on page {page.page}")

        print("errors are typed and carry the error envelope: ask the mock for its documented 404 and 422")
        try:
            client.batches.get("BAT-2026-0999", request_options=RequestOptions(headers={"Prefer": "code=404"}))
        except NotFoundError as error:
            print(f"  NotFoundError {error.status_code}: {error.problem.detail if error.problem else ''}")
        try:
            client.batches.update(
                batch.id,
                body=BatchUpdate(quantity=1.0),
                request_options=RequestOptions(headers={"Prefer": "code=422"}),
            )
        except UnprocessableEntityError as error:
            for item in error.errors or []:
                print(f"  UnprocessableEntityError: {item['field']} {item['message']}")

        if os.environ.get("XOOHOOX_WS_URL"):
            print("real-time: subscribe to quality and print alerts (pip install 'xoohoox-sdk[realtime]')")
            with client.realtime() as events:  # the same login token authenticates the WebSocket
                events.subscribe("quality")
                for count, alert in enumerate(events.events(timeout=6), start=1):
                    data = alert.data
                    print(
                        f"  {type(alert).__name__} [{data.severity.value}] {data.batch_id}: "
                        f"{data.parameter.value} {data.value} vs {data.threshold}"
                    )
                    if count == 2:
                        break

        client.logout()  # POST /auth/logout, then the SDK forgets the tokens
        print(f"logged out: authenticated={client.is_authenticated()}")

    print("done: every call above went through retries, token refresh, logging and typed errors")


if __name__ == "__main__":
    main()

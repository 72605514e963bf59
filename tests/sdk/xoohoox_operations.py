"""The Xoohoox operations as the tests see them: read from openapi/xoohoox.yaml, and how to call each one.

The SDK under test is generated per session into a scratch folder (see `test_xoohoox_prism.py`), so
nothing here imports it: each call receives the generated `models` module. `CASES` says how to call
every operation with valid arguments and which values of the spec's example `data` the result must
hold; `SPEC` is the spec as every SDK's tests read it (`tests.support.spec_kit`). Not a test module: the
test modules import it as ``tests.sdk.xoohoox_operations``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from types import ModuleType
from typing import Any

import attrs
import pytest

from tests.support.spec_kit import spec_kit

SPEC = spec_kit("xoohoox")

BATCH = "BAT-2026-0142"
CHECK = "QC-2026-0917"
MACHINE = "EQ-PRESS-01"
AT = datetime.datetime(2026, 3, 14, 9, 15, tzinfo=datetime.UTC)


def data_of(result: Any) -> Any:
    """The operation's result inside what a resource method returns: the envelope's data, unwrapped by the
    generator (raw access, `with_raw_response`, keeps the whole envelope: `parse()`)."""
    return result


# --- how to call each operation ------------------------------------------------------------------------

Arguments = Callable[[ModuleType], tuple[tuple[Any, ...], dict[str, Any]]]
"""``arguments(models)``: the positional and keyword arguments of a valid call."""


def no_arguments(models: ModuleType) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (), {}


@attrs.frozen
class Case:
    """One way to call an operation, what its `data` must be, and fields (dotted paths) from the example.

    `data_model` names the class in the generated `models` (None: `data` is null; "list": a list).
    """

    operation_id: str
    resource: str
    method: str
    arguments: Arguments
    data_model: str | None
    expected: dict[str, object]

    def call(self, client: Any, models: ModuleType, options: Any = None, *, detailed: bool = False) -> Any:
        """Call ``client.<resource>.<method>(...)`` (``client.with_raw_response...`` when `detailed`) with this
        case's arguments."""
        args, kwargs = self.arguments(models)
        method = getattr(getattr(client.with_raw_response if detailed else client, self.resource), self.method)
        return method(*args, **kwargs, request_options=options)

    def check(self, data: object, models: ModuleType) -> None:
        """`data` has the documented type and holds the example's values."""
        if self.data_model is None:
            assert data is None, f"{self.operation_id}: data should be null, got {data!r}"
            return
        expected_type = list if self.data_model == "list" else getattr(models, self.data_model)
        assert isinstance(data, expected_type), f"{self.operation_id} returned {type(data).__name__} data"
        assert {path: field(data, path) for path in self.expected} == self.expected


def field(value: object, path: str) -> object:
    """`path` ("items.0.id", "status") read from a model: attributes, list indexes for digits, enum values."""
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part)  # type: ignore[index]
    return getattr(value, "value", value)  # enums compare by their wire value


CASES = [
    # --- auth
    Case(
        "login",
        "auth",
        "login",
        lambda m: (
            (),
            {"body": m.LoginRequest(email="mia.chen@xoohoox.example", password="correct-horse-battery-staple")},
        ),
        "TokenPair",
        {"token_type": "Bearer", "expires_in": 1800, "refresh_token": "rt_5c1e9a7b3d2f4e6a8b0c1d2e3f4a5b6c7d8e9f0a"},
    ),
    Case(
        "register",
        "auth",
        "register",
        lambda m: (
            (),
            {
                "body": m.RegisterRequest(
                    email="mia.chen@xoohoox.example", password="correct-horse-battery-staple", full_name="Mia Chen"
                )
            },
        ),
        "User",
        {"id": "USR-0042", "role": "operator", "is_active": True},
    ),
    Case(
        "refreshToken",
        "auth",
        "refresh",
        lambda m: ((), {"body": m.RefreshRequest(refresh_token="rt_5c1e9a7b3d2f4e6a8b0c1d2e3f4a5b6c7d8e9f0a")}),
        "TokenPair",
        {"token_type": "Bearer", "expires_in": 1800},
    ),
    Case("logout", "auth", "logout", no_arguments, None, {}),
    # --- batches
    Case(
        "listBatches",
        "batches",
        "list",
        lambda m: ((), {"status": m.BatchStatus.IN_PROGRESS, "product_type": m.ProductType.FRESH_JUICE, "size": 20}),
        "BatchPage",
        {
            "total": 2,
            "page": 1,
            "items.0.id": BATCH,
            "items.0.status": "in_progress",
            "items.1.actual_volume_liters": 784.5,
        },
    ),
    Case(
        "createBatch",
        "batches",
        "create",
        lambda m: (
            (),
            {
                "body": m.BatchCreate(
                    name="Valencia orange, morning run",
                    product_type=m.ProductType.FRESH_JUICE,
                    fruit_variety="Valencia orange",
                    quantity=1200.0,
                    supplier="Riverland Citrus Co-op",
                    expected_completion_date=AT,
                )
            },
        ),
        "Batch",
        {"id": "BAT-2026-0143", "status": "pending", "quantity": 1200.0, "quality_checks": []},
    ),
    Case(
        "getBatch",
        "batches",
        "get",
        lambda m: ((BATCH,), {}),
        "Batch",
        {
            "id": BATCH,
            "product_type": "fresh_juice",
            "status": "in_progress",
            "actual_volume_liters": None,
            "quality_checks.0.parameter": "brix",
            "equipment_used.0.maintenance_history.0.cost": 410.0,
        },
    ),
    Case(
        "updateBatch",
        "batches",
        "update",
        lambda m: (
            (BATCH,),
            {"body": m.BatchUpdate(status=m.BatchStatus.COMPLETED, actual_volume_liters=1176.0)},
        ),
        "Batch",
        {"status": "completed", "actual_volume_liters": 1176.0, "notes": "Yield 98 % of target."},
    ),
    Case("deleteBatch", "batches", "delete", lambda m: ((BATCH,), {}), None, {}),
    Case(
        "listBatchQualityChecks",
        "batches",
        "list_quality_checks",
        lambda m: ((BATCH,), {}),
        "list",
        {"0.id": "QC-2026-0911", "0.status": "pass", "1.status": "warning", "1.value": 10.2},
    ),
    Case(
        "listBatchEquipment",
        "batches",
        "list_equipment",
        lambda m: ((BATCH,), {}),
        "list",
        {"0.id": MACHINE, "0.type_": "press", "1.type_": "pasteurizer"},
    ),
    # --- quality
    Case(
        "listQualityChecks",
        "quality",
        "list",
        lambda m: ((), {"batch_id": BATCH, "status": m.QualityStatus.WARNING, "page": 1}),
        "QualityCheckPage",
        {"total": 1, "items.0.id": CHECK, "items.0.status": "warning", "items.0.threshold": 10.5},
    ),
    Case(
        "createQualityCheck",
        "quality",
        "create",
        lambda m: (
            (),
            {
                "body": m.QualityCheckCreate(
                    batch_id=BATCH,
                    parameter="brix",
                    value=10.2,
                    threshold=10.5,
                    checked_by="Mia Chen",
                    timestamp=AT,
                    notes="Sample from tank 3.",
                )
            },
        ),
        "QualityCheck",
        {"id": CHECK, "batch_id": BATCH, "status": "warning", "parameter": "brix", "value": 10.2, "timestamp": AT},
    ),
    Case(
        "getQualityCheck",
        "quality",
        "get",
        lambda m: ((CHECK,), {}),
        "QualityCheck",
        {"id": CHECK, "status": "warning", "parameter": "brix", "threshold": 10.5},
    ),
    Case(
        "updateQualityCheck",
        "quality",
        "update",
        lambda m: ((CHECK,), {"body": m.QualityCheckUpdate(value=10.6, notes="Re-measured.")}),
        "QualityCheck",
        {"status": "pass", "value": 10.6},
    ),
    Case("deleteQualityCheck", "quality", "delete", lambda m: ((CHECK,), {}), None, {}),
    Case(
        "listQualityChecksForBatch",
        "quality",
        "list_for_batch",
        lambda m: ((BATCH,), {}),
        "list",
        {"0.batch_id": BATCH, "1.id": CHECK},
    ),
    # --- equipment
    Case(
        "listEquipment",
        "equipment",
        "list",
        lambda m: ((), {"status": m.EquipmentStatus.OPERATIONAL, "type_": m.EquipmentType.PRESS}),
        "EquipmentPage",
        {"total": 2, "items.0.id": MACHINE, "items.1.status": "maintenance"},
    ),
    Case(
        "createEquipment",
        "equipment",
        "create",
        lambda m: (
            (),
            {
                "body": m.EquipmentCreate(
                    name="Cold press 4",
                    type_=m.EquipmentType.PRESS,
                    location="Line C",
                    manufacturer="Goodnature",
                    serial_number="GN-X6-10488",
                )
            },
        ),
        "Equipment",
        {"id": "EQ-PRESS-04", "status": "operational", "last_maintenance": None, "maintenance_history": []},
    ),
    Case(
        "getEquipment",
        "equipment",
        "get",
        lambda m: ((MACHINE,), {}),
        "Equipment",
        {"id": MACHINE, "name": "Belt press 1", "status": "operational"},
    ),
    Case(
        "updateEquipment",
        "equipment",
        "update",
        lambda m: ((MACHINE,), {"body": m.EquipmentUpdate(status=m.EquipmentStatus.MAINTENANCE)}),
        "Equipment",
        {"id": MACHINE, "status": "maintenance", "location": "Line B"},
    ),
    Case("deleteEquipment", "equipment", "delete", lambda m: ((MACHINE,), {}), None, {}),
    Case(
        "listMaintenanceRecords",
        "equipment",
        "list_maintenance",
        lambda m: (
            (),
            {
                "equipment_id": "EQ-FILL-03",
                "type_": m.MaintenanceType.CORRECTIVE,
                "status": m.MaintenanceStatus.IN_PROGRESS,
            },
        ),
        "MaintenanceRecordPage",
        {"total": 1, "items.0.type_": "corrective", "items.0.cost": 1840.0, "items.0.currency": "AUD"},
    ),
    Case(
        "scheduleMaintenance",
        "equipment",
        "schedule_maintenance",
        lambda m: (
            (),
            {
                "body": m.MaintenanceRecordCreate(
                    equipment_id=MACHINE,
                    type_=m.MaintenanceType.PREVENTIVE,
                    description="Monthly belt tension check and filter cloth replacement.",
                    technician="Sam Okafor",
                    start_date=datetime.datetime(2026, 3, 28, 9, 0, tzinfo=datetime.UTC),
                    cost=420.0,
                    currency="AUD",
                )
            },
        ),
        "MaintenanceRecord",
        {"id": "MNT-2026-0032", "status": "scheduled", "type_": "preventive", "cost": 420.0, "end_date": None},
    ),
]

CASE_FOR = {case.operation_id: case for case in CASES}


def call_for(operation_id: str) -> Case:
    """The table entry for an operation the spec documents; a clear failure when nobody added one."""
    if operation_id not in CASE_FOR:
        pytest.fail(f"operation {operation_id!r} is in the spec but not in CASES: add how to call it")
    return CASE_FOR[operation_id]

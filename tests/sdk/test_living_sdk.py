"""The committed SDKs against the living mock: each sees its own writes, and retries are counted server-side.

Every exchange still passes Prism (in proxy mode between the mock's front and its state store), so
these round trips also prove the stateful answers match the spec the SDKs were generated from.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from cloudconnexa_sdk import CloudConnexa
from cloudconnexa_sdk.models import NetworkCreateRequest, NetworkUpdateRequest
from myrvm_sdk import MyRVM, RetryPolicy
from myrvm_sdk._runtime import FakeClock
from myrvm_sdk.models import ConfidenceThresholdUpdate, RvmConfigUpdate
from tiktrue_sdk import TikTrue
from xoohoox_sdk import RetryPolicy as XoohooxRetryPolicy
from xoohoox_sdk import Xoohoox
from xoohoox_sdk._runtime import FakeClock as XoohooxFakeClock
from xoohoox_sdk.errors import NotFoundError
from xoohoox_sdk.models import BatchCreate, BatchUpdate

from generator.registry import load_registry
from generator.spec_walk import load
from mock.living_mock import LivingMock
from tests.conftest import LivingFactory

pytestmark = pytest.mark.prism
TOKEN = "test-token-not-a-secret"


def request_example(name: str, operation_id: str) -> dict[str, Any]:
    """The request body example the spec gives for `operation_id`."""
    document = load(load_registry()[name].spec)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return copy.deepcopy(operation["requestBody"]["content"]["application/json"]["example"])
    raise LookupError(operation_id)


def test_xoohoox_sdk_creates_reads_updates_lists_and_deletes(living_mock: LivingFactory) -> None:
    """A batch created through the SDK is read back, changed, listed and deleted; then it is NotFound."""
    with Xoohoox(living_mock("xoohoox").url, api_token=TOKEN) as client:
        created = client.batches.create(
            body=BatchCreate.from_dict({"name": "SDK run", "product_type": "fresh_juice", "quantity": 50.0})
        )
        assert client.batches.get(created.id).name == "SDK run"
        client.batches.update(created.id, body=BatchUpdate.from_dict({"quantity": 75.0}))
        assert client.batches.get(created.id).quantity == 75.0
        assert created.id in [batch.id for batch in client.batches.list().items]
        client.batches.delete(created.id)
        with pytest.raises(NotFoundError):
            client.batches.get(created.id)


def test_cloudconnexa_sdk_creates_reads_updates_lists_and_deletes(living_mock: LivingFactory) -> None:
    """A network created through the SDK (OAuth token from the mock) is read, renamed, paged and removed."""
    mock = living_mock("cloudconnexa")
    with CloudConnexa(mock.url, client_id="id", client_secret="secret-not-a-secret") as client:
        body = request_example("cloudconnexa", "createNetwork") | {"name": "sdk-net"}
        created = client.networks.create(body=NetworkCreateRequest.from_dict(body))
        assert client.networks.get(created.id).name == "sdk-net"
        update = request_example("cloudconnexa", "updateNetwork") | {"name": "sdk-net-2"}
        client.networks.update(created.id, body=NetworkUpdateRequest.from_dict(update))
        assert client.networks.get(created.id).name == "sdk-net-2"
        page = client.networks.list(page=0, size=100)
        assert created.id in [network.id for network in page.content] and page.total_elements == 6
        client.networks.delete(created.id)
        assert client.networks.list(page=0, size=100).total_elements == 5


def test_myrvm_sdk_sees_its_own_config_writes(living_mock: LivingFactory) -> None:
    """MyRVM's resources are singletons: a PATCH through the SDK is what the next GET returns, and the
    threshold's own resource shares its field with the whole configuration."""
    with MyRVM(living_mock("myrvm").url, api_token=TOKEN) as client:
        client.config.update("rvm-0042", body=RvmConfigUpdate.from_dict({"confidence_threshold": 0.7}))
        assert client.config.get("rvm-0042").confidence_threshold == 0.7
        assert client.config.get_confidence_threshold("rvm-0042").confidence_threshold == 0.7  # shares the field
        client.config.update_confidence_threshold("rvm-0042", body=ConfidenceThresholdUpdate(confidence_threshold=0.75))
        assert client.config.get("rvm-0042").confidence_threshold == 0.75


def test_tiktrue_sdk_reads_through_the_living_mock(living_mock: LivingFactory) -> None:
    """TikTrue has no collection or singleton to write; its reads answer the spec's examples through Prism."""
    with TikTrue(living_mock("tiktrue").url, api_token=TOKEN) as client:
        assert client.licenses.info().license_key
        assert client.models.list_available().items


def assert_applied_once(mock: LivingMock, method: str, writes: int, *, fault: str) -> None:
    """The journal shows `writes` successful `method` requests, and that the fault was injected at least once."""
    journal = mock.control("requests")
    applied = [entry for entry in journal if entry["method"] == method and entry.get("status") == 200]
    faults = [entry for entry in journal if entry.get("fault") == fault]
    assert len(applied) == writes and faults, journal


def test_retries_through_injected_503s_apply_each_write_once(living_mock: LivingFactory) -> None:
    """With half the requests failing 503 (seeded), every idempotent PATCH succeeds after retries, and the
    server's journal shows each write applied exactly once; then a reset forgets them."""
    mock = living_mock("myrvm")
    mock.control("faults", rate=0.5, status=503, retry_after=0, seed=3)
    policy = RetryPolicy(max_attempts=8, initial_delay_s=0.01, max_jitter_s=None)
    thresholds = [0.61, 0.62, 0.63, 0.64, 0.65, 0.66]
    with MyRVM(mock.url, api_token=TOKEN, retry=policy, clock=FakeClock()) as client:
        for value in thresholds:
            updated = client.config.update("rvm-0042", body=RvmConfigUpdate.from_dict({"confidence_threshold": value}))
            assert updated.confidence_threshold == value
    assert_applied_once(mock, "PATCH", len(thresholds), fault="503")
    assert mock.control("state")["/api/v2/rvms/{id}/config"]["rvm-0042"]["confidence_threshold"] == 0.66
    mock.control("reset")
    assert mock.control("state")["/api/v2/rvms/{id}/config"]["rvm-0042"]["confidence_threshold"] == 0.85


def test_retries_through_injected_connection_resets_apply_each_write_once(living_mock: LivingFactory) -> None:
    """With half the connections closed unanswered (seeded), every idempotent PUT succeeds after retries; a
    reset request never reaches the store, so the journal shows each write applied exactly once."""
    mock = living_mock("xoohoox")
    mock.control("faults", rate=0.5, status="reset", seed=3)
    policy = XoohooxRetryPolicy(max_attempts=8, initial_delay_s=0.01, max_jitter_s=None)
    quantities = [101.0, 102.0, 103.0, 104.0, 105.0, 106.0]
    with Xoohoox(mock.url, api_token=TOKEN, retry=policy, clock=XoohooxFakeClock()) as client:
        for quantity in quantities:
            updated = client.batches.update("BAT-2026-0142", body=BatchUpdate.from_dict({"quantity": quantity}))
            assert updated.quantity == quantity
    assert_applied_once(mock, "PUT", len(quantities), fault="reset")
    assert mock.control("state")["/batches"]["BAT-2026-0142"]["quantity"] == 106.0

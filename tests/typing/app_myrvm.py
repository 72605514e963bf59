"""An application written against the MyRVM SDK, as a downstream team would: type-checked by `make lint`
(mypy --strict and pyright strict, no cast, no ignore), never run. `assert_type` pins each precise type."""

from __future__ import annotations

from typing import assert_type

from myrvm_sdk import AsyncMyRVM, MyRVM, QueuedReceipt, RawResponse, RequestOptions
from myrvm_sdk.bodies import RvmConfigUpdateDict
from myrvm_sdk.errors import MyRVMError, NotModifiedError, OutboxFullError, RealtimeError
from myrvm_sdk.models import MetricsAccepted, MetricSample, RvmConfig, RvmConfigUpdate


def threshold(client: MyRVM, etag: str) -> float | None:
    """get() returns the model (a 304 is NotModifiedError), so its fields read without a None check."""
    config = client.config.get("rvm-0042")
    assert_type(config, RvmConfig)
    try:
        client.config.get("rvm-0042", if_none_match=etag, request_options=RequestOptions(timeout=2.0))
    except NotModifiedError as unchanged:
        assert_type(unchanged.etag, str | None)
        return None
    return config.confidence_threshold


def report(client: MyRVM, sample: MetricSample) -> str:
    """Only a call that asks for deliver="queued" sees QueuedReceipt in its type."""
    accepted = client.metrics.create("rvm-0042", body=sample)
    assert_type(accepted, MetricsAccepted)
    direct = client.metrics.create("rvm-0042", body=sample, deliver="direct")
    assert_type(direct, MetricsAccepted)
    try:
        queued = client.metrics.create("rvm-0042", body=sample, deliver="queued")
    except OutboxFullError as full:
        return f"outbox full at {full.path}"
    assert_type(queued, MetricsAccepted | QueuedReceipt)
    if isinstance(queued, QueuedReceipt):
        return f"queued as #{queued.outbox_id}"
    return f"accepted {queued.accepted}"


def switch_off_maintenance(client: MyRVM) -> bool:
    updated = client.config.update("rvm-0042", body=RvmConfigUpdate(maintenance_mode=False))
    assert_type(updated, RvmConfig)
    return updated.maintenance_mode


def tune(client: MyRVM) -> RvmConfig:
    """A body may be a plain dict of the model's JSON shape (a TypedDict, nested ones and enum values too)."""
    change: RvmConfigUpdateDict = {"confidence_threshold": 0.8, "camera": {"exposure_mode": "auto"}}
    return client.config.update("rvm-0042", body=change)


def report_dict(client: MyRVM) -> int:
    """A oneOf body takes either branch's dict: a batch of samples here."""
    accepted = client.metrics.create("rvm-0042", body={"samples": []})
    return accepted.accepted


async def threshold_async(client: AsyncMyRVM) -> float:
    """The async client mirrors the sync one, types included."""
    config = await client.config.get("rvm-0042")
    assert_type(config, RvmConfig)
    return config.confidence_threshold


def describe(error: MyRVMError) -> str:
    """The whole tree is public: real-time errors are caught by their public name."""
    if isinstance(error, RealtimeError):
        return f"real-time: {error.code}"
    return error.get_troubleshooting_hint()


def etag_of(client: MyRVM) -> str | None:
    """Raw access keeps the arguments and types parse() as the operation's answers (304 included)."""
    answer = client.with_raw_response.config.get("rvm-0042")
    assert_type(answer, RawResponse[RvmConfig | None])
    assert_type(answer.status_code, int)
    assert_type(answer.request_id, str | None)
    return answer.headers.get("ETag")


def patient(client: MyRVM) -> MyRVM:
    """with_options derives a client of the same class."""
    derived = client.with_options(timeout=30.0, retry=None, headers={"X-Trace": "app"})
    assert_type(derived, MyRVM)
    return derived


def one_call_options(client: MyRVM) -> RvmConfig:
    """Per-call keywords beside request_options: a timeout, extra headers and an idempotency key."""
    config = client.config.get("rvm-0042", timeout=5.0, extra_headers={"X-Trace": "one"}, idempotency_key="k-1")
    assert_type(config, RvmConfig)
    return config

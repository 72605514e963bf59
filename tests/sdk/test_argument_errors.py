"""Wrong arguments to a generated operation are TypeErrors naming the parameter, raised before anything is sent."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from myrvm_sdk import MyRVM, RequestOptions
from myrvm_sdk.models import MetricSample


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent, but {request.method} {request.url} was")


@pytest.fixture
def client() -> Any:
    with MyRVM("http://127.0.0.1:9", api_token="t", transport=httpx.MockTransport(_refuse)) as made:
        yield made


def test_a_dict_body_names_the_body_and_its_model(client: MyRVM) -> None:
    """A dict that fits none of the body's TypedDicts: TypeError naming 'body' and its models, not the old
    AttributeError (a dict that fits is sent: tests/sdk/test_typed_bodies.py)."""
    with pytest.raises(TypeError, match="argument 'body' must be MetricSample or MetricBatch or a dict shaped as"):
        client.metrics.create("rvm-0042", body={"cpu_percent": 1.0})  # type: ignore[call-overload]


def test_none_for_a_required_body_names_the_body(client: MyRVM) -> None:
    """None where a required body belongs is refused with the model's name."""
    with pytest.raises(
        TypeError,
        match="argument 'body' must be TimezoneSyncRequest or a dict shaped as TimezoneSyncRequestDict, not NoneType",
    ):
        client.timezone.sync(body=None)  # type: ignore[arg-type]


def test_request_options_as_a_dict_is_a_type_error(client: MyRVM) -> None:
    """request_options={...} names request_options instead of failing as an AttributeError."""
    with pytest.raises(TypeError, match="request_options must be a RequestOptions or None, not dict"):
        client.health.check(request_options={"timeout": 1})  # type: ignore[arg-type]


def test_headers_none_and_retry_int_are_type_errors() -> None:
    """RequestOptions(headers=None) and RequestOptions(retry=3) are refused when built."""
    with pytest.raises(TypeError, match="headers"):
        RequestOptions(headers=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="retry"):
        RequestOptions(retry=3)  # type: ignore[arg-type]


def test_a_sample_model_still_goes_through(client: MyRVM) -> None:
    """The check lets the right types pass: the refusing transport is reached (AssertionError from it)."""
    sample = MetricSample(
        timestamp=datetime.datetime.now(datetime.UTC),
        cpu_percent=1.0,
        memory_percent=1.0,
        disk_percent=1.0,
        temperature_c=1.0,
        uptime_s=1,
        items_processed=1,
    )
    with pytest.raises(Exception, match="nothing may be sent"):
        client.metrics.create("rvm-0042", body=sample)

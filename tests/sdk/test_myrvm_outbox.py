"""Deferrable MyRVM writes through the durable outbox: queued while the API is unreachable, delivered
by the client's own worker once the mock answers on that address."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from myrvm_sdk import MyRVM
from myrvm_sdk._runtime import ConfigurationError, OutboxPolicy, QueuedReceipt
from myrvm_sdk.models import MetricsAccepted, MetricSample

from generator.registry import load_registry
from mock.prism import PrismServer, free_port

pytestmark = pytest.mark.prism

SAMPLE = MetricSample(
    timestamp=datetime.datetime(2026, 3, 14, 9, 0, tzinfo=datetime.UTC),
    cpu_percent=10.0,
    memory_percent=20.0,
    disk_percent=30.0,
    temperature_c=40.0,
    uptime_s=5,
    items_processed=1,
)


def test_queued_while_down_then_delivered_when_the_api_answers(tmp_path: Path) -> None:
    """deliver="queued" returns a receipt while nothing listens; the worker delivers once Prism is up."""
    port = free_port()
    policy = OutboxPolicy(path=tmp_path / "outbox.sqlite3", probe_interval_s=0.1, max_probe_interval_s=0.2)
    with MyRVM(f"http://127.0.0.1:{port}", api_token="outbox-test-token", outbox=policy, max_retries=0) as client:
        receipts = [client.metrics.create("rvm-0042", body=SAMPLE, deliver="queued") for _ in range(3)]
        assert all(isinstance(r, QueuedReceipt) for r in receipts)
        assert len({r.idempotency_key for r in receipts}) == 3
        assert client.outbox is not None and client.outbox.stats().queued == 3
        assert b"outbox-test-token" not in (tmp_path / "outbox.sqlite3").read_bytes()
        with PrismServer(load_registry()["myrvm"].spec, port=port):
            deadline = time.monotonic() + 15
            while client.outbox.stats().queued and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.outbox.stats().queued == 0
            assert client.outbox.stats().delivered == 3
            direct = client.metrics.create("rvm-0042", body=SAMPLE, deliver="queued")
            assert isinstance(direct, MetricsAccepted)  # the network is up: sent at once, typed as usual


def test_queued_without_an_outbox_is_a_configuration_error() -> None:
    """Asking for deliver="queued" on a client without an outbox says which setting is missing."""
    with MyRVM("http://127.0.0.1:9", api_token="t") as client, pytest.raises(ConfigurationError, match="outbox"):
        client.metrics.create("rvm-0042", body=SAMPLE, deliver="queued")

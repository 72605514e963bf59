"""Events that follow the state: the writes an AsyncAPI message names in x-mock-emitted-by are published."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from generator.registry import load_registry
from generator.spec_walk import load
from mock.living_events import EventBridge, emitted_events
from mock.state_api import LivingApi, Request
from mock.ws_mock import ThreadedWebSocketMock, load_document
from tests.conftest import LivingFactory

NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)


def _api_and_events(name: str) -> tuple[LivingApi, list[tuple[str, Mapping[str, Any]]], list[str]]:
    entry = load_registry()[name]
    assert entry.asyncapi is not None
    api = LivingApi(load(entry.spec), now=lambda: NOW)
    sent: list[tuple[str, Mapping[str, Any]]] = []
    bugs: list[str] = []
    bridge = EventBridge(
        load_document(entry.asyncapi), lambda c, p: sent.append((c, p)), report=bugs.append, now=lambda: NOW
    )
    api.on_change = bridge
    return api, sent, bugs


def _write(api: LivingApi, method: str, path: str, body: object) -> int:
    return api.answer(Request(method=method, path=path, body=json.dumps(body).encode())).status


def test_the_documents_name_their_emitters() -> None:
    """Each extension maps a message on its channel to the REST operations that emit it."""
    entry = load_registry()["xoohoox"]
    assert entry.asyncapi is not None
    found = {(e.channel, e.spec.kind): e.operation_ids for e in emitted_events(load_document(entry.asyncapi))}
    assert found[("batches", "batchUpdate")] == {"createBatch", "updateBatch"}


def test_a_status_change_sends_the_batch_as_it_now_is() -> None:
    """PUT of a batch's status emits batchUpdate with that batch's id, new and previous status and the write's time."""
    api, sent, bugs = _api_and_events("xoohoox")
    assert _write(api, "PUT", "/batches/BAT-2026-0141", {"status": "failed"}) == 200
    api.on_change.close()  # type: ignore[union-attr]  # deliveries run on a worker: wait for them
    assert not bugs
    [(channel, payload)] = sent
    assert channel == "batches" and payload["event"] == "batchUpdate"
    data = payload["data"]
    assert (data["batch_id"], data["status"], data["previous_status"]) == ("BAT-2026-0141", "failed", "completed")
    assert data["updated_at"] == "2026-05-01T12:00:00Z"


def test_no_event_reports_a_change_that_did_not_happen() -> None:
    """A PUT that leaves the status as it was sends no batchUpdate (its previous_status would be a lie)."""
    api, sent, _ = _api_and_events("xoohoox")
    _write(api, "PUT", "/batches/BAT-2026-0141", {"notes": "checked"})
    api.on_change.close()  # type: ignore[union-attr]
    assert sent == []


def test_a_created_batch_has_no_previous_status() -> None:
    """createBatch emits batchUpdate for the new id, previous_status null as the document says."""
    api, sent, bugs = _api_and_events("xoohoox")
    _write(api, "POST", "/batches", {"name": "n", "product_type": "fresh_juice", "quantity": 5.0})
    api.on_change.close()  # type: ignore[union-attr]
    assert not bugs and sent[0][1]["data"]["batch_id"] == "BAT-2026-0143"
    assert sent[0][1]["data"]["previous_status"] is None


def test_a_timezone_sync_and_a_config_change_are_announced() -> None:
    """An action (timezone sync) sends timezone_update with what was sent; a config PATCH sends config_changed
    naming the changed fields, the device and the new ETag."""
    api, sent, bugs = _api_and_events("myrvm")
    sync = {"device_id": "rvm-0777", "event": "boot", "timezone": "Europe/Paris", "sync_method": "automatic"}
    assert _write(api, "POST", "/api/v2/timezone/sync", sync) == 200
    assert _write(api, "PATCH", "/api/v2/rvms/rvm-0042/config", {"maintenance_mode": True}) == 200
    api.on_change.close()  # type: ignore[union-attr]
    assert not bugs
    (zone_channel, zone), (config_channel, config) = sent
    assert zone_channel == "timezone_update" and zone["device_id"] == "rvm-0777"
    assert zone["data"]["timezone"] == "Europe/Paris"
    assert config_channel == "config_changed" and config["rvm_id"] == "rvm-0042"
    assert "maintenance_mode" in config["changed_fields"] and config["changed_at"] == "2026-05-01T12:00:00Z"
    assert config["etag"] == api.answer(Request(method="GET", path="/api/v2/rvms/rvm-0042/config")).headers["ETag"]


@pytest.mark.prism
def test_a_subscriber_receives_the_event_of_a_write_over_http(living_mock: LivingFactory) -> None:
    """End to end: a WebSocket client subscribed to `batches` gets the batchUpdate of a PUT sent to the mock."""
    mock = living_mock("xoohoox")
    entry = load_registry()["xoohoox"]
    assert entry.asyncapi is not None
    document = load_document(entry.asyncapi)
    p = document.protocol
    with ThreadedWebSocketMock(document, interval_s=None) as sockets:
        bridge = EventBridge(document, sockets.push, report=print)
        mock.on_change(bridge)
        try:
            with connect(sockets.url, close_timeout=1) as ws:
                ws.send(json.dumps(p.frame(p.auth_kind, {p.token_field: "t"})))  # the document's frame shape
                ws.recv(timeout=5)
                ws.send(json.dumps(p.frame(p.subscribe_kind, {p.channel_field: "batches"})))
                frames = [json.loads(ws.recv(timeout=5)) for _ in range(2)]  # subscribed, then the example
                assert frames[0][p.discriminator] == p.subscribed_kind
                answer = httpx.put(
                    f"{mock.url}/batches/BAT-2026-0142",
                    json={"status": "completed"},
                    headers={"Authorization": "Bearer t"},
                    timeout=30,
                )
                assert answer.status_code == 200, answer.text
                event = json.loads(ws.recv(timeout=5))
                assert event["data"]["batch_id"] == "BAT-2026-0142" and event["data"]["status"] == "completed"
        finally:
            mock.on_change(None)
            bridge.close()


def test_an_action_under_a_record_announces_that_record_at_the_time_of_the_write() -> None:
    """startRemoteAccess on rvm-0007 sends remote_access_started for rvm-0007 (not the example's rvm-0042),
    with the session the answer showed and `at` set to now."""
    api, sent, bugs = _api_and_events("myrvm")
    answer = api.answer(
        Request(method="POST", path="/api/v2/rvms/rvm-0007/remote-access/start", body=b'{"reason": "jam"}')
    )
    api.on_change.close()  # type: ignore[union-attr]
    assert answer.status == 201 and not bugs
    [(channel, event)] = sent
    assert channel == "remote_access" and event["type"] == "remote_access_started"
    assert (event["rvm_id"], event["reason"], event["at"]) == ("rvm-0007", "jam", "2026-05-01T12:00:00Z")
    assert event["session_id"] == json.loads(answer.body)["session_id"]


def test_a_conditional_event_follows_the_record_state() -> None:
    """x-mock-emitted-when: a quality check graded fail raises a critical alert, one that passes raises none."""
    api, sent, bugs = _api_and_events("xoohoox")
    check = {"batch_id": "BAT-2026-0142", "parameter": "ph", "value": 4.6, "threshold": 4.2}
    _write(api, "POST", "/quality", {**check, "status": "fail"})
    _write(api, "POST", "/quality", {**check, "status": "pass"})
    api.on_change.close()  # type: ignore[union-attr]
    assert not bugs
    [(channel, alert)] = sent
    assert channel == "quality" and alert["data"]["severity"] == "critical"
    assert (alert["data"]["parameter"], alert["data"]["value"]) == ("ph", 4.6)

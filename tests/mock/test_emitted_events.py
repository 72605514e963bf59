"""Every event an HTTP operation causes is tied to it, and the living mock sends it when that operation succeeds.

Per AsyncAPI document: each message the server sends is either named by operations in `x-mock-emitted-by`
or listed in `UNCAUSED` with the reason no operation can cause it. Each declared (message, operation)
pair is then driven over HTTP through the living mock (Prism judging the exchange) with the operation's
own request example, and the message must reach its channel, valid (an invalid one is reported, not
sent). A message sent only in some states (`x-mock-emitted-when`) is driven once per state that sends it,
and once in a state that does not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
import yaml

from generator.registry import load_registry
from mock.living_events import EmittedEvent, EventBridge, emitted_events
from mock.living_mock import LivingMock
from mock.state_api import LivingApi
from mock.state_spec import Operation, deref
from mock.ws_mock import load_document
from tests.conftest import LivingFactory

PROTOCOL_REPLY = "a reply of the WebSocket protocol to a client's own frame, not to anything done over HTTP"
UNCAUSED: dict[str, dict[str, str]] = {
    "myrvm": {
        "ack": PROTOCOL_REPLY + " (a device_status report)",
        "auth_ok": PROTOCOL_REPLY,
        "error": PROTOCOL_REPLY,
        "pong": PROTOCOL_REPLY,
        "subscribed": PROTOCOL_REPLY,
        "unsubscribed": PROTOCOL_REPLY,
    },
    "xoohoox": {
        "auth_ok": PROTOCOL_REPLY,
        "error": PROTOCOL_REPLY,
        "pong": PROTOCOL_REPLY,
        "subscribed": PROTOCOL_REPLY,
        "unsubscribed": PROTOCOL_REPLY,
        "inventoryUpdate": "the REST API has no inventory operations: stock changes happen in the plant",
        "systemAlert": "raised by the platform's operators (outages, maintenance windows), no API operation",
    },
}
DOCUMENTS = sorted(UNCAUSED)
# A state that sends no alert, to show the condition holds both ways.
SILENT_STATES = {("xoohoox", "qualityAlert"): "pass"}


def _events(name: str) -> list[EmittedEvent]:
    entry = load_registry()[name]
    assert entry.asyncapi is not None
    return emitted_events(load_document(entry.asyncapi))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_server_message_is_tied_to_its_operations_or_says_why_none_causes_it(name: str) -> None:
    entry = load_registry()[name]
    assert entry.asyncapi is not None
    document = load_document(entry.asyncapi)
    declared = {event.spec.kind for event in emitted_events(document)}
    assert not declared & set(UNCAUSED[name]), "a message is both declared and listed as uncaused"
    assert declared | set(UNCAUSED[name]) == set(document.server_messages)
    operation_ids = {op.operation_id for op in LivingApi(yaml.safe_load(entry.spec.read_text("utf-8"))).operations}
    for event in emitted_events(document):
        assert event.operation_ids <= operation_ids, f"{event.spec.kind} names operations the REST spec lacks"


def _cases(name: str) -> list[tuple[str, str, str, str | None]]:
    """(document, message kind, operation id, the condition's state or None) for every declared emission."""
    cases: list[tuple[str, str, str, str | None]] = []
    for event in _events(name):
        states: list[str | None] = [None] if event.condition is None else list(event.condition.cases)
        silent = SILENT_STATES.get((name, event.spec.kind))
        states += [] if silent is None else [silent]
        cases += [(name, event.spec.kind, op, state) for op in sorted(event.operation_ids) for state in states]
    return cases


def _request(document: Mapping[str, Any], op: Operation, body_fields: Mapping[str, Any]) -> dict[str, Any]:
    """The operation's own request example: the path with its parameters' examples, the JSON body's example."""
    path = re.sub(r"\{([^}]+)\}", lambda m: str(op.param_examples[m.group(1)]), op.template)
    operation = document["paths"][op.template][op.method.lower()]
    content = (deref(document, operation.get("requestBody")) or {}).get("content") or {}
    media = content.get("application/json")
    body = None if media is None else {**(media.get("example") or {}), **body_fields}
    return {"method": op.method, "url": path, **({} if body is None else {"content": json.dumps(body)})}


def _send(mock: LivingMock, request: Mapping[str, Any]) -> tuple[httpx.Response, list[tuple[str, Any]], list[str]]:
    """`request` sent to the living mock with an event bridge listening; the answer, what was sent, mock bugs."""
    entry = load_registry()[mock.spec.stem]
    assert entry.asyncapi is not None
    sent: list[tuple[str, Any]] = []
    bugs: list[str] = []
    bridge = EventBridge(load_document(entry.asyncapi), lambda c, p: sent.append((c, p)), report=bugs.append)
    mock.on_change(bridge)
    try:
        headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
        answer = httpx.request(**{**request, "url": mock.url + request["url"]}, headers=headers, timeout=30)
    finally:
        mock.on_change(None)
        bridge.close()  # deliveries run on the bridge's worker: wait for them
    return answer, sent, bugs


@pytest.mark.prism
@pytest.mark.parametrize(("name", "kind", "operation_id", "state"), [c for n in DOCUMENTS for c in _cases(n)])
def test_a_declared_emission_happens_when_its_operation_succeeds(
    living_mock: LivingFactory, name: str, kind: str, operation_id: str, state: str | None
) -> None:
    mock = living_mock(name)
    [event] = [e for e in _events(name) if e.spec.kind == kind]
    document = yaml.safe_load(mock.spec.read_text(encoding="utf-8"))
    [op] = [o for o in LivingApi(document).operations if o.operation_id == operation_id]
    condition = event.condition
    answer, sent, bugs = _send(mock, _request(document, op, {} if condition is None else {condition.field: state}))
    assert answer.is_success, answer.text
    assert "X-Mock-Bug" not in answer.headers and not bugs
    mine = [payload for channel, payload in sent if channel == event.channel]
    wanted = None if condition is None or state is None else condition.cases.get(state, None)
    if condition is not None and wanted is None:
        assert mine == [], f"{kind} sent for a record whose {condition.field} is {state}"
        return
    assert mine, f"{operation_id} succeeded and sent no {kind} on {event.channel}: {sent}"
    assert event.spec.validate(mine[0]) == []
    for field, value in (wanted or {}).items():
        assert _found(mine[0], field) == value, f"{kind} lacks {field}={value} for a record whose state is {state}"


def _found(payload: Any, field: str) -> Any:
    """The value of `field` at any depth of `payload` (None when absent)."""
    if not isinstance(payload, Mapping):
        return None
    if field in payload:
        return payload[field]
    return next((v for v in (_found(x, field) for x in payload.values()) if v is not None), None)

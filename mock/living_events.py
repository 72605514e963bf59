"""Events that follow the state: the living mock's writes published by the WebSocket mock.

An AsyncAPI message says which REST operations emit it:

    BatchUpdate:
      name: batchUpdate
      x-mock-emitted-by: [createBatch, updateBatch]

A message some writes cause only in some states names the record field and, for each value that causes
it, the fields the message then carries (a quality check graded `warning` or `fail` raises an alert with
the matching severity; a `pass` raises none):

    QualityAlert:
      x-mock-emitted-by: [createQualityCheck, updateQualityCheck]
      x-mock-emitted-when: {status: {warning: {severity: warning}, fail: {severity: critical}}}

When one of them succeeds, `EventBridge` builds the message from its first example and the change:
  - ids: a value equal to an example id (a path parameter's example, a seeded record's id) becomes the
    changed record's own id;
  - fields: a field the record has takes the record's value (at any depth, except the frame's kind and
    channel fields); `previous_<name>` takes the value before the write, and when that value did not
    change the event is not sent (it reports a change that did not happen); `etag` takes the new ETag;
    `changed_fields` lists the fields the write changed; another `*_at` text field becomes now;
then validates it against the message's payload schema. A payload that does not validate is a mock
bug: reported, never sent. Delivery runs on a worker thread, in order, so the HTTP answer never waits.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs

from generator import spec_walk
from mock.state_api import Change
from mock.state_records import substitute
from mock.ws_document import AsyncApiDocument, MessageSpec

EXTENSION = "x-mock-emitted-by"
WHEN = "x-mock-emitted-when"
CHANGED_FIELDS = ("changed_fields", "changedFields")
Push = Callable[[str, Mapping[str, Any]], object]
Report = Callable[[str], None]


@attrs.frozen(kw_only=True)
class Condition:
    """`x-mock-emitted-when`: the record field, and for each of its values that causes the message its fields."""

    field: str
    cases: Mapping[str, Mapping[str, Any]]  # the field's value (as text) -> fields the message then carries

    def fields(self, record: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        """The fields this record's state gives the message; None when its state causes no message."""
        value = (record or {}).get(self.field)
        return None if value is None else self.cases.get(_text(value))


@attrs.frozen(kw_only=True)
class EmittedEvent:
    """A message the document says some operations emit, with the channel it is sent on."""

    channel: str
    spec: MessageSpec
    operation_ids: frozenset[str]
    condition: Condition | None = None


def emitted_events(document: AsyncApiDocument) -> list[EmittedEvent]:
    """The messages of `document` that carry `x-mock-emitted-by`, each on each channel that has it."""
    raw = spec_walk.load(document.path)
    emitters: dict[str, frozenset[str]] = {}
    conditions: dict[str, Condition] = {}
    for message in _messages(raw):
        ids = message.get(EXTENSION)
        ids = [ids] if isinstance(ids, str) else ids
        if isinstance(ids, list) and ids:
            condition = _condition(message)
            for kind in _kinds(message, document.protocol.discriminator):
                emitters[kind] = emitters.get(kind, frozenset()) | frozenset(map(str, ids))
                if condition is not None:
                    conditions[kind] = condition
    return [
        EmittedEvent(channel=channel, spec=spec, operation_ids=emitters[spec.kind], condition=conditions.get(spec.kind))
        for channel, specs in document.channels.items()
        for spec in specs
        if spec.kind in emitters and spec.examples
    ]


def _condition(message: Mapping[str, Any]) -> Condition | None:
    """The message's `x-mock-emitted-when` (one field: {value: {field: value}}); None when it has none."""
    when = message.get(WHEN)
    if not isinstance(when, Mapping) or len(when) != 1:
        return None
    [(field, cases)] = when.items()
    cases = cases if isinstance(cases, Mapping) else {}
    return Condition(field=str(field), cases={_text(k): dict(v or {}) for k, v in cases.items()})


def _text(value: Any) -> str:
    """A field's value as the extension's YAML key spells it (`true`, not `True`)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _messages(raw: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from ((raw.get("components") or {}).get("messages") or {}).values()
    for channel in (raw.get("channels") or {}).values():
        yield from (m for m in (channel.get("messages") or {}).values() if "$ref" not in m)


def _kinds(message: Mapping[str, Any], discriminator: str) -> set[str]:
    kinds = {str(e["payload"][discriminator]) for e in message.get("examples") or () if _has(e, discriminator)}
    return kinds or ({str(message["name"])} if "name" in message else set())


def _has(example: Any, discriminator: str) -> bool:
    return (
        isinstance(example, Mapping)
        and isinstance(example.get("payload"), Mapping)
        and discriminator in example["payload"]
    )


def event_payload(
    example: Mapping[str, Any], change: Change, *, protected: frozenset[str], now: datetime.datetime
) -> dict[str, Any] | None:
    """The event for `change`, shaped like `example`; None when it would report a change that did not happen."""
    payload: dict[str, Any] = substitute(copy.deepcopy(dict(example)), dict(change.replacements))
    record = dict(change.record or change.previous or {})
    previous = dict(change.previous or {})
    changed = sorted(k for k in record if record.get(k) != previous.get(k)) if change.previous else sorted(record)
    stamp = now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for holder, key, top in _fields(payload):
        if top and key in protected:
            continue
        if key.startswith("previous_") and key[len("previous_") :] in record:
            name = key[len("previous_") :]
            if change.previous is None:
                holder[key] = None  # a new record had no previous value
            elif previous.get(name) == record.get(name):
                return None
            else:
                holder[key] = previous.get(name)
        elif key in record and not isinstance(record[key], dict):
            holder[key] = copy.deepcopy(record[key])
        elif key == "etag" and change.etag is not None:
            holder[key] = change.etag
        elif key in CHANGED_FIELDS and isinstance(holder[key], list):
            holder[key] = changed
        elif (key == "at" or key.endswith("_at")) and isinstance(holder[key], str):
            holder[key] = stamp
    return payload


def _fields(node: dict[str, Any], top: bool = True) -> Iterator[tuple[dict[str, Any], str, bool]]:
    for key in list(node):
        yield node, key, top
        if isinstance(node[key], dict):
            yield from _fields(node[key], top=False)


class EventBridge:
    """The `LivingApi.on_change` hook that publishes the document's emitted events through `push`."""

    def __init__(
        self,
        document: AsyncApiDocument,
        push: Push,
        *,
        report: Report,
        now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
    ) -> None:
        self.events = emitted_events(document)
        self.protected = frozenset({document.protocol.discriminator, document.protocol.channel_field})
        self._push = push
        self._report = report
        self._now = now
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="living-events")

    def __call__(self, change: Change) -> None:
        for event in self.events:
            if change.operation_id not in event.operation_ids:
                continue
            fields = {} if event.condition is None else event.condition.fields(change.record)
            if fields is None:
                continue  # this state of the record causes no such message
            payload = event_payload(event.spec.examples[0], change, protected=self.protected, now=self._now())
            if payload is None:
                continue
            for holder, key, top in _fields(payload):
                if key in fields and not (top and key in self.protected):
                    holder[key] = copy.deepcopy(fields[key])
            errors = event.spec.validate(payload)
            if errors:
                self._report(f"mock bug: event {event.spec.kind} after {change.operation_id}: {'; '.join(errors)}")
                continue
            self._worker.submit(self._deliver, event.channel, payload)

    def _deliver(self, channel: str, payload: Mapping[str, Any]) -> None:
        try:
            self._push(channel, payload)
        except Exception as exc:  # a stopped WebSocket mock must not break the HTTP side
            self._report(f"mock: event on {channel} not delivered: {exc}")

    def close(self) -> None:
        self._worker.shutdown(wait=True)

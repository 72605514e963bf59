"""The real-time client's buffers: outbound messages held until acked (bounded), and the event buffer."""

from __future__ import annotations

import asyncio
import json

import attrs
import pytest
from runtime.core._errors import RealtimeQueueFullError
from runtime.realtime._realtime_protocol import RealtimeProtocol
from runtime.realtime._ws_queue import EventBuffer, OutboundQueue, Outgoing

PROTOCOL = RealtimeProtocol()


def message(n: int, **extra: object) -> Outgoing:
    return Outgoing.build({"type": "device_status", "n": n, **extra}, PROTOCOL)


def test_build_sets_a_uuid_id_keeps_a_given_one_and_serialises_once() -> None:
    """A message without an id gets a uuid4; a given id is kept; the frame is compact UTF-8 JSON."""
    generated = message(1)
    assert len(generated.id) == 36 and generated.message["id"] == generated.id
    given = message(2, id="dev-2", city="Zürich")
    assert given.id == "dev-2"
    assert json.loads(given.frame) == {"type": "device_status", "n": 2, "id": "dev-2", "city": "Zürich"}
    assert given.size == len(given.frame.encode("utf-8"))


def test_build_puts_the_id_in_the_payload_object_when_the_protocol_nests_fields() -> None:
    """With payload_field the generated id goes inside that object; a given nested id is kept."""
    nested = RealtimeProtocol(discriminator="event", payload_field="data")
    generated = Outgoing.build({"event": "report", "data": {"n": 1}}, nested)
    assert len(generated.id) == 36 and generated.message == {"event": "report", "data": {"n": 1, "id": generated.id}}
    given = Outgoing.build({"event": "report", "data": {"id": "r-2"}}, nested)
    assert given.id == "r-2" and json.loads(given.frame) == {"event": "report", "data": {"id": "r-2"}}
    bare = Outgoing.build({"event": "report"}, nested)
    assert bare.message == {"event": "report", "data": {"id": bare.id}}


def test_build_accepts_generated_models() -> None:
    """An object with to_dict() (an attrs model) is sent as its dict."""

    @attrs.define
    class DeviceStatus:
        status: str

        def to_dict(self) -> dict[str, object]:
            return {"type": "device_status", "status": self.status}

    assert Outgoing.build(DeviceStatus("ok"), PROTOCOL).message["status"] == "ok"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"n": 1}, ValueError),
        ({"type": "subscribe", "channel": "x"}, ValueError),
        ({"type": "auth", "token": "t"}, ValueError),
        ({"type": "device_status", "id": 5}, ValueError),
        ({"type": "device_status", "when": object()}, TypeError),
    ],
    ids=["no-kind", "control-kind", "auth-kind", "non-string-id", "not-json"],
)
def test_build_rejects_invalid_messages(payload: dict[str, object], error: type[Exception]) -> None:
    """No kind, a control kind, a non-string id or a non-JSON value is refused before queueing."""
    with pytest.raises(error):
        Outgoing.build(payload, PROTOCOL)


def test_queue_keeps_order_until_acked_and_tracks_bytes() -> None:
    """Messages leave only when acked; size_bytes follows; the order of the rest is kept."""
    queue = OutboundQueue(max_messages=10, max_bytes=10_000)
    entries = [message(n) for n in range(3)]
    for entry in entries:
        assert queue.put(entry)
    assert queue.ack(entries[1].id) is entries[1]
    assert queue.ack("unknown") is None
    assert [m["n"] for m in queue.messages()] == [0, 2]
    assert queue.size_bytes == entries[0].size + entries[2].size


def test_duplicate_ids_are_not_doubled() -> None:
    """Putting a message whose id is already queued keeps the first and reports False."""
    queue = OutboundQueue()
    assert queue.put(message(1, id="same"))
    assert not queue.put(message(2, id="same"))
    assert [m["n"] for m in queue.messages()] == [1]


def test_due_lists_what_a_connection_has_not_written_yet() -> None:
    """After a reconnect (new generation) every unacked message is due again, in order."""
    queue = OutboundQueue()
    entries = [message(n) for n in range(3)]
    for entry in entries:
        queue.put(entry)
    entries[0].sent_on = entries[1].sent_on = 1
    assert queue.due(1) == [entries[2]]
    assert queue.due(2) == entries


@pytest.mark.parametrize(("max_messages", "max_bytes"), [(2, 10_000), (100, 150)], ids=["count", "bytes"])
def test_full_queue_raises_and_keeps_what_it_had(max_messages: int, max_bytes: int) -> None:
    """A message that would exceed either bound raises RealtimeQueueFullError and is not queued."""
    queue = OutboundQueue(max_messages=max_messages, max_bytes=max_bytes)
    queue.put(message(1))
    queue.put(message(2))
    with pytest.raises(RealtimeQueueFullError, match="outbound queue is full") as caught:
        queue.put(message(3))
    assert (caught.value.max_messages, caught.value.max_bytes) == (max_messages, max_bytes)
    assert len(queue) == 2


def test_queue_bounds_are_checked() -> None:
    """Bounds must be ints >= 1."""
    with pytest.raises(ValueError, match="max_bytes"):
        OutboundQueue(max_bytes=0)


async def test_event_buffer_drops_the_oldest_when_full_and_wakes_a_waiter() -> None:
    """put() reports a drop of the oldest item; get() waits for the next one; put_front() is seen first."""
    buffer: EventBuffer[int] = EventBuffer(2)
    waiter = asyncio.create_task(buffer.get())
    await asyncio.sleep(0)
    assert buffer.put(1) is False
    assert await waiter == 1
    buffer.put(2)
    buffer.put(3)
    assert buffer.put(4) is True
    buffer.put_front(9)
    assert [await buffer.get() for _ in range(3)] == [9, 3, 4]

"""The real-time client's buffers: the outbound queue (held until acked) and the inbound event buffer.

`OutboundQueue` keeps every client message until the server acknowledges its id, bounded by a message
count and a byte size. Each entry remembers the connection (generation) it was last written on, so
after a reconnect every unacknowledged message is written again, in order and with the same id: nothing
is lost when a link drops mid-flight, and the server's dedup by id keeps anything from being doubled.

`EventBuffer` is a bounded FIFO between the reader and `events()` (or the handlers); when full it drops
the oldest item and reports it, so a stalled consumer can never stall the reader (nor the heartbeat).
`EventStream` adds the end of the stream (seen by every consumer) and per-connection boundaries.
"""

from __future__ import annotations

import asyncio
import collections
import json
import uuid
from collections.abc import Mapping
from typing import Final, Generic, Protocol, TypeVar

import attrs

from ..core._defaults import DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_MESSAGES
from ..core._errors import RealtimeQueueFullError
from ._realtime_protocol import RealtimeProtocol

__all__ = [
    "DEFAULT_MAX_QUEUED_BYTES",
    "DEFAULT_MAX_QUEUED_MESSAGES",
    "STOP",
    "EventBuffer",
    "EventStream",
    "OutboundQueue",
    "Outgoing",
]

_T = TypeVar("_T")


class _HasToDict(Protocol):
    """A generated attrs model."""

    def to_dict(self) -> dict[str, object]: ...


@attrs.define(kw_only=True)
class Outgoing:
    """One client message: its id, the message as given (with the id set), its JSON text and size."""

    id: str
    message: dict[str, object]
    frame: str
    size: int
    sent_on: int | None = None
    """The connection generation it was last written on (None: never written)."""

    @classmethod
    def build(cls, message: Mapping[str, object] | _HasToDict, protocol: RealtimeProtocol) -> Outgoing:
        """Copy `message`, give it an id (uuid4) when it has none, and serialise it once.

        Raises:
            ValueError: no string discriminator, a control kind, or a non-string id.
            TypeError: the message is not a mapping / model, or holds values JSON cannot encode.
        """
        if isinstance(message, Mapping):
            data = dict(message)
        elif callable(getattr(message, "to_dict", None)):
            data = dict(message.to_dict())
        else:
            raise TypeError(f"send() takes a mapping or a generated model, not {type(message).__name__}")
        kind = data.get(protocol.discriminator)
        if not isinstance(kind, str) or not kind:
            raise ValueError(f"a message needs a string {protocol.discriminator!r} field naming its kind")
        if kind in _request_kinds(protocol):
            raise ValueError(f"{kind!r} is a control message; use subscribe()/unsubscribe(), not send()")
        id_field = protocol.ack.id_field
        body = data  # where the id goes: beside the discriminator, or in the protocol's payload object
        if protocol.payload_field is not None:
            nested = data.get(protocol.payload_field)
            body = data[protocol.payload_field] = dict(nested) if isinstance(nested, Mapping) else {}
        if body.get(id_field) is None:
            body[id_field] = str(uuid.uuid4())
        message_id = body[id_field]
        if not isinstance(message_id, str) or not message_id:
            raise ValueError(f"a message's {id_field!r} must be a non-empty string, not {message_id!r}")
        frame = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return cls(id=message_id, message=data, frame=frame, size=len(frame.encode("utf-8")))


def _request_kinds(protocol: RealtimeProtocol) -> frozenset[str]:
    """Kinds only the client itself may send (their answers are tracked by the client)."""
    kinds = {protocol.subscribe.send, protocol.unsubscribe.send}
    if protocol.auth is not None:
        kinds.add(protocol.auth.send)
    if protocol.heartbeat is not None:
        kinds.add(protocol.heartbeat.send)
    return frozenset(kinds)


class OutboundQueue:
    """Unacknowledged client messages in send order, bounded by `max_messages` and `max_bytes`."""

    def __init__(self, *, max_messages: int = DEFAULT_MAX_QUEUED_MESSAGES, max_bytes: int = DEFAULT_MAX_QUEUED_BYTES):
        for name, value in (("max_messages", max_messages), ("max_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, not {value!r}")
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._entries: collections.OrderedDict[str, Outgoing] = collections.OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._entries

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def put(self, entry: Outgoing) -> bool:
        """Append `entry`; False when a message with its id is already queued (it is kept, not doubled).

        Raises:
            RealtimeQueueFullError: taking it would exceed `max_messages` or `max_bytes`.
        """
        if entry.id in self._entries:
            return False
        if len(self._entries) + 1 > self.max_messages or self._bytes + entry.size > self.max_bytes:
            held = f"{len(self._entries)} messages, {self._bytes} bytes"
            raise RealtimeQueueFullError(
                f"The outbound queue is full ({held}; limits {self.max_messages} messages, {self.max_bytes} "
                f"bytes) so this {entry.size}-byte message was not queued. Wait for the connection to come "
                "back (or for acks: `drain()`), or raise max_queued_messages / max_queued_bytes.",
                max_messages=self.max_messages,
                max_bytes=self.max_bytes,
            )
        self._entries[entry.id] = entry
        self._bytes += entry.size
        return True

    def ack(self, message_id: str) -> Outgoing | None:
        """Remove the message the server acknowledged; None when it is not (or no longer) queued."""
        entry = self._entries.pop(message_id, None)
        if entry is not None:
            self._bytes -= entry.size
        return entry

    def due(self, generation: int) -> list[Outgoing]:
        """The messages not yet written on connection `generation`, oldest first."""
        return [entry for entry in self._entries.values() if entry.sent_on != generation]

    def messages(self) -> list[dict[str, object]]:
        """Copies of the queued messages (ids included), oldest first."""
        return [dict(entry.message) for entry in self._entries.values()]


class EventBuffer(Generic[_T]):
    """A bounded FIFO for one consumer side; `put` drops the oldest item when full."""

    def __init__(self, max_items: int) -> None:
        if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
            raise ValueError(f"max_buffered_events must be an int >= 1, not {max_items!r}")
        self._items: collections.deque[_T] = collections.deque()
        self._max = max_items
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: _T) -> bool:
        """Append `item`; True when the oldest item had to be dropped to make room."""
        dropped = len(self._items) >= self._max
        if dropped:
            self._items.popleft()
        self._items.append(item)
        self._ready.set()
        return dropped

    def put_front(self, item: _T) -> None:
        """Give an item back so the next `get` returns it (end markers are seen by every consumer)."""
        self._items.appendleft(item)
        self._ready.set()

    async def get(self) -> _T:
        """The oldest item, waiting for one."""
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


STOP: Final = object()
"""What `EventStream.take` returns at the end of the stream."""


@attrs.frozen
class _End:
    error: BaseException | None


@attrs.frozen
class _LinkDown:
    generation: int


class EventStream:
    """The events buffer: events in order, connection-drop markers, and an end every consumer sees."""

    def __init__(self, max_events: int) -> None:
        self._buffer: EventBuffer[object] = EventBuffer(max_events)

    def put(self, event: object) -> bool:
        """Append an event; True when the oldest one was dropped for room."""
        return self._buffer.put(event)

    def link_down(self, generation: int) -> None:
        """Mark that connection `generation` dropped (for per-connection consumers)."""
        self._buffer.put(_LinkDown(generation))

    def end(self, error: BaseException | None) -> None:
        """End the stream after the buffered events; `error` is raised to consumers (None: just ends)."""
        self._buffer.put(_End(error))

    async def take(self, start: int | None) -> object:
        """The next event; STOP at the end, or (for `start`) once a connection from `start` on dropped."""
        while True:
            item = await self._buffer.get()
            if isinstance(item, _End):
                self._buffer.put_front(item)  # every consumer, and every later call, sees the end
                if item.error is not None:
                    raise item.error
                return STOP
            if isinstance(item, _LinkDown):
                if start is not None and item.generation >= start:
                    return STOP
                continue
            return item

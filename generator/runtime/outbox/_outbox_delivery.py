"""Delivering the outbox: what each answer means for a row, and one drain pass (sync and async).

Per answer (`Delivery`, shared by the sync and async shells):

- 1xx-3xx: delivered; the row is deleted and counted, ``on_delivered`` callbacks run.
- `QUEUEABLE_STATUSES` (408, 425, 429 and the transient 5xx), after the client's own retries: the row
  stays queued (attempts and last error recorded) and its operation is skipped for the rest of the pass,
  so a failed head blocks only its own operation.
- Any other status >= 400: the server refused the request for good. The row moves to the dead letters
  with the status and the error body (secrets masked, at most `MAX_DEAD_LETTER_ERROR_CHARS`) and
  ``on_failed`` callbacks run. It is never sent again unless `Outbox.requeue` is called.
- A connection failure or timeout (`is_offline`): the pass stops; the network is gone again.
- Any other exception (e.g. a credential that cannot be renewed): like a transient status, logged.

A pass (`drain` / `adrain`) sends the oldest rows first (FIFO by id within each operation) through the
SDK's own client, so its retries, auth and hooks apply, until no row is left to try.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Final, Literal, TypeVar

import attrs

from ..core import httpx
from ..core._clock import Clock
from ..core._defaults import TRANSIENT_STATUSES
from ..core._errors import TransportError as SDKTransportError
from ..core._redaction import redaction_for
from ._outbox_records import DeadLetter, OutboxItem, QueuedRow, replay_kwargs
from ._outbox_store import OutboxStore

__all__ = [
    "MAX_DEAD_LETTER_ERROR_CHARS",
    "QUEUEABLE_STATUSES",
    "Delivery",
    "FlushSummary",
    "OutboxDelivered",
    "Pass",
    "adrain",
    "drain",
    "is_offline",
]

QUEUEABLE_STATUSES: Final = frozenset({408, 425, 429}) | TRANSIENT_STATUSES
"""Answers that mean "not now": the request is queued (or stays queued) and is tried again later."""
MAX_DEAD_LETTER_ERROR_CHARS: Final = 1_000

_OFFLINE_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
    SDKTransportError,
)


def is_offline(exc: BaseException) -> bool:
    """True when `exc`, or an exception it was raised from, means the API could not be reached.

    Covers httpx connect/read/write failures and timeouts, a dropped connection, our `TransportError`
    tree (including an open circuit breaker), and a token renewal that failed for one of those reasons.
    """
    seen: BaseException | None = exc
    for _ in range(10):  # a cause chain is short; never loop on a cyclic one
        if seen is None:
            return False
        if isinstance(seen, _OFFLINE_ERRORS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@attrs.frozen(kw_only=True)
class OutboxDelivered:
    """Given to ``on_delivered`` callbacks: the item (as it was queued) and the server's answer."""

    item: OutboxItem
    status_code: int
    response: httpx.Response = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class FlushSummary:
    """What one drain pass did: rows `delivered`, `rejected` (now dead letters), `remaining` queued.

    `offline`: a connection failure stopped the pass. `stopped`: the deadline passed or the worker closed.
    """

    delivered: int = 0
    rejected: int = 0
    remaining: int = 0
    offline: bool = False
    stopped: bool = False


_E = TypeVar("_E")
Outcome = Literal["delivered", "rejected", "retry", "offline"]
DeliveredCallback = Callable[[OutboxDelivered], None]
FailedCallback = Callable[[DeadLetter], None]


class Delivery:
    """Applies the module docstring's rules to one answer, updating the store and calling back."""

    def __init__(self, store: OutboxStore, *, clock: Clock, logger: logging.Logger) -> None:
        self.store = store
        self.clock = clock
        self.logger = logger
        self.delivered_callbacks: list[DeliveredCallback] = []
        self.failed_callbacks: list[FailedCallback] = []

    def after_response(self, row: QueuedRow, response: httpx.Response) -> Outcome:
        """``delivered``, ``rejected`` or ``retry``."""
        item, status = row.item, response.status_code
        if status < 400:
            self.store.delivered(item.outbox_id)
            event = OutboxDelivered(
                item=attrs.evolve(item, attempts=item.attempts + 1), status_code=status, response=response
            )
            self._call(self.delivered_callbacks, event)
            return "delivered"
        if status in QUEUEABLE_STATUSES:
            self.store.attempt_failed(item.outbox_id, f"HTTP {status} {response.reason_phrase}")
            return "retry"
        policy = attrs.evolve(redaction_for(response.request), max_body_chars=MAX_DEAD_LETTER_ERROR_CHARS)
        error = policy.body(
            response.content, response.headers.get("content-type", ""), policy.known_secrets(response.request)
        )
        letter = self.store.reject(item.outbox_id, status_code=status, error=error, failed_at=self.clock.time())
        self.logger.warning(
            "Outbox: %s #%d was refused with HTTP %d; moved to the dead letters",
            item.operation_id,
            item.outbox_id,
            status,
        )
        if letter is not None:
            self.failed(letter)
        return "rejected"

    def after_error(self, row: QueuedRow, exc: Exception) -> Outcome:
        """``offline`` or ``retry``."""
        self.store.attempt_failed(row.item.outbox_id, f"{type(exc).__name__}: {exc}"[:300])
        if is_offline(exc):
            return "offline"
        self.logger.warning(
            "Outbox: delivering %s #%d failed (%s); it stays queued",
            row.item.operation_id,
            row.item.outbox_id,
            type(exc).__name__,
        )
        return "retry"

    def failed(self, letter: DeadLetter) -> None:
        self._call(self.failed_callbacks, letter)

    def _call(self, callbacks: Sequence[Callable[[_E], None]], event: _E) -> None:
        """Run each callback; one that raises is logged and never stops delivery."""
        for callback in list(callbacks):
            try:
                callback(event)
            except Exception:
                self.logger.exception("Outbox: the callback %r raised", callback)


class Pass:
    """One drain pass's bookkeeping, shared by `drain` and `adrain`."""

    def __init__(self, delivery: Delivery, *, batch_size: int, deadline: float | None, stop: Callable[[], bool]):
        self.delivery = delivery
        self.batch_size = batch_size
        self.deadline = deadline
        self.stop = stop
        self.blocked: set[str] = set()
        self.counts: dict[Outcome, int] = {"delivered": 0, "rejected": 0, "retry": 0, "offline": 0}

    def next_rows(self) -> list[QueuedRow]:
        return self.delivery.store.heads(skip=self.blocked, limit=self.batch_size)

    def should_stop(self) -> bool:
        return self.stop() or (self.deadline is not None and self.delivery.clock.monotonic() >= self.deadline)

    def record(self, row: QueuedRow, outcome: Outcome) -> None:
        self.counts[outcome] += 1
        if outcome == "retry":
            self.blocked.add(row.item.operation_id)

    def summary(self, *, offline: bool = False, stopped: bool = False) -> FlushSummary:
        return FlushSummary(
            delivered=self.counts["delivered"],
            rejected=self.counts["rejected"],
            remaining=self.delivery.store.count(),
            offline=offline,
            stopped=stopped,
        )


def drain(run: Pass, client: httpx.Client) -> FlushSummary:
    """Send the pending rows through `client` (its retries and auth apply) until none is left to try."""
    while rows := run.next_rows():
        for row in rows:
            if row.item.operation_id in run.blocked:
                continue
            if run.should_stop():
                return run.summary(stopped=True)
            try:
                response = client.request(**replay_kwargs(row))
            except Exception as exc:
                outcome = run.delivery.after_error(row, exc)
            else:
                outcome = run.delivery.after_response(row, response)
            if outcome == "offline":
                return run.summary(offline=True)
            run.record(row, outcome)
    return run.summary()


async def adrain(run: Pass, client: httpx.AsyncClient) -> FlushSummary:
    """The async twin of `drain` (the store's small local writes run inline)."""
    while rows := run.next_rows():
        for row in rows:
            if row.item.operation_id in run.blocked:
                continue
            if run.should_stop():
                return run.summary(stopped=True)
            try:
                response = await client.request(**replay_kwargs(row))
            except Exception as exc:
                outcome = run.delivery.after_error(row, exc)
            else:
                outcome = run.delivery.after_response(row, response)
            if outcome == "offline":
                return run.summary(offline=True)
            run.record(row, outcome)
    return run.summary()

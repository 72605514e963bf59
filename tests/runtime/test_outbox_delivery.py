"""What each answer means for a queued row, and how one drain pass walks the queue (over MockTransport)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime import (
    CircuitOpenError,
    ConnectError,
    FakeClock,
    RequestTimeout,
    TokenRefreshError,
)
from runtime.outbox._outbox import Outbox
from runtime.outbox._outbox_delivery import OutboxDelivered, is_offline
from runtime.outbox._outbox_policy import OutboxPolicy, QueuedReceipt
from runtime.outbox._outbox_records import DeadLetter

Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler), base_url="https://api.example.com")


def kwargs_for(seq: int) -> dict[str, Any]:
    return {"method": "post", "url": "/m", "json": {"seq": seq}}


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    with Outbox(OutboxPolicy(path=tmp_path / "o.db"), package="t", clock=FakeClock()) as opened:
        yield opened


def _caused(exc: Exception, cause: Exception) -> Exception:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "offline"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("peer closed"), True),
        (httpx.ReadError("reset"), True),
        (ConnectError("refused"), True),
        (RequestTimeout("slow"), True),
        (CircuitOpenError("api", retry_in_s=3.0), True),
        (_caused(TokenRefreshError("could not reach the token endpoint"), httpx.ConnectError("x")), True),
        (TokenRefreshError("bad credentials"), False),
        (httpx.UnsupportedProtocol("ftp"), False),
        (httpx.LocalProtocolError("bad header"), False),
        (ValueError("bug"), False),
    ],
)
def test_is_offline(exc: Exception, offline: bool) -> None:
    """Connection failures, timeouts, dropped connections, an open circuit, and errors caused by them count."""
    assert is_offline(exc) is offline


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_a_success_deletes_the_row_and_calls_back(outbox: Outbox, status: int) -> None:
    """A 2xx deletes the row, counts it delivered, and calls on_delivered with the item and the response."""
    events: list[OutboxDelivered] = []
    outbox.on_delivered(events.append)
    receipt = outbox.enqueue(kwargs_for(1), operation_id="op")
    with client_for(lambda request: httpx.Response(status)) as client:
        assert outbox.flush(client=client).delivered == 1
    assert outbox.stats().queued == 0 and outbox.stats().delivered == 1
    [event] = events
    assert (event.item.outbox_id, event.item.attempts, event.status_code) == (receipt.outbox_id, 1, status)
    assert event.response.status_code == status


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_a_transient_status_keeps_the_row(outbox: Outbox, status: int) -> None:
    """408/425/429 and the transient 5xx keep the row queued, with the attempt recorded."""
    outbox.enqueue(kwargs_for(1), operation_id="op")
    with client_for(lambda request: httpx.Response(status)) as client:
        summary = outbox.flush(client=client)
    assert (summary.delivered, summary.rejected, summary.remaining) == (0, 0, 1)
    [item] = outbox.pending()
    assert item.attempts == 1 and item.last_error is not None and str(status) in item.last_error


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 410, 413, 422, 501])
def test_a_final_status_dead_letters_the_row(outbox: Outbox, status: int) -> None:
    """Any other status >= 400 moves the row to the dead letters with the status, and calls on_failed."""
    failed: list[DeadLetter] = []
    outbox.on_failed(failed.append)
    outbox.enqueue(kwargs_for(1), operation_id="op")
    calls: list[int] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, json={"detail": "no", "password": "hunter2-leaked"})

    with client_for(refuse) as client:
        assert outbox.flush(client=client).rejected == 1
        assert outbox.flush(client=client).rejected == 0  # never sent again
    assert len(calls) == 1
    [letter] = outbox.dead_letters()
    assert (letter.status_code, letter.reason, letter.attempts) == (status, "rejected", 1)
    assert letter.error is not None and "hunter2" not in letter.error and "no" in letter.error
    assert failed == [letter]


def test_a_dead_letter_can_be_requeued_with_its_key(outbox: Outbox) -> None:
    """requeue puts a dead letter back at the end of the queue with its original idempotency key."""
    receipt = outbox.enqueue(kwargs_for(1), operation_id="op")
    with client_for(lambda request: httpx.Response(400)) as client:
        outbox.flush(client=client)
    again = outbox.requeue(receipt.outbox_id)
    assert again.idempotency_key == receipt.idempotency_key and again.outbox_id > receipt.outbox_id
    keys: list[str] = []

    def accept(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(201)

    with client_for(accept) as client:
        assert outbox.flush(client=client).delivered == 1
    assert keys == [receipt.idempotency_key] and outbox.dead_letters() == []


def test_going_offline_mid_pass_stops_it(outbox: Outbox) -> None:
    """A connection failure ends the pass at once: later rows are not tried."""
    for i in range(3):
        outbox.enqueue(kwargs_for(i), operation_id=f"op{i}")
    seen: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        if len(seen) == 2:
            raise httpx.ConnectError("link down", request=request)
        return httpx.Response(201)

    with client_for(flaky) as client:
        summary = outbox.flush(client=client)
    assert (summary.delivered, summary.remaining, summary.offline) == (1, 2, True)
    assert len(seen) == 2


def test_a_raising_callback_does_not_stop_delivery(outbox: Outbox) -> None:
    """Callbacks run per item; one that raises is logged and the pass goes on."""

    def broken(event: OutboxDelivered) -> None:
        raise RuntimeError("user bug")

    outbox.on_delivered(broken)
    for i in range(3):
        outbox.enqueue(kwargs_for(i), operation_id="op")
    with client_for(lambda request: httpx.Response(201)) as client:
        assert outbox.flush(client=client).delivered == 3


def test_an_unexpected_error_keeps_the_row_and_blocks_only_its_operation(outbox: Outbox) -> None:
    """An exception that is not "offline" (e.g. a credential that cannot be renewed) keeps the row queued
    and skips the rest of its operation; other operations are delivered."""
    outbox.enqueue(kwargs_for(1), operation_id="broken")
    outbox.enqueue(kwargs_for(2), operation_id="broken")
    outbox.enqueue(kwargs_for(3), operation_id="fine")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.extensions["sdk.operation_id"] == "broken":
            raise TokenRefreshError("the refresh token was revoked")
        return httpx.Response(201)

    with client_for(handler) as client:
        summary = outbox.flush(client=client)
    assert (summary.delivered, summary.remaining, summary.offline) == (1, 2, False)
    assert [item.attempts for item in outbox.pending()] == [1, 0]


def test_flush_stops_at_its_deadline(tmp_path: Path) -> None:
    """flush(timeout_s=...) starts no request once the deadline has passed (time from the injected clock)."""
    clock = FakeClock()

    def slow(request: httpx.Request) -> httpx.Response:
        clock.advance(2.0)
        return httpx.Response(201)

    with Outbox(OutboxPolicy(path=tmp_path / "o.db"), package="t", clock=clock) as outbox, client_for(slow) as client:
        for i in range(3):
            outbox.enqueue(kwargs_for(i), operation_id="op")
        summary = outbox.flush(timeout_s=3.0, client=client)
    assert (summary.delivered, summary.remaining, summary.stopped) == (2, 1, True)


async def test_the_async_twins_queue_a_503_and_aflush_delivers_it(outbox: Outbox) -> None:
    """asend_or_queue queues a queueable answer; aflush sends it again with the same key."""
    answers = [503, 201]
    keys: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(answers.pop(0))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://a.example") as client:
        receipt = await outbox.asend_or_queue(client, kwargs_for(1), operation_id="op")
        assert isinstance(receipt, QueuedReceipt) and receipt.reason == "HTTP 503"
        summary = await outbox.aflush(client=client)
    assert (summary.delivered, summary.remaining) == (1, 0)
    assert keys == [receipt.idempotency_key] * 2

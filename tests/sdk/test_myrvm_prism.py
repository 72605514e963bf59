"""Every MyRVM operation through the generated resource clients, against Prism serving openapi/myrvm.yaml.

The table in `myrvm_operations` says how to call each operation and what the spec's example answer must
parse to. The success tests run it through `MyRVM` and `AsyncMyRVM`; the error tests walk the spec's
documented 4xx/5xx responses, ask Prism for each with ``Prefer: code=NNN``, and check the typed error
against the spec's own problem example, X-Request-ID and Retry-After. A new operation or a newly
documented status is picked up from the spec; an operation missing from the table fails loudly.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import attrs
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM
from myrvm_sdk._runtime import FakeClock, ResponseEvent
from myrvm_sdk.errors import APIStatusError, AuthenticationError, RateLimitError

from mock.prism import PrismServer
from tests.sdk.myrvm_operations import (
    CASES,
    RVM,
    SPEC,
    Case,
    asking_for,
    assert_documented_error,
    assert_matches_example,
    call_for,
    sample,
)

pytestmark = pytest.mark.prism

TOKEN = "test-token-not-a-secret"


# --- fixtures ------------------------------------------------------------------------------------------


@attrs.define
class Attempts:
    """Records each attempt (an `after_response` hook) and, through its clock, the sleeps between them."""

    clock: FakeClock = attrs.Factory(FakeClock)
    seen: list[tuple[str | None, int]] = attrs.Factory(list)
    idempotency_keys: list[str | None] = attrs.Factory(list)

    def __call__(self, event: ResponseEvent) -> None:
        self.seen.append((event.operation_id, event.attempt))
        self.idempotency_keys.append(event.request.headers.get("Idempotency-Key"))

    def reset(self) -> None:
        self.seen.clear()
        self.idempotency_keys.clear()
        self.clock.sleeps.clear()


@pytest.fixture(scope="module")
def shared_client(prism: Callable[[str], PrismServer]) -> Iterator[tuple[MyRVM, Attempts]]:
    """One sync client for the module's ~200 table tests (building one costs ~50 ms of TLS setup)."""
    attempts = Attempts()
    with MyRVM(prism("myrvm").url, api_token=TOKEN, clock=attempts.clock) as sdk:
        sdk.after_response(attempts)
        yield sdk, attempts


@pytest.fixture
def attempts(shared_client: tuple[MyRVM, Attempts]) -> Attempts:
    """The shared client's attempt log, emptied for this test."""
    recorder = shared_client[1]
    recorder.reset()
    return recorder


@pytest.fixture
def client(myrvm_mock: PrismServer, shared_client: tuple[MyRVM, Attempts]) -> MyRVM:
    """The shared sync client (static bearer token); `myrvm_mock` fails the test if Prism died during it."""
    return shared_client[0]


@pytest.fixture
async def async_client(myrvm_mock: PrismServer, attempts: Attempts) -> AsyncIterator[AsyncMyRVM]:
    """A fresh async client per test (its pool belongs to the test's event loop), same hook and clock."""
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN, clock=attempts.clock) as sdk:
        sdk.after_response(attempts)
        yield sdk


# --- the table is the spec -----------------------------------------------------------------------------


def test_every_operation_of_the_spec_has_a_call() -> None:
    """CASES covers exactly the spec's operations (22 today), so none goes untested and none is stale."""
    assert {case.operation_id for case in CASES} == set(SPEC.operation_ids())


def test_every_operation_documents_an_error() -> None:
    """Each operation documents at least one 4xx/5xx, so each gets at least one error test below."""
    assert {operation_id for operation_id, _ in SPEC.documented_errors()} == set(SPEC.operation_ids())


# --- success: the typed model, sync and async -----------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_operation_returns_its_typed_model(case: Case, client: MyRVM, attempts: Attempts) -> None:
    """A valid call returns the spec's success model holding the example's values, in one attempt."""
    assert_matches_example(case, case.call(client, None))
    assert attempts.seen == [(case.operation_id, 1)]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_async_operation_returns_its_typed_model(
    case: Case, async_client: AsyncMyRVM, attempts: Attempts
) -> None:
    """The async client returns the same typed model for the same call."""
    assert_matches_example(case, await case.call(async_client, None))
    assert attempts.seen == [(case.operation_id, 1)]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_idempotency_key_is_sent_exactly_for_x_idempotent_operations(
    case: Case, client: MyRVM, attempts: Attempts
) -> None:
    """An `x-idempotent` operation sends a fresh uuid4 Idempotency-Key unasked; any other operation sends none."""
    case.call(client, None)
    [key] = attempts.idempotency_keys
    if SPEC.operation(case.operation_id).get("x-idempotent", False):
        assert key is not None
        assert uuid.UUID(key).version == 4
    else:
        assert key is None


# --- errors: every documented status, typed -------------------------------------------------------------


@pytest.mark.parametrize(("operation_id", "status"), SPEC.documented_errors(), ids=lambda value: str(value))
def test_documented_error_raises_its_typed_error(
    operation_id: str, status: int, client: MyRVM, attempts: Attempts
) -> None:
    """A documented error status raises its own class carrying status, request id, problem and Retry-After.

    It is sent once: statuses the default policy would retry run with retries off for the call, the
    others show they are not retried (one attempt, no sleep).
    """
    case = call_for(operation_id)
    with pytest.raises(APIStatusError) as caught:
        case.call(client, asking_for(status))
    assert_documented_error(caught.value, operation_id, status)
    assert attempts.seen == [(operation_id, 1)]
    assert attempts.clock.sleeps == []


ASYNC_ERROR_SAMPLE = sorted({op: (op, status) for op, status in reversed(SPEC.documented_errors())}.values())
"""The first documented error of each operation: enough to show the async path raises the same errors."""


@pytest.mark.parametrize(("operation_id", "status"), ASYNC_ERROR_SAMPLE, ids=lambda value: str(value))
async def test_async_documented_error_raises_its_typed_error(
    operation_id: str, status: int, async_client: AsyncMyRVM
) -> None:
    """The async client maps a documented error status to the same typed error as the sync one."""
    case = call_for(operation_id)
    with pytest.raises(APIStatusError) as caught:
        await case.call(async_client, asking_for(status))
    assert_documented_error(caught.value, operation_id, status)


def test_rate_limit_error_carries_retry_after(client: MyRVM) -> None:
    """A 429 is a RateLimitError whose retry_after_s is the server's Retry-After (30 s in the spec)."""
    with pytest.raises(RateLimitError) as caught:
        client.metrics.create(RVM, body=sample(), request_options=asking_for(429))
    assert caught.value.retry_after_s == 30.0
    assert "30" in str(caught.value)


def test_unauthorized_does_not_leak_the_token(client: MyRVM) -> None:
    """An AuthenticationError's message names the request and the request id, never the bearer token."""
    with pytest.raises(AuthenticationError) as caught:
        client.config.get(RVM, request_options=asking_for(401))
    message = str(caught.value)
    assert TOKEN not in message
    assert "0f8e2c4a-6b1d-4e3f-9a7c-5d2b1e0f3a49" in message
    assert f"/api/v2/rvms/{RVM}/config" in message


def test_error_message_has_no_doubled_full_stop(client: MyRVM) -> None:
    """The message quotes the problem's title and detail as one sentence, without a doubled full stop."""
    with pytest.raises(AuthenticationError) as caught:
        client.config.get(RVM, request_options=asking_for(401))
    assert "The access token has expired." in str(caught.value)
    assert ".." not in str(caught.value)

"""The runtime's behaviour seen through the generated MyRVM clients, against Prism: login, 304, retries,
idempotency keys across retries, and the conditional-GET cache.

Prism answers every call from the spec's examples; ``Prefer: code=NNN`` (set per call, or per attempt by
a ``before_request`` hook) picks a documented status. A `FakeClock` stands in for time, so retries
never sleep for real. Where a hook cannot see a header (the cache adds ``If-None-Match`` below the
hooks), the `wire` fixture records the requests as they actually left.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import attrs
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM, RequestOptions, RetryPolicy
from myrvm_sdk._runtime import FakeClock, RequestEvent, ResponseEvent
from myrvm_sdk.errors import NotModifiedError, ServerError
from myrvm_sdk.models import ConfidenceThreshold, MetricSample, RefreshRequest, RvmConfig

from mock.prism import PrismServer
from tests.sdk.wire import AsyncWireRecorder, WireRecorder

pytestmark = pytest.mark.prism

RVM = "rvm-0042"
TOKEN = "test-token-not-a-secret"
API_KEY = "demo_key_for_the_mock_0042"  # >= 20 characters of [A-Za-z0-9_-], as LoginRequest requires
ETAG = '"cfg-7f3a9c2e"'  # the spec's ETag header example
RETRY_AFTER_S = 30.0  # the spec's Retry-After example on 503
ACCESS_TOKEN = (  # the spec's login example
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJydm0tMDA0MiIsImlhdCI6MTc3MzQ3NjYwMCwiZXhwIjoxNzczNDgwMjAwfQ"
    ".Qm9ndXNTaWduYXR1cmVGb3JFeGFtcGxlT25seQ"
)
RETRY_THREE_TIMES = RetryPolicy(max_attempts=3, initial_delay_s=0.5, max_jitter_s=None)
SAMPLE = MetricSample(
    timestamp=datetime.datetime(2026, 3, 14, 9, 0, tzinfo=datetime.UTC),
    cpu_percent=37.5,
    memory_percent=62.1,
    disk_percent=48.0,
    temperature_c=54.2,
    uptime_s=864_000,
    items_processed=15_230,
)


@attrs.define
class FailFirst:
    """A ``before_request`` hook: Prism answers `status` to the first `failures` attempts of each call.

    The retry transport re-sends the same request object, so the hook also removes its header again.
    Records each attempt's number and Idempotency-Key.
    """

    failures: int
    status: int = 503
    attempts: list[int] = attrs.Factory(list)
    idempotency_keys: list[str | None] = attrs.Factory(list)

    def __call__(self, event: RequestEvent) -> None:
        self.attempts.append(event.attempt)
        self.idempotency_keys.append(event.request.headers.get("Idempotency-Key"))
        if event.attempt <= self.failures:
            event.request.headers["Prefer"] = f"code={self.status}"
        else:
            event.request.headers.pop("Prefer", None)


@attrs.define
class Statuses:
    """An ``after_response`` hook keeping (operation id, status) of every attempt that got an answer."""

    seen: list[tuple[str | None, int]] = attrs.Factory(list)

    def __call__(self, event: ResponseEvent) -> None:
        self.seen.append((event.operation_id, event.response.status_code))


# --- login with credentials ------------------------------------------------------------------------------


def test_credentials_log_in_once_and_send_the_bearer_token(myrvm_mock: PrismServer, wire: WireRecorder) -> None:
    """With credentials, the first call logs in (token client, no hooks) and then sends ``Bearer <token>``."""
    statuses = Statuses()
    with MyRVM(myrvm_mock.url, credentials={"rvm_id": RVM, "api_key": API_KEY}, transport=wire) as client:
        client.after_response(statuses)
        assert client._connection.auth is not None
        assert client._connection.auth.token is None  # nothing is fetched before the first call
        config = client.config.get(RVM)
        health = client.health.check()
        token = client._connection.auth.token

    assert isinstance(config, RvmConfig)
    assert health.status == "ok"
    assert token is not None and token.access_token.reveal() == ACCESS_TOKEN
    assert statuses.seen == [("getRvmConfig", 200), ("getHealth", 200)]
    login, get_config, get_health = wire.sent
    assert (login.method, login.path) == ("POST", "/api/v2/auth/login")
    assert json.loads(login.content) == {"rvm_id": RVM, "api_key": API_KEY}
    assert "Authorization" not in login.headers
    assert get_config.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "Authorization" not in get_health.headers  # the spec marks the health check `security: []`


async def test_async_credentials_log_in_once_and_send_the_bearer_token(
    myrvm_mock: PrismServer, async_wire: AsyncWireRecorder
) -> None:
    """The async client logs in the same way, once, through its async token client."""
    async with AsyncMyRVM(
        myrvm_mock.url, credentials={"rvm_id": RVM, "api_key": API_KEY}, transport=async_wire
    ) as client:
        assert isinstance(await client.config.get(RVM), RvmConfig)
        assert isinstance(await client.config.get_confidence_threshold(RVM), ConfidenceThreshold)
        assert client._connection.auth is not None and client._connection.auth.token is not None

    assert [(sent.method, sent.path) for sent in async_wire.sent] == [
        ("POST", "/api/v2/auth/login"),
        ("GET", f"/api/v2/rvms/{RVM}/config"),
        ("GET", f"/api/v2/rvms/{RVM}/config/confidence-threshold"),
    ]
    assert {sent.headers.get("Authorization") for sent in async_wire.sent[1:]} == {f"Bearer {ACCESS_TOKEN}"}


# --- 304 without the cache ----------------------------------------------------------------------------------


def test_not_modified_config_raises_not_modified(myrvm_mock: PrismServer) -> None:
    """``config.get(if_none_match=...)`` answered 304 raises NotModifiedError (get() returns the model, never
    None); raw access (``with_raw_response``) still hands back the 304 itself."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        options = RequestOptions(headers={"Prefer": "code=304"})
        with pytest.raises(NotModifiedError) as caught:
            client.config.get(RVM, if_none_match=ETAG, request_options=options)
        detailed = client.with_raw_response.config.get(RVM, if_none_match=ETAG, request_options=options)
    assert (caught.value.status_code, caught.value.etag) == (304, ETAG)
    assert (detailed.status_code, detailed.parse(), detailed.headers["ETag"]) == (304, None, ETAG)


async def test_async_not_modified_config_raises_not_modified(myrvm_mock: PrismServer) -> None:
    """The async client raises NotModifiedError for a 304 too."""
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        options = RequestOptions(headers={"Prefer": "code=304"})
        with pytest.raises(NotModifiedError):
            await client.config.get(RVM, if_none_match=ETAG, request_options=options)


# --- retries -----------------------------------------------------------------------------------------------


def test_two_503s_then_success_is_retried_without_real_sleeping(myrvm_mock: PrismServer) -> None:
    """503 twice, then 200: the third attempt's RvmConfig is returned; each wait is the 503's Retry-After."""
    clock, hook, statuses = FakeClock(), FailFirst(failures=2), Statuses()
    with MyRVM(myrvm_mock.url, api_token=TOKEN, retry=RETRY_THREE_TIMES, clock=clock) as client:
        client.before_request(hook)
        client.after_response(statuses)
        config = client.config.get(RVM)
    assert isinstance(config, RvmConfig) and config.confidence_threshold == 0.85
    assert hook.attempts == [1, 2, 3]
    assert [status for _, status in statuses.seen] == [503, 503, 200]
    assert clock.sleeps == [RETRY_AFTER_S, RETRY_AFTER_S]


async def test_async_two_503s_then_success_is_retried_without_real_sleeping(myrvm_mock: PrismServer) -> None:
    """The async client retries the same way, awaiting the fake clock's sleep."""
    clock, hook = FakeClock(), FailFirst(failures=2)
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN, retry=RETRY_THREE_TIMES, clock=clock) as client:
        client.before_request(hook)
        config = await client.config.get(RVM)
    assert isinstance(config, RvmConfig)
    assert hook.attempts == [1, 2, 3]
    assert clock.sleeps == [RETRY_AFTER_S, RETRY_AFTER_S]


def test_503_on_every_attempt_raises_after_the_last(myrvm_mock: PrismServer) -> None:
    """When every attempt gets 503, the last one's ServerError is raised after max_attempts, not before."""
    clock, hook = FakeClock(), FailFirst(failures=99)
    with MyRVM(myrvm_mock.url, api_token=TOKEN, retry=RETRY_THREE_TIMES, clock=clock) as client:
        client.before_request(hook)
        with pytest.raises(ServerError) as caught:
            client.timezone.status(RVM)
    assert caught.value.status_code == 503 and caught.value.is_transient
    assert hook.attempts == [1, 2, 3]
    assert len(clock.sleeps) == 2


def test_post_without_idempotency_is_not_retried(myrvm_mock: PrismServer) -> None:
    """A POST the spec does not mark x-idempotent (token refresh) carries no key, so its 503 is not retried."""
    clock, hook = FakeClock(), FailFirst(failures=2)
    with MyRVM(myrvm_mock.url, api_token=TOKEN, retry=RETRY_THREE_TIMES, clock=clock) as client:
        client.before_request(hook)
        with pytest.raises(ServerError):
            client.auth.refresh(body=RefreshRequest(refresh_token="rt_9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2"))
    assert hook.attempts == [1]
    assert hook.idempotency_keys == [None]
    assert clock.sleeps == []


# --- idempotency keys across retries -------------------------------------------------------------------------


IdempotentCall = Callable[[MyRVM], object]


@pytest.mark.parametrize(
    ("call", "expected_key"),
    [
        (lambda c: c.metrics.create(RVM, body=SAMPLE), None),
        (lambda c: c.metrics.create(RVM, body=SAMPLE, request_options=RequestOptions(idempotency_key="k")), "k"),
        (lambda c: c.metrics.create(RVM, body=SAMPLE, idempotency_key="own-key"), "own-key"),
    ],
    ids=["generated", "request-options", "operation-argument"],
)
def test_idempotent_post_keeps_one_key_across_retries(
    myrvm_mock: PrismServer, call: IdempotentCall, expected_key: str | None
) -> None:
    """metrics.create (x-idempotent) is retried after two 503s, sending the same Idempotency-Key each time:
    the caller's key as given (RequestOptions or the operation's own argument), else a generated one."""
    clock, hook = FakeClock(), FailFirst(failures=2)
    with MyRVM(myrvm_mock.url, api_token=TOKEN, retry=RETRY_THREE_TIMES, clock=clock) as client:
        client.before_request(hook)
        accepted = call(client)
    assert getattr(accepted, "accepted", None) == 2
    assert hook.attempts == [1, 2, 3]
    first, *others = hook.idempotency_keys
    assert first is not None and others == [first, first]
    if expected_key is not None:
        assert first == expected_key


async def test_async_idempotent_post_keeps_the_callers_key_across_retries(myrvm_mock: PrismServer) -> None:
    """The async client sends the caller's Idempotency-Key unchanged on every retry."""
    clock, hook = FakeClock(), FailFirst(failures=2)
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN, retry=RETRY_THREE_TIMES, clock=clock) as client:
        client.before_request(hook)
        accepted = await client.metrics.create(RVM, body=SAMPLE, request_options=RequestOptions(idempotency_key="k"))
    assert accepted.accepted == 2
    assert hook.idempotency_keys == ["k", "k", "k"]


# --- the conditional-GET cache -------------------------------------------------------------------------------


@attrs.define
class NotModifiedAfterFirst:
    """A ``before_request`` hook asking Prism for 304 on every call after the first."""

    calls: int = 0

    def __call__(self, event: RequestEvent) -> None:
        self.calls += 1
        if self.calls > 1:
            event.request.headers["Prefer"] = "code=304"


def test_cache_revalidates_and_serves_the_cached_config_on_304(myrvm_mock: PrismServer, wire: WireRecorder) -> None:
    """With ``cache=True`` the second config.get sends If-None-Match with the stored ETag and a 304 from the
    server is answered with the cached 200's RvmConfig (marked ``X-Cache: revalidated``)."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN, cache=True, transport=wire) as client:
        client.before_request(NotModifiedAfterFirst())
        first = client.config.get(RVM)
        second = client.with_raw_response.config.get(RVM)
    assert isinstance(first, RvmConfig)
    assert second.status_code == 200
    assert second.parse() == first
    assert second.headers["X-Cache"] == "revalidated"
    assert [sent.headers.get("If-None-Match") for sent in wire.sent] == [None, ETAG]


async def test_async_cache_revalidates_and_serves_the_cached_config_on_304(
    myrvm_mock: PrismServer, async_wire: AsyncWireRecorder
) -> None:
    """The async client's cache revalidates and serves the cached RvmConfig on 304 the same way."""
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN, cache=True, transport=async_wire) as client:
        client.before_request(NotModifiedAfterFirst())
        first = await client.config.get(RVM)
        second = await client.config.get(RVM)
    assert isinstance(second, RvmConfig) and second == first
    assert [sent.headers.get("If-None-Match") for sent in async_wire.sent] == [None, ETAG]


def test_cache_leaves_the_callers_own_if_none_match_alone(myrvm_mock: PrismServer, wire: WireRecorder) -> None:
    """A caller who sends its own If-None-Match gets the server's 304 (NotModifiedError), even with a cached
    entry."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN, cache=True, transport=wire) as client:
        assert isinstance(client.config.get(RVM), RvmConfig)
        options = RequestOptions(headers={"Prefer": "code=304"})
        with pytest.raises(NotModifiedError):
            client.config.get(RVM, if_none_match='"cfg-older"', request_options=options)
    assert [sent.headers.get("If-None-Match") for sent in wire.sent] == [None, '"cfg-older"']

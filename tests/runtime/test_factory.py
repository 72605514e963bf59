"""build_sync_client / build_async_client: the transport stack, pool limits, client defaults, wiring."""

from __future__ import annotations

import base64
import logging
import os
import ssl
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from runtime import (
    AsyncCircuitBreakerTransport,
    AsyncHooksTransport,
    AsyncRetryTransport,
    CircuitBreaker,
    CircuitBreakerTransport,
    CircuitOpenError,
    CircuitStateChanged,
    ClientSettings,
    ConfigurationError,
    FakeClock,
    Hooks,
    HooksTransport,
    PoolLimits,
    RequestEvent,
    RequestOptions,
    ResponseEvent,
    RetryPolicy,
    RetryTransport,
    Timeouts,
    build_async_client,
    build_sync_client,
)
from runtime.pipeline._cache import AsyncCachingTransport, CachingTransport
from runtime.pipeline._deadline import AsyncDeadlineTransport, DeadlineTransport
from runtime.pipeline._factory import _verify, build_async_token_client, build_token_client
from runtime.pipeline._logging import AsyncLoggingTransport, LoggingTransport
from runtime.pipeline._response_body import AsyncResponseBodyTransport, ResponseBodyTransport

BASE = "https://api.example.com/v1"


def chain(client: httpx.Client | httpx.AsyncClient) -> list[object]:
    """The transports from outermost to innermost, following each one's inner transport."""
    transport: object = client._transport  # the transport= given to the client
    found = []
    while transport is not None:
        found.append(transport)
        transport = getattr(transport, "inner", None) or getattr(transport, "_inner", None)
    return found


def recorder(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler answering 200 and keeping each request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    return handler


def settings(**changes: object) -> ClientSettings:
    return ClientSettings(base_url=BASE, **changes)  # type: ignore[arg-type]


def test_composition_order_with_everything_on() -> None:
    """Deadline → Retry → Hooks → Circuit → Caching → Logging → ResponseBody → innermost, as in the README diagram."""
    mock = httpx.MockTransport(lambda r: httpx.Response(200))
    client = build_sync_client(
        settings(circuit=CircuitBreaker(), cache=True),
        auth=None,
        hooks=Hooks(),
        logger_name="sdk",
        transport=mock,
    )
    assert [type(t) for t in chain(client)] == [
        DeadlineTransport,
        RetryTransport,
        HooksTransport,
        CircuitBreakerTransport,
        CachingTransport,
        LoggingTransport,
        ResponseBodyTransport,
        httpx.MockTransport,
    ]


def test_circuit_and_cache_are_opt_in() -> None:
    """Without a CircuitBreaker and with cache off, those layers are absent; retry is always there."""
    mock = httpx.MockTransport(lambda r: httpx.Response(200))
    client = build_sync_client(settings(retry=None), auth=None, hooks=Hooks(), logger_name="sdk", transport=mock)
    assert [type(t) for t in chain(client)] == [
        DeadlineTransport,
        RetryTransport,
        HooksTransport,
        LoggingTransport,
        ResponseBodyTransport,
        httpx.MockTransport,
    ]


def test_pool_limits_and_verify_land_on_the_innermost_transport(tmp_path: Path) -> None:
    """httpx ignores Client(limits=) with transport=, so PoolLimits go on the innermost HTTPTransport."""
    pool = PoolLimits(max_connections=7, max_keepalive=3, keepalive_expiry_s=12)
    client = build_sync_client(settings(pool=pool), auth=None, hooks=Hooks(), logger_name="sdk", transport="httpx")
    innermost = chain(client)[-1]
    assert isinstance(innermost, httpx.HTTPTransport)
    connection_pool = innermost._pool
    assert connection_pool._max_connections == 7
    assert connection_pool._max_keepalive_connections == 3
    assert connection_pool._keepalive_expiry == 12
    unverified = build_sync_client(
        settings(verify=False), auth=None, hooks=Hooks(), logger_name="sdk", transport="httpx"
    )
    context = chain(unverified)[-1]._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_NONE


def test_tls_is_verified_and_at_least_1_2_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """By default certificates are verified against a trust store and nothing older than TLS 1.2 is spoken."""
    with monkeypatch.context() as hidden:  # as without the system-certs extra (httpx2 depends on truststore,
        hidden.setitem(sys.modules, "truststore", None)  # and some httpx2 releases import it themselves)
        context = _verify(settings())
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    if type(context).__module__.startswith("truststore"):  # installed (httpx2 depends on it): the OS store,
        return  # verified at handshake time, so it has no certificate count to show here
    assert context.cert_store_stats()["x509_ca"] > 0  # certifi's bundle was loaded


def test_the_system_store_is_trusted_when_truststore_is_installed() -> None:
    """With truststore (the system-certs extra; httpx2 depends on it) the OS store verifies, TLS 1.2 at least."""
    import truststore  # installed with httpx2, a dev dependency

    client = build_sync_client(settings(), auth=None, hooks=Hooks(), logger_name="sdk", transport="httpx")
    context = chain(client)[-1]._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(context, truststore.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_client_defaults_base_url_headers_timeout_auth() -> None:
    """Base URL, User-Agent + default headers, the timeout and auth are set on the httpx client."""
    seen: list[httpx.Request] = []
    mock = httpx.MockTransport(recorder(seen))
    client = build_sync_client(
        settings(user_agent="petsdk/1.0", headers={"X-Tenant": "t1"}, timeouts=Timeouts(read_s=45)),
        auth=httpx.BasicAuth("user", "pw"),
        hooks=Hooks(),
        logger_name="sdk",
        transport=mock,
    )
    client.get("/pets")
    (request,) = seen
    assert str(request.url) == "https://api.example.com/v1/pets"
    assert request.headers["User-Agent"] == "petsdk/1.0"
    assert request.headers["X-Tenant"] == "t1"
    assert request.headers["Authorization"].startswith("Basic ")
    assert request.extensions["timeout"] == Timeouts(read_s=45).to_httpx().as_dict()


def test_per_call_timeout_reaches_the_transport() -> None:
    """RequestOptions.httpx_timeout() passed as timeout= overrides the client's timeout for that call."""
    seen: list[httpx.Request] = []
    mock = httpx.MockTransport(recorder(seen))
    client = build_sync_client(settings(), auth=None, hooks=Hooks(), logger_name="sdk", transport=mock)
    client.get("/pets", timeout=RequestOptions(timeout=2.0).httpx_timeout())
    client.get("/pets", timeout=RequestOptions().httpx_timeout())
    assert seen[0].extensions["timeout"] == httpx.Timeout(2.0).as_dict()
    assert seen[1].extensions["timeout"] == Timeouts().to_httpx().as_dict()


def test_the_stack_works_end_to_end() -> None:
    """Through the factory: auth once above retries, hooks per attempt, the breaker reports to hooks."""
    clock, hooks = FakeClock(), Hooks()
    attempts: list[tuple[int, str | None]] = []
    changes: list[CircuitStateChanged] = []
    hooks.before_request(lambda e: attempts.append((e.attempt, e.request.headers.get("Authorization"))))
    hooks.on_circuit_change(changes.append)
    statuses = [503, 503, 200]
    mock = httpx.MockTransport(lambda r: httpx.Response(statuses.pop(0)))
    client = build_sync_client(
        settings(circuit=CircuitBreaker(failure_threshold=2)),
        auth=httpx.BasicAuth("u", "p"),
        hooks=hooks,
        logger_name="sdk.test",
        transport=mock,
        clock=clock,
        jitter=lambda: 0.0,
    )
    with pytest.raises(CircuitOpenError):
        client.get("/pets")  # the second 503 opened the circuit, so attempt 3 failed fast (never retried)
    assert [a for a, _ in attempts] == [1, 2, 3]
    assert all(auth is not None and auth.startswith("Basic ") for _, auth in attempts)
    assert [c.new.value for c in changes] == ["open"]
    assert statuses == [200]  # the third response was never fetched


def test_sync_client_refuses_async_hooks_when_built() -> None:
    """An async hook on a sync client is a ConfigurationError at build time, not a silent skip."""
    hooks = Hooks()

    @hooks.before_request
    async def stamp(event: RequestEvent) -> None:
        return None

    with pytest.raises(ConfigurationError):
        build_sync_client(settings(), auth=None, hooks=hooks, logger_name="sdk")


def test_log_level_configures_the_logger() -> None:
    """A log_level configures the named logger; None leaves logging as the application set it."""
    build_sync_client(settings(log_level="DEBUG"), auth=None, hooks=Hooks(), logger_name="sdk.factory.a")
    assert logging.getLogger("sdk.factory.a").level == logging.DEBUG
    build_sync_client(settings(), auth=None, hooks=Hooks(), logger_name="sdk.factory.b")
    assert logging.getLogger("sdk.factory.b").level == logging.NOTSET
    build_sync_client(settings(log_level="OFF"), auth=None, hooks=Hooks(), logger_name="sdk.factory.c")
    assert not logging.getLogger("sdk.factory.c").isEnabledFor(logging.CRITICAL)


async def test_async_twin_composes_and_awaits_hooks() -> None:
    """build_async_client composes the async twins in the same order and awaits async hooks."""
    clock, hooks, seen = FakeClock(), Hooks(), []

    @hooks.after_response
    async def record(event: ResponseEvent) -> None:
        seen.append((event.attempt, event.response.status_code))

    statuses = [500, 200]
    mock = httpx.MockTransport(lambda r: httpx.Response(statuses.pop(0)))
    client = build_async_client(
        settings(circuit=CircuitBreaker(), cache=True, retry=RetryPolicy(max_jitter_s=None)),
        auth=None,
        hooks=hooks,
        logger_name="sdk",
        transport=mock,
        clock=clock,
    )
    assert [type(t) for t in chain(client)] == [
        AsyncDeadlineTransport,
        AsyncRetryTransport,
        AsyncHooksTransport,
        AsyncCircuitBreakerTransport,
        AsyncCachingTransport,
        AsyncLoggingTransport,
        AsyncResponseBodyTransport,
        httpx.MockTransport,
    ]
    async with client:
        response = await client.get("/pets", timeout=RequestOptions(timeout=3).httpx_timeout())
    assert response.status_code == 200
    assert response.request.extensions["timeout"] == httpx.Timeout(3).as_dict()
    assert seen == [(1, 500), (2, 200)]
    assert clock.sleeps == [1.0]


@pytest.mark.skipif(os.environ.get("SDK_TEST_SYNC_POOL") == "httpx", reason="that run replaces the sync default")
def test_sync_pool_is_httptools_by_default_with_the_pool_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync client's and the token client's innermost transport is httptools' by default, with the pool
    limits; ``transport="httpx"`` names httpx's pool and anything else is refused."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    limited = settings(pool=PoolLimits(max_connections=4))
    client = build_sync_client(limited, auth=None, hooks=Hooks(), logger_name="sdk")
    assert repr(chain(client)[-1]) == "SyncHttptoolsTransport(max_connections=4)"
    token_client = build_token_client(limited, logger_name="sdk")
    assert repr(chain(token_client)[-1]) == "SyncHttptoolsTransport(max_connections=4)"
    client = build_sync_client(limited, auth=None, hooks=Hooks(), logger_name="sdk", transport="httptools")
    assert repr(chain(client)[-1]) == "SyncHttptoolsTransport(max_connections=4)"
    client = build_sync_client(limited, auth=None, hooks=Hooks(), logger_name="sdk", transport="httpx")
    assert isinstance(chain(client)[-1], httpx.HTTPTransport)
    with pytest.raises(ConfigurationError, match="aiohttp"):
        build_sync_client(limited, auth=None, hooks=Hooks(), logger_name="sdk", transport="aiohttp")  # type: ignore[arg-type]


async def test_async_pool_limits_on_innermost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The async client's innermost transport carries the pool limits too: httptools' by default, httpx's
    when named."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    client = build_async_client(
        settings(pool=PoolLimits(max_connections=4)), auth=None, hooks=Hooks(), logger_name="sdk"
    )
    innermost = chain(client)[-1]
    assert repr(innermost) == "HttptoolsTransport(max_connections=4)"
    await client.aclose()
    client = build_async_client(
        settings(pool=PoolLimits(max_connections=4)), auth=None, hooks=Hooks(), logger_name="sdk", transport="httpx"
    )
    innermost = chain(client)[-1]
    assert isinstance(innermost, httpx.AsyncHTTPTransport)
    assert innermost._pool._max_connections == 4
    await client.aclose()


URL_PASSWORD = "pw-in-the-url-0042"


@pytest.mark.parametrize("build", ["sync", "token"])
def test_a_password_in_the_base_url_never_reaches_a_log_line(build: str, caplog: pytest.LogCaptureFixture) -> None:
    """`https://user:pass@host`: the user info leaves the URL every logger sees (httpx logs URLs in full at
    INFO) and becomes the Basic auth httpx would have derived from it; the client's own auth still wins."""
    seen: list[httpx.Request] = []
    mock = httpx.MockTransport(recorder(seen))
    with_password = ClientSettings(base_url=f"https://ann:{URL_PASSWORD}@api.example.com/v1")
    if build == "sync":
        client = build_sync_client(with_password, auth=None, hooks=Hooks(), logger_name="sdk", transport=mock)
    else:
        client = build_token_client(with_password, logger_name="sdk", transport=mock)
    with caplog.at_level(logging.DEBUG), client:
        client.get("/pets")
    (request,) = seen
    assert str(request.url) == "https://api.example.com/v1/pets"
    assert request.headers["Authorization"] == basic("ann", URL_PASSWORD)
    assert caplog.records and URL_PASSWORD not in caplog.text
    own = httpx.BasicAuth("bob", "bobs-password")
    with build_sync_client(with_password, auth=own, hooks=Hooks(), logger_name="sdk", transport=mock) as client:
        client.get("/pets")
    assert seen[-1].headers["Authorization"] == basic("bob", "bobs-password")


def basic(user: str, password: str) -> str:
    """The Basic Authorization header value for a user and password."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_a_password_in_the_base_url_stays_out_of_the_async_client_url() -> None:
    """The async client and token client take the user info off the base URL the same way."""
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with_password = ClientSettings(base_url=f"https://ann:{URL_PASSWORD}@api.example.com/v1")
    mock = httpx.MockTransport(handler)
    for client in (
        build_async_client(with_password, auth=None, hooks=Hooks(), logger_name="sdk", transport=mock),
        build_async_token_client(with_password, logger_name="sdk", transport=mock),
    ):
        async with client:
            await client.get("/pets")
    assert [str(r.url) for r in seen] == ["https://api.example.com/v1/pets"] * 2
    assert all(URL_PASSWORD not in str(r.url) and "Basic " in r.headers["Authorization"] for r in seen)

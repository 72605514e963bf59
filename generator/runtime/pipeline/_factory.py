"""Builds the one pooled httpx client of an SDK client, composing the transports (outermost first):

```
LeanClient(base_url, headers (User-Agent + settings.headers), timeout, auth, transport=
  DeadlineTransport(settings.deadline_s, inner=
    RetryTransport(settings.retry, inner=
      HooksTransport(hooks, inner=
        CircuitBreakerTransport(settings.circuit, inner=     # only when settings.circuit is set
          CachingTransport(inner=                            # only when settings.cache
            LoggingTransport(logger, inner=
              ResponseBodyTransport(settings.max_response_bytes, inner=   # the body read in the attempt
                HostLimitTransport(inner=                      # only when settings.pool caps each host
                  SyncHttptoolsTransport(limits=settings.pool, verify=settings.verify))))))))))
```

Pool limits go on the innermost transport because httpx ignores ``Client(limits=)`` once ``transport=``
is given. `LeanClient` is an `httpx.Client` whose `request()` skips httpx's per-request work the SDK
never needs (`_lean_client.py`). The retry transport is always present (a per-call `RetryPolicy` works even when
``settings.retry`` is None). Circuit changes reach ``hooks.on_circuit_change``.

The innermost transport is by default httptools': `SyncHttptoolsTransport` for the sync client
(`fast/_httptools_sync_transport.py`, blocking sockets) and `HttptoolsTransport` for the async one
(`fast/_httptools_transport.py`, asyncio), both HTTP/1.1 with httptools' parser; httpx's pool serves where
they cannot (a proxy named by the environment; `_default_transport.py`). A `SyncBackend` or `AsyncBackend`
names one instead: ``transport="httpx"``, ``"httptools"``, or (async only) ``"aiohttp"`` for
`AiohttpTransport` (`fast/_aiohttp_transport.py`), each with the same pool limits and TLS context, under the
same stack. The client stays an `httpx.Client` / `httpx.AsyncClient` either way.
"""

from __future__ import annotations

import importlib
import logging
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._errors import ConfigurationError
from ..core._redaction import Redaction
from ..policies._retry_policy import Jitter, RetryPolicy
from ..policies._settings import ClientSettings
from ._cache import AsyncCachingTransport, CachingTransport
from ._circuit import AsyncCircuitBreakerTransport, CircuitBreakerTransport
from ._deadline import AsyncDeadlineTransport, DeadlineTransport
from ._default_transport import default_backend
from ._hooks import AsyncHooksTransport, Hooks, HooksTransport
from ._host_limit import AsyncHostLimitTransport, HostLimitTransport
from ._lean_client import AsyncLeanClient, LeanClient
from ._logging import AsyncLoggingTransport, LoggingTransport, configure_logging, library_logger
from ._ratelimit import AsyncRateLimitTransport, RateLimitTransport
from ._response_body import AsyncResponseBodyTransport, ResponseBodyTransport
from ._retry import AsyncRetryTransport, RetryTransport

__all__ = ["AsyncBackend", "SyncBackend", "build_async_client", "build_sync_client"]

AsyncBackend = Literal["httpx", "aiohttp", "httptools"]
"""Who does an async client's I/O: httpx's own pool, aiohttp's (the SDK's ``fast`` extra), or
`HttptoolsTransport`'s. Naming none picks httptools' unless it cannot serve (`_default_transport.py`)."""

SyncBackend = Literal["httpx", "httptools"]
"""Who does a sync client's I/O: httpx's own pool or `SyncHttptoolsTransport`'s. Naming none picks
httptools' unless it cannot serve (`_default_transport.py`)."""


def _verify(settings: ClientSettings) -> ssl.SSLContext | bool:
    """The TLS context: TLS 1.2 or newer, certificates verified unless ``verify=False``.

    ``verify=True`` trusts the operating system's store through `truststore` when it is installed (it
    sees root CAs an IT department added), else certifi's bundle (httpx's own default, always there);
    a path trusts that CA file or directory. httpx 0.28 deprecates ``verify=<path>``, hence the context.
    """
    if settings.verify is False:
        return False
    if settings.verify is True:
        try:
            import truststore  # type: ignore[import-not-found,unused-ignore]  # optional "system-certs" extra

            context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        except ImportError:
            import certifi

            context = ssl.create_default_context(cafile=certifi.where())
    else:
        path = Path(settings.verify)
        directory, file = (str(path), None) if path.is_dir() else (None, str(path))
        context = ssl.create_default_context(cafile=file, capath=directory)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING}
_LEVELS |= {"ERROR": logging.ERROR, "CRITICAL": logging.CRITICAL}


def _logger(logger_name: str, settings: ClientSettings) -> logging.Logger:
    """The SDK's logger: configured only when `settings.log_level` is set ("OFF" silences it).

    Unset, the application's logging decides, and nothing reaches stderr without it (`library_logger`).
    """
    if settings.log_level is None:
        return library_logger(logger_name)
    return configure_logging(logger_name, _LEVELS.get(settings.log_level))


_FAST_BACKENDS: Final = {
    "aiohttp": ("_aiohttp_transport", "AiohttpTransport"),
    "httptools": ("_httptools_transport", "HttptoolsTransport"),
    "httptools-sync": ("_httptools_sync_transport", "SyncHttptoolsTransport"),
}
"""Backend name -> (module in the `fast` wing, class). The pipeline never imports that optional wing
statically: it is looked up by name only when a caller asks for its backend, so the wing order holds
(`make lint`) and an SDK may leave the wing out."""


def _fast_backend(name: str) -> Callable[..., Any]:
    """The `fast` wing's transport class for `name`, imported now (it imports aiohttp/httptools lazily itself)."""
    module_name, class_name = _FAST_BACKENDS[name]
    runtime = __name__.rpartition(".")[0].rpartition(".")[0]  # `runtime`, or `<sdk>._runtime` in an SDK
    try:
        module = importlib.import_module(f"{runtime}.fast.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{runtime}.fast":
            raise
        # the generator leaves the wing out of an SDK that does not declare the `fast` extra (sdks.toml)
        raise ConfigurationError(
            f"transport={name!r} is not available: this SDK was generated without the `fast` extra; "
            'use transport="httpx" (the default)',
            setting="transport",
        ) from None
    transport_class: Callable[..., Any] = getattr(module, class_name)
    return transport_class


def _async_pool(
    settings: ClientSettings, transport: httpx.AsyncBaseTransport | AsyncBackend | None
) -> httpx.AsyncBaseTransport:
    """The innermost async transport: the one given, or a pool of the named backend (None: httptools', or
    httpx's through a proxy the environment names; `_default_transport.py`)."""
    if isinstance(transport, httpx.AsyncBaseTransport):
        return transport
    proxy = None
    if transport is None:
        transport, proxy = default_backend(settings.base_url)
    if transport == "httpx":
        return httpx.AsyncHTTPTransport(limits=settings.pool.to_httpx(), verify=_verify(settings), proxy=proxy)
    if transport in ("aiohttp", "httptools"):
        pool: httpx.AsyncBaseTransport = _fast_backend(transport)(
            limits=settings.pool.to_httpx(), verify=_verify(settings)
        )
        return pool
    raise ConfigurationError(
        f'transport must be an httpx.AsyncBaseTransport, "httpx", "aiohttp" or "httptools", not {transport!r}',
        setting="transport",
    )


def _sync_pool(settings: ClientSettings, transport: httpx.BaseTransport | SyncBackend | None) -> httpx.BaseTransport:
    """The innermost sync transport: the one given, or a pool of the named backend (None: httptools', or
    httpx's through a proxy the environment names; `_default_transport.py`)."""
    if isinstance(transport, httpx.BaseTransport):
        return transport
    proxy = None
    if transport is None:
        transport, proxy = default_backend(settings.base_url)
    if transport == "httpx":
        return httpx.HTTPTransport(limits=settings.pool.to_httpx(), verify=_verify(settings), proxy=proxy)
    if transport == "httptools":
        pool: httpx.BaseTransport = _fast_backend("httptools-sync")(
            limits=settings.pool.to_httpx(), verify=_verify(settings)
        )
        return pool
    raise ConfigurationError(
        f'transport must be an httpx.BaseTransport, "httpx" or "httptools", not {transport!r}',
        setting="transport",
    )


def _base_url_and_auth(settings: ClientSettings, auth: httpx.Auth | None) -> tuple[str, httpx.Auth | None]:
    """The base URL without its ``user:password@``, and the auth that user info stood for.

    httpx logs every request URL in full (its ``httpx`` logger, INFO), so user info in the base URL
    would reach an application's logs. It is taken off the URL and becomes the Basic auth httpx derives
    from it anyway, unless the client has its own auth (which httpx would prefer too).
    """
    url = httpx.URL(settings.base_url)
    if not url.userinfo:
        return settings.base_url, auth
    basic = httpx.BasicAuth(url.username, url.password)
    return str(url.copy_with(userinfo=b"")), auth if auth is not None else basic


def _headers(settings: ClientSettings) -> dict[str, str]:
    """Default headers: the User-Agent, then the configured ones (which may replace it)."""
    return {"User-Agent": settings.user_agent, **settings.headers}


def build_sync_client(
    settings: ClientSettings,
    *,
    auth: httpx.Auth | None,
    hooks: Hooks,
    logger_name: str,
    transport: httpx.BaseTransport | SyncBackend | None = None,
    clock: Clock | None = None,
    jitter: Jitter | None = None,
    redaction: Redaction | None = None,
) -> httpx.Client:
    """The `httpx.Client` for `settings`, composed as in the module docstring.

    Args:
        settings: from `load_settings`.
        auth: the client's auth (above the retries: one refreshed token serves every retry), or None.
        hooks: the user's hooks; they must all be sync functions.
        logger_name: the SDK's logger name, e.g. the package name.
        transport: the innermost transport (tests, benchmarks), or a `SyncBackend` name: ``"httptools"`` for
            a pooled `SyncHttptoolsTransport`, ``"httpx"`` for httpx's pool (None: `_default_transport.py`).
        clock: time for retries, hooks, the breaker and logging (default `SystemClock`).
        jitter: random source for backoff jitter (default `random.random`).
        redaction: what log lines and error messages may show (default `DEFAULT_REDACTION`); an SDK
            passes its spec's password fields.

    Raises:
        ConfigurationError: a hook is async, or `transport` names no backend.
    """
    hooks.check_sync()
    clock = clock or SystemClock()
    stack: httpx.BaseTransport = _sync_pool(settings, transport)
    if settings.pool.max_connections_per_host is not None:
        stack = HostLimitTransport(settings.pool.max_connections_per_host, inner=stack)
    stack = ResponseBodyTransport(settings.max_response_bytes, inner=stack, clock=clock)
    if settings.rate_limit is not None:  # below logging: the wait for a token is not a request's duration
        stack = RateLimitTransport(settings.rate_limit, inner=stack, clock=clock)
    stack = LoggingTransport(inner=stack, logger=_logger(logger_name, settings), clock=clock, redaction=redaction)
    if settings.cache:
        stack = CachingTransport(inner=stack)
    if settings.circuit is not None:
        stack = CircuitBreakerTransport(settings.circuit, inner=stack, clock=clock, on_change=hooks.emit_circuit_change)
    stack = HooksTransport(hooks, inner=stack, clock=clock)
    stack = RetryTransport(settings.retry, inner=stack, clock=clock, jitter=jitter)
    stack = DeadlineTransport(settings.deadline_s, inner=stack, clock=clock)
    base_url, auth = _base_url_and_auth(settings, auth)
    return LeanClient(
        auth=auth,
        transport=stack,
        base_url=base_url,
        headers=_headers(settings),
        timeout=settings.timeouts.to_httpx(),
    )


def build_async_client(
    settings: ClientSettings,
    *,
    auth: httpx.Auth | None,
    hooks: Hooks,
    logger_name: str,
    transport: httpx.AsyncBaseTransport | AsyncBackend | None = None,
    clock: Clock | None = None,
    jitter: Jitter | None = None,
    redaction: Redaction | None = None,
) -> httpx.AsyncClient:
    """The `httpx.AsyncClient` twin of `build_sync_client`; hooks may be sync or async.

    `transport` is the innermost transport, or an `AsyncBackend` name (None: `_default_transport.py`): ``"httpx"``,
    ``"aiohttp"`` for a pooled `AiohttpTransport` or ``"httptools"`` for a pooled `HttptoolsTransport`,
    built from the same settings.

    Raises:
        ConfigurationError: `transport` names no backend, or ``"aiohttp"`` / ``"httptools"`` without that
            library installed.
    """
    clock = clock or SystemClock()
    stack: httpx.AsyncBaseTransport = _async_pool(settings, transport)
    if settings.pool.max_connections_per_host is not None:
        stack = AsyncHostLimitTransport(settings.pool.max_connections_per_host, inner=stack)
    stack = AsyncResponseBodyTransport(settings.max_response_bytes, inner=stack, clock=clock)
    if settings.rate_limit is not None:
        stack = AsyncRateLimitTransport(settings.rate_limit, inner=stack, clock=clock)
    stack = AsyncLoggingTransport(inner=stack, logger=_logger(logger_name, settings), clock=clock, redaction=redaction)
    if settings.cache:
        stack = AsyncCachingTransport(inner=stack)
    if settings.circuit is not None:
        stack = AsyncCircuitBreakerTransport(
            settings.circuit, inner=stack, clock=clock, on_change=hooks.aemit_circuit_change
        )
    stack = AsyncHooksTransport(hooks, inner=stack, clock=clock)
    stack = AsyncRetryTransport(settings.retry, inner=stack, clock=clock, jitter=jitter)
    stack = AsyncDeadlineTransport(settings.deadline_s, inner=stack, clock=clock)
    base_url, auth = _base_url_and_auth(settings, auth)
    return AsyncLeanClient(
        auth=auth,
        transport=stack,
        base_url=base_url,
        headers=_headers(settings),
        timeout=settings.timeouts.to_httpx(),
    )


def _token_retry(policy: RetryPolicy | None) -> RetryPolicy | None:
    """The client's retry policy with POST allowed: asking for a token again repeats no effect, so a token
    request is retried like any idempotent call (connect failures, timeouts, `retry_statuses`)."""
    return None if policy is None else attrs.evolve(policy, retry_methods=policy.retry_methods | {"POST"})


def build_token_client(
    settings: ClientSettings,
    *,
    logger_name: str,
    transport: httpx.BaseTransport | SyncBackend | None = None,
    clock: Clock | None = None,
    jitter: Jitter | None = None,
    redaction: Redaction | None = None,
) -> httpx.Client:
    """A plain client for token calls: the same base URL, TLS, timeouts, User-Agent and retries; no auth.

    Token calls must not pass through the auth flow they feed. They are retried per `settings.retry` with
    POST counted as idempotent (`_token_retry`), and logged with secrets masked. The caller owns the client
    and closes it. `transport` as in `build_sync_client`.
    """
    clock = clock or SystemClock()
    stack: httpx.BaseTransport = _sync_pool(settings, transport)
    stack = ResponseBodyTransport(settings.max_response_bytes, inner=stack, clock=clock)
    stack = LoggingTransport(inner=stack, logger=_logger(logger_name, settings), clock=clock, redaction=redaction)
    stack = RetryTransport(_token_retry(settings.retry), inner=stack, clock=clock, jitter=jitter)
    base_url, auth = _base_url_and_auth(settings, None)
    return httpx.Client(
        auth=auth,
        base_url=base_url,
        headers=_headers(settings),
        timeout=settings.timeouts.to_httpx(),
        transport=DeadlineTransport(settings.deadline_s, inner=stack, clock=clock),
    )


def build_async_token_client(
    settings: ClientSettings,
    *,
    logger_name: str,
    transport: httpx.AsyncBaseTransport | AsyncBackend | None = None,
    clock: Clock | None = None,
    jitter: Jitter | None = None,
    redaction: Redaction | None = None,
) -> httpx.AsyncClient:
    """The async twin of `build_token_client`; `transport` as in `build_async_client`."""
    clock = clock or SystemClock()
    stack: httpx.AsyncBaseTransport = _async_pool(settings, transport)
    stack = AsyncResponseBodyTransport(settings.max_response_bytes, inner=stack, clock=clock)
    stack = AsyncLoggingTransport(inner=stack, logger=_logger(logger_name, settings), clock=clock, redaction=redaction)
    stack = AsyncRetryTransport(_token_retry(settings.retry), inner=stack, clock=clock, jitter=jitter)
    base_url, auth = _base_url_and_auth(settings, None)
    return httpx.AsyncClient(
        auth=auth,
        base_url=base_url,
        headers=_headers(settings),
        timeout=settings.timeouts.to_httpx(),
        transport=AsyncDeadlineTransport(settings.deadline_s, inner=stack, clock=clock),
    )

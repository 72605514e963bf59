"""The SDK runtime: hand-written, typed code every generated SDK carries as ``<package>/_runtime/``.

Modules are private, one concept each; this module re-exports the public names (see README.md for the
contract with the generated code).
"""

# auth, logging, cache (see _auth.py, _token_store.py, _logging.py, _cache.py)
from ._auth import DEFAULT_REFRESH_SKEW_S, TokenRefreshAuth
from ._backoff import (
    Failure,
    RetryDecision,
    backoff_delay_s,
    decide_retry,
    is_idempotent,
    parse_retry_after,
    plan_wait_s,
)
from ._cache import (
    CACHE_EXTENSION,
    CACHE_STATUS_HEADER,
    DEFAULT_CACHE_MAX_BODY_BYTES,
    DEFAULT_CACHE_MAX_ENTRIES,
    AsyncCachingTransport,
    CachingTransport,
    ETagCache,
)
from ._circuit import (
    Admission,
    AsyncCircuitBreakerTransport,
    CircuitBreaker,
    CircuitBreakerTransport,
    CircuitState,
    CircuitStateChanged,
    HostCircuits,
    Outcome,
    Permit,
)
from ._clock import Clock, FakeClock, SystemClock
from ._errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CircuitOpenError,
    ConfigurationError,
    ConflictError,
    ConnectError,
    HookError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    Problem,
    RateLimitError,
    RequestTimeout,
    ResponseValidationError,
    SDKError,
    ServerError,
    TokenRefreshError,
    TransportError,
    UnprocessableEntityError,
    araise_for_status,
    raise_for_status,
    redact_url,
    translate_transport_errors,
)
from ._factory import build_async_client, build_sync_client
from ._hooks import (
    AsyncHooksTransport,
    CircuitHook,
    ErrorEvent,
    ErrorHook,
    Hooks,
    HooksTransport,
    RequestEvent,
    RequestHook,
    ResponseEvent,
    ResponseHook,
)
from ._logging import (
    LOG_LEVELS,
    AsyncLoggingTransport,
    LoggingTransport,
    configure_logging,
    configure_logging_from_env,
)
from ._oauth2 import ClientCredentialsProvider, resolve_token_url
from ._options import UNSET, RequestOptions, Unset, new_idempotency_key, request_extensions
from ._pool import PoolLimits
from ._redaction import (
    ALWAYS_MASKED_HEADERS,
    DEFAULT_SAFE_HEADERS,
    DEFAULT_SAFE_QUERY_KEYS,
    REDACTED,
    Redaction,
    is_secret_name,
)
from ._retry import RETRY_DISABLED, AsyncRetryTransport, RetryDisabled, RetryPolicy, RetryTransport
from ._secret import Secret
from ._settings import ClientSettings, load_settings
from ._timeouts import Timeouts
from ._token import Token, TokenProvider, token_from_payload
from ._token_providers import LoginTokenProvider, StaticTokenProvider
from ._token_store import FileTokenStore, MemoryTokenStore, TokenStore

__all__ = [
    "RETRY_DISABLED",
    "UNSET",
    "APIStatusError",
    "Admission",
    "AsyncCircuitBreakerTransport",
    "AsyncHooksTransport",
    "AsyncRetryTransport",
    "AuthenticationError",
    "BadRequestError",
    "CircuitBreaker",
    "CircuitBreakerTransport",
    "CircuitHook",
    "CircuitOpenError",
    "CircuitState",
    "CircuitStateChanged",
    "ClientSettings",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "ErrorEvent",
    "ErrorHook",
    "Failure",
    "FakeClock",
    "HookError",
    "Hooks",
    "HooksTransport",
    "HostCircuits",
    "NotFoundError",
    "Outcome",
    "PermissionDeniedError",
    "Permit",
    "PoolLimits",
    "PreconditionFailedError",
    "Problem",
    "RateLimitError",
    "RequestEvent",
    "RequestHook",
    "RequestOptions",
    "RequestTimeout",
    "ResponseEvent",
    "ResponseHook",
    "ResponseValidationError",
    "RetryDecision",
    "RetryDisabled",
    "RetryPolicy",
    "RetryTransport",
    "SDKError",
    "Secret",
    "ServerError",
    "SystemClock",
    "Timeouts",
    "TokenRefreshError",
    "TransportError",
    "UnprocessableEntityError",
    "Unset",
    "araise_for_status",
    "backoff_delay_s",
    "build_async_client",
    "build_sync_client",
    "decide_retry",
    "is_idempotent",
    "load_settings",
    "new_idempotency_key",
    "parse_retry_after",
    "plan_wait_s",
    "raise_for_status",
    "redact_url",
    "request_extensions",
    "translate_transport_errors",
]

# __all__ entries for auth, logging, cache (see _auth.py, _token_store.py, _logging.py, _cache.py)
__all__ += [
    "ALWAYS_MASKED_HEADERS",
    "CACHE_EXTENSION",
    "CACHE_STATUS_HEADER",
    "DEFAULT_CACHE_MAX_BODY_BYTES",
    "DEFAULT_CACHE_MAX_ENTRIES",
    "DEFAULT_REFRESH_SKEW_S",
    "DEFAULT_SAFE_HEADERS",
    "DEFAULT_SAFE_QUERY_KEYS",
    "LOG_LEVELS",
    "REDACTED",
    "AsyncCachingTransport",
    "AsyncLoggingTransport",
    "CachingTransport",
    "ClientCredentialsProvider",
    "ETagCache",
    "FileTokenStore",
    "LoggingTransport",
    "LoginTokenProvider",
    "MemoryTokenStore",
    "Redaction",
    "StaticTokenProvider",
    "Token",
    "TokenProvider",
    "TokenRefreshAuth",
    "TokenStore",
    "configure_logging",
    "configure_logging_from_env",
    "is_secret_name",
    "resolve_token_url",
    "token_from_payload",
]

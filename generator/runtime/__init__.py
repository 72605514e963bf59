"""The SDK runtime: hand-written, typed code every generated SDK carries as ``<package>/_runtime/``.

Modules are private, one concept each; this module re-exports the public names (see README.md for the
contract with the generated code).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .auth._auth import (
        DEFAULT_REFRESH_SKEW_S,
        TokenRefreshAuth,
    )
    from .auth._key_auth import (
        KeyScheme,
        KeySchemeAuth,
    )
    from .auth._oauth2 import (
        ClientCredentialsProvider,
        resolve_token_url,
    )
    from .auth._token import (
        Token,
        TokenProvider,
        token_from_payload,
    )
    from .auth._token_providers import (
        LoginTokenProvider,
        StaticTokenProvider,
    )
    from .auth._token_store import (
        FileTokenStore,
        MemoryTokenStore,
        TokenStore,
    )
    from .client._call import (
        OperationClient,
        acall_operation,
        call_operation,
    )
    from .client._connection import (
        AsyncConnection,
        ConnectionOptions,
        NoDeferral,
        SyncConnection,
        no_deferral,
        token_provider,
    )
    from .client._identity import (
        AuthSpec,
        SdkIdentity,
    )
    from .client._model_ref import (
        ModelRef,
    )
    from .client._operation import (
        Body,
        Operation,
        Parameter,
    )
    from .client._raw_response import (
        RawResponse,
        araw,
        raw,
    )
    from .client._readers import (
        AS_IS,
        AsIs,
        DateOf,
        EnumOf,
        FileOf,
        ListOf,
        ModelOf,
        Success,
        UnionOf,
    )
    from .client._resource import (
        AsyncResource,
        Resource,
    )
    from .core._clock import (
        Clock,
        FakeClock,
        SystemClock,
    )
    from .core._errors import (
        APIStatusError,
        AuthenticationError,
        BadRequestError,
        CertificateError,
        ChecksumMismatchError,
        CircuitOpenError,
        ConfigurationError,
        ConflictError,
        ConnectError,
        DownloadError,
        HookError,
        IncompleteResponseError,
        InvalidRequestError,
        NameResolutionError,
        NotFoundError,
        NotModifiedError,
        OutboxError,
        OutboxFullError,
        PermissionDeniedError,
        PreconditionFailedError,
        Problem,
        RateLimitError,
        RealtimeAuthError,
        RealtimeClosedError,
        RealtimeConnectionError,
        RealtimeError,
        RealtimeQueueFullError,
        RealtimeRequestError,
        RealtimeTimeoutError,
        RequestTimeout,
        ResponseTooLargeError,
        ResponseValidationError,
        SDKError,
        ServerError,
        ServiceUnavailableError,
        TokenRefreshError,
        TransportError,
        UnprocessableEntityError,
        araise_for_status,
        raise_for_status,
        redact_url,
        status_error_class,
        translate_transport_errors,
        transport_error,
    )
    from .core._redaction import (
        ALWAYS_MASKED_HEADERS,
        DEFAULT_REDACTION,
        DEFAULT_SAFE_HEADERS,
        DEFAULT_SAFE_QUERY_KEYS,
        REDACTED,
        Redaction,
        is_secret_name,
        mask_userinfo,
        redaction_for,
    )
    from .core._secret import (
        Secret,
    )
    from .core._unset import (
        UNSET,
        Unset,
    )
    from .download._download import (
        DownloadResult,
        ProgressCallback,
        adownload,
        download,
    )
    from .download._download_defaults import (
        DEFAULT_DOWNLOAD_CHUNK_BYTES,
        DEFAULT_DOWNLOAD_RETRY,
    )
    from .download._response_stream import (
        AsyncResponseStream,
        ResponseStream,
    )
    from .download._streamed_file import (
        StreamedBody,
    )
    from .fast._aiohttp_transport import (
        AiohttpTransport,
    )
    from .fast._httptools_sync_transport import (
        SyncHttptoolsTransport,
    )
    from .fast._httptools_transport import (
        HttptoolsTransport,
    )
    from .outbox._client_options import (
        ClientOptions,
    )
    from .outbox._deferral import (
        Deferral,
    )
    from .outbox._outbox import (
        Outbox,
    )
    from .outbox._outbox_delivery import (
        MAX_DEAD_LETTER_ERROR_CHARS,
        QUEUEABLE_STATUSES,
        FlushSummary,
        OutboxDelivered,
        is_offline,
    )
    from .outbox._outbox_policy import (
        DEFAULT_OUTBOX_BATCH_SIZE,
        DEFAULT_OUTBOX_CLOSE_TIMEOUT_S,
        DEFAULT_OUTBOX_MAX_BYTES,
        DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S,
        DEFAULT_OUTBOX_MAX_ROWS,
        DEFAULT_OUTBOX_PROBE_INTERVAL_S,
        DEFAULT_OUTBOX_PROBE_JITTER_S,
        OUTBOX_FILE_NAME,
        DeliveryMode,
        OutboxPolicy,
        QueuedReceipt,
        default_outbox_path,
    )
    from .outbox._outbox_records import (
        OUTBOX_ID_EXTENSION,
        DeadLetter,
        DeadLetterReason,
        OutboxItem,
        OutboxStats,
        Overflow,
    )
    from .outbox._outbox_worker import (
        DEFAULT_PROBE_TIMEOUT_S,
        AsyncProbe,
        Probe,
        async_http_probe,
        http_probe,
        probe_delay_s,
    )
    from .pipeline._cache import (
        CACHE_EXTENSION,
        CACHE_STATUS_HEADER,
        DEFAULT_CACHE_MAX_BODY_BYTES,
        DEFAULT_CACHE_MAX_ENTRIES,
        AsyncCachingTransport,
        CachingTransport,
        ETagCache,
    )
    from .pipeline._call_failures import (
        failed_exchange,
        report_call_errors,
        retrying_elsewhere,
    )
    from .pipeline._circuit import (
        AsyncCircuitBreakerTransport,
        CircuitBreakerTransport,
    )
    from .pipeline._factory import (
        AsyncBackend,
        SyncBackend,
        build_async_client,
        build_async_token_client,
        build_sync_client,
        build_token_client,
    )
    from .pipeline._hooks import (
        AsyncHooksTransport,
        CallErrorEvent,
        CallErrorHook,
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
    from .pipeline._host_limit import (
        AsyncHostLimitTransport,
        HostLimitTransport,
    )
    from .pipeline._logging import (
        LOG_LEVELS,
        AsyncLoggingTransport,
        LoggingTransport,
        configure_logging,
        configure_logging_from_env,
        library_logger,
    )
    from .pipeline._ratelimit import (
        EPOCH_THRESHOLD_S,
        AsyncRateLimitTransport,
        RateLimitTransport,
        TokenBucket,
        read_quota,
    )
    from .pipeline._retry import (
        AsyncRetryTransport,
        RetryTransport,
    )
    from .policies._backoff import (
        Failure,
        RetryDecision,
        backoff_delay_s,
        decide_retry,
        is_idempotent,
        parse_retry_after,
        plan_wait_s,
    )
    from .policies._circuit_breaker import (
        Admission,
        CircuitBreaker,
        CircuitState,
        CircuitStateChanged,
        HostCircuits,
        Outcome,
        Permit,
    )
    from .policies._options import (
        RequestOptions,
        apply_request_options,
        merge_options,
        new_idempotency_key,
        request_extensions,
    )
    from .policies._pool import (
        PoolLimits,
    )
    from .policies._rate_limit import (
        DEFAULT_LOW_WATER,
        DEFAULT_MAX_PAUSE_S,
        RateLimit,
    )
    from .policies._retry_policy import (
        RETRY_DISABLED,
        RetryDisabled,
        RetryPolicy,
    )
    from .policies._sdk_defaults import (
        rate_limit_default,
        settings_defaults,
    )
    from .policies._settings import (
        ClientSettings,
        load_settings,
    )
    from .policies._timeouts import (
        Timeouts,
    )
    from .realtime._realtime_protocol import (
        DEFAULT_HEARTBEAT_INTERVAL_S,
        DEFAULT_HEARTBEAT_TIMEOUT_S,
        DEFAULT_RECONNECT_INITIAL_DELAY_S,
        DEFAULT_RECONNECT_MAX_ATTEMPTS,
        DEFAULT_RECONNECT_MAX_DELAY_S,
        DEFAULT_RECONNECT_MAX_JITTER_S,
        AckShape,
        AuthExchange,
        ErrorShape,
        HeartbeatPolicy,
        RealtimeProtocol,
        ReconnectPolicy,
        RequestExchange,
        backoff_delays,
        realtime_url,
        reconnect_delay_s,
        stream_url,
    )
    from .realtime._websocket import (
        ConnectionState,
        ConnectionStateChanged,
        Decode,
        EventHandler,
        RealtimeClient,
        RealtimeConnector,
        RealtimeOptions,
        SharedOptions,
        StateCallback,
        TokenSource,
        classify,
        connect,
    )
    from .realtime._websocket_sync import (
        SyncRealtimeClient,
    )
    from .shapes._aliases import (
        AliasedClient,
        keyword_aliases,
        rename_settings,
        spread_event,
    )
    from .shapes._envelope import (
        DEFAULT_ENVELOPE,
        Envelope,
        Enveloped,
        EnvelopeError,
        unwrap,
    )
    from .shapes._model_fields import (
        FieldNames,
        is_absent,
        read_field,
    )
    from .shapes._pagination import (
        NEXT_URL,
        PageArgs,
        Pagination,
        PaginationError,
        aiterate_items,
        aiterate_pages,
        iterate_items,
        iterate_pages,
        page_items,
    )
    from .shapes._path_defaults import (
        PathDefaults,
    )
    from .shapes._plain_resource import (
        PlainResource,
    )
    from .shapes._request_checks import (
        RequestValidationError,
        check_request,
    )
    from .shapes._response_schemas import (
        ResponseCheck,
        ResponseSchemas,
    )
    from .shapes._versions import (
        MISSING_OPERATION_STATUSES,
        Fallback,
        UnsupportedOperationError,
        VersionedOperation,
        afind_item,
        find_item,
        legacy_fields_for,
        parse_version,
        strip_legacy_fields,
        version_at_least,
    )

_MODULES: dict[str, tuple[str, ...]] = {
    "auth._auth": (
        "DEFAULT_REFRESH_SKEW_S",
        "TokenRefreshAuth",
    ),
    "auth._key_auth": (
        "KeyScheme",
        "KeySchemeAuth",
    ),
    "auth._oauth2": (
        "ClientCredentialsProvider",
        "resolve_token_url",
    ),
    "auth._token": (
        "Token",
        "TokenProvider",
        "token_from_payload",
    ),
    "auth._token_providers": (
        "LoginTokenProvider",
        "StaticTokenProvider",
    ),
    "auth._token_store": (
        "FileTokenStore",
        "MemoryTokenStore",
        "TokenStore",
    ),
    "client._call": (
        "OperationClient",
        "acall_operation",
        "call_operation",
    ),
    "client._connection": (
        "AsyncConnection",
        "ConnectionOptions",
        "NoDeferral",
        "SyncConnection",
        "no_deferral",
        "token_provider",
    ),
    "client._identity": (
        "AuthSpec",
        "SdkIdentity",
    ),
    "client._model_ref": ("ModelRef",),
    "client._operation": (
        "Body",
        "Operation",
        "Parameter",
    ),
    "client._raw_response": (
        "RawResponse",
        "araw",
        "raw",
    ),
    "client._readers": (
        "AS_IS",
        "AsIs",
        "DateOf",
        "EnumOf",
        "FileOf",
        "ListOf",
        "ModelOf",
        "Success",
        "UnionOf",
    ),
    "client._resource": (
        "AsyncResource",
        "Resource",
    ),
    "core._clock": (
        "Clock",
        "FakeClock",
        "SystemClock",
    ),
    "core._errors": (
        "APIStatusError",
        "AuthenticationError",
        "BadRequestError",
        "CertificateError",
        "ChecksumMismatchError",
        "CircuitOpenError",
        "ConfigurationError",
        "ConflictError",
        "ConnectError",
        "DownloadError",
        "HookError",
        "IncompleteResponseError",
        "InvalidRequestError",
        "NameResolutionError",
        "NotFoundError",
        "NotModifiedError",
        "OutboxError",
        "OutboxFullError",
        "PermissionDeniedError",
        "PreconditionFailedError",
        "Problem",
        "RateLimitError",
        "RealtimeAuthError",
        "RealtimeClosedError",
        "RealtimeConnectionError",
        "RealtimeError",
        "RealtimeQueueFullError",
        "RealtimeRequestError",
        "RealtimeTimeoutError",
        "RequestTimeout",
        "ResponseTooLargeError",
        "ResponseValidationError",
        "SDKError",
        "ServerError",
        "ServiceUnavailableError",
        "TokenRefreshError",
        "TransportError",
        "UnprocessableEntityError",
        "araise_for_status",
        "raise_for_status",
        "redact_url",
        "status_error_class",
        "translate_transport_errors",
        "transport_error",
    ),
    "core._redaction": (
        "ALWAYS_MASKED_HEADERS",
        "DEFAULT_REDACTION",
        "DEFAULT_SAFE_HEADERS",
        "DEFAULT_SAFE_QUERY_KEYS",
        "REDACTED",
        "Redaction",
        "is_secret_name",
        "mask_userinfo",
        "redaction_for",
    ),
    "core._secret": ("Secret",),
    "core._unset": (
        "UNSET",
        "Unset",
    ),
    "download._download": (
        "DownloadResult",
        "ProgressCallback",
        "adownload",
        "download",
    ),
    "download._download_defaults": (
        "DEFAULT_DOWNLOAD_CHUNK_BYTES",
        "DEFAULT_DOWNLOAD_RETRY",
    ),
    "download._response_stream": (
        "AsyncResponseStream",
        "ResponseStream",
    ),
    "download._streamed_file": ("StreamedBody",),
    "fast._aiohttp_transport": ("AiohttpTransport",),
    "fast._httptools_sync_transport": ("SyncHttptoolsTransport",),
    "fast._httptools_transport": ("HttptoolsTransport",),
    "outbox._client_options": ("ClientOptions",),
    "outbox._deferral": ("Deferral",),
    "outbox._outbox": ("Outbox",),
    "outbox._outbox_delivery": (
        "MAX_DEAD_LETTER_ERROR_CHARS",
        "QUEUEABLE_STATUSES",
        "FlushSummary",
        "OutboxDelivered",
        "is_offline",
    ),
    "outbox._outbox_policy": (
        "DEFAULT_OUTBOX_BATCH_SIZE",
        "DEFAULT_OUTBOX_CLOSE_TIMEOUT_S",
        "DEFAULT_OUTBOX_MAX_BYTES",
        "DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S",
        "DEFAULT_OUTBOX_MAX_ROWS",
        "DEFAULT_OUTBOX_PROBE_INTERVAL_S",
        "DEFAULT_OUTBOX_PROBE_JITTER_S",
        "OUTBOX_FILE_NAME",
        "DeliveryMode",
        "OutboxPolicy",
        "QueuedReceipt",
        "default_outbox_path",
    ),
    "outbox._outbox_records": (
        "OUTBOX_ID_EXTENSION",
        "DeadLetter",
        "DeadLetterReason",
        "OutboxItem",
        "OutboxStats",
        "Overflow",
    ),
    "outbox._outbox_worker": (
        "DEFAULT_PROBE_TIMEOUT_S",
        "AsyncProbe",
        "Probe",
        "async_http_probe",
        "http_probe",
        "probe_delay_s",
    ),
    "pipeline._cache": (
        "CACHE_EXTENSION",
        "CACHE_STATUS_HEADER",
        "DEFAULT_CACHE_MAX_BODY_BYTES",
        "DEFAULT_CACHE_MAX_ENTRIES",
        "AsyncCachingTransport",
        "CachingTransport",
        "ETagCache",
    ),
    "pipeline._call_failures": (
        "failed_exchange",
        "report_call_errors",
        "retrying_elsewhere",
    ),
    "pipeline._circuit": (
        "AsyncCircuitBreakerTransport",
        "CircuitBreakerTransport",
    ),
    "pipeline._factory": (
        "AsyncBackend",
        "SyncBackend",
        "build_async_client",
        "build_async_token_client",
        "build_sync_client",
        "build_token_client",
    ),
    "pipeline._hooks": (
        "AsyncHooksTransport",
        "CallErrorEvent",
        "CallErrorHook",
        "CircuitHook",
        "ErrorEvent",
        "ErrorHook",
        "Hooks",
        "HooksTransport",
        "RequestEvent",
        "RequestHook",
        "ResponseEvent",
        "ResponseHook",
    ),
    "pipeline._host_limit": (
        "AsyncHostLimitTransport",
        "HostLimitTransport",
    ),
    "pipeline._logging": (
        "LOG_LEVELS",
        "AsyncLoggingTransport",
        "LoggingTransport",
        "configure_logging",
        "configure_logging_from_env",
        "library_logger",
    ),
    "pipeline._ratelimit": (
        "EPOCH_THRESHOLD_S",
        "AsyncRateLimitTransport",
        "RateLimitTransport",
        "TokenBucket",
        "read_quota",
    ),
    "pipeline._retry": (
        "AsyncRetryTransport",
        "RetryTransport",
    ),
    "policies._backoff": (
        "Failure",
        "RetryDecision",
        "backoff_delay_s",
        "decide_retry",
        "is_idempotent",
        "parse_retry_after",
        "plan_wait_s",
    ),
    "policies._circuit_breaker": (
        "Admission",
        "CircuitBreaker",
        "CircuitState",
        "CircuitStateChanged",
        "HostCircuits",
        "Outcome",
        "Permit",
    ),
    "policies._options": (
        "RequestOptions",
        "apply_request_options",
        "merge_options",
        "new_idempotency_key",
        "request_extensions",
    ),
    "policies._pool": ("PoolLimits",),
    "policies._rate_limit": (
        "DEFAULT_LOW_WATER",
        "DEFAULT_MAX_PAUSE_S",
        "RateLimit",
    ),
    "policies._retry_policy": (
        "RETRY_DISABLED",
        "RetryDisabled",
        "RetryPolicy",
    ),
    "policies._sdk_defaults": (
        "rate_limit_default",
        "settings_defaults",
    ),
    "policies._settings": (
        "ClientSettings",
        "load_settings",
    ),
    "policies._timeouts": ("Timeouts",),
    "realtime._realtime_protocol": (
        "DEFAULT_HEARTBEAT_INTERVAL_S",
        "DEFAULT_HEARTBEAT_TIMEOUT_S",
        "DEFAULT_RECONNECT_INITIAL_DELAY_S",
        "DEFAULT_RECONNECT_MAX_ATTEMPTS",
        "DEFAULT_RECONNECT_MAX_DELAY_S",
        "DEFAULT_RECONNECT_MAX_JITTER_S",
        "AckShape",
        "AuthExchange",
        "ErrorShape",
        "HeartbeatPolicy",
        "RealtimeProtocol",
        "ReconnectPolicy",
        "RequestExchange",
        "backoff_delays",
        "realtime_url",
        "reconnect_delay_s",
        "stream_url",
    ),
    "realtime._websocket": (
        "ConnectionState",
        "ConnectionStateChanged",
        "Decode",
        "EventHandler",
        "RealtimeClient",
        "RealtimeConnector",
        "RealtimeOptions",
        "SharedOptions",
        "StateCallback",
        "TokenSource",
        "classify",
        "connect",
    ),
    "realtime._websocket_sync": ("SyncRealtimeClient",),
    "shapes._aliases": (
        "AliasedClient",
        "keyword_aliases",
        "rename_settings",
        "spread_event",
    ),
    "shapes._envelope": (
        "DEFAULT_ENVELOPE",
        "Envelope",
        "Enveloped",
        "EnvelopeError",
        "unwrap",
    ),
    "shapes._model_fields": (
        "FieldNames",
        "is_absent",
        "read_field",
    ),
    "shapes._pagination": (
        "NEXT_URL",
        "PageArgs",
        "Pagination",
        "PaginationError",
        "aiterate_items",
        "aiterate_pages",
        "iterate_items",
        "iterate_pages",
        "page_items",
    ),
    "shapes._path_defaults": ("PathDefaults",),
    "shapes._plain_resource": ("PlainResource",),
    "shapes._request_checks": (
        "RequestValidationError",
        "check_request",
    ),
    "shapes._response_schemas": (
        "ResponseCheck",
        "ResponseSchemas",
    ),
    "shapes._versions": (
        "MISSING_OPERATION_STATUSES",
        "Fallback",
        "UnsupportedOperationError",
        "VersionedOperation",
        "afind_item",
        "find_item",
        "legacy_fields_for",
        "parse_version",
        "strip_legacy_fields",
        "version_at_least",
    ),
}
"""Submodule (relative to this package) -> the public names it defines; imported on first use of one."""

_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "ALWAYS_MASKED_HEADERS",
    "AS_IS",
    "CACHE_EXTENSION",
    "CACHE_STATUS_HEADER",
    "DEFAULT_CACHE_MAX_BODY_BYTES",
    "DEFAULT_CACHE_MAX_ENTRIES",
    "DEFAULT_DOWNLOAD_CHUNK_BYTES",
    "DEFAULT_DOWNLOAD_RETRY",
    "DEFAULT_ENVELOPE",
    "DEFAULT_HEARTBEAT_INTERVAL_S",
    "DEFAULT_HEARTBEAT_TIMEOUT_S",
    "DEFAULT_LOW_WATER",
    "DEFAULT_MAX_PAUSE_S",
    "DEFAULT_OUTBOX_BATCH_SIZE",
    "DEFAULT_OUTBOX_CLOSE_TIMEOUT_S",
    "DEFAULT_OUTBOX_MAX_BYTES",
    "DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S",
    "DEFAULT_OUTBOX_MAX_ROWS",
    "DEFAULT_OUTBOX_PROBE_INTERVAL_S",
    "DEFAULT_OUTBOX_PROBE_JITTER_S",
    "DEFAULT_PROBE_TIMEOUT_S",
    "DEFAULT_RECONNECT_INITIAL_DELAY_S",
    "DEFAULT_RECONNECT_MAX_ATTEMPTS",
    "DEFAULT_RECONNECT_MAX_DELAY_S",
    "DEFAULT_RECONNECT_MAX_JITTER_S",
    "DEFAULT_REDACTION",
    "DEFAULT_REFRESH_SKEW_S",
    "DEFAULT_SAFE_HEADERS",
    "DEFAULT_SAFE_QUERY_KEYS",
    "EPOCH_THRESHOLD_S",
    "LOG_LEVELS",
    "MAX_DEAD_LETTER_ERROR_CHARS",
    "MISSING_OPERATION_STATUSES",
    "NEXT_URL",
    "OUTBOX_FILE_NAME",
    "OUTBOX_ID_EXTENSION",
    "QUEUEABLE_STATUSES",
    "REDACTED",
    "RETRY_DISABLED",
    "UNSET",
    "APIStatusError",
    "AckShape",
    "Admission",
    "AiohttpTransport",
    "AliasedClient",
    "AsIs",
    "AsyncBackend",
    "AsyncCachingTransport",
    "AsyncCircuitBreakerTransport",
    "AsyncConnection",
    "AsyncHooksTransport",
    "AsyncHostLimitTransport",
    "AsyncLoggingTransport",
    "AsyncProbe",
    "AsyncRateLimitTransport",
    "AsyncResource",
    "AsyncResponseStream",
    "AsyncRetryTransport",
    "AuthExchange",
    "AuthSpec",
    "AuthenticationError",
    "BadRequestError",
    "Body",
    "CachingTransport",
    "CallErrorEvent",
    "CallErrorHook",
    "CertificateError",
    "ChecksumMismatchError",
    "CircuitBreaker",
    "CircuitBreakerTransport",
    "CircuitHook",
    "CircuitOpenError",
    "CircuitState",
    "CircuitStateChanged",
    "ClientCredentialsProvider",
    "ClientOptions",
    "ClientSettings",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "ConnectionOptions",
    "ConnectionState",
    "ConnectionStateChanged",
    "DateOf",
    "DeadLetter",
    "DeadLetterReason",
    "Decode",
    "Deferral",
    "DeliveryMode",
    "DownloadError",
    "DownloadResult",
    "ETagCache",
    "EnumOf",
    "Envelope",
    "EnvelopeError",
    "Enveloped",
    "ErrorEvent",
    "ErrorHook",
    "ErrorShape",
    "EventHandler",
    "Failure",
    "FakeClock",
    "Fallback",
    "FieldNames",
    "FileOf",
    "FileTokenStore",
    "FlushSummary",
    "HeartbeatPolicy",
    "HookError",
    "Hooks",
    "HooksTransport",
    "HostCircuits",
    "HostLimitTransport",
    "HttptoolsTransport",
    "IncompleteResponseError",
    "InvalidRequestError",
    "KeyScheme",
    "KeySchemeAuth",
    "ListOf",
    "LoggingTransport",
    "LoginTokenProvider",
    "MemoryTokenStore",
    "ModelOf",
    "ModelRef",
    "NameResolutionError",
    "NoDeferral",
    "NotFoundError",
    "NotModifiedError",
    "Operation",
    "OperationClient",
    "Outbox",
    "OutboxDelivered",
    "OutboxError",
    "OutboxFullError",
    "OutboxItem",
    "OutboxPolicy",
    "OutboxStats",
    "Outcome",
    "Overflow",
    "PageArgs",
    "Pagination",
    "PaginationError",
    "Parameter",
    "PathDefaults",
    "PermissionDeniedError",
    "Permit",
    "PlainResource",
    "PoolLimits",
    "PreconditionFailedError",
    "Probe",
    "Problem",
    "ProgressCallback",
    "QueuedReceipt",
    "RateLimit",
    "RateLimitError",
    "RateLimitTransport",
    "RawResponse",
    "RealtimeAuthError",
    "RealtimeClient",
    "RealtimeClosedError",
    "RealtimeConnectionError",
    "RealtimeConnector",
    "RealtimeError",
    "RealtimeOptions",
    "RealtimeProtocol",
    "RealtimeQueueFullError",
    "RealtimeRequestError",
    "RealtimeTimeoutError",
    "ReconnectPolicy",
    "Redaction",
    "RequestEvent",
    "RequestExchange",
    "RequestHook",
    "RequestOptions",
    "RequestTimeout",
    "RequestValidationError",
    "Resource",
    "ResponseCheck",
    "ResponseEvent",
    "ResponseHook",
    "ResponseSchemas",
    "ResponseStream",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryDecision",
    "RetryDisabled",
    "RetryPolicy",
    "RetryTransport",
    "SDKError",
    "SdkIdentity",
    "Secret",
    "ServerError",
    "ServiceUnavailableError",
    "SharedOptions",
    "StateCallback",
    "StaticTokenProvider",
    "StreamedBody",
    "Success",
    "SyncBackend",
    "SyncConnection",
    "SyncHttptoolsTransport",
    "SyncRealtimeClient",
    "SystemClock",
    "Timeouts",
    "Token",
    "TokenBucket",
    "TokenProvider",
    "TokenRefreshAuth",
    "TokenRefreshError",
    "TokenSource",
    "TokenStore",
    "TransportError",
    "UnionOf",
    "UnprocessableEntityError",
    "Unset",
    "UnsupportedOperationError",
    "VersionedOperation",
    "acall_operation",
    "adownload",
    "afind_item",
    "aiterate_items",
    "aiterate_pages",
    "apply_request_options",
    "araise_for_status",
    "araw",
    "async_http_probe",
    "backoff_delay_s",
    "backoff_delays",
    "build_async_client",
    "build_async_token_client",
    "build_sync_client",
    "build_token_client",
    "call_operation",
    "check_request",
    "classify",
    "configure_logging",
    "configure_logging_from_env",
    "connect",
    "decide_retry",
    "default_outbox_path",
    "download",
    "failed_exchange",
    "find_item",
    "http_probe",
    "is_absent",
    "is_idempotent",
    "is_offline",
    "is_secret_name",
    "iterate_items",
    "iterate_pages",
    "keyword_aliases",
    "legacy_fields_for",
    "library_logger",
    "load_settings",
    "mask_userinfo",
    "merge_options",
    "new_idempotency_key",
    "no_deferral",
    "page_items",
    "parse_retry_after",
    "parse_version",
    "plan_wait_s",
    "probe_delay_s",
    "raise_for_status",
    "rate_limit_default",
    "raw",
    "read_field",
    "read_quota",
    "realtime_url",
    "reconnect_delay_s",
    "redact_url",
    "redaction_for",
    "rename_settings",
    "report_call_errors",
    "request_extensions",
    "resolve_token_url",
    "retrying_elsewhere",
    "settings_defaults",
    "spread_event",
    "status_error_class",
    "stream_url",
    "strip_legacy_fields",
    "token_from_payload",
    "token_provider",
    "translate_transport_errors",
    "transport_error",
    "unwrap",
    "version_at_least",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562), so `import` costs only what is used."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups find it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Facade(types.ModuleType):
    """This package, keeping a public name when a wing of the same name is imported.

    Python binds a sub-package as an attribute of its parent when it is first imported: importing the
    `download` wing would hide the `download()` function behind the module, for good, whichever came first.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _MODULE_OF and isinstance(value, types.ModuleType):
            return  # the wing stays reachable in sys.modules; the name keeps resolving through __getattr__
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade

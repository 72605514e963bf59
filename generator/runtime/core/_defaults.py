"""Every default the runtime uses, named once.

Docstrings elsewhere name these constants instead of repeating the numbers, so a change here is the
whole change.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ANONYMOUS_EXTENSION",
    "ATTEMPT_HEADER",
    "DEADLINE_EXTENSION",
    "DEFAULT_ACK_TIMEOUT_S",
    "DEFAULT_AUTH_TIMEOUT_S",
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_CACHE_MAX_BODY_BYTES",
    "DEFAULT_CACHE_MAX_ENTRIES",
    "DEFAULT_CIRCUIT_FAILURE_THRESHOLD",
    "DEFAULT_CIRCUIT_RECOVERY_TIMEOUT_S",
    "DEFAULT_CONNECT_TIMEOUT_S",
    "DEFAULT_DEADLINE_S",
    "DEFAULT_DOWNLOAD_CHUNK_BYTES",
    "DEFAULT_HEARTBEAT_INTERVAL_S",
    "DEFAULT_HEARTBEAT_TIMEOUT_S",
    "DEFAULT_INITIAL_DELAY_S",
    "DEFAULT_KEEPALIVE_EXPIRY_S",
    "DEFAULT_LOW_WATER",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_BODY_CHARS",
    "DEFAULT_MAX_BUFFERED_EVENTS",
    "DEFAULT_MAX_CAPTURED_BODY_BYTES",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_DELAY_S",
    "DEFAULT_MAX_FRAME_BYTES",
    "DEFAULT_MAX_JITTER_S",
    "DEFAULT_MAX_KEEPALIVE_CONNECTIONS",
    "DEFAULT_MAX_PAUSE_S",
    "DEFAULT_MAX_QUEUED_BYTES",
    "DEFAULT_MAX_QUEUED_MESSAGES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRY_AFTER_S",
    "DEFAULT_OPEN_TIMEOUT_S",
    "DEFAULT_OUTBOX_BATCH_SIZE",
    "DEFAULT_OUTBOX_CLOSE_TIMEOUT_S",
    "DEFAULT_OUTBOX_MAX_BYTES",
    "DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S",
    "DEFAULT_OUTBOX_MAX_ROWS",
    "DEFAULT_OUTBOX_PROBE_INTERVAL_S",
    "DEFAULT_OUTBOX_PROBE_JITTER_S",
    "DEFAULT_POOL_TIMEOUT_S",
    "DEFAULT_PROBE_TIMEOUT_S",
    "DEFAULT_READ_TIMEOUT_S",
    "DEFAULT_RECONNECT_INITIAL_DELAY_S",
    "DEFAULT_RECONNECT_MAX_ATTEMPTS",
    "DEFAULT_RECONNECT_MAX_DELAY_S",
    "DEFAULT_RECONNECT_MAX_JITTER_S",
    "DEFAULT_REFRESH_SKEW_S",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_SAFE_HEADERS",
    "DEFAULT_SAFE_QUERY_KEYS",
    "DEFAULT_TOKEN_TYPE",
    "DEFAULT_TOTAL_TIMEOUT_S",
    "DEFAULT_USER_AGENT",
    "DEFAULT_WRITE_TIMEOUT_S",
    "IDEMPOTENCY_KEY_HEADER",
    "IDEMPOTENT_METHODS",
    "MAX_BODY_IN_MESSAGE_CHARS",
    "RAW_HEADERS_EXTENSION",
    "RECEIVED_HEADERS_EXTENSION",
    "REDACTION_EXTENSION",
    "REFRESH_LIFETIME_FRACTION",
    "REQUEST_ID_HEADERS",
    "RETRY_AFTER_STATUSES",
    "STREAMED_BODY_EXTENSION",
    "STREAM_EXTENSION",
    "TRANSIENT_STATUSES",
]

# Retries (_retry.py, _backoff.py)
DEFAULT_MAX_ATTEMPTS = 3
"""Attempts per request, the first one included."""
DEFAULT_INITIAL_DELAY_S = 1.0
DEFAULT_BACKOFF_FACTOR = 2.0
DEFAULT_MAX_DELAY_S = 60.0
DEFAULT_MAX_JITTER_S = 1.0
"""Upper bound of the random delay added to each backoff."""
DEFAULT_MAX_RETRY_AFTER_S = 60.0
"""A server's Retry-After above this is not slept through: the 429/503 goes back to the caller."""
DEFAULT_TOTAL_TIMEOUT_S = 120.0
"""Deadline for all attempts of one request together, sleeps included."""
DEFAULT_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
"""Statuses whose Retry-After / retry-after-ms header is honoured."""
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
ATTEMPT_HEADER = "X-Attempt-Number"

# Errors (_errors.py), circuit breaker (_circuit.py)
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
"""5xx statuses that usually pass: retried, and counted by the circuit breaker."""
REQUEST_ID_HEADERS = ("X-Request-ID", "Request-Id", "X-Correlation-ID")
MAX_BODY_IN_MESSAGE_CHARS = 500
DEFAULT_CIRCUIT_FAILURE_THRESHOLD = 5
DEFAULT_CIRCUIT_RECOVERY_TIMEOUT_S = 30.0

# Timeouts (_timeouts.py): never "no timeout" by default
DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 30.0
DEFAULT_WRITE_TIMEOUT_S = 30.0
DEFAULT_POOL_TIMEOUT_S = 10.0

# Per call, whatever the phase timeouts (_deadline.py, _response_body.py)
DEFAULT_DEADLINE_S = 120.0
"""Total time one call may take: every attempt, each body read and every backoff sleep together. The phase
timeouts bound each wait; this bounds the sum (a server trickling a byte a second never trips a read
timeout). Over it: `RequestTimeout` naming the deadline."""
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""Largest body read into memory, checked as it arrives and again as it is decompressed (64 MiB). Over it:
`ResponseTooLargeError`; a streamed binary answer is held to it as it is read, `download()` is not limited."""
DEADLINE_EXTENSION = "sdk.deadline_s"
"""Request extension: this call's deadline in seconds (None: none), instead of the client's."""
STREAM_EXTENSION = "sdk.stream"
"""Request extension set by streaming calls (`download()`): the body is left to the caller, unread and
unlimited, and no deadline applies (a download has its own retry budget)."""
STREAMED_BODY_EXTENSION = "sdk.streamed_body"
"""Request extension set by calls whose answer is a binary body streamed to the caller (`StreamedFile`): the
body is not read into memory, but as the caller reads it, it is still held to `max_response_bytes`, the
call's deadline, and a cut-off body still raises `IncompleteResponseError` (pipeline/_streamed_body.py)."""

# Connection pool (_pool.py)
DEFAULT_MAX_CONNECTIONS = 10
DEFAULT_MAX_KEEPALIVE_CONNECTIONS = 5
DEFAULT_KEEPALIVE_EXPIRY_S = 5.0

# Token renewal (_token.py, _auth.py): the margin before expiry scales with the token's lifetime, so a
# 30 s token is not "due" from the moment it is issued (azure-core and the Stainless clients do the same)
DEFAULT_REFRESH_SKEW_S = 60.0
"""A token is renewed at most this many seconds before its expiry."""
REFRESH_LIFETIME_FRACTION = 0.5
"""...and at most this fraction of its lifetime before it: a 30 s token is renewed 15 s before expiry."""

# Client (_settings.py)
DEFAULT_USER_AGENT = "sdk-runtime"

ANONYMOUS_EXTENSION = "sdk.anonymous"
"""Request extension set on operations the spec marks ``security: []``: the auth flow leaves them alone."""

RAW_HEADERS_EXTENSION = "sdk.raw_headers"
"""Response extension set by the httptools transports: the header lines as the parser gave them (a list of
``(name, value)`` bytes pairs, in the server's order), so `core._received_headers` need not rebuild them
from `Headers.raw`."""
RECEIVED_HEADERS_EXTENSION = "sdk.received_headers"
"""Response extension: its `ReceivedHeaders` (names lowered once), made by the first layer that looks a
header up (`core._received_headers.received_headers`)."""

REDACTION_EXTENSION = "sdk.redaction"
"""Request extension holding the client's `Redaction` policy (set by the logging transport), so error
messages built from a response mask the same fields its log lines mask."""

# auth/_token.py
DEFAULT_TOKEN_TYPE = "Bearer"

# core/_redaction.py
DEFAULT_MAX_BODY_CHARS: Final = 2_000
DEFAULT_MAX_CAPTURED_BODY_BYTES: Final = 64 * 1024
DEFAULT_SAFE_HEADERS: Final = frozenset(
    {
        "accept", "accept-encoding", "accept-language", "age", "allow", "cache-control", "connection",
        "content-encoding", "content-language", "content-length", "content-type", "date", "etag",
        "expires", "host", "idempotency-key", "if-match", "if-none-match", "last-modified",
        "request-id", "retry-after", "retry-after-ms", "server", "traceparent", "transfer-encoding",
        "user-agent", "vary", "x-attempt-number", "x-cache", "x-correlation-id", "x-request-id",
        "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-limit",
        "ratelimit-remaining", "ratelimit-reset",
    }
)  # fmt: skip
DEFAULT_SAFE_QUERY_KEYS: Final = frozenset(
    {"cursor", "days", "direction", "expand", "fields", "include", "limit", "offset", "order", "page",
     "page_size", "per_page", "size", "sort", "sort_by"}
)  # fmt: skip

# download/_download.py
DEFAULT_DOWNLOAD_CHUNK_BYTES: Final = 1024 * 1024
"""Bytes read and written at a time: the download's memory use, whatever the file's size."""

# outbox/_outbox_policy.py
DEFAULT_OUTBOX_MAX_ROWS: Final = 10_000
DEFAULT_OUTBOX_MAX_BYTES: Final = 64 * 1024 * 1024
DEFAULT_OUTBOX_PROBE_INTERVAL_S: Final = 5.0
"""First wait after a failed probe; it doubles per failure up to `DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S`."""
DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S: Final = 300.0
"""Longest wait between probes; also how often an idle worker re-reads the file."""
DEFAULT_OUTBOX_PROBE_JITTER_S: Final = 1.0
DEFAULT_OUTBOX_BATCH_SIZE: Final = 50
DEFAULT_OUTBOX_CLOSE_TIMEOUT_S: Final = 10.0

# outbox/_outbox_worker.py
DEFAULT_PROBE_TIMEOUT_S: Final = 5.0

# pipeline/_cache.py
DEFAULT_CACHE_MAX_ENTRIES: Final = 256
DEFAULT_CACHE_MAX_BODY_BYTES: Final = 1024 * 1024

# policies/_rate_limit.py
DEFAULT_LOW_WATER = 1
"""Remaining server quota at or below which requests are spread until the reset."""
DEFAULT_MAX_PAUSE_S = 60.0
"""The longest the server's quota headers may hold one request back."""

# realtime/_realtime_protocol.py
DEFAULT_HEARTBEAT_INTERVAL_S: Final = 30.0
DEFAULT_HEARTBEAT_TIMEOUT_S: Final = 10.0
DEFAULT_RECONNECT_INITIAL_DELAY_S: Final = 5.0
DEFAULT_RECONNECT_MAX_DELAY_S: Final = 60.0
DEFAULT_RECONNECT_MAX_ATTEMPTS: Final = 10
DEFAULT_RECONNECT_MAX_JITTER_S: Final = 1.0
"""Upper bound of the random wait added to each reconnect delay (spreads a fleet's reconnects)."""

# realtime/_ws_client.py
DEFAULT_OPEN_TIMEOUT_S: Final = 10.0
DEFAULT_AUTH_TIMEOUT_S: Final = 10.0
DEFAULT_ACK_TIMEOUT_S: Final = 10.0
"""How long subscribe()/unsubscribe() wait for the server's answer (a reconnect included)."""
DEFAULT_MAX_BUFFERED_EVENTS: Final = 1000
DEFAULT_MAX_FRAME_BYTES: Final = 1024 * 1024

# realtime/_ws_queue.py
DEFAULT_MAX_QUEUED_MESSAGES: Final = 1000
"""Unacknowledged client messages held at most (sent or waiting for a connection)."""
DEFAULT_MAX_QUEUED_BYTES: Final = 1024 * 1024
"""Total UTF-8 size of the unacknowledged client messages held at most."""

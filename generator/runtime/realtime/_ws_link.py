"""One WebSocket connection of the real-time client: open it, authenticate, classify its failures.

`websockets` is an optional dependency (the SDK's ``realtime`` extra); it is imported here, inside the
functions that need it, so importing the runtime works without it. The token only ever appears in the
auth frame, which is never logged, and websockets' own frame-level DEBUG logging is switched off.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.metadata
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from ..core._errors import (
    ConfigurationError,
    RealtimeAuthError,
    RealtimeClosedError,
    RealtimeConnectionError,
    RealtimeError,
    RealtimeRequestError,
    RealtimeTimeoutError,
    TokenRefreshError,
)
from ..core._exchange import redact_url, truncate
from ..policies._backoff import RetryDecision
from ._realtime_protocol import RealtimeProtocol

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

__all__ = ["AUTH_CLOSE_CODES", "classify", "open_link", "parse_frame", "require_websockets"]

AUTH_CLOSE_CODES: Final = frozenset({4401, 4403})
"""WebSocket close codes meaning "your credential was refused" (never retried)."""
_AUTH_STATUSES: Final = frozenset({401, 403})
_RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
_EXCERPT_CHARS: Final = 60

TokenSource = Callable[[], Awaitable[str]]


def require_websockets() -> Any:
    """The ``websockets.asyncio.client`` module, or a ConfigurationError saying which extra to install."""
    try:
        return importlib.import_module("websockets.asyncio.client")
    except ImportError:
        raise ConfigurationError(
            f"The real-time client needs the 'websockets' package: pip install '{_distribution()}[realtime]'.",
            setting="realtime",
        ) from None


def _distribution() -> str:
    """The name of the SDK distribution carrying this runtime (for the install hint)."""
    top = (__package__ or __name__).split(".")[0]
    with contextlib.suppress(Exception):  # metadata can be missing or odd in unusual installs
        names = importlib.metadata.packages_distributions().get(top)
        if names:
            return names[0]
    return top


class _QuietLogger(logging.LoggerAdapter):  # type: ignore[type-arg]  # generic only in typeshed
    """websockets' logger: INFO and up reach ours; DEBUG (raw frames, the auth frame too) never does."""

    def isEnabledFor(self, level: int) -> bool:
        return level > logging.DEBUG and self.logger.isEnabledFor(level)


def classify(exc: BaseException) -> RetryDecision:
    """Whether a connection failure is worth another attempt (RETRY) or final (GIVE_UP).

    Retried: network errors (`OSError`, `TimeoutError`, `EOFError`), `RealtimeTimeoutError` (no auth_ok
    or no pong in time), a dropped connection, a handshake answered 408/429/5xx, and a server error
    other than auth_failed during authentication. Final: `RealtimeAuthError` (refused token, close
    4401/4403, handshake 401/403), `TokenRefreshError` and `ConfigurationError` (trying again cannot
    help), a bad URL, any other handshake status, and anything unexpected.
    """
    if isinstance(exc, RealtimeAuthError | RealtimeClosedError | ConfigurationError | TokenRefreshError):
        return RetryDecision.GIVE_UP
    if isinstance(exc, RealtimeTimeoutError | RealtimeRequestError | OSError | TimeoutError | EOFError):
        return RetryDecision.RETRY
    with contextlib.suppress(ImportError):
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidMessage, InvalidStatus

        if isinstance(exc, ConnectionClosed):
            code = exc.rcvd.code if exc.rcvd is not None else None
            return RetryDecision.GIVE_UP if code in AUTH_CLOSE_CODES else RetryDecision.RETRY
        if isinstance(exc, InvalidStatus):
            retry = exc.response.status_code in _RETRY_STATUSES
            return RetryDecision.RETRY if retry else RetryDecision.GIVE_UP
        if isinstance(exc, InvalidMessage | InvalidHandshake) and isinstance(exc.__cause__, EOFError | OSError):
            return RetryDecision.RETRY
    return RetryDecision.GIVE_UP


def describe(exc: BaseException, url: str) -> str:
    """A one-line account of a failure for messages and logs, with the URL's query values redacted."""
    text = str(exc).replace(url, redact_url(url)) if url else str(exc)
    return truncate(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, 300)


def gave_up(
    exc: BaseException, url: str, attempts: int, *, lost: bool = False
) -> RealtimeError | ConfigurationError | TokenRefreshError:
    """The error the client ends with: SDK errors as they are, anything else as RealtimeConnectionError.

    `lost`: an established connection ended (rather than a connection attempt failing).
    """
    if isinstance(exc, RealtimeAuthError | ConfigurationError | TokenRefreshError):
        return exc
    if lost:
        return RealtimeConnectionError(
            f"The connection to {redact_url(url)} ended ({describe(exc, url)}) and is not retried "
            "(reconnecting is off, or the failure is final). Connect again if you still need it.",
            attempts=0,
        )
    plural = "s" if attempts != 1 else ""
    return RealtimeConnectionError(
        f"Could not connect to {redact_url(url)} ({attempts} attempt{plural}; last: {describe(exc, url)}). "
        "Check the URL and the network, or allow more attempts (reconnect=ReconnectPolicy(max_attempts=...)).",
        attempts=attempts,
    )


def parse_frame(raw: str | bytes, discriminator: str, logger: logging.Logger) -> tuple[str, dict[str, Any]] | None:
    """The frame's kind and object, or None after logging why it was skipped (never raises)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # (RecursionError: nested past Python's limit)
        excerpt = raw[:_EXCERPT_CHARS]
        logger.warning("Skipped a WebSocket frame that is not JSON (%d chars, starts %r)", len(raw), excerpt)
        return None
    if not isinstance(data, dict):
        logger.warning("Skipped a WebSocket frame that is not a JSON object (%s)", type(data).__name__)
        return None
    kind = data.get(discriminator)
    if not isinstance(kind, str):
        logger.warning("Skipped a WebSocket frame without a string %r field (keys: %s)", discriminator, sorted(data))
        return None
    return kind, data


def auth_refused(code: str | None, message: object) -> RealtimeAuthError:
    """The error for a refused credential; the server's message is shown shortened (it holds no token)."""
    said = f": {truncate(str(message), 200)}" if message else ""
    return RealtimeAuthError(
        f"The real-time server refused the credential ({code or 'closed the connection'}{said}). Check the SDK's "
        "token or login settings; the client does not reconnect after this.",
        code=code,
    )


def close_error(link: ClientConnection, exc: Exception | None) -> Exception:
    """Why a link ended: a refused credential for close codes 4401/4403, else a retryable connection loss."""
    code = link.close_code
    if code in AUTH_CLOSE_CODES:
        return auth_refused(f"close code {code}", link.close_reason)
    if exc is not None:
        return exc
    return ConnectionResetError(f"the server closed the connection (code {code}, {link.close_reason or 'no reason'})")


async def open_link(
    url: str,
    *,
    protocol: RealtimeProtocol,
    token_source: TokenSource | None,
    open_timeout_s: float | None,
    auth_timeout_s: float | None,
    max_frame_bytes: int | None,
    logger: logging.Logger,
) -> ClientConnection:
    """Connect and authenticate: send the auth frame and wait for its `ok` within `auth_timeout_s`.

    Raises:
        ConfigurationError: websockets is not installed, or the protocol needs a token and none was given.
        RealtimeAuthError: the server refused the token (error code, close 4401/4403, or HTTP 401/403).
        RealtimeTimeoutError: no answer to the auth frame in time.
        RealtimeRequestError: the server answered the auth frame with another error code.
        Exception: websockets' and the network's own errors (see `classify`).
    """
    client = require_websockets()
    token = None
    if protocol.auth is not None:
        if token_source is None:
            raise ConfigurationError(
                "The real-time protocol authenticates with a token, but no token source was given.",
                setting="token_source",
            )
        token = await token_source()
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    try:
        link: ClientConnection = await client.connect(
            url,
            open_timeout=open_timeout_s,
            ping_interval=None,  # the protocol's own ping (HeartbeatPolicy) watches the link
            close_timeout=open_timeout_s,
            max_size=max_frame_bytes,
            logger=_QuietLogger(logger, {}),
        )
    except InvalidStatus as exc:
        if exc.response.status_code in _AUTH_STATUSES:
            raise auth_refused(f"HTTP {exc.response.status_code}", None) from exc
        raise
    if protocol.auth is None:
        return link
    try:
        await link.send(json.dumps(protocol.frame(protocol.auth.send, {protocol.auth.token_field: token})))
        logger.debug("-> %s frame (token not shown)", protocol.auth.send)
        async with asyncio.timeout(auth_timeout_s):
            await _await_auth_ok(link, protocol, logger)
    except ConnectionClosed as exc:
        link.transport.abort()
        error = close_error(link, exc)
        if error is exc:
            raise
        raise error from exc
    except TimeoutError:
        link.transport.abort()
        raise RealtimeTimeoutError(
            f"{redact_url(url)} did not answer the {protocol.auth.send} frame within {auth_timeout_s} s."
        ) from None
    except BaseException:
        link.transport.abort()
        raise
    return link


async def _await_auth_ok(link: ClientConnection, protocol: RealtimeProtocol, logger: logging.Logger) -> None:
    """Read frames until the auth answer; other frames arriving first are skipped."""
    assert protocol.auth is not None
    while True:
        parsed = parse_frame(await link.recv(), protocol.discriminator, logger)
        if parsed is None:
            continue
        kind, frame = parsed
        if kind == protocol.auth.ok:
            return
        if kind == protocol.error.kind:
            raise _auth_answer_error(frame, protocol)
        logger.debug("Skipped a %r frame that arrived before %r", kind, protocol.auth.ok)


def _auth_answer_error(frame: Mapping[str, Any], protocol: RealtimeProtocol) -> RealtimeError:
    """An error frame answering the auth frame: fatal for `auth_failed_code`, else retryable."""
    code = protocol.field(frame, protocol.error.code_field)
    message = protocol.field(frame, protocol.error.message_field)
    if code == protocol.error.auth_failed_code:
        return auth_refused(str(code), message)
    return RealtimeRequestError(
        f"The server answered the auth frame with error {code!r}: {truncate(str(message), 200)}. Retrying.",
        code=str(code) if code is not None else None,
        request="auth",
        channel=None,
    )

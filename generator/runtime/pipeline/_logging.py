"""Wire logging: one INFO line per attempt, headers and bodies at DEBUG, all redacted (`_redaction.py`).

`LoggingTransport` is the innermost transport, so each wire attempt is logged once::

    GET /v1/pets?limit=10&token=REDACTED -> 200 in 12.3 ms (attempt 1)
    POST /v1/pets -> 503 in 4.1 ms (attempt 2, request id req-42)

The duration runs until the response headers arrive. `attempt` is ``request.extensions["sdk.attempt"]``
(1 without a retry transport); the request id, on the line of an error answer (4xx and 5xx, see `InfoLine`
for why not on a success's), is the first of `REQUEST_ID_HEADERS` present. Records
also carry these values as attributes (``sdk_method``, ``sdk_target``, ``sdk_status``,
``sdk_duration_ms``, ``sdk_attempt``, ``sdk_request_id``, ``sdk_operation_id``) for structured handlers.

The INFO record is made with `Logger.makeRecord` and given to `Logger.handle`, so the logger's filters,
handlers and propagation apply as with `Logger.info`; only the caller lookup (a stack walk) is skipped:
``pathname``, ``lineno`` and ``funcName`` name `InfoLine.write` in `_log_lines.py`, where the line is
made, whatever SDK call led there. When the runtime's own stderr handler (`_log_output.py`) is the only
handler the record would reach (see `direct_sink`: no other handler on the logger or its ancestors, no
filters, the standard record factory), no record is made: the handler queues the very line it would
have written for it. Attaching any handler (pytest's ``caplog`` included) brings the records back.

At DEBUG, extra records show the request headers and body, the response headers, and the response body
once it has been read (the stream is watched as the caller consumes it, so streaming still works).
A request that fails without an answer (connect error, timeout) is logged at WARNING with the same
target, then the exception propagates unchanged.

The levels are read once, as the attempt starts: a level changed while it waits applies from the next one.
Cost when disabled: two `isEnabledFor` checks per request; nothing is formatted or copied. At WARNING
(failures only) an attempt that gets a response costs two checks and a clock read. At INFO with only
the runtime's handler, a line is one f-string of texts read or looked up once (`InfoLine`: the request
target without parsing a lazy request's URL), queued as text and written per batch: no record, no caller
lookup, no message apart from the line. Callgrind counts about +12.2k instructions per request for it on the
bench's sync SDK (0.326 M without it: +3.7 %; +4.1 % while the handler check was a call and the status,
duration and attempt three lookups, +5.4 % while a success's line named the request id); with records (another
handler listens), a line costs about two thirds of `Logger.info`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from ..core import httpx
from ..core._clock import Clock
from ..core._defaults import REDACTION_EXTENSION
from ..core._env import environment
from ..core._errors import ConfigurationError
from ..core._redaction import DEFAULT_REDACTION, Redaction
from ._log_lines import AsyncTappedStream, Exchange, InfoLine, SyncTappedStream
from ._log_output import BatchingStreamHandler

__all__ = [
    "LOG_LEVELS",
    "AsyncLoggingTransport",
    "LoggingTransport",
    "configure_logging",
    "configure_logging_from_env",
    "library_logger",
]

LOG_LEVELS: Mapping[str, int | None] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "off": None,
}
"""Values of the ``<PREFIX>_LOG`` variable (the same names `load_settings` accepts); ``off`` silences
the SDK's logger."""

_HANDLER_MARK = "_sdk_runtime_handler"
_QUIET_MARK = "_sdk_runtime_quiet"


class LoggingTransport(httpx.BaseTransport):
    """Logs each attempt through `logger` (see the module docstring), then delegates to `inner`.

    Args:
        inner: the transport that does the I/O (usually `httpx.HTTPTransport`).
        logger: the SDK package's logger (or a child of it).
        clock: measures durations with `monotonic()`.
        redaction: what may be shown; the default `Redaction()` allowlists.
    """

    def __init__(
        self,
        *,
        inner: httpx.BaseTransport,
        logger: logging.Logger,
        clock: Clock,
        redaction: Redaction | None = None,
    ) -> None:
        self._inner, self._logger = inner, logger
        self._monotonic = clock.monotonic  # bound once: read twice per logged attempt
        self._redaction = redaction if redaction is not None else DEFAULT_REDACTION
        self._info = InfoLine(logger, self._redaction)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions[REDACTION_EXTENSION] = self._redaction  # errors built from the response mask alike
        logger = self._logger
        # The levels are read as the attempt starts, INFO first: two checks whatever the level (DEBUG and INFO,
        # or INFO and WARNING), where reading DEBUG, WARNING, then INFO after the answer took three
        info = logger.isEnabledFor(logging.INFO)
        if info:
            debug = logger.isEnabledFor(logging.DEBUG)
        elif logger.isEnabledFor(logging.WARNING):
            debug = False
        else:
            return self._inner.handle_request(request)
        if not debug:
            start = self._monotonic()  # one line at most: describe the attempt only when it is made
            try:
                response = self._inner.handle_request(request)
            except Exception as exc:
                Exchange(request, logger, self._redaction, start).failure(exc, self._monotonic())
                raise
            if info:
                self._info.write(request, response, start, self._monotonic())
            return response
        exchange = Exchange(request, self._logger, self._redaction, self._monotonic())
        try:
            response = self._inner.handle_request(request)
        except Exception as exc:
            exchange.failure(exc, self._monotonic())
            raise
        exchange.response(response, self._monotonic(), self._info)
        if exchange.debug and isinstance(response.stream, httpx.SyncByteStream):
            tap = exchange.body_logger(response)
            if tap is not None:
                response.stream = SyncTappedStream(response.stream, tap)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncLoggingTransport(httpx.AsyncBaseTransport):
    """`LoggingTransport` for `httpx.AsyncClient`; same arguments, same lines."""

    def __init__(
        self,
        *,
        inner: httpx.AsyncBaseTransport,
        logger: logging.Logger,
        clock: Clock,
        redaction: Redaction | None = None,
    ) -> None:
        self._inner, self._logger = inner, logger
        self._monotonic = clock.monotonic  # bound once: read twice per logged attempt
        self._redaction = redaction if redaction is not None else DEFAULT_REDACTION
        self._info = InfoLine(logger, self._redaction)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions[REDACTION_EXTENSION] = self._redaction  # errors built from the response mask alike
        logger = self._logger
        # The levels are read as the attempt starts, INFO first: two checks whatever the level (DEBUG and INFO,
        # or INFO and WARNING), where reading DEBUG, WARNING, then INFO after the answer took three
        info = logger.isEnabledFor(logging.INFO)
        if info:
            debug = logger.isEnabledFor(logging.DEBUG)
        elif logger.isEnabledFor(logging.WARNING):
            debug = False
        else:
            return await self._inner.handle_async_request(request)
        if not debug:
            start = self._monotonic()  # one line at most: describe the attempt only when it is made
            try:
                response = await self._inner.handle_async_request(request)
            except Exception as exc:
                Exchange(request, logger, self._redaction, start).failure(exc, self._monotonic())
                raise
            if info:
                self._info.write(request, response, start, self._monotonic())
            return response
        exchange = Exchange(request, self._logger, self._redaction, self._monotonic())
        try:
            response = await self._inner.handle_async_request(request)
        except Exception as exc:
            exchange.failure(exc, self._monotonic())
            raise
        exchange.response(response, self._monotonic(), self._info)
        if exchange.debug and isinstance(response.stream, httpx.AsyncByteStream):
            tap = exchange.body_logger(response)
            if tap is not None:
                response.stream = AsyncTappedStream(response.stream, tap)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def library_logger(logger_name: str) -> logging.Logger:
    """The SDK's logger, left to the application's logging setup, and silent on stderr without one.

    Python prints WARNING records that find no handler anywhere to stderr (`logging.lastResort`), so an
    application that configured no logging would see the SDK's failure lines. A `logging.NullHandler` on
    the SDK's logger stops that, as the logging HOWTO advises libraries; records still propagate to the
    application's handlers. It is added only while the logger has no handler of its own.
    """
    logger = logging.getLogger(logger_name)
    if not logger.handlers:
        handler = logging.NullHandler()
        setattr(handler, _QUIET_MARK, True)
        logger.addHandler(handler)
    return logger


def configure_logging(logger_name: str, level: int | None) -> logging.Logger:
    """Set the SDK logger's level and give it one stderr handler (idempotent).

    Args:
        logger_name: the SDK package's logger name.
        level: a `logging` level; None switches the logger off (nothing from the SDK is emitted).

    Returns:
        the logger. Propagation to the root logger is left as it is.
    """
    logger = logging.getLogger(logger_name)
    if level is None:
        logger.setLevel(logging.CRITICAL + 1)
        return logger
    logger.setLevel(level)
    for quiet in [handler for handler in logger.handlers if getattr(handler, _QUIET_MARK, False)]:
        logger.removeHandler(quiet)  # the stderr handler replaces it (and `direct_sink` wants it alone)
    if not any(getattr(handler, _HANDLER_MARK, False) for handler in logger.handlers):
        handler = BatchingStreamHandler(sys.stderr)
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    return logger


def configure_logging_from_env(
    env_prefix: str, logger_name: str, environ: Mapping[str, str] | None = None
) -> logging.Logger | None:
    """Apply ``<PREFIX>_LOG`` (`LOG_LEVELS`: debug, info, warning, error, critical, off; any case).

    Returns:
        the logger, or None when the variable is unset or empty (logging is then left alone).

    Raises:
        ConfigurationError: the value is not one of `LOG_LEVELS`; the error names the variable.
    """
    variable = f"{env_prefix.rstrip('_')}_LOG"
    raw = (environment() if environ is None else environ).get(variable, "").strip()
    if not raw:
        return None
    if raw.lower() not in LOG_LEVELS:
        raise ConfigurationError(
            f"{variable}={raw!r} is not a log level. Use one of: {', '.join(LOG_LEVELS)} (or unset it).",
            setting=variable,
        )
    return configure_logging(logger_name, LOG_LEVELS[raw.lower()])

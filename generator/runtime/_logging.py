"""Wire logging: one INFO line per attempt, headers and bodies at DEBUG, all redacted (`_redaction.py`).

`LoggingTransport` is the innermost transport, so each wire attempt is logged once::

    GET /v1/pets?limit=10&token=REDACTED -> 200 in 12.3 ms (attempt 1, request id req-42)

The duration runs until the response headers arrive. `attempt` is ``request.extensions["sdk.attempt"]``
(1 without a retry transport); the request id is the first of `REQUEST_ID_HEADERS` present. Records
also carry these values as attributes (``sdk_method``, ``sdk_target``, ``sdk_status``,
``sdk_duration_ms``, ``sdk_attempt``, ``sdk_request_id``, ``sdk_operation_id``) for structured handlers.

At DEBUG, extra records show the request headers and body, the response headers, and the response body
once it has been read (the stream is watched as the caller consumes it, so streaming still works).
A request that fails without an answer (connect error, timeout) is logged at WARNING with the same
target, then the exception propagates unchanged.

Cost when disabled: one `isEnabledFor` check per request; nothing is formatted or copied. At WARNING
(failures only) an attempt that gets a response costs two checks and a clock read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping

import httpx

from ._clock import Clock
from ._defaults import REQUEST_ID_HEADERS
from ._errors import ConfigurationError
from ._redaction import Redaction, known_secrets, scrub

__all__ = [
    "LOG_LEVELS",
    "AsyncLoggingTransport",
    "LoggingTransport",
    "configure_logging",
    "configure_logging_from_env",
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

_DEFAULT_REDACTION = Redaction()
_HANDLER_MARK = "_sdk_runtime_handler"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Formatter(logging.Formatter):
    """`logging.Formatter` with `_FORMAT` and the same output; the date and time of day are formatted once
    per second instead of once per record (`time.strftime` is a large part of a line's cost)."""

    def __init__(self) -> None:
        super().__init__(_FORMAT)
        self._stamp: tuple[int, str] = (-1, "")  # (whole second, its formatted stamp), swapped as one

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second, stamp = self._stamp
        if int(record.created) != second:
            stamp = time.strftime(self.default_time_format, self.converter(record.created))
            self._stamp = (int(record.created), stamp)
        msec_format = self.default_msec_format
        return stamp if msec_format is None else msec_format % (stamp, record.msecs)


class _Exchange:
    """What one attempt logs; built only once the logger is known to be enabled."""

    __slots__ = ("debug", "known", "logger", "redaction", "request", "start", "target")

    def __init__(self, request: httpx.Request, logger: logging.Logger, redaction: Redaction, start: float) -> None:
        self.request, self.logger, self.redaction, self.start = request, logger, redaction, start
        self.debug = logger.isEnabledFor(logging.DEBUG)
        self.target = redaction.target(request.url)
        self.known = known_secrets(request) if self.debug else []
        if self.debug:
            self._log_request()

    def _extra(self, status: int | None, duration_ms: float, request_id: str | None) -> dict[str, object]:
        return {
            "sdk_method": self.request.method,
            "sdk_target": self.target,
            "sdk_status": status,
            "sdk_duration_ms": duration_ms,
            "sdk_attempt": self.attempt,
            "sdk_request_id": request_id,
            "sdk_operation_id": self.request.extensions.get("sdk.operation_id"),
        }

    @property
    def attempt(self) -> object:
        return self.request.extensions.get("sdk.attempt", 1)

    def _log_request(self) -> None:
        request, redaction = self.request, self.redaction
        self.logger.debug(
            "%s %s request headers: %s",
            request.method,
            self.target,
            redaction.headers(request.headers, self.known),
        )
        if isinstance(request.stream, httpx.ByteStream):
            content = b"".join(request.stream)
            if content:
                shown = redaction.body(content, request.headers.get("content-type", ""), self.known)
                self.logger.debug("%s %s request body: %s", request.method, self.target, shown)
        else:
            self.logger.debug("%s %s request body: <streamed, not logged>", request.method, self.target)

    def response(self, response: httpx.Response, now: float) -> None:
        duration_ms = (now - self.start) * 1000.0
        request_id = next((v for name in REQUEST_ID_HEADERS if (v := response.headers.get(name))), None)
        suffix = f", request id {request_id}" if request_id else ""
        self.logger.info(
            "%s %s -> %d in %.1f ms (attempt %s%s)",
            self.request.method,
            self.target,
            response.status_code,
            duration_ms,
            self.attempt,
            suffix,
            extra=self._extra(response.status_code, duration_ms, request_id),
        )
        if self.debug:
            headers = self.redaction.headers(response.headers, self.known)
            self.logger.debug("%s %s response headers: %s", self.request.method, self.target, headers)

    def failure(self, exc: BaseException, now: float) -> None:
        duration_ms = (now - self.start) * 1000.0
        known = self.known or known_secrets(self.request)
        self.logger.warning(
            "%s %s -> %s after %.1f ms (attempt %s): %s",
            self.request.method,
            self.target,
            type(exc).__name__,
            duration_ms,
            self.attempt,
            scrub(str(exc), known)[:300],
            extra=self._extra(None, duration_ms, None),
        )

    def body_logger(self, response: httpx.Response) -> _BodyTap | None:
        """Log the response body now if already read, else return a tap to watch its stream."""
        if response.is_stream_consumed or response.is_closed:
            with contextlib.suppress(httpx.ResponseNotRead):
                self.log_body(response, response.content, complete=True)
            return None
        return _BodyTap(self, response)

    def log_body(self, response: httpx.Response, content: bytes, *, complete: bool) -> None:
        encoding = response.headers.get("content-encoding", "identity").lower()
        if encoding not in ("identity", "") and not response.is_stream_consumed:
            shown = f"<{len(content)}{'' if complete else '+'} bytes, {encoding}-encoded>"
        else:
            shown = self.redaction.body(
                content, response.headers.get("content-type", ""), self.known, complete=complete
            )
        self.logger.debug("%s %s response body: %s", self.request.method, self.target, shown)


class _BodyTap:
    """Collects up to the policy's cap of a streamed body and logs it once the stream ends or closes."""

    def __init__(self, exchange: _Exchange, response: httpx.Response) -> None:
        self.exchange, self.response = exchange, response
        self.limit = exchange.redaction.max_captured_body_bytes
        self.chunks: list[bytes] = []
        self.size = 0
        self.done = False

    def feed(self, chunk: bytes) -> None:
        if self.size < self.limit:
            self.chunks.append(chunk)
        self.size += len(chunk)

    def finish(self, *, complete: bool) -> None:
        if self.done:
            return
        self.done = True
        if not complete:
            self.exchange.logger.debug(
                "%s %s response body: <closed after %d bytes, not read to the end>",
                self.exchange.request.method,
                self.exchange.target,
                self.size,
            )
            return
        content = b"".join(self.chunks)[: self.limit]
        self.exchange.log_body(self.response, content, complete=self.size <= self.limit)


class _SyncTappedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, tap: _BodyTap) -> None:
        self._inner, self._tap = inner, tap

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._tap.feed(chunk)
            yield chunk
        self._tap.finish(complete=True)

    def close(self) -> None:
        self._tap.finish(complete=False)
        self._inner.close()


class _AsyncTappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, tap: _BodyTap) -> None:
        self._inner, self._tap = inner, tap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._tap.feed(chunk)
            yield chunk
        self._tap.finish(complete=True)

    async def aclose(self) -> None:
        self._tap.finish(complete=False)
        await self._inner.aclose()


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
        self._inner, self._logger, self._clock = inner, logger, clock
        self._redaction = redaction if redaction is not None else _DEFAULT_REDACTION

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._logger.isEnabledFor(logging.INFO):
            if not self._logger.isEnabledFor(logging.WARNING):
                return self._inner.handle_request(request)
            start = self._clock.monotonic()  # only a failure is logged: describe the attempt only then
            try:
                return self._inner.handle_request(request)
            except Exception as exc:
                _Exchange(request, self._logger, self._redaction, start).failure(exc, self._clock.monotonic())
                raise
        exchange = _start(request, self._logger, self._redaction, self._clock)
        try:
            response = self._inner.handle_request(request)
        except Exception as exc:
            exchange.failure(exc, self._clock.monotonic())
            raise
        _finish(exchange, response, self._clock.monotonic(), self._logger)
        if exchange.debug and isinstance(response.stream, httpx.SyncByteStream):
            tap = exchange.body_logger(response)
            if tap is not None:
                response.stream = _SyncTappedStream(response.stream, tap)
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
        self._inner, self._logger, self._clock = inner, logger, clock
        self._redaction = redaction if redaction is not None else _DEFAULT_REDACTION

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._logger.isEnabledFor(logging.INFO):
            if not self._logger.isEnabledFor(logging.WARNING):
                return await self._inner.handle_async_request(request)
            start = self._clock.monotonic()  # only a failure is logged: describe the attempt only then
            try:
                return await self._inner.handle_async_request(request)
            except Exception as exc:
                _Exchange(request, self._logger, self._redaction, start).failure(exc, self._clock.monotonic())
                raise
        exchange = _start(request, self._logger, self._redaction, self._clock)
        try:
            response = await self._inner.handle_async_request(request)
        except Exception as exc:
            exchange.failure(exc, self._clock.monotonic())
            raise
        _finish(exchange, response, self._clock.monotonic(), self._logger)
        if exchange.debug and isinstance(response.stream, httpx.AsyncByteStream):
            tap = exchange.body_logger(response)
            if tap is not None:
                response.stream = _AsyncTappedStream(response.stream, tap)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _start(request: httpx.Request, logger: logging.Logger, redaction: Redaction, clock: Clock) -> _Exchange:
    """Shared by both shells: the attempt's context, logging the request at DEBUG."""
    return _Exchange(request, logger, redaction, clock.monotonic())


def _finish(exchange: _Exchange, response: httpx.Response, now: float, logger: logging.Logger) -> None:
    """Shared by both shells: the INFO line (skipped when only warnings are wanted)."""
    if logger.isEnabledFor(logging.INFO):
        exchange.response(response, now)


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
    if not any(getattr(handler, _HANDLER_MARK, False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_Formatter())
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    return logger


def configure_logging_from_env(
    env_prefix: str, logger_name: str, environ: Mapping[str, str] = os.environ
) -> logging.Logger | None:
    """Apply ``<PREFIX>_LOG`` (`LOG_LEVELS`: debug, info, warning, error, critical, off; any case).

    Returns:
        the logger, or None when the variable is unset or empty (logging is then left alone).

    Raises:
        ConfigurationError: the value is not one of `LOG_LEVELS`; the error names the variable.
    """
    variable = f"{env_prefix.rstrip('_')}_LOG"
    raw = environ.get(variable, "").strip()
    if not raw:
        return None
    if raw.lower() not in LOG_LEVELS:
        raise ConfigurationError(
            f"{variable}={raw!r} is not a log level. Use one of: {', '.join(LOG_LEVELS)} (or unset it).",
            setting=variable,
        )
    return configure_logging(logger_name, LOG_LEVELS[raw.lower()])

"""What one HTTP attempt's log lines say: the INFO line, the WARNING line of a failure, DEBUG headers and
bodies, all redacted (`_redaction.py`). `_logging.py` decides when they are made; this module makes them.

The INFO record is made with `Logger.makeRecord` and handed to `Logger.handle` by `InfoLine.write`, which is
what its ``pathname``, ``lineno`` and ``funcName`` name; when only the runtime's own handler would see it,
no record is made: the line is made at once, in one format, and queued (`_log_output.py`).
DEBUG bodies are captured as the caller reads them (`_BodyTap` on the response stream), so streaming
still works.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Iterator
from math import floor

from ..core import httpx
from ..core._exchange import find_request_id
from ..core._lazy_request import LazyURLRequest, raw_target
from ..core._redaction import Redaction, scrub
from ._log_output import BatchingStreamHandler, direct_sink

__all__ = ["ERROR_STATUS", "AsyncTappedStream", "Exchange", "InfoLine", "SyncTappedStream"]

_INFO_MESSAGE = "%s %s -> %d in %s ms (attempt %s%s)"  # the duration comes as text (`_duration_text`)


ERROR_STATUS = 400
"""From this status on, an answer's INFO line names the server's request id (`InfoLine`)."""
_QUERY_MARK = ord("?")
_INFO = logging.INFO
# Read on each INFO line: module names save an attribute lookup each.
_Logger, _LogRecord = logging.Logger, logging.LogRecord
# The record factory is read where `logging.setLogRecordFactory` keeps it, a dict lookup where the getter is a
# Python call. Should a Python keep it elsewhere, the lookup finds None: the shape check fails and
# `direct_sink`, which asks the getter, decides.
_FACTORY_HOME = vars(logging) if "_logRecordFactory" in vars(logging) else {"_logRecordFactory": None}


def _id_suffix(request_id: str | None) -> str:
    return f", request id {request_id}" if request_id else ""


class Exchange:
    """What one attempt logs; built only once the logger is known to be enabled."""

    __slots__ = ("_target", "debug", "info", "known", "logger", "redaction", "request", "start")

    def __init__(self, request: httpx.Request, logger: logging.Logger, redaction: Redaction, start: float) -> None:
        self.request, self.logger, self.redaction, self.start = request, logger, redaction, start
        self.debug = logger.isEnabledFor(logging.DEBUG)
        self.info = self.debug or logger.isEnabledFor(logging.INFO)
        self._target: str | None = None
        self.known = redaction.known_secrets(request) if self.debug else []
        if self.debug:
            self._log_request()

    @property
    def target(self) -> str:
        """The redacted path and query, made on first use (a line queued without a record needs none)."""
        if self._target is None:
            self._target = self.redaction.raw_target(raw_target(self.request))
        return self._target

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

    def response(self, response: httpx.Response, now: float, info: InfoLine) -> None:
        """The INFO line (unless INFO was off as the attempt started), then the DEBUG headers."""
        if self.info:
            info.write(self.request, response, self.start, now)
        if self.debug:
            headers = self.redaction.headers(response.headers, self.known)
            self.logger.debug("%s %s response headers: %s", self.request.method, self.target, headers)

    def failure(self, exc: BaseException, now: float) -> None:
        duration_ms = (now - self.start) * 1000.0
        known = self.known or self.redaction.known_secrets(self.request)
        self.logger.warning(
            "%s %s -> %s after %.1f ms (attempt %s): %s",
            self.request.method,
            self.target,
            type(exc).__name__,
            duration_ms,
            self.request.extensions.get("sdk.attempt", 1),
            scrub(str(exc), known)[:300],
            extra=_attributes(self.request, self.target, None, duration_ms, None),
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


class InfoLine:
    """The INFO line of each attempt through one logging transport (`write`).

    Made and queued straight to the runtime's handler when nothing else would see a record (`direct_sink`):
    then no record and no message apart from the line, made in one f-string of texts: the time of day made once
    per second, the milliseconds with the level and logger name after them, and the status, duration and attempt
    with the words around them, looked up (`_LineTexts`) rather than formatted per line. Else a record is built
    and handed to the logger, which skips only the stack walk `Logger.info` does.

    The server's request id is on the line of an error answer (status `ERROR_STATUS` and up), the one a support
    ticket quotes, and not on a success's: there it cost about a quarter of the line (4.4k of 17.7k instructions
    per request, callgrind on the bench SDK: +5.4 % of a request -> +4.1 %, against the INFO logging goal of at
    most +5 % CPU over logging off). httpx's own INFO line and the Stripe and OpenAI SDKs' leave it out likewise.
    A success's id stays within reach: DEBUG shows the response headers, and a record made for another handler
    carries it as ``sdk_request_id`` whatever the status (`_record`).
    """

    __slots__ = ("_clock_text", "_texts", "logger", "redaction")

    def __init__(self, logger: logging.Logger, redaction: Redaction) -> None:
        self.logger, self.redaction = logger, redaction
        # (the whole second the last line fell in, from and to, in `time.time()` seconds; its stamp), swapped as
        # one; the handler's `LineFormatter.stamp` is asked once a second, not per line (a call and its own check
        # cost about 2k instructions a line; callgrind, bench SDK).
        self._clock_text: tuple[float, float, str] = (0.0, 0.0, "")  # no second yet
        self._texts: _LineTexts | None = None  # found on the first line: a client that never logs needs none

    def write(self, request: httpx.Request, response: httpx.Response, start: float, now: float) -> None:
        # A lazy request's target (the lean client's) is read without parsing its URL, and is ASCII without a
        # query (`lazy_target`): nothing to redact or replace, so the plain decode (no arguments to parse).
        if type(request) is LazyURLRequest and (raw := request.path_bytes) is not None:
            target = raw.decode()
        else:
            raw = raw_target(request)
            # No query, nothing to redact: decoded here without a call. The byte is looked for as an int:
            # `b"?" in raw` goes through the buffer protocol, ten times the cost of this `memchr`.
            target = raw.decode("ascii", "replace") if _QUERY_MARK not in raw else self.redaction.raw_target(raw)
        status = response.status_code
        # The server's request id on an error answer only (`ERROR_STATUS`): see the class docstring
        request_id = find_request_id(response) if status >= ERROR_STATUS else None
        attempt = request.extensions.get("sdk.attempt", 1)
        texts = self._texts or self._first_line()
        # The duration in tenths of a millisecond, rounded half up; `floor` is a plain C call where `int()` goes
        # through the type's constructor (a third of the cost, callgrind)
        tenths = floor((now - start) * 10000.0 + 0.5)
        # The usual shape, the runtime's handler alone on the SDK's logger (see `direct_sink`, which answers for
        # any shape), checked here without a call: a call was about a sixth of the line (callgrind)
        logger = self.logger
        handlers = logger.handlers
        sink: BatchingStreamHandler | None = None
        if (
            len(handlers) == 1
            and type(logger) is _Logger
            and not logger.filters
            and not logger.disabled
            and _FACTORY_HOME["_logRecordFactory"] is _LogRecord
        ):
            parent = logger.parent
            if not logger.propagate or parent is None or (not parent.handlers and parent.parent is None):
                only = handlers[0]
                if (
                    type(only) is BatchingStreamHandler
                    and only.level <= _INFO
                    and not only.filters
                    and only.formatter is only.line_formatter
                ):
                    sink = only
        if sink is None and (sink := direct_sink(logger, _INFO)) is None:
            self._record(request, response, target, (now - start) * 1000.0, _duration_text(tenths), attempt, request_id)
            return
        # Against the second the last line fell in: the milliseconds are float arithmetic and a lookup away (the
        # reading in integer nanoseconds cost twice as much in long-integer steps, callgrind)
        created = time.time()
        second, next_second, stamp = self._clock_text
        if not second <= created < next_second:
            second, next_second, stamp = self._clock_text = self._new_second(created, sink)
        head = texts.heads[floor((created - second) * 1000.0)]  # milliseconds truncated, as `LogRecord.msecs` are
        outcome = (texts.outcomes.get((status, tenths, attempt)) if type(attempt) is int else None) or texts.outcome(
            status, tenths, attempt
        )
        # One f-string of texts (`%` with `%d`, `%03d` and `%.1f` cost about twice as much, callgrind)
        if request_id:
            line = f"{stamp}{head}{request.method} {target}{outcome}, request id {request_id})"
        else:
            line = f"{stamp}{head}{request.method} {target}{outcome})"
        sink.emit_line(line)

    @staticmethod
    def _new_second(created: float, sink: BatchingStreamHandler) -> tuple[float, float, str]:
        """The whole second `created` falls in, from and to, and its stamp (`LineFormatter.stamp`)."""
        second = floor(created)
        return float(second), second + 1.0, sink.line_formatter.stamp(second)

    def _first_line(self) -> _LineTexts:
        self._texts = _line_texts(self.logger.name)
        return self._texts

    def _record(
        self,
        request: httpx.Request,
        response: httpx.Response,
        target: str,
        duration_ms: float,
        duration: str,
        attempt: object,
        shown_id: str | None,
    ) -> None:
        """The INFO record, for handlers other than the runtime's: its message is the line `write` queues, and its
        ``sdk_request_id`` attribute is the server's request id whatever the status (a structured handler keeps it
        as a field; the record's own cost dwarfs the lookup)."""
        status = response.status_code
        args = (request.method, target, status, duration, attempt, _id_suffix(shown_id))
        request_id = shown_id if status >= ERROR_STATUS else find_request_id(response)
        extra = _attributes(request, target, status, duration_ms, request_id)
        path, lineno, function = _INFO_SITE
        logger = self.logger
        logger.handle(
            logger.makeRecord(logger.name, logging.INFO, path, lineno, _INFO_MESSAGE, args, None, function, extra)
        )


_INFO_SITE = (InfoLine.write.__code__.co_filename, InfoLine.write.__code__.co_firstlineno, InfoLine.write.__name__)
"""Where INFO records say they come from (``pathname``, ``lineno``, ``funcName``): `InfoLine.write`."""


class _LineTexts:
    """The parts of one logger's INFO lines looked up instead of formatted on each line.

    `heads`: what follows the second's stamp for each millisecond, ``,000 INFO acme_sdk: `` to ``,999 ...``
    (``%03d`` of a record's milliseconds, then the level and logger name); `outcomes`: what follows the target,
    `` -> 200 in 12.3 ms (attempt 1``, by status, duration in tenths of a millisecond and attempt, for the first
    `_KEPT_OUTCOMES` met (on a steady service the same few hundred recur).
    """

    __slots__ = ("heads", "outcomes")

    def __init__(self, logger_name: str) -> None:
        tail = f" {logging.getLevelName(logging.INFO)} {logger_name}: "
        self.heads = tuple(f",{n:03d}{tail}" for n in range(1000))
        self.outcomes: dict[tuple[int, int, int], str] = {}

    def outcome(self, status: int, tenths: int, attempt: object) -> str:
        """The words after the target (`outcomes`), made and kept for next time when the attempt is a number."""
        text = f" -> {status} in {_duration_text(tenths)} ms (attempt {attempt}"
        if type(attempt) is int and len(self.outcomes) < _KEPT_OUTCOMES:
            self.outcomes[(status, tenths, attempt)] = text
        return text


_KEPT_OUTCOMES = 2000


@functools.cache
def _line_texts(logger_name: str) -> _LineTexts:
    """One set of texts per logger and process, shared by every client's INFO line."""
    return _LineTexts(logger_name)


def _duration_text(tenths: int) -> str:
    """A duration of `tenths` tenths of a millisecond as the line shows it (``12.3``).

    The tenths are rounded half up from the float, which can differ from ``%.1f`` in the last digit of a
    value that is not exact in binary (0.35 shows as ``0.4``, ``%.1f`` says ``0.3``)."""
    whole, tenth = divmod(abs(tenths), 10)
    return f"{'-' if tenths < 0 else ''}{whole}.{tenth}"


def _attributes(
    request: httpx.Request, target: str, status: int | None, duration_ms: float, request_id: str | None
) -> dict[str, object]:
    """The structured attributes of an INFO or WARNING record (module docstring)."""
    return {
        "sdk_method": request.method,
        "sdk_target": target,
        "sdk_status": status,
        "sdk_duration_ms": duration_ms,
        "sdk_attempt": request.extensions.get("sdk.attempt", 1),
        "sdk_request_id": request_id,
        "sdk_operation_id": request.extensions.get("sdk.operation_id"),
    }


class _BodyTap:
    """Collects up to the policy's cap of a streamed body and logs it once the stream ends or closes."""

    def __init__(self, exchange: Exchange, response: httpx.Response) -> None:
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


class SyncTappedStream(httpx.SyncByteStream):
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


class AsyncTappedStream(httpx.AsyncByteStream):
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

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
import logging
import time
from collections.abc import AsyncIterator, Iterator

from ..core import httpx
from ..core._exchange import find_request_id
from ..core._lazy_request import raw_target
from ..core._redaction import Redaction, scrub
from ._log_output import HEAD_FORMAT, direct_sink

__all__ = ["AsyncTappedStream", "Exchange", "InfoLine", "SyncTappedStream"]

_INFO_MESSAGE = "%s %s -> %d in %.1f ms (attempt %s%s)"
_INFO_LINE = HEAD_FORMAT + "%s %s -> %d in %.1f ms (attempt %s)"
_INFO_LINE_WITH_ID = HEAD_FORMAT + "%s %s -> %d in %.1f ms (attempt %s, request id %s)"


def _id_suffix(request_id: str | None) -> str:
    return f", request id {request_id}" if request_id else ""


class Exchange:
    """What one attempt logs; built only once the logger is known to be enabled."""

    __slots__ = ("_target", "debug", "known", "logger", "redaction", "request", "start")

    def __init__(self, request: httpx.Request, logger: logging.Logger, redaction: Redaction, start: float) -> None:
        self.request, self.logger, self.redaction, self.start = request, logger, redaction, start
        self.debug = logger.isEnabledFor(logging.DEBUG)
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
        """The INFO line (unless the level was raised during the wait), then the DEBUG headers."""
        if self.logger.isEnabledFor(logging.INFO):
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
    then no record and no message apart from the line, in one format, with what is fixed for the transport
    (the level and logger name) made once and the time of day once per second. Else a record is built and
    handed to the logger, which skips only the stack walk `Logger.info` does. The request id comes from the
    response's `ReceivedHeaders` (`find_request_id`), which the layers above reuse.
    """

    __slots__ = ("_clock_text", "_tail", "logger", "redaction")

    def __init__(self, logger: logging.Logger, redaction: Redaction) -> None:
        self.logger, self.redaction = logger, redaction
        self._tail = f" {logging.getLevelName(logging.INFO)} {logger.name}: "
        # (whole second, its stamp), swapped as one. Kept here rather than asking `LineFormatter.parts` per line:
        # that call and its tuple-keyed tail lookup cost about 2k instructions a line (callgrind, bench SDK).
        self._clock_text: tuple[int, str] = (-1, "")

    def write(self, request: httpx.Request, response: httpx.Response, start: float, now: float) -> None:
        raw = raw_target(request)  # a lazy request's URL is not parsed for it
        # No query, nothing to redact (the usual line): decoded here without a call
        target = raw.decode("ascii", "replace") if b"?" not in raw else self.redaction.raw_target(raw)
        request_id = find_request_id(response)
        attempt = request.extensions.get("sdk.attempt", 1)
        duration_ms = (now - start) * 1000.0
        sink = direct_sink(self.logger, logging.INFO)
        if sink is None:
            self._record(request, target, response.status_code, duration_ms, attempt, request_id)
            return
        created = time.time()
        second = int(created)
        cached_second, stamp = self._clock_text
        if second != cached_second:
            stamp = sink.line_formatter.stamp(created)
            self._clock_text = (second, stamp)
        msecs = int((created - second) * 1000)  # an int: `%03d` of a float raises and catches a TypeError first
        if request_id:
            line = _INFO_LINE_WITH_ID % (
                stamp, msecs, self._tail, request.method, target, response.status_code, duration_ms, attempt,
                request_id,
            )  # fmt: skip
        else:
            line = _INFO_LINE % (
                stamp, msecs, self._tail, request.method, target, response.status_code, duration_ms, attempt
            )  # fmt: skip
        sink.emit_line(line, logging.INFO)

    def _record(
        self,
        request: httpx.Request,
        target: str,
        status: int,
        duration_ms: float,
        attempt: object,
        request_id: str | None,
    ) -> None:
        args = (request.method, target, status, duration_ms, attempt, _id_suffix(request_id))
        extra = _attributes(request, target, status, duration_ms, request_id)
        path, lineno, function = _INFO_SITE
        logger = self.logger
        logger.handle(
            logger.makeRecord(logger.name, logging.INFO, path, lineno, _INFO_MESSAGE, args, None, function, extra)
        )


_INFO_SITE = (InfoLine.write.__code__.co_filename, InfoLine.write.__code__.co_firstlineno, InfoLine.write.__name__)
"""Where INFO records say they come from (``pathname``, ``lineno``, ``funcName``): `InfoLine.write`."""


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

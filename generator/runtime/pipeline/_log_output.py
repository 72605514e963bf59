"""The runtime's own log output: the stderr handler `configure_logging` attaches, and its line format.

Lines read ``2026-01-02 03:04:05,678 INFO acme_sdk: GET /v1/pets -> 200 in 12.3 ms (attempt 1)``: the
same text as ``logging.Formatter(LINE_FORMAT)``, built without the generic machinery, with the date and
time of day formatted once per second (`time.strftime` was a large part of a line's cost).

Lines are written in batches. stderr is line-buffered, so writing each line as it comes costs a system
call per line, about a fifth of what an INFO line cost. Instead a line is queued, and the queue is
written, oldest first, in one call:

- at once when a record at WARNING or above arrives (after the lines queued before it);
- `FLUSH_INTERVAL_S` after the first line of a batch was queued, by a daemon thread the handler starts
  on first use: someone tailing the output sees every line within that delay, even when the program
  goes idle right after logging it (one wake-up per batch, none while nothing is queued);
- when `MAX_PENDING_LINES` are queued;
- on ``flush()`` and ``close()``, which `logging.shutdown` calls at interpreter exit.

What this costs: a process that ends without running exit handlers (``os._exit``, SIGKILL, a SIGTERM
nobody handles, a crash of the interpreter) loses at most `FLUSH_INTERVAL_S` of INFO and DEBUG lines,
never a warning. Other writers to stderr (``print``, other handlers, a traceback) are not part of the
batch, so their output can appear before an INFO line logged slightly earlier; code that reads stderr
right after a call (a test with ``capfd``) should call the handler's ``flush()`` first. A forked child drops
the lines it inherited queued: the parent writes them. Handlers users attach themselves are not affected.

A line may also come without a record (`emit_line`, used when `direct_sink` finds this handler is the
only one a record would reach): the caller makes the finished line, starting with the same time (the
handler's `LineFormatter.stamp`, then the milliseconds), level and logger name, and it is queued like the
others.
"""

from __future__ import annotations

import _thread
import logging
import os
import threading
import time
import traceback
import weakref
from typing import Final, TextIO

__all__ = [
    "FLUSH_INTERVAL_S",
    "LINE_FORMAT",
    "MAX_PENDING_LINES",
    "BatchingStreamHandler",
    "LineFormatter",
    "direct_sink",
]

LINE_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FLUSH_INTERVAL_S: Final = 0.5
"""Longest a queued INFO or DEBUG line waits before it is written. Each batch costs a wake of the flusher thread
(its GIL hand-offs and the write, about 120 µs): against the bench's 1 ms server at steady INFO that is 0.35 µs
of CPU per request at 0.5 s, where 0.1 s cost several times that (3.4-3.7 µs against 0.66-0.82 µs in the bench's
turn-taking measurement). Half a second is still "at once" to someone tailing the output, and buffered loggers
elsewhere wait longer (zap's `BufferedWriteSyncer`: 30 s)."""
MAX_PENDING_LINES: Final = 64
"""A batch this long is written at once, however young. Bounds the queue under a burst, and the pause of
the thread that writes it, which also makes the lines queued without a record (a few µs each)."""


class LineFormatter(logging.Formatter):
    """`logging.Formatter` with `LINE_FORMAT` and the same output, built directly (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(LINE_FORMAT)
        self._stamp: tuple[int, str] = (-1, "")  # (whole second, its formatted stamp), swapped as one

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)  # tracebacks: the standard layout
        record.message = record.getMessage()
        record.asctime = self.formatTime(record)
        return f"{record.asctime} {record.levelname} {record.name}: {record.message}"

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        return self._asctime(record.created, record.msecs)

    def stamp(self, created: float) -> str:
        """The date and time of day of `created`, to the second, formatted once per second."""
        second = int(created)
        if second != self._stamp[0]:
            self._stamp = (second, time.strftime(self.default_time_format, self.converter(created)))
        return self._stamp[1]

    def _asctime(self, created: float, msecs: float) -> str:
        second, stamp = self._stamp
        if int(created) != second:
            stamp = time.strftime(self.default_time_format, self.converter(created))
            self._stamp = (int(created), stamp)
        msec_format = self.default_msec_format
        # int: `%03d` given a float first tries its `__index__`, which raises a TypeError inside `%` first
        return stamp if msec_format is None else msec_format % (stamp, int(msecs))


class BatchingStreamHandler(logging.StreamHandler[TextIO]):
    """A `logging.StreamHandler` that writes its lines in batches (the rules are in the module docstring).

    Args:
        stream: where the lines go (the runtime passes ``sys.stderr``).
        flush_interval_s: the longest an INFO or DEBUG line waits; default `FLUSH_INTERVAL_S`.
    """

    def __init__(self, stream: TextIO, *, flush_interval_s: float = FLUSH_INTERVAL_S) -> None:
        super().__init__(stream)
        self.flush_interval_s = flush_interval_s
        self.line_formatter = LineFormatter()  # also gives the start of the lines `emit_line` queues
        self.setFormatter(self.line_formatter)
        # The handler's lock, taken directly by the flusher and when `emit_line` starts a batch; it is always
        # set by now, and a forked child re-initialises it in place.
        self._queue_lock: threading.RLock = self.lock or threading.RLock()
        self._pending: list[str] = []  # the one queue, never replaced (`emit_line` appends without the lock)
        self._closed = False
        # Set while a batch's flush is due (the flusher was woken and has not taken the lines yet; never after
        # `close`): while it is, `emit_line` only appends.
        self._armed = False
        # The flusher thread blocks on `_wake` (a bare lock, held while nothing is queued): releasing it costs
        # one C call per batch, where `threading.Event` runs a condition variable in Python each time.
        self._wake = _thread.allocate_lock()
        self._wake.acquire()
        self._wake_sent = False  # released and not yet taken by the flusher: a second release would fail
        self._flusher: threading.Thread | None = None
        _live_handlers.add(self)

    def emit(self, record: logging.LogRecord) -> None:
        # `Handler.handle` holds `self.lock` around this call, so the queue needs no lock of its own.
        try:
            self._queue(self.format(record), record.levelno)
        except RecursionError:  # the same policy as `StreamHandler.emit`
            raise
        except Exception:
            self.handleError(record)

    def emit_line(self, line: str) -> None:
        """Queue `line`, what `emit` would write for an INFO or DEBUG record made now, without the record: only
        when `direct_sink` returned this handler, so nothing else would see it. The line starts with the time
        as `LineFormatter` writes it (`stamp`, a comma, the milliseconds truncated to three digits), then the
        level and logger name (`InfoLine` in `_log_lines.py` makes such lines).

        Without the lock while a batch is under way (the usual case): the append is one operation under the
        GIL, and it comes before the read of `_armed`, which the flusher clears before it takes the lines
        (`_flush_when_due`). So a line either finds `_armed` set and is taken by the flush that follows, or
        finds it cleared and starts the next batch under the lock (`_line_queued`). Queueing under the lock
        cost as much again as the append (callgrind)."""
        pending = self._pending
        pending.append(line)
        if not self._armed or len(pending) >= MAX_PENDING_LINES:
            self._line_queued()

    def _line_queued(self) -> None:
        """`emit_line` without a batch under way, or with a full queue: what `_queue` does after its append."""
        with self._queue_lock:
            try:
                if len(self._pending) >= MAX_PENDING_LINES or self._closed:
                    self.flush()
                elif not self._armed:
                    self._start_batch()
            except Exception:
                _report_error()

    def _queue(self, line: str, levelno: int) -> None:
        """With the lock held: queue `line`, then write the batch now or make sure it will be."""
        pending = self._pending
        pending.append(line)
        if levelno >= logging.WARNING or len(pending) >= MAX_PENDING_LINES or self._closed:
            self.flush()
        elif not self._armed:
            self._start_batch()

    def flush(self) -> None:
        """Write the queued lines, then flush the stream."""
        self.acquire()
        try:
            pending = self._pending
            if pending:
                # The lines are taken out first (a failing write must not repeat them) from the one list
                # `emit_line` appends to without the lock: a line appended meanwhile stays for the next batch.
                taken = len(pending)
                batch = pending[:taken]
                del pending[:taken]
                text = self.terminator.join(batch)
                if text:
                    self.stream.write(text + self.terminator)
            super().flush()
        finally:
            self.release()

    def close(self) -> None:
        self.acquire()
        try:
            self._closed = True  # later records are written at once: no thread is left to do it
            self._armed = False
            self.flush()
            self._send_wake()  # lets the flusher thread see `_closed` and end
        finally:
            self.release()
        super().close()

    def _start_batch(self) -> None:
        """With the lock held: a line was queued and no batch is under way: wake the flusher thread, starting it if
        needed."""
        if self._flusher is None:  # first use, or a forked child (`_after_fork_in_child`), or the thread ended
            flusher = threading.Thread(target=self._flush_when_due, name="sdk-log-flush", daemon=True)
            self._flusher = flusher
            try:
                flusher.start()
            except RuntimeError:  # interpreter shutting down: no new threads, so write now
                self._flusher = None
                self.flush()
                return
        self._send_wake()
        self._armed = True

    def _send_wake(self) -> None:
        """With the lock held: let the flusher thread run once (a wake already sent and not taken covers this
        batch too: the thread writes whatever is queued when it wakes)."""
        if not self._wake_sent:
            self._wake_sent = True
            self._wake.release()

    def _flush_when_due(self) -> None:
        """The flusher thread: sleep until a batch starts, wait `flush_interval_s`, write it."""
        wake = self._wake
        try:
            while not self._closed:
                wake.acquire()
                time.sleep(self.flush_interval_s)
                self._write_due_batch()
        finally:
            with self._queue_lock:
                if self._flusher is threading.current_thread():
                    self._flusher = None  # a later batch starts a new one (`_start_batch`)

    def _write_due_batch(self) -> None:
        """The flusher thread's step once a batch is due: the batch ends, then its lines are written."""
        with self._queue_lock:
            self._wake_sent = False
            self._armed = False  # before `flush` takes the lines: see `emit_line`
            try:
                self.flush()
            except Exception:
                _report_error()

    def _after_fork_in_child(self) -> None:
        """The parent writes the lines queued at fork time; the child starts afresh (no thread, a fresh lock)."""
        self._pending.clear()
        self._wake = _thread.allocate_lock()
        self._wake.acquire()
        self._wake_sent = False
        self._armed = False
        self._flusher = None


def direct_sink(logger: logging.Logger, levelno: int) -> BatchingStreamHandler | None:
    """The runtime's handler if it is the only handler a `levelno` record from `logger` would reach, and
    nothing else could see or change that record on its way (no filters, the standard record factory and
    logger class). The caller can then queue the line with `emit_line` and skip building the record,
    which no one could observe; the caller has already checked `logger.isEnabledFor(levelno)`.
    """
    if type(logger) is not _Logger or logger.filters or logger.disabled or _record_factory() is not _LogRecord:
        return None
    sink: BatchingStreamHandler | None = None
    current: logging.Logger | None = logger
    while current is not None:  # the walk `Logger.callHandlers` does
        for handler in current.handlers:
            if levelno < handler.level:
                continue  # never sees this record
            if sink is not None or type(handler) is not BatchingStreamHandler:
                return None
            if handler.filters or handler.formatter is not handler.line_formatter:
                return None  # then `emit_line` would not write what `emit` writes
            sink = handler
        current = current.parent if current.propagate else None
    return sink


_Logger, _LogRecord, _record_factory = logging.Logger, logging.LogRecord, logging.getLogRecordFactory


def _report_error() -> None:
    """A write failed where there is no record for `Handler.handleError`: report it the way it would."""
    if logging.raiseExceptions:
        traceback.print_exc()


_live_handlers: weakref.WeakSet[BatchingStreamHandler] = weakref.WeakSet()


def _reset_after_fork() -> None:
    for handler in list(_live_handlers):
        handler._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # POSIX only; elsewhere nothing forks
    os.register_at_fork(after_in_child=_reset_after_fork)

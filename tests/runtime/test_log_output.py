"""The runtime's stderr handler: the standard line format, batched writes that never lose or repeat a line."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from runtime.core import httpx
from runtime.core._redaction import DEFAULT_REDACTION
from runtime.pipeline._log_lines import InfoLine
from runtime.pipeline._log_output import (
    LINE_FORMAT,
    MAX_PENDING_LINES,
    BatchingStreamHandler,
    LineFormatter,
    direct_sink,
)

GENERATOR = Path(__file__).resolve().parents[2] / "generator"
SLOW_S = 60.0  # a flush interval no test waits for


def record(msg: str, *args: object, level: int = logging.INFO, created: float | None = None) -> logging.LogRecord:
    made = logging.LogRecord("acme_sdk", level, __file__, 1, msg, args, None)
    if created is not None:
        made.created = created
        made.msecs = int((created - int(created)) * 1000) + 0.0
    return made


def made_line(handler: BatchingStreamHandler, template: str, *args: object) -> str:
    """A line as `InfoLine.write` makes it for `emit_line`: the time, level and logger name, then the message."""
    now = time.time()
    head = f"{handler.line_formatter.stamp(now)},{int((now - int(now)) * 1000):03d} INFO acme_sdk: "
    return head + template % args


def handler_on(stream: io.StringIO, flush_interval_s: float = SLOW_S) -> BatchingStreamHandler:
    return BatchingStreamHandler(stream, flush_interval_s=flush_interval_s)  # type: ignore[arg-type]


def wait_for(predicate: object, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return False


# -- the line format ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("created", [1_700_000_000.0, 1_700_000_000.999, 1_700_000_001.0005, 1_800_000_059.5])
def test_lines_match_the_standard_formatter(created: float) -> None:
    """LineFormatter writes what logging.Formatter(LINE_FORMAT) writes, also across second boundaries."""
    ours, standard = LineFormatter(), logging.Formatter(LINE_FORMAT)
    for level in (logging.DEBUG, logging.INFO, logging.WARNING):
        for at in (created, created + 0.25, created + 1.0):
            made = record("GET %s -> %d in %.1f ms", "/v1/pets", 200, 12.345, level=level, created=at)
            assert ours.format(made) == standard.format(made)


def test_tracebacks_keep_the_standard_layout() -> None:
    """A record with exc_info or stack_info is formatted exactly as the standard formatter does it."""
    try:
        raise ValueError("boom")
    except ValueError:
        made = logging.LogRecord("acme_sdk", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    with_stack = record("here")
    with_stack.stack_info = "Stack (most recent call last):\n  frame"
    for item in (made, with_stack):
        assert LineFormatter().format(item) == logging.Formatter(LINE_FORMAT).format(item)
    assert "ValueError: boom" in LineFormatter().format(made)


# -- batching ----------------------------------------------------------------------------------------------


def test_info_lines_wait_for_the_interval_then_all_appear() -> None:
    """INFO lines are queued, then written together within the flush interval, with nothing flushed by hand."""
    stream = io.StringIO()
    handler = handler_on(stream, flush_interval_s=0.5)
    handler.handle(record("one"))
    handler.handle(record("two"))
    assert stream.getvalue() == ""
    assert wait_for(lambda: stream.getvalue().count("\n") == 2)
    assert [line.split(" INFO acme_sdk: ")[1] for line in stream.getvalue().splitlines()] == ["one", "two"]
    handler.handle(record("three"))  # a new batch after an idle spell gets its own wake-up
    assert wait_for(lambda: "three" in stream.getvalue())
    handler.close()


def test_a_warning_writes_the_queue_at_once_in_order() -> None:
    """A WARNING (or worse) is written immediately, after the lines queued before it."""
    stream = io.StringIO()
    handler = handler_on(stream)
    handler.handle(record("first"))
    handler.handle(record("careful", level=logging.WARNING))
    lines = stream.getvalue().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["first", "careful"]
    assert " WARNING acme_sdk: " in lines[1]
    handler.close()


def test_a_full_queue_is_written_at_once() -> None:
    """MAX_PENDING_LINES queued lines are written without waiting for the interval."""
    stream = io.StringIO()
    handler = handler_on(stream)
    for n in range(MAX_PENDING_LINES - 1):
        handler.handle(record("line %d", n))
    assert stream.getvalue() == ""
    handler.handle(record("last"))
    assert stream.getvalue().count("\n") == MAX_PENDING_LINES
    handler.close()


def test_flush_and_close_write_everything_and_later_lines_go_at_once() -> None:
    """flush() and close() write the queue; a record after close is written immediately."""
    stream = io.StringIO()
    handler = handler_on(stream)
    handler.handle(record("queued"))
    handler.flush()
    assert stream.getvalue().endswith("queued\n")
    handler.handle(record("before close"))
    handler.close()
    assert stream.getvalue().endswith("before close\n")
    handler.handle(record("after close"))
    assert stream.getvalue().endswith("after close\n")


def test_emit_line_writes_what_emit_writes() -> None:
    """A line queued without a record, made from `LineFormatter.parts`, is identical to the record's line."""
    stream = io.StringIO()
    handler = handler_on(stream)
    handler.emit_line(made_line(handler, "%s %s -> %d in %.1f ms", "GET", "/v1/pets", 200, 1.25))
    handler.handle(record("%s %s -> %d in %.1f ms", "GET", "/v1/pets", 200, 1.25))
    handler.close()
    direct, standard = stream.getvalue().splitlines()
    assert direct[23:] == standard[23:] == " INFO acme_sdk: GET /v1/pets -> 200 in 1.2 ms"  # after the time


@pytest.mark.parametrize("created", [1_700_000_000.0, 1_700_000_000.25, 1_800_000_059.5, 1_800_000_059.9996])
def test_info_lines_start_as_the_standard_formatter_starts(created: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """`InfoLine` writes the time, level and logger name of a line made without a record as the standard
    formatter writes them for a record made at the same instant (milliseconds truncated)."""
    logger, handler = fresh_logger()
    stream = io.StringIO()
    handler.setStream(stream)
    monkeypatch.setattr(time, "time", lambda: created)
    InfoLine(logger, DEFAULT_REDACTION).write(httpx.Request("GET", "http://h/v1/pets"), httpx.Response(200), 1.0, 1.0)
    handler.close()
    (line,) = stream.getvalue().splitlines()
    made = record("m", created=created)
    made.name = logger.name
    assert line == logging.Formatter(LINE_FORMAT).format(made)[:-1] + "GET /v1/pets -> 200 in 0.0 ms (attempt 1)"


def test_lines_from_many_threads_are_written_once_each() -> None:
    """Concurrent loggers (and the flusher thread) never drop or repeat a line."""
    stream = io.StringIO()
    handler = handler_on(stream, flush_interval_s=0.001)

    def work(worker: int) -> None:
        for n in range(300):
            if n % 2:
                handler.handle(record("w%d n%d", worker, n))
            else:
                handler.emit_line(made_line(handler, "w%d n%d", worker, n))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    messages = [line.split(": ", 1)[1] for line in stream.getvalue().splitlines()]
    assert sorted(messages) == sorted(f"w{w} n{n}" for w in range(6) for n in range(300))


def test_a_batch_started_before_the_flusher_woke_is_still_written(capsys: pytest.CaptureFixture[str]) -> None:
    """A batch written early (flush) and a new one started before the flusher thread took its wake-up: the
    thread writes the new one when it wakes, and no second wake-up is sent (that would fail and be reported)."""
    stream = io.StringIO()
    handler = handler_on(stream, flush_interval_s=0.05)
    handler.emit_line(made_line(handler, "first"))
    handler.flush()
    handler.emit_line(made_line(handler, "second"))
    assert wait_for(lambda: stream.getvalue().endswith("second\n"))  # no flush() here: the thread wrote it
    handler.close()
    assert capsys.readouterr().err == ""


class _FlusherRunsAtEachAppend(list[str]):
    """The handler's queue, with the flusher thread's step (the batch ends, its lines are written) run just
    before or just after each append: what another thread can do while `emit_line`, which holds no lock,
    appends its line and then looks whether a batch is under way."""

    def __init__(self, handler: BatchingStreamHandler, when: str) -> None:
        super().__init__(handler._pending)
        self.handler, self.when = handler, when

    def append(self, line: str) -> None:
        if self.when == "before":
            self.flusher_step()
        super().append(line)
        if self.when == "after":
            self.flusher_step()

    def flusher_step(self) -> None:
        assert self.handler._wake.acquire(blocking=False)  # the thread woke: a batch was under way
        self.handler._write_due_batch()


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_line_queued_as_the_flusher_ends_a_batch_is_written_once(when: str) -> None:
    """A batch that ends just before or just after a line is appended: the line is then either written by
    that flush or in a batch under way (which the flusher thread will write), never left waiting for a line
    that may not come; and it is written once."""
    stream = io.StringIO()
    handler = handler_on(stream)
    handler._flusher = threading.current_thread()  # no flusher thread: the queue's hook plays its part
    handler.emit_line(made_line(handler, "first"))  # a batch under way
    handler._pending = _FlusherRunsAtEachAppend(handler, when)
    handler.emit_line(made_line(handler, "second"))
    assert stream.getvalue().endswith("second\n") or (handler._pending and handler._armed)
    handler._pending = list(handler._pending)  # the plain queue again
    handler.close()
    messages = [line.split(": ", 1)[1] for line in stream.getvalue().splitlines()]
    assert messages == ["first", "second"]


class _LineQueuedDuringWrite(io.StringIO):
    """A stream during whose first write another line is queued: a writer that appends, and looks whether a
    batch is under way, after the flusher took the batch's lines and before it wrote them."""

    def __init__(self) -> None:
        super().__init__()
        self.handler: BatchingStreamHandler | None = None

    def write(self, text: str) -> int:
        handler, self.handler = self.handler, None
        if handler is not None:
            handler.emit_line(made_line(handler, "late"))
        return super().write(text)


def test_a_line_queued_while_a_batch_is_written_starts_the_next_batch() -> None:
    """The flusher ends the batch (so lines queued from then on start a new one) before it takes the lines:
    a line queued while the batch is written is written by the flusher later, without another line to
    follow it."""
    stream = _LineQueuedDuringWrite()
    handler = handler_on(stream, flush_interval_s=0.01)  # type: ignore[arg-type]
    stream.handler = handler
    handler.emit_line(made_line(handler, "first"))
    assert wait_for(lambda: stream.getvalue().endswith("late\n"))
    handler.close()
    assert [line.split(": ", 1)[1] for line in stream.getvalue().splitlines()] == ["first", "late"]


class BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError("disk full")


def test_a_failing_stream_never_breaks_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write errors are reported like logging reports them (here: silenced), never raised to the caller."""
    monkeypatch.setattr(logging, "raiseExceptions", False)
    handler = handler_on(BrokenStream(), flush_interval_s=0.01)
    handler.handle(record("queued"))
    handler.handle(record("bad", level=logging.ERROR))
    for _ in range(MAX_PENDING_LINES + 1):
        handler.emit_line(made_line(handler, "x"))
    assert wait_for(lambda: handler._pending == [])  # the flusher thread met the error too; nothing is retried
    handler.close()


# -- when a line may skip the record -------------------------------------------------------------------------


_counter = 0


def fresh_logger(*, propagate: bool = False) -> tuple[logging.Logger, BatchingStreamHandler]:
    global _counter
    _counter += 1
    logger = logging.getLogger(f"sdk_direct_{_counter}")
    logger.setLevel(logging.INFO)
    logger.propagate = propagate
    handler = handler_on(io.StringIO())
    logger.addHandler(handler)
    return logger, handler


def test_direct_sink_is_our_handler_when_it_alone_listens() -> None:
    """Our handler alone (a quieter handler elsewhere does not count) takes lines without a record."""
    logger, handler = fresh_logger()
    assert direct_sink(logger, logging.INFO) is handler
    quiet = logging.NullHandler(logging.WARNING)
    logger.addHandler(quiet)
    assert direct_sink(logger, logging.INFO) is handler
    assert direct_sink(logger, logging.WARNING) is None
    logger.removeHandler(quiet)


class OtherLogger(logging.Logger):
    pass


class CustomRecord(logging.LogRecord):
    pass


def fresh_child_logger() -> tuple[logging.Logger, BatchingStreamHandler]:
    """Our handler on ``sdk_direct_N.child``, whose parent has no handler and propagates to the root."""
    parent, handler = fresh_logger(propagate=True)
    parent.removeHandler(handler)
    child = logging.getLogger(f"{parent.name}.child")
    child.addHandler(handler)
    return child, handler


@pytest.mark.parametrize(
    "change",
    [
        "none",
        "not propagating, a root handler",
        "extra handler",
        "ancestor handler",
        "grandparent handler",
        "child logger, no other handler",
        "logger filter",
        "handler filter",
        "other formatter",
        "record factory",
        "logger class",
        "disabled",
        "handler level",
    ],
)
def test_records_are_built_whenever_anyone_else_could_see_them(change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any other handler, filter, formatter, record factory or logger class brings the record back: `direct_sink`
    says so for any shape, and `InfoLine.write`, which answers the usual shape itself, builds the record."""
    root = logging.getLogger()
    if change in ("grandparent handler", "child logger, no other handler"):
        logger, handler = fresh_child_logger()
    else:
        logger, handler = fresh_logger(propagate=change in ("ancestor handler", "not propagating, a root handler"))
    if change == "not propagating, a root handler":
        logger.propagate = False
        monkeypatch.setattr(root, "handlers", [logging.NullHandler()])
    elif change == "extra handler":
        logger.addHandler(logging.NullHandler())
    elif change in ("ancestor handler", "grandparent handler"):
        monkeypatch.setattr(root, "handlers", [logging.NullHandler()])
    elif change == "child logger, no other handler":
        monkeypatch.setattr(root, "handlers", [])
    elif change == "logger filter":
        logger.addFilter(lambda r: True)
    elif change == "handler filter":
        handler.addFilter(lambda r: True)
    elif change == "other formatter":
        handler.setFormatter(logging.Formatter("%(message)s"))
    elif change == "record factory":
        # (the standard factory comes back after the test, whatever happens: monkeypatch restores where it is kept)
        monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
        logging.setLogRecordFactory(CustomRecord)  # how applications change it
    elif change == "logger class":
        monkeypatch.setattr(logger, "__class__", OtherLogger)
    elif change == "disabled":
        logger.disabled = True
    elif change == "handler level":
        handler.setLevel(logging.WARNING)
    records: list[str] = []
    make_record = logging.Logger.makeRecord

    def counted(self: logging.Logger, *args: object, **kwargs: object) -> logging.LogRecord:
        records.append(self.name)
        return make_record(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(logging.Logger, "makeRecord", counted)
    alone = change in ("none", "not propagating, a root handler", "child logger, no other handler")
    assert (direct_sink(logger, logging.INFO) is handler) if alone else (direct_sink(logger, logging.INFO) is None)
    InfoLine(logger, DEFAULT_REDACTION).write(httpx.Request("GET", "http://h/v1/pets"), httpx.Response(200), 1.0, 1.0)
    assert records == ([] if alone else [logger.name])


# -- process life: exit and fork -----------------------------------------------------------------------------


def run_script(body: str) -> subprocess.CompletedProcess[str]:
    script = f"import sys\nsys.path.insert(0, {str(GENERATOR)!r})\n" + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)


def test_queued_lines_are_written_at_exit() -> None:
    """A normal exit (also by an uncaught exception) writes the queued lines: logging.shutdown flushes."""
    result = run_script(
        """
        import logging
        from runtime.pipeline._logging import configure_logging
        logger = configure_logging("acme_sdk", logging.INFO)
        logger.info("last words")
        raise SystemExit(3)
        """
    )
    assert result.returncode == 3
    assert result.stderr.count(" INFO acme_sdk: last words\n") == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_does_not_repeat_the_parents_lines() -> None:
    """Lines queued before a fork are written once, by the parent; the child's own lines still appear."""
    result = run_script(
        """
        import logging, os
        from runtime.pipeline._logging import configure_logging
        logger = configure_logging("acme_sdk", logging.INFO)
        logger.info("before fork")
        pid = os.fork()
        if pid == 0:
            logger.info("in child")
            logging.shutdown()
            os._exit(0)
        os.waitpid(pid, 0)
        logger.info("in parent")
        """
    )
    assert result.returncode == 0, result.stderr
    for line in ("before fork", "in child", "in parent"):
        assert result.stderr.count(f" INFO acme_sdk: {line}\n") == 1, result.stderr

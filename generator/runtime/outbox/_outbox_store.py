"""The outbox's SQLite file: opening it safely, its schema, and every read and write of its rows.

The file is ours only if it carries our marker: ``PRAGMA application_id`` = `APPLICATION_ID` and
``PRAGMA user_version`` <= `SCHEMA_VERSION`. A brand-new or empty file is initialised; anything else (not
SQLite at all, another program's database, a newer schema) raises `OutboxError` naming the path, and
the file is left exactly as it was (its marker is checked before WAL mode or any table is touched).

New files are created with mode 0600 (SQLite gives the ``-wal`` and ``-shm`` files the same mode) in a
directory created with mode 0700. Writes run in WAL mode with ``synchronous=FULL``: a committed row
survives a crash of the process or of the machine. One connection, guarded by a lock, serves all threads
of a process; one process at a time should use a file.

Tables: ``outbox`` (pending requests, FIFO by an ``AUTOINCREMENT`` id that is never reused),
``dead_letters`` (requests that will not be sent again, with the reason), ``counters`` (delivered total).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from ..core._errors import OutboxError, OutboxFullError
from ._outbox_records import DeadLetter, DeadLetterReason, OutboxItem, OutboxStats, Overflow, QueuedRow, StoredRequest

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "OutboxStore", "open_database"]

APPLICATION_ID: Final = 0x5344_4B51  # "SDKQ": marks the file as an SDK outbox
SCHEMA_VERSION: Final = 1
FILE_MODE: Final = 0o600
DIRECTORY_MODE: Final = 0o700
BUSY_TIMEOUT_S: Final = 10.0
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"

_REQUEST_COLUMNS = "operation_id, idempotency_key, method, url, headers, body, content_type, options, queued_at"
_SCHEMA = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
    headers TEXT NOT NULL, body BLOB NOT NULL, content_type TEXT, options TEXT NOT NULL,
    queued_at REAL NOT NULL, size INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
CREATE INDEX outbox_by_operation ON outbox (operation_id, id);
CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY,
    operation_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
    headers TEXT NOT NULL, body BLOB NOT NULL, content_type TEXT, options TEXT NOT NULL,
    queued_at REAL NOT NULL, size INTEGER NOT NULL, attempts INTEGER NOT NULL,
    failed_at REAL NOT NULL, reason TEXT NOT NULL, status_code INTEGER, error TEXT
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters VALUES ('delivered', 0);
"""


def _create_file(path: Path) -> bool:
    """Create `path` with mode 0600 (and its directory with 0700); False when it already existed."""
    directory = path.parent
    if not directory.exists():
        directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        os.chmod(directory, DIRECTORY_MODE)  # the umask may have narrowed it; never widened beyond 0700
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return True


def _foreign(path: Path, what: str) -> OutboxError:
    return OutboxError(
        f"{path} is {what}, not an SDK outbox; it was left untouched. Point OutboxPolicy(path=...) at another "
        "file, or move this one away if it is an outbox you no longer need.",
        path=str(path),
    )


def _check_marker(conn: sqlite3.Connection, path: Path) -> bool:
    """True when the file must be initialised; raises when it is not ours."""
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _foreign(path, f"not a readable SQLite database ({exc})") from exc
    if application_id == 0 and version == 0 and objects == 0:
        return True
    if application_id != APPLICATION_ID:
        raise _foreign(path, f"an SQLite database of another program (application_id {application_id:#x})")
    if version > SCHEMA_VERSION:
        raise OutboxError(
            f"{path} was written by a newer SDK (outbox schema {version}, this one reads up to {SCHEMA_VERSION}); "
            "upgrade the SDK or point OutboxPolicy(path=...) at another file.",
            path=str(path),
        )
    if version < 1:
        raise _foreign(path, "marked as an outbox but has no schema")
    return False


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the outbox at `path` in WAL mode; see the module docstring.

    Raises:
        OutboxError: the file is not SQLite, belongs to another program or a newer SDK, or cannot be opened.
    """
    try:
        created = _create_file(path)
        if not created and path.stat().st_size > 0:
            with path.open("rb") as handle:
                if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                    raise _foreign(path, "not an SQLite database (unknown header)")
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except OSError as exc:
        message = f"Cannot open the outbox {path}: {exc}. Check the path and its permissions."
        raise OutboxError(message, path=str(path)) from exc
    try:
        fresh = _check_marker(conn, path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if fresh:
            conn.executescript(
                f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA application_id = {APPLICATION_ID}; "
                f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
    except BaseException:
        conn.close()
        raise
    return conn


_ITEM_COLUMNS = "id, operation_id, idempotency_key, method, url, queued_at, attempts, last_error, size"
_ITEM_FIELDS = [field.name for field in attrs.fields(OutboxItem)]
_DEAD_COLUMNS = (
    "id, operation_id, idempotency_key, method, url, queued_at, failed_at, reason, status_code, error, attempts"
)
_DEAD_FIELDS = [field.name for field in attrs.fields(DeadLetter)]


def _item(row: Sequence[Any]) -> OutboxItem:
    return OutboxItem(**dict(zip(_ITEM_FIELDS, row, strict=True)))


def _dead_letter(row: Sequence[Any]) -> DeadLetter:
    return DeadLetter(**dict(zip(_DEAD_FIELDS, row, strict=True)))


class OutboxStore:
    """Thread-safe access to one outbox file; every method is one short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = open_database(path)
        self._lock = threading.RLock()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock (ROLLBACK on error)."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise OutboxError(f"The outbox {self.path} is closed.", path=str(self.path))
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def add(
        self,
        request: StoredRequest,
        *,
        queued_at: float,
        max_rows: int | None,
        max_bytes: int | None,
        overflow: Overflow,
    ) -> tuple[int, list[DeadLetter]]:
        """Insert `request`; returns its id and the letters dropped to make room (``drop_oldest``).

        Raises:
            OutboxFullError: no room and `overflow` is ``reject``, or the request alone exceeds `max_bytes`.
        """
        size = request.size_bytes
        dropped: list[DeadLetter] = []
        with self._transaction() as conn:
            rows, used = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM outbox").fetchone()

            def full() -> bool:
                return (max_rows is not None and rows + 1 > max_rows) or (
                    max_bytes is not None and used + size > max_bytes
                )

            if full() and (overflow == "reject" or (max_bytes is not None and size > max_bytes)):
                raise OutboxFullError(
                    path=str(self.path),
                    rows=rows,
                    bytes_used=used,
                    size_bytes=size,
                    max_rows=max_rows,
                    max_bytes=max_bytes,
                )
            while full() and rows:
                oldest_id, oldest_size = conn.execute("SELECT id, size FROM outbox ORDER BY id LIMIT 1").fetchone()
                dropped.append(self._bury(conn, oldest_id, "overflow", None, "dropped to make room", queued_at))
                rows, used = rows - 1, used - oldest_size
            cursor = conn.execute(
                f"INSERT INTO outbox ({_REQUEST_COLUMNS}, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    request.operation_id,
                    request.idempotency_key,
                    request.method,
                    request.url,
                    json.dumps(request.headers),
                    request.body,
                    request.content_type,
                    request.options,
                    queued_at,
                    size,
                ),
            )
            outbox_id = cursor.lastrowid
        assert outbox_id is not None  # an INSERT always sets it
        return outbox_id, dropped

    def _bury(
        self,
        conn: sqlite3.Connection,
        outbox_id: int,
        reason: DeadLetterReason,
        status_code: int | None,
        error: str | None,
        failed_at: float,
    ) -> DeadLetter:
        """Move one pending row to the dead letters (inside the caller's transaction)."""
        conn.execute(
            f"INSERT INTO dead_letters (id, {_REQUEST_COLUMNS}, size, attempts, failed_at, reason, status_code, "
            f"error) SELECT id, {_REQUEST_COLUMNS}, size, attempts, ?, ?, ?, ? FROM outbox WHERE id = ?",
            (failed_at, reason, status_code, error, outbox_id),
        )
        conn.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
        row = conn.execute(f"SELECT {_DEAD_COLUMNS} FROM dead_letters WHERE id = ?", (outbox_id,)).fetchone()
        return _dead_letter(row)

    def count(self, operation_id: str | None = None) -> int:
        """Pending rows, of one operation or of all."""
        with self._transaction() as conn:
            if operation_id is None:
                return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
            query = "SELECT count(*) FROM outbox WHERE operation_id = ?"
            return int(conn.execute(query, (operation_id,)).fetchone()[0])

    def heads(self, *, skip: set[str], limit: int) -> list[QueuedRow]:
        """The oldest pending rows (by id) of every operation not in `skip`."""
        marks = ", ".join("?" * len(skip))
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT {_ITEM_COLUMNS}, headers, body, content_type, options FROM outbox "
                f"WHERE operation_id NOT IN ({marks}) ORDER BY id LIMIT ?",
                (*sorted(skip), limit),
            ).fetchall()
        return [
            QueuedRow(
                item=_item(row[:9]),
                request=StoredRequest(
                    operation_id=row[1],
                    idempotency_key=row[2],
                    method=row[3],
                    url=row[4],
                    headers=tuple((str(name), str(value)) for name, value in json.loads(row[9])),
                    body=bytes(row[10]),
                    content_type=row[11],
                    options=row[12],
                ),
            )
            for row in rows
        ]

    def delivered(self, outbox_id: int) -> None:
        """The server accepted the row: delete it and count it."""
        with self._transaction() as conn:
            if conn.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,)).rowcount:
                conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'delivered'")

    def attempt_failed(self, outbox_id: int, error: str) -> None:
        """The row stays queued; remember how its latest attempt failed."""
        with self._transaction() as conn:
            conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error, outbox_id))

    def reject(self, outbox_id: int, *, status_code: int, error: str, failed_at: float) -> DeadLetter | None:
        """The server refused the row for good: move it to the dead letters (counting this attempt)."""
        with self._transaction() as conn:
            if conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (outbox_id,)).rowcount == 0:
                return None
            return self._bury(conn, outbox_id, "rejected", status_code, error, failed_at)

    def requeue(self, outbox_id: int, *, queued_at: float) -> OutboxItem | None:
        """Move a dead letter back to the end of the queue (same idempotency key, new id)."""
        with self._transaction() as conn:
            query = f"SELECT {_REQUEST_COLUMNS}, size FROM dead_letters WHERE id = ?"
            row = conn.execute(query, (outbox_id,)).fetchone()
            if row is None:
                return None
            cursor = conn.execute(
                f"INSERT INTO outbox ({_REQUEST_COLUMNS}, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*row[:8], queued_at, row[9]),
            )
            conn.execute("DELETE FROM dead_letters WHERE id = ?", (outbox_id,))
            new = conn.execute(f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _item(new)

    def pending(self, limit: int | None) -> list[OutboxItem]:
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT {_ITEM_COLUMNS} FROM outbox ORDER BY id LIMIT ?", (-1 if limit is None else limit,)
            ).fetchall()
        return [_item(row) for row in rows]

    def dead_letters(self, limit: int | None) -> list[DeadLetter]:
        with self._transaction() as conn:
            query = f"SELECT {_DEAD_COLUMNS} FROM dead_letters ORDER BY id LIMIT ?"
            rows = conn.execute(query, (-1 if limit is None else limit,)).fetchall()
        return [_dead_letter(row) for row in rows]

    def purge_dead_letters(self, outbox_ids: Sequence[int] | None) -> int:
        with self._transaction() as conn:
            if outbox_ids is None:
                return conn.execute("DELETE FROM dead_letters").rowcount
            return sum(conn.execute("DELETE FROM dead_letters WHERE id = ?", (i,)).rowcount for i in outbox_ids)

    def stats(self) -> OutboxStats:
        with self._transaction() as conn:
            queued, used = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM outbox").fetchone()
            dead = conn.execute("SELECT count(*) FROM dead_letters").fetchone()[0]
            delivered = conn.execute("SELECT value FROM counters WHERE name = 'delivered'").fetchone()[0]
        return OutboxStats(queued=queued, delivered=delivered, dead=dead, bytes=used)

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close; later calls raise `OutboxError`."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()

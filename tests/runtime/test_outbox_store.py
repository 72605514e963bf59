"""The outbox file: only ours is opened, never a foreign one overwritten; private modes; bounded size."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime.core._errors import OutboxError, OutboxFullError
from runtime.outbox._outbox import Outbox
from runtime.outbox._outbox_policy import OutboxPolicy, QueuedReceipt
from runtime.outbox._outbox_records import DeadLetter
from runtime.outbox._outbox_store import APPLICATION_ID, SCHEMA_VERSION

OPERATION = "submitMetrics"


def offline_client() -> httpx.Client:
    """A client whose every request fails to connect."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    return httpx.Client(transport=httpx.MockTransport(refuse), base_url="https://api.example.com")


def kwargs_for(seq: int, *, size: int = 0) -> dict[str, Any]:
    return {"method": "post", "url": "/metrics", "json": {"seq": seq, "pad": "x" * size}}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    "content",
    [os.urandom(4096), b"SQLite format 3\x00" + os.urandom(4080), b"not a database, just text\n" * 50],
    ids=["random-bytes", "sqlite-header-then-garbage", "text"],
)
def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    """A file that is not a readable SQLite database raises OutboxError naming the path; not one byte changes."""
    path = tmp_path / "outbox.sqlite3"
    path.write_bytes(content)
    with pytest.raises(OutboxError) as caught:
        Outbox(OutboxPolicy(path=path), package="t")
    assert str(path) in str(caught.value) and caught.value.path == str(path)
    assert path.read_bytes() == content
    assert not Path(f"{path}-wal").exists()


def test_another_programs_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """An SQLite file without our application_id (another schema) raises OutboxError; it stays byte-identical."""
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ada')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(OutboxError, match="another program") as caught:
        Outbox(OutboxPolicy(path=path), package="t")
    assert caught.value.path == str(path) and str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_an_outbox_from_a_newer_sdk_is_refused(tmp_path: Path) -> None:
    """Our application_id with a higher user_version is not read (nor migrated down)."""
    path = tmp_path / "o.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE outbox (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(OutboxError, match="newer SDK"):
        Outbox(OutboxPolicy(path=path), package="t")
    assert path.read_bytes() == before


def test_a_new_file_is_marked_private_and_in_wal_mode(tmp_path: Path) -> None:
    """A new outbox gets application_id and user_version, WAL mode, mode 0600 for the file, its -wal and
    -shm, and 0700 for each directory it had to create."""
    path = tmp_path / "data" / "pkg" / "outbox.sqlite3"
    with Outbox(OutboxPolicy(path=path), package="t") as outbox:
        outbox.send_or_queue(offline_client(), kwargs_for(1), operation_id=OPERATION)
        assert mode(path) == 0o600
        assert mode(Path(f"{path}-wal")) == 0o600 and mode(Path(f"{path}-shm")) == 0o600
        assert mode(path.parent) == 0o700
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_an_empty_file_is_initialised(tmp_path: Path) -> None:
    """A zero-byte file (e.g. created just before a crash) is taken as a new outbox."""
    path = tmp_path / "o.db"
    path.touch(mode=0o600)
    with Outbox(OutboxPolicy(path=path), package="t") as outbox:
        assert outbox.stats().queued == 0


def test_rows_and_counters_survive_reopening(tmp_path: Path) -> None:
    """Queued rows, their order and the delivered count are on disk, not in memory."""
    path = tmp_path / "o.db"
    with Outbox(OutboxPolicy(path=path), package="t") as outbox:
        receipts = [outbox.enqueue(kwargs_for(i), operation_id=OPERATION) for i in range(3)]
    with Outbox(OutboxPolicy(path=path), package="t") as outbox:
        assert [item.outbox_id for item in outbox.pending()] == [r.outbox_id for r in receipts]
        assert [item.idempotency_key for item in outbox.pending()] == [r.idempotency_key for r in receipts]


def test_a_closed_outbox_raises(tmp_path: Path) -> None:
    """After close() every use raises OutboxError (close itself is idempotent)."""
    outbox = Outbox(OutboxPolicy(path=tmp_path / "o.db"), package="t")
    outbox.close()
    outbox.close()
    with pytest.raises(OutboxError, match="closed"):
        outbox.stats()


def test_overflow_reject_raises_and_stores_nothing(tmp_path: Path) -> None:
    """overflow="reject" (the default): the call that finds the outbox full raises OutboxFullError (caused by
    the connection failure) and the rows already queued are unchanged."""
    policy = OutboxPolicy(path=tmp_path / "o.db", max_rows=3)
    with Outbox(policy, package="t") as outbox, offline_client() as client:
        kept = [outbox.send_or_queue(client, kwargs_for(i), operation_id=f"op{i}") for i in range(3)]
        with pytest.raises(OutboxFullError) as caught:
            outbox.send_or_queue(client, kwargs_for(3), operation_id="op3")
        assert isinstance(caught.value.__cause__, httpx.ConnectError)
        assert (caught.value.rows, caught.value.max_rows) == (3, 3)
        assert [i.outbox_id for i in outbox.pending()] == [r.outbox_id for r in kept if isinstance(r, QueuedReceipt)]
        assert outbox.stats().dead == 0


def test_overflow_reject_by_bytes(tmp_path: Path) -> None:
    """max_bytes bounds the queued bytes the same way."""
    policy = OutboxPolicy(path=tmp_path / "o.db", max_bytes=3_000)
    with Outbox(policy, package="t") as outbox:
        outbox.enqueue(kwargs_for(0, size=1_000), operation_id=OPERATION)
        outbox.enqueue(kwargs_for(1, size=1_000), operation_id=OPERATION)
        with pytest.raises(OutboxFullError, match="full"):
            outbox.enqueue(kwargs_for(2, size=1_000), operation_id=OPERATION)
        assert outbox.stats().queued == 2


def test_overflow_drop_oldest_dead_letters_the_oldest(tmp_path: Path) -> None:
    """overflow="drop_oldest": the oldest pending row moves to the dead letters with reason "overflow",
    on_failed hears of it, and the new row is queued."""
    policy = OutboxPolicy(path=tmp_path / "o.db", max_rows=3, overflow="drop_oldest")
    failed: list[DeadLetter] = []
    with Outbox(policy, package="t") as outbox:
        outbox.on_failed(failed.append)
        receipts = [outbox.enqueue(kwargs_for(i), operation_id=OPERATION) for i in range(5)]
        assert [i.outbox_id for i in outbox.pending()] == [r.outbox_id for r in receipts[2:]]
        letters = outbox.dead_letters()
        assert [letter.outbox_id for letter in letters] == [r.outbox_id for r in receipts[:2]]
        assert {letter.reason for letter in letters} == {"overflow"} and letters[0].status_code is None
        assert failed == letters
        assert outbox.stats().dead == 2 and outbox.stats().queued == 3


def test_a_request_larger_than_max_bytes_is_rejected_even_with_drop_oldest(tmp_path: Path) -> None:
    """Dropping every other row could not make room for it, so nothing is dropped and it raises."""
    policy = OutboxPolicy(path=tmp_path / "o.db", max_bytes=500, overflow="drop_oldest")
    with Outbox(policy, package="t") as outbox:
        outbox.enqueue(kwargs_for(0), operation_id=OPERATION)
        with pytest.raises(OutboxFullError):
            outbox.enqueue(kwargs_for(1, size=600), operation_id=OPERATION)
        assert outbox.stats().queued == 1 and outbox.stats().dead == 0


def test_purge_dead_letters(tmp_path: Path) -> None:
    """purge_dead_letters deletes the given letters, or all of them."""
    policy = OutboxPolicy(path=tmp_path / "o.db", max_rows=1, overflow="drop_oldest")
    with Outbox(policy, package="t") as outbox:
        for i in range(4):
            outbox.enqueue(kwargs_for(i), operation_id=OPERATION)
        first, *rest = outbox.dead_letters()
        assert outbox.purge_dead_letters([first.outbox_id]) == 1
        assert outbox.purge_dead_letters() == len(rest) == 2
        assert outbox.dead_letters() == []

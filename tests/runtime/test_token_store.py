"""Token stores: memory by default; a file store that is atomic, 0600, and survives corruption."""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from pathlib import Path

import attrs
import pytest
from runtime.auth._token import Token
from runtime.auth._token_store import FileTokenStore, MemoryTokenStore
from runtime.core._secret import Secret

TOKEN = Token(access_token=Secret("acc-123456"), refresh_token=Secret("ref-654321"), expires_at=1_700_000_100.5)


def test_memory_store_round_trip() -> None:
    """The memory store returns what was saved and nothing after clear()."""
    store = MemoryTokenStore()
    assert store.load() is None
    store.save(TOKEN)
    assert store.load() == TOKEN
    store.clear()
    assert store.load() is None


def test_file_store_round_trip(tmp_path: Path) -> None:
    """A saved token loads back equal, from a fresh store object (as in a later run)."""
    path = tmp_path / "nested" / "token.json"
    FileTokenStore(path).save(TOKEN)
    assert FileTokenStore(path).load() == TOKEN
    FileTokenStore(path).clear()
    assert not path.exists()
    FileTokenStore(path).clear()  # clearing twice is fine


def test_file_store_is_created_owner_only(tmp_path: Path) -> None:
    """The file is mode 0600 (and a directory it had to create 0700), whatever the umask."""
    old = os.umask(0)
    try:
        path = tmp_path / "dir" / "token.json"
        FileTokenStore(path).save(TOKEN)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_file_store_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The new content goes to a temporary file in the same directory, then os.replace swaps it in."""
    path = tmp_path / "token.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        calls.append((str(src), str(dst)))
        assert Path(src).parent == path.parent and Path(src) != path
        assert stat.S_IMODE(os.stat(src).st_mode) == 0o600
        assert path.read_text() == "old"  # untouched until the swap
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    FileTokenStore(path).save(TOKEN)
    assert len(calls) == 1 and calls[0][1] == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # a wider old file does not stay wide
    assert sorted(p.name for p in tmp_path.iterdir()) == ["token.json"]  # no temp file left


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the swap fails, the old token stays and the temporary file is removed."""
    path = tmp_path / "token.json"
    store = FileTokenStore(path)
    store.save(TOKEN)

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.save(Token(access_token=Secret("other")))
    assert store.load() == TOKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["token.json"]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"version": 99, "access_token": "x"}),
        json.dumps({"version": 1}),
        json.dumps({"version": 1, "access_token": 5}),
        json.dumps({"version": 1, "access_token": "x", "expires_at": "soon"}),
        "\udcff",
    ],
)
def test_corrupt_file_is_treated_as_empty_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    """A corrupt file loads as None with a WARNING naming the path but not the content."""
    path = tmp_path / "token.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING):
        assert FileTokenStore(path).load() is None
    assert str(path) in caplog.text and "overwritten after the next login" in caplog.text
    assert "access_token" not in caplog.text


def test_file_contains_json_with_the_secrets(tmp_path: Path) -> None:
    """The file is versioned JSON (the secrets in clear, protected by the permissions)."""
    path = tmp_path / "token.json"
    FileTokenStore(path).save(TOKEN)
    data = json.loads(path.read_text())
    assert data == {
        "version": 1,
        "access_token": "acc-123456",
        "refresh_token": "ref-654321",
        "expires_at": 1_700_000_100.5,
        "issued_at": None,
        "token_type": "Bearer",
    }


def test_issued_at_round_trips_and_older_files_without_it_still_load(tmp_path: Path) -> None:
    """The issue time (which scales the renewal margin) survives a save; a file without it loads as unknown."""
    path = tmp_path / "token.json"
    store = FileTokenStore(path)
    store.save(attrs.evolve(TOKEN, issued_at=1_700_000_070.5))
    loaded = store.load()
    assert loaded is not None and loaded.issued_at == 1_700_000_070.5
    data = json.loads(path.read_text())
    del data["issued_at"]
    path.write_text(json.dumps(data))
    older = store.load()
    assert older is not None and older.issued_at is None and older.expires_at == 1_700_000_100.5


def test_concurrent_saves_leave_a_whole_token(tmp_path: Path) -> None:
    """Saves from many threads never interleave: the file always holds one complete token."""
    path = tmp_path / "token.json"
    store = FileTokenStore(path)
    tokens = [Token(access_token=Secret(f"token-{i}" * 50)) for i in range(20)]
    threads = [threading.Thread(target=store.save, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.load() in tokens


def test_reprs_hide_secrets() -> None:
    """Token and Secret reprs show masks, never the values."""
    text = repr(TOKEN) + str(TOKEN) + f"{TOKEN}"
    assert "acc-123456" not in text and "ref-654321" not in text
    assert "Secret('**********')" in repr(TOKEN)
    assert repr(FileTokenStore("/tmp/x.json")) == "FileTokenStore('/tmp/x.json')"

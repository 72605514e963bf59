"""The partial file of a download (`_download_part.py`): unique, hashed in lockstep, committed atomically."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from runtime.download._download_part import PartFile


def test_partial_files_are_unique_and_beside_the_target(tmp_path: Path) -> None:
    """Two downloads to one target get two partial files in the target's directory, neither the target."""
    first, second = PartFile(tmp_path / "model.bin"), PartFile(tmp_path / "model.bin")
    assert first.path != second.path
    assert first.path.parent == tmp_path and first.path.name.startswith(".model.bin.")
    assert first.path.suffix == ".part"
    assert not (tmp_path / "model.bin").exists()
    first.discard()
    second.discard()
    assert list(tmp_path.iterdir()) == []


def test_hash_and_disk_hold_the_same_bytes(tmp_path: Path) -> None:
    """The digest covers exactly the bytes written; restart empties both."""
    part = PartFile(tmp_path / "f")
    part.write(b"hello ")
    part.write(b"world")
    assert part.bytes_on_disk == 11 and part.path.read_bytes() == b"hello world"
    assert part.hexdigest() == hashlib.sha256(b"hello world").hexdigest()
    part.restart()
    assert part.bytes_on_disk == 0 and part.path.read_bytes() == b""
    part.write(b"again")
    assert part.hexdigest() == hashlib.sha256(b"again").hexdigest()
    part.discard()


def test_a_failed_write_is_cut_back_to_the_hashed_length(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half way (disk full) leaves the file at the length the hash has seen."""
    part = PartFile(tmp_path / "f")
    part.write(b"kept")
    file = part._open_file()
    real_write = file.write

    def half_then_fail(data: object) -> int:
        real_write(bytes(memoryview(data))[:3])  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file, "write", half_then_fail)
    with pytest.raises(OSError, match="No space"):
        part.write(b"lost bytes")
    monkeypatch.undo()
    assert part.bytes_on_disk == 4 and part.path.read_bytes() == b"kept"
    part.write(b"!")
    assert part.path.read_bytes() == b"kept!" and part.hexdigest() == hashlib.sha256(b"kept!").hexdigest()
    part.discard()


def test_commit_replaces_the_target_atomically_with_the_usual_mode(tmp_path: Path) -> None:
    """commit() moves the file onto the target (replacing an old one) with 0666 less the umask, not 0600."""
    target = tmp_path / "f"
    target.write_bytes(b"old")
    part = PartFile(target)
    part.write(b"new")
    part.commit()
    assert target.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [target]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    part.discard()  # a no-op after commit: the target stays
    assert target.read_bytes() == b"new"


def test_a_spent_partial_file_cannot_be_written(tmp_path: Path) -> None:
    """After discard (or commit) the object refuses writes instead of writing to a closed file."""
    part = PartFile(tmp_path / "f")
    part.discard()
    part.discard()
    with pytest.raises(RuntimeError, match="already committed or discarded"):
        part.write(b"x")


def test_a_missing_directory_raises_oserror(tmp_path: Path) -> None:
    """The target's directory must exist: nothing is created on the caller's behalf."""
    with pytest.raises(OSError):
        PartFile(tmp_path / "missing" / "f")

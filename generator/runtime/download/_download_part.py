"""The partial file of a download: a unique ``.part`` file beside the target, hashed as it is written.

Rules:

- The partial file lives in the target's directory (so the final `os.replace` is an atomic rename on
  the same file system) under a unique name ``.<target name>.<random>.part``: two downloads to the
  same target never share one, and the target itself is never opened for writing.
- Every byte is hashed once, as it is written: the SHA-256 object and the file on disk hold the same
  bytes at every step (`bytes_on_disk` is what a resumed request asks to continue from). A write that
  fails half way is cut back to the hashed length, so a resume never continues after bytes the hash
  did not see; starting over truncates the file and resets the hash.
- `commit` flushes and fsyncs the file, closes it, `os.replace`s it onto the target, then fsyncs the
  directory (POSIX) so the rename survives a power cut. `discard` closes and deletes it; both are
  idempotent, and after either the object is spent.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["PartFile"]


def _new_file_mode() -> int:
    """0666 less the process umask, as `open()` would create the file (read once, at import)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_NEW_FILE_MODE = _new_file_mode()


class PartFile:
    """A unique partial file beside `target`, with the SHA-256 of what it holds.

    Raises (from the constructor):
        OSError: the target's directory does not exist or is not writable.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        self.path = Path(name)
        self._file: BinaryIO | None = os.fdopen(fd, "w+b", buffering=0)
        self._hash = hashlib.sha256()
        self._length = 0

    @property
    def bytes_on_disk(self) -> int:
        """How many bytes the file holds (all of them hashed)."""
        return self._length

    def hexdigest(self) -> str:
        """The SHA-256 of the bytes written so far, lowercase hex."""
        return self._hash.hexdigest()

    def write(self, chunk: bytes) -> None:
        """Append `chunk` and hash it; on a failed write, cut the file back to the hashed length."""
        file = self._open_file()
        view = memoryview(chunk)
        try:
            while view:  # unbuffered FileIO may write less than asked (e.g. a nearly full disk)
                written = file.write(view)
                view = view[written or 0 :]
        except BaseException:
            with contextlib.suppress(OSError):
                file.truncate(self._length)
                file.seek(self._length)
            raise
        self._hash.update(chunk)
        self._length += len(chunk)

    def restart(self) -> None:
        """Drop every byte: the file is emptied and the hash starts again."""
        file = self._open_file()
        file.truncate(0)
        file.seek(0)
        self._hash = hashlib.sha256()
        self._length = 0

    def commit(self) -> None:
        """fsync, close and atomically move the file onto the target (see the module docstring)."""
        file = self._open_file()
        os.fsync(file.fileno())
        file.close()
        self._file = None
        os.chmod(self.path, _NEW_FILE_MODE)  # mkstemp made it 0600; a downloaded file gets the usual mode
        os.replace(self.path, self.target)
        _fsync_directory(self.target.parent)

    def discard(self) -> None:
        """Close and delete the file (nothing happens if it is already gone or committed)."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _open_file(self) -> BinaryIO:
        if self._file is None:
            raise RuntimeError("the partial file was already committed or discarded")
        return self._file


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable on POSIX; Windows cannot open a directory, and needs no such step."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)

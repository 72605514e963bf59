"""Where `TokenRefreshAuth` keeps its token between requests (and, with a file, between runs).

`MemoryTokenStore` is the default. `FileTokenStore` keeps one token as JSON in a file readable only by
its owner (mode 0600, created that way, never widened), replaced atomically: a temporary file in the
same directory is written, flushed, fsynced and `os.replace`d over the old one, so a reader sees the
old token or the new one, never half of either.

A corrupt or unreadable file is treated as empty: the store logs a WARNING (naming the path, never the
content) and the next request logs in again, which overwrites the file. A token file is a cache, and
failing every call because a cache is damaged would leave the user nothing to do but delete it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Protocol

from ..core._secret import Secret
from ._token import Token

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenStore"]

_logger = logging.getLogger(__name__)

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
_FORMAT_VERSION = 1


class TokenStore(Protocol):
    """Keeps at most one token. Implementations must be safe to call from several threads."""

    def load(self) -> Token | None:
        """The stored token, or None when there is none."""
        ...

    def save(self, token: Token) -> None:
        """Replace the stored token."""
        ...

    def clear(self) -> None:
        """Forget the stored token (e.g. on logout)."""
        ...


class MemoryTokenStore:
    """Keeps the token in this process only (the default)."""

    def __init__(self) -> None:
        self._token: Token | None = None

    def load(self) -> Token | None:
        return self._token

    def save(self, token: Token) -> None:
        self._token = token

    def clear(self) -> None:
        self._token = None


class FileTokenStore:
    """Keeps the token as JSON in `path`, mode 0600, replaced atomically (see the module docstring).

    The parent directory is created with mode 0700 when missing. The file holds the secrets in clear
    text, protected only by its permissions: put it in a per-user location.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._path

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._path)!r})"

    def load(self) -> Token | None:
        """The stored token; None when the file is missing, or corrupt (logged as a WARNING)."""
        with self._lock:
            try:
                text = self._path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            except (OSError, UnicodeDecodeError) as exc:
                self._warn(f"cannot be read ({type(exc).__name__})")
                return None
        try:
            return _token_from_json(json.loads(text))
        except (ValueError, TypeError, KeyError):
            self._warn("is not a valid token file")
            return None

    def save(self, token: Token) -> None:
        """Write `token` to a 0600 temporary file beside `path`, then `os.replace` it into place."""
        data = json.dumps(_token_to_json(token)).encode("utf-8")
        with self._lock:
            directory = self._path.parent
            directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            name = os.path.join(directory, f".{self._path.name}.{secrets.token_hex(8)}.tmp")
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(name, self._path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(name)
                raise

    def clear(self) -> None:
        """Delete the file if it exists."""
        with self._lock, contextlib.suppress(FileNotFoundError):
            self._path.unlink()

    def _warn(self, problem: str) -> None:
        _logger.warning(
            "The token file %s %s; it is ignored and will be overwritten after the next login.",
            self._path,
            problem,
        )


def _token_to_json(token: Token) -> dict[str, object]:
    """The file format: a versioned JSON object with the secrets revealed."""
    return {
        "version": _FORMAT_VERSION,
        "access_token": token.access_token.reveal(),
        "refresh_token": token.refresh_token.reveal() if token.refresh_token is not None else None,
        "expires_at": token.expires_at,
        "issued_at": token.issued_at,
        "token_type": token.token_type,
    }


def _token_from_json(data: object) -> Token:
    """Parse the file format; raises ValueError/TypeError/KeyError on anything unexpected."""
    if not isinstance(data, dict) or data.get("version") != _FORMAT_VERSION:
        raise ValueError("not a token file of this version")
    access, refresh, expires_at, token_type = (
        data["access_token"],
        data.get("refresh_token"),
        data.get("expires_at"),
        data.get("token_type", "Bearer"),
    )
    if not isinstance(access, str) or not isinstance(token_type, str):
        raise TypeError("access_token and token_type must be strings")
    if refresh is not None and not isinstance(refresh, str):
        raise TypeError("refresh_token must be a string")
    issued_at = data.get("issued_at")  # absent in files written before renewal margins scaled with lifetime
    for name, value in (("expires_at", expires_at), ("issued_at", issued_at)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise TypeError(f"{name} must be a number")
    return Token(
        access_token=Secret(access),
        refresh_token=Secret(refresh) if refresh is not None else None,
        expires_at=float(expires_at) if expires_at is not None else None,
        issued_at=float(issued_at) if issued_at is not None else None,
        token_type=token_type,
    )

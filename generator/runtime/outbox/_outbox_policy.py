"""The outbox's value objects: `OutboxPolicy` (where, how big, how it probes), `QueuedReceipt`, defaults.

Defaults live here as module constants (`DEFAULT_OUTBOX_*`); `default_outbox_path` picks the file's
place per platform with the standard library only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from ..core._defaults import (
    DEFAULT_OUTBOX_BATCH_SIZE,
    DEFAULT_OUTBOX_CLOSE_TIMEOUT_S,
    DEFAULT_OUTBOX_MAX_BYTES,
    DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S,
    DEFAULT_OUTBOX_MAX_ROWS,
    DEFAULT_OUTBOX_PROBE_INTERVAL_S,
    DEFAULT_OUTBOX_PROBE_JITTER_S,
)
from ..core._env import environment
from ..core._errors import ConfigurationError
from ._outbox_records import Overflow

__all__ = [
    "DEFAULT_OUTBOX_BATCH_SIZE",
    "DEFAULT_OUTBOX_CLOSE_TIMEOUT_S",
    "DEFAULT_OUTBOX_MAX_BYTES",
    "DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S",
    "DEFAULT_OUTBOX_MAX_ROWS",
    "DEFAULT_OUTBOX_PROBE_INTERVAL_S",
    "DEFAULT_OUTBOX_PROBE_JITTER_S",
    "OUTBOX_FILE_NAME",
    "DeliveryMode",
    "OutboxPolicy",
    "QueuedReceipt",
    "default_outbox_path",
]

OUTBOX_FILE_NAME: Final = "outbox.sqlite3"

DeliveryMode = Literal["direct", "queued"]
"""How a deferrable call is sent: ``"direct"`` (raise on failure) or ``"queued"`` (via the outbox)."""


def default_outbox_path(
    package: str, *, environ: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """Where a package's outbox lives unless `OutboxPolicy.path` says otherwise.

    Linux and other POSIX: ``$XDG_DATA_HOME/<package>/outbox.sqlite3`` (if set and absolute), else
    ``~/.local/share/<package>/...``; macOS: ``~/Library/Application Support/<package>/...``; Windows:
    ``%LOCALAPPDATA%`` (or ``%APPDATA%``, else ``~/AppData/Local``) ``/<package>/...``. The arguments
    default to the process environment (`core/_env.py`), `sys.platform` and `Path.home()`.
    """
    if not package or package in (".", "..") or any(sep in package for sep in ("/", "\\", "\0")):
        raise ConfigurationError(f"package must be a plain directory name, not {package!r}", setting="package")
    env = environment() if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or env.get("APPDATA")
        root = Path(base) if base else home / "AppData" / "Local"
    elif platform == "darwin":
        root = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        root = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return root / package / OUTBOX_FILE_NAME


def _optional_path(value: str | os.PathLike[str] | None) -> Path | None:
    """A file path given as text or any path-like, normalised to `Path` (so the policy compares equal)."""
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise TypeError(f"path must be a str, an os.PathLike or None, not {type(value).__name__}")


def _limit(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: an int >= 1, or None for no limit."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{attribute.name} must be an int >= 1 or None, not {value!r}")


def _seconds(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: seconds > 0 (None allowed only where the field says so)."""
    if value is None and attribute.name == "probe_jitter_s":
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or value == float("inf"):
        raise ValueError(f"{attribute.name} must be seconds > 0, not {value!r}")


@attrs.frozen(kw_only=True)
class OutboxPolicy:
    """Where the outbox lives, how big it may grow and how its worker probes. Defaults: `DEFAULT_OUTBOX_*`.

    Attributes:
        path: the SQLite file (a `str` or any path-like, kept as a `Path`); None means
            `default_outbox_path(package)`.
        max_rows: pending requests at most (`DEFAULT_OUTBOX_MAX_ROWS`); None: no limit.
        max_bytes: pending bytes at most (body + URL + headers; `DEFAULT_OUTBOX_MAX_BYTES`); None: no limit.
        overflow: ``"reject"`` raises `OutboxFullError`; ``"drop_oldest"`` dead-letters the oldest rows.
        probe_interval_s: first wait after a failed probe or pass; doubles up to `max_probe_interval_s`.
        probe_jitter_s: up to this much random time is added to each wait; None: none.
        batch_size: rows read from the file per query while draining.
        keep_order: queue a call behind its operation's queued rows instead of sending it first.
    """

    path: Path | None = attrs.field(default=None, converter=_optional_path)
    max_rows: int | None = attrs.field(default=DEFAULT_OUTBOX_MAX_ROWS, validator=_limit)
    max_bytes: int | None = attrs.field(default=DEFAULT_OUTBOX_MAX_BYTES, validator=_limit)
    overflow: Overflow = attrs.field(default="reject", validator=attrs.validators.in_(("reject", "drop_oldest")))
    probe_interval_s: float = attrs.field(default=DEFAULT_OUTBOX_PROBE_INTERVAL_S, validator=_seconds)
    max_probe_interval_s: float = attrs.field(default=DEFAULT_OUTBOX_MAX_PROBE_INTERVAL_S, validator=_seconds)
    probe_jitter_s: float | None = attrs.field(default=DEFAULT_OUTBOX_PROBE_JITTER_S, validator=_seconds)
    batch_size: int = attrs.field(default=DEFAULT_OUTBOX_BATCH_SIZE, validator=_limit)
    keep_order: bool = True

    @max_probe_interval_s.validator
    def _check_cap(self, attribute: attrs.Attribute[Any], value: float) -> None:
        if value < self.probe_interval_s:
            raise ValueError("max_probe_interval_s must be >= probe_interval_s")


@attrs.frozen(kw_only=True)
class QueuedReceipt:
    """What a queued call returns: the row's id, its operation and idempotency key, when and why it was queued."""

    outbox_id: int
    operation_id: str
    idempotency_key: str
    queued_at: float  # epoch seconds
    reason: str  # e.g. "ConnectError", "HTTP 503", "queued behind 3 earlier requests"

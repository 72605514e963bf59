"""OutboxPolicy validation and where the outbox file lives by default (stdlib logic, no platformdirs)."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from runtime import ConfigurationError
from runtime.outbox._outbox import Outbox
from runtime.outbox._outbox_policy import OUTBOX_FILE_NAME, OutboxPolicy, default_outbox_path

HOME = Path("/home/ada")


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {"XDG_DATA_HOME": "/data"}, "/data/pkg/outbox.sqlite3"),
        ("linux", {"XDG_DATA_HOME": "relative/dir"}, "/home/ada/.local/share/pkg/outbox.sqlite3"),
        ("linux", {}, "/home/ada/.local/share/pkg/outbox.sqlite3"),
        ("freebsd14", {"XDG_DATA_HOME": ""}, "/home/ada/.local/share/pkg/outbox.sqlite3"),
        ("darwin", {"XDG_DATA_HOME": "/data"}, "/home/ada/Library/Application Support/pkg/outbox.sqlite3"),
        ("win32", {"LOCALAPPDATA": "/c/Local", "APPDATA": "/c/Roaming"}, "/c/Local/pkg/outbox.sqlite3"),
        ("win32", {"APPDATA": "/c/Roaming"}, "/c/Roaming/pkg/outbox.sqlite3"),
        ("win32", {}, "/home/ada/AppData/Local/pkg/outbox.sqlite3"),
    ],
)
def test_default_outbox_path(platform: str, environ: dict[str, str], expected: str) -> None:
    """XDG_DATA_HOME (absolute only) or ~/.local/share on POSIX; Application Support on macOS; LOCALAPPDATA on
    Windows; always <package>/outbox.sqlite3."""
    assert default_outbox_path("pkg", environ=environ, platform=platform, home=HOME) == Path(expected)


@pytest.mark.parametrize("package", ["", ".", "..", "a/b", "a\\b"])
def test_a_package_name_must_be_a_plain_directory_name(package: str) -> None:
    """The package name becomes one directory: separators and dot names are refused."""
    with pytest.raises(ConfigurationError):
        default_outbox_path(package, environ={}, platform="linux", home=HOME)


def test_without_a_path_the_outbox_uses_the_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OutboxPolicy(path=None) puts the file under $XDG_DATA_HOME/<package>/, creating the directory 0700."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    with Outbox(package="my_sdk") as outbox:
        assert outbox.path == tmp_path / "my_sdk" / OUTBOX_FILE_NAME
    assert outbox.path.exists()
    assert stat.S_IMODE(outbox.path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "changes",
    [
        {"max_rows": 0},
        {"max_bytes": -1},
        {"max_rows": True},
        {"overflow": "drop_newest"},
        {"probe_interval_s": 0},
        {"probe_interval_s": float("inf")},
        {"probe_jitter_s": 0},
        {"probe_interval_s": 10.0, "max_probe_interval_s": 5.0},
        {"batch_size": 0},
        {"path": 42},
    ],
)
def test_policy_validation(changes: dict[str, Any]) -> None:
    """Limits are ints >= 1 or None, durations are seconds > 0, overflow is reject|drop_oldest, path is path-like."""
    with pytest.raises((ValueError, TypeError)):
        OutboxPolicy(**changes)


@pytest.mark.parametrize("given", ["queue/outbox.db", Path("queue/outbox.db"), PurePosixPath("queue/outbox.db")])
def test_policy_path_accepts_a_str_or_any_path_like(tmp_path: Path, given: str | os.PathLike[str]) -> None:
    """OutboxPolicy(path=...) takes a str or any os.PathLike and keeps it as a Path; the outbox opens there."""
    policy = OutboxPolicy(path=given)
    assert policy.path == Path("queue/outbox.db") and isinstance(policy.path, Path)
    outbox = Outbox(OutboxPolicy(path=str(tmp_path / "queue" / "outbox.db")), package="pkg")
    try:
        assert (tmp_path / "queue" / "outbox.db").exists()
    finally:
        outbox.close()


def test_policy_defaults_never_lose_silently() -> None:
    """The default overflow is "reject", limits are set, and per-operation order is kept."""
    policy = OutboxPolicy()
    assert policy.overflow == "reject" and policy.keep_order
    assert policy.max_rows is not None and policy.max_bytes is not None

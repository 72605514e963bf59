"""A spec's last good version, copied where Prism reads it, replaced only by a version that lints clean.

Prism watches the file it serves and exits when a saved version does not load, so `make mock` serves
a snapshot instead: `.tmp/mock/specs/<name>/<stem>.<digest>.yaml`, one file per accepted version (a new
name each time, so the running Prism's own watcher never sees a change). `check()` reads the source;
a version that does not parse or validate is rejected with its findings (`file#/pointer: [rule]
message`, from generator/spec_check.py), and one that does becomes a candidate the caller serves and
then `accept()`s, or drops if Prism will not load it either.

A snapshot is one file: a spec whose `$ref`s point into other files is served only while those
references resolve from the snapshot folder too (every spec in openapi/ is a single file).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import attrs

from generator.registry import ROOT
from generator.spec_check import Finding, SpecError, load_spec, structural_findings


@attrs.frozen(kw_only=True)
class Rejected:
    """The source changed and does not lint clean; `findings` are the printable lines."""

    findings: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Candidate:
    """The source changed and lints clean; `path` is its snapshot, not yet accepted."""

    path: Path


def spec_findings(path: Path) -> list[str]:
    """What keeps `path` from being served: parse errors and OpenAPI schema violations, as text lines.

    Never raises for a bad document: a failure of the validator itself (a `$ref` it cannot follow) is a
    finding too, naming the file.
    """
    try:
        return [str(finding) for finding in structural_findings(path, load_spec(path))]
    except SpecError as exc:
        return [str(exc)]
    except Exception as exc:  # any validator failure means "not servable", never a crash of make mock
        message = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return [str(Finding(file=_display(path), pointer="", rule="unloadable", message=message))]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@attrs.define
class SpecSnapshot:
    """The served copy of `source` in `folder`; `current` is None until a version has been accepted."""

    source: Path
    folder: Path
    current: Path | None = None
    _last_digest: str | None = None

    def check(self) -> Rejected | Candidate | None:
        """None when the source is unchanged since the last check (or unreadable mid-save), else the verdict."""
        try:
            content = self.source.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(content).hexdigest()[:16]
        if digest == self._last_digest:
            return None
        self._last_digest = digest
        findings = spec_findings(self.source)
        if findings:
            return Rejected(findings=tuple(findings))
        self.folder.mkdir(parents=True, exist_ok=True)
        candidate = self.folder / f"{self.source.stem}.{digest}{self.source.suffix}"
        if candidate != self.current:
            scratch = candidate.with_suffix(".partial")
            scratch.write_bytes(content)
            scratch.replace(candidate)
        return Candidate(path=candidate)

    def accept(self, candidate: Candidate) -> None:
        """Serve `candidate` from now on; older snapshots are removed."""
        self.current = candidate.path
        for old in self.folder.iterdir():
            if old == candidate.path:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)

    def drop(self, candidate: Candidate) -> None:
        """Forget a candidate Prism would not load (the current snapshot stays)."""
        if candidate.path != self.current:
            candidate.path.unlink(missing_ok=True)

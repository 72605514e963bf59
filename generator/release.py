"""SDK versions, the release gate, changelogs and `make diff`: `python -m generator.release COMMAND`.

Each SDK has its own semantic version, set in one place: `version =` in its `generator/sdks.toml` entry.
A release is recorded in `generator/releases/<name>/`: `api.json` (the SDK's public Python surface and
version at that release, see api_surface.py) and `CHANGELOG.md` (copied into the SDK by the build).

- `check` (the gate, run by `make test`): every SDK's current public surface and version equal its last
  release. Any change needs a bump and release notes; a breaking change needs a major bump (a minor
  one before 1.0).
- `notes` (`make release-notes`): for each SDK whose version in sdks.toml is newer than its last release,
  check the bump is big enough for what changed, add a changelog section (Breaking / Added / Fixed:
  the spec's changes, see spec_diff.py, and the Python API's) and record the release.
- `diff [--base REF]` (`make diff`): per API, the spec's changes and the SDK's public API changes since
  REF (default: each SDK's last release commit), shown together.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import yaml

from generator.api_surface import Surface, SurfaceChange, compare_surfaces, load_surface
from generator.registry import ROOT, RegistryError, SdkEntry, load_registry, select
from generator.spec_check import SpecError, load_spec
from generator.spec_diff import SpecChange, diff_specs

RELEASES = ROOT / "generator" / "releases"
SDK_ROOT = ROOT / "sdk"
RUNTIME_VERSION_FILE = ROOT / "generator" / "runtime" / "core" / "_version.py"

Bump = Literal["major", "minor", "patch"]


class ReleaseError(Exception):
    """A release cannot be recorded as asked; the message says what to change."""


def parse_version(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def bump_between(old: str, new: str) -> Bump | None:
    """Which part of the version went up from `old` to `new` (None: the same, or lower)."""
    before, after = parse_version(old), parse_version(new)
    if after <= before:
        return None
    return "major" if after[0] > before[0] else "minor" if after[1] > before[1] else "patch"


def required_bump(version: str, breaking: bool) -> Bump:
    """The least bump a change needs from `version`: breaking → major (minor before 1.0), otherwise patch."""
    if not breaking:
        return "patch"
    return "minor" if parse_version(version)[0] == 0 else "major"


def bump_suffices(old: str, new: str, breaking: bool) -> bool:
    bump = bump_between(old, new)
    order = {"patch": 0, "minor": 1, "major": 2}
    return bump is not None and order[bump] >= order[required_bump(old, breaking)]


def runtime_version() -> str:
    """The runtime's own version, from generator/runtime/core/_version.py (a single assignment)."""
    found = re.search(r'^RUNTIME_VERSION = "([0-9.]+)"$', RUNTIME_VERSION_FILE.read_text(encoding="utf-8"), re.M)
    if found is None:
        raise ReleaseError(f'{RUNTIME_VERSION_FILE.name}: needs a line RUNTIME_VERSION = "<x.y.z>"')
    return found.group(1)


def sdk_version(entry: SdkEntry, document: dict[str, Any] | None = None) -> str:
    """The SDK's version: `version` in sdks.toml, else (older entries) the spec's info.version."""
    if entry.version is not None:
        return entry.version
    spec = document if document is not None else load_spec(entry.spec)
    return str((spec.get("info") or {}).get("version", "0.0.0"))


@attrs.frozen(kw_only=True)
class Release:
    """What was released: the SDK's version, the runtime's, and the public Python surface."""

    version: str
    runtime_version: str
    surface: Surface

    def dump(self) -> str:
        """One surface entry per line, so a release's diff in git reads like the change it records."""
        lines = [
            f"  {json.dumps(path)}: {json.dumps(record, sort_keys=True)}"
            for path, record in sorted(self.surface.items())
        ]
        head = (
            f'{{\n  "version": {json.dumps(self.version)},\n  "runtime_version": {json.dumps(self.runtime_version)},\n'
        )
        return head + '  "surface": {\n' + ",\n".join("  " + line for line in lines) + "\n  }\n}\n"


def release_dir(entry: SdkEntry, root: Path = RELEASES) -> Path:
    return root / entry.name


def load_release(entry: SdkEntry, root: Path = RELEASES) -> Release | None:
    path = release_dir(entry, root) / "api.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Release(version=data["version"], runtime_version=data["runtime_version"], surface=data["surface"])


def gate_problems(entry: SdkEntry, surface: Surface, version: str, release: Release | None) -> list[str]:
    """Why the SDK as it is cannot ship under its version (empty when it can)."""
    where = f"{entry.name}: "
    if release is None:
        return [f"{where}no release recorded in generator/releases/{entry.name}/: run `make release-notes`"]
    changes = compare_surfaces(release.surface, surface)
    breaking = any(change.breaking for change in changes)
    listed = "".join(f"\n    {'BREAKING ' if c.breaking else ''}{c}" for c in changes[:20])
    more = f"\n    ... and {len(changes) - 20} more (make diff)" if len(changes) > 20 else ""
    if version == release.version:
        if not changes:
            return []
        least = required_bump(version, breaking)
        return [
            f"{where}the public API changed since release {version} without a version bump; set a {least} bump "
            f"in generator/sdks.toml [sdk.{entry.name}] version, then `make release-notes`:{listed}{more}"
        ]
    if not bump_suffices(release.version, version, breaking):
        least = required_bump(release.version, breaking)
        bumped = f"{release.version} -> {version}"
        return [f"{where}version {bumped} is not a {least} bump, which these changes need:{listed}{more}"]
    return [f"{where}version {version} is set but not released: run `make release-notes` to write its changelog"]


# --- reading an earlier state from git -------------------------------------------------------------------


def _git(*args: str, cwd: Path = ROOT) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def last_release_commit(entry: SdkEntry, root: Path = ROOT) -> str | None:
    """The commit that recorded the SDK's last release (None when it is not committed yet)."""
    path = (RELEASES / entry.name / "api.json").relative_to(ROOT).as_posix()
    found = _git("log", "-1", "--format=%H", "--", path, cwd=root).strip()
    return found or None


def spec_at(ref: str, spec: Path, root: Path = ROOT) -> dict[str, Any] | None:
    """The spec as it was at `ref` (None when it did not exist there)."""
    try:
        text = _git("show", f"{ref}:{spec.relative_to(root).as_posix()}", cwd=root)
    except ReleaseError:
        return None
    loaded = yaml.safe_load(text)
    return loaded if isinstance(loaded, dict) else None


def surface_at(ref: str, entry: SdkEntry, root: Path = ROOT) -> Surface | None:
    """The generated SDK's public surface as committed at `ref` (None when sdk/<name> did not exist)."""
    folder = f"sdk/{entry.name}"
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, folder], cwd=root, capture_output=True, check=False
    )
    if archive.returncode != 0:
        return None
    with (
        tempfile.TemporaryDirectory(prefix="sdk-at-") as scratch,
        tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar,
    ):
        tar.extractall(scratch, filter="data")
        return load_surface(Path(scratch) / folder, entry.package)


# --- changelog ------------------------------------------------------------------------------------------

_SECTIONS = (("Breaking", "breaking"), ("Added", "added"), ("Fixed", "fixed"))
_MAX_PYTHON_LINES = 40


def changelog_section(
    version: str, api_version: str, spec_changes: Iterable[SpecChange], surface_changes: Iterable[SurfaceChange]
) -> str:
    """One version's section: spec changes (naming the operation or model) and Python API changes."""
    spec_list, python_list = list(spec_changes), list(surface_changes)
    lines = [f"## {version}", "", f"API version {api_version}, runtime {runtime_version()}.", ""]
    for title, kind in _SECTIONS:
        items = [f"- `{change.where}`: {change.what}" for change in spec_list if change.kind == kind]
        python = [c for c in python_list if (c.breaking if kind == "breaking" else not c.breaking and kind == "added")]
        items += [f"- Python `{change}`" for change in python[:_MAX_PYTHON_LINES]]
        if len(python) > _MAX_PYTHON_LINES:
            items.append(f"- ... and {len(python) - _MAX_PYTHON_LINES} more Python API changes (`make diff`)")
        if items:
            lines += [f"### {title}", "", *items, ""]
    if len(lines) == 4:
        lines += ["No change to the spec or the public Python API (a runtime fix or a rebuild).", ""]
    return "\n".join(lines)


def first_section(version: str, api_version: str) -> str:
    """The section of an SDK's first recorded release: the baseline later versions are compared with."""
    lines = [f"## {version}", "", f"API version {api_version}, runtime {runtime_version()}.", ""]
    lines += ["The first release recorded by the release gate: later versions list their changes from here.", ""]
    return "\n".join(lines)


def install_changelog(entry: SdkEntry, project_dir: Path, root: Path = RELEASES) -> None:
    """The changelog kept in generator/releases/<name>/ ships with the SDK (the build calls this too)."""
    changelog = release_dir(entry, root) / "CHANGELOG.md"
    if changelog.is_file():
        (project_dir / "CHANGELOG.md").write_text(changelog.read_text(encoding="utf-8"), encoding="utf-8")


def write_release(
    entry: SdkEntry,
    surface: Surface,
    version: str,
    *,
    root: Path = RELEASES,
    base_ref: str | None = None,
    repo: Path = ROOT,
) -> str:
    """Record a release of `entry` at `version` with a new changelog section; returns that section."""
    document = load_spec(entry.spec)
    previous = load_release(entry, root)
    surface_changes = compare_surfaces(previous.surface, surface) if previous else []
    if previous is not None:
        breaking = any(change.breaking for change in surface_changes)
        if version == previous.version:
            raise ReleaseError(
                f"{entry.name}: {version} is already released; bump version in generator/sdks.toml first"
            )
        if not bump_suffices(previous.version, version, breaking):
            least = required_bump(previous.version, breaking)
            raise ReleaseError(
                f"{entry.name}: {previous.version} -> {version} is not the {least} bump these changes need"
            )
    old_spec = spec_at(base_ref, entry.spec, repo) if base_ref else None
    spec_changes = diff_specs(old_spec, document) if old_spec is not None else []
    api_version = str((document.get("info") or {}).get("version", "0.0.0"))
    if previous is None:
        section = first_section(version, api_version)
    else:
        section = changelog_section(version, api_version, spec_changes, surface_changes)
    folder = release_dir(entry, root)
    folder.mkdir(parents=True, exist_ok=True)
    changelog = folder / "CHANGELOG.md"
    title = f"# Changelog of {entry.distribution}\n\nWritten by `make release-notes`; newest first.\n\n"
    older = changelog.read_text(encoding="utf-8").removeprefix(title) if changelog.is_file() else ""
    changelog.write_text(title + section + ("\n" + older if older else ""), encoding="utf-8")
    release = Release(version=version, runtime_version=runtime_version(), surface=surface)
    (folder / "api.json").write_text(release.dump(), encoding="utf-8")
    return section


# --- commands -------------------------------------------------------------------------------------------


def _check(entries: Sequence[SdkEntry]) -> int:
    problems = []
    for entry in entries:
        surface = load_surface(SDK_ROOT / entry.name, entry.package)
        problems += gate_problems(entry, surface, sdk_version(entry), load_release(entry))
    for problem in problems:
        print(f"release gate: {problem}", file=sys.stderr)
    if not problems:
        print(f"release gate: every SDK matches its released version ({len(entries)} checked)")
    return 1 if problems else 0


def _notes(entries: Sequence[SdkEntry]) -> int:
    written = 0
    for entry in entries:
        version = sdk_version(entry)
        previous = load_release(entry)
        if previous is not None and previous.version == version:
            continue
        surface = load_surface(SDK_ROOT / entry.name, entry.package)
        base = last_release_commit(entry)
        section = write_release(entry, surface, version, base_ref=base)
        install_changelog(entry, SDK_ROOT / entry.name)
        written += 1
        print(f"release-notes: {entry.name} {version}\n{section}")
    if not written:
        print("release-notes: no SDK has a new version in generator/sdks.toml; nothing to release")
    return 0


def _diff(entries: Sequence[SdkEntry], base: str | None) -> int:
    for entry in entries:
        ref = base or last_release_commit(entry) or "HEAD"
        print(f"== {entry.name} since {ref[:12]}")
        old_spec = spec_at(ref, entry.spec)
        if old_spec is None:
            print("  the spec did not exist there")
        else:
            for change in diff_specs(old_spec, load_spec(entry.spec)):
                print(f"  spec {change.kind:8} {change}")
        old_surface = surface_at(ref, entry)
        if old_surface is not None:
            for surface_change in compare_surfaces(old_surface, load_surface(SDK_ROOT / entry.name, entry.package)):
                print(f"  python {'breaking' if surface_change.breaking else 'changed':8} {surface_change}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.release", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("check", "notes", "diff"))
    parser.add_argument("names", nargs="*", help="SDKs (default: all in generator/sdks.toml)")
    parser.add_argument("--base", help="diff: the git ref to compare with (default: each SDK's last release)")
    args = parser.parse_args(argv)
    try:
        entries = select(args.names, load_registry())
        if args.command == "check":
            return _check(entries)
        if args.command == "notes":
            return _notes(entries)
        return _diff(entries, args.base)
    except (RegistryError, ReleaseError, SpecError) as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

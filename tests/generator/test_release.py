"""generator/api_surface.py and generator/release.py: the public Python API, version bumps, the gate, changelogs.

Packages and specs are written inline to tmp_path; the gate is shown on a two-commit history in a
temporary git repository, as a spec author would meet it.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from generator.api_surface import compare_surfaces, load_surface
from generator.registry import SdkEntry, load_registry
from generator.release import (
    bump_between,
    bump_suffices,
    gate_problems,
    load_release,
    sdk_version,
    spec_at,
    surface_at,
    write_release,
)

PACKAGE_V1 = '''
"""Widget SDK."""

from ._resources import WidgetsResource

__all__ = ["WidgetsResource", "make_widget"]


def make_widget(name: str, *, size: int | None = None) -> dict[str, str]:
    return {"name": name}
'''

RESOURCES_V1 = """
class WidgetsResource:
    limit: int

    def list(self, *, limit: int | None = None) -> list[str]:
        return []

    def _helper(self) -> None:
        pass
"""

SPEC_V1 = """
openapi: 3.1.0
info: {title: Widgets, version: 1.0.0}
paths:
  /widgets:
    get:
      operationId: listWidgets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses: {"200": {description: ok}}
"""


def write_package(root: Path, init: str, resources: str) -> None:
    package = root / "sdk" / "widget" / "widget_sdk"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(textwrap.dedent(init), encoding="utf-8")
    (package / "_resources.py").write_text(textwrap.dedent(resources), encoding="utf-8")


def entry_in(root: Path, version: str = "1.0.0") -> SdkEntry:
    return SdkEntry.named("widget", root / "openapi" / "widget.yaml", version=version)


def surface_of(root: Path) -> dict[str, dict[str, object]]:
    return load_surface(root / "sdk" / "widget", "widget_sdk")


# --- The public surface ---------------------------------------------------------------------------------


def test_surface_holds_public_names_of_private_modules_and_skips_private_names(tmp_path: Path) -> None:
    """Resource classes in `_resources` are public through the client; `_helper` is not part of the API."""
    write_package(tmp_path, PACKAGE_V1, RESOURCES_V1)
    surface = surface_of(tmp_path)
    assert surface["widget_sdk._resources.WidgetsResource.list"] == {
        "kind": "function",
        "params": [{"name": "limit", "kind": "keyword-only", "annotation": "int | None", "default": "None"}],
        "returns": "list[str]",
    }
    assert surface["widget_sdk.WidgetsResource"] == {"kind": "alias", "target": "widget_sdk._resources.WidgetsResource"}
    assert not [path for path in surface if "_helper" in path]


SURFACE_CASES = [
    (
        "function removed",
        PACKAGE_V1.replace("def make_widget", "def _make_widget"),
        RESOURCES_V1,
        "make_widget: removed function",
        True,
    ),
    (
        "optional parameter added",
        PACKAGE_V1,
        RESOURCES_V1.replace("limit: int | None = None", "limit: int | None = None, page: int = 1"),
        "WidgetsResource.list: optional parameter 'page' added",
        False,
    ),
    (
        "required parameter added",
        PACKAGE_V1,
        RESOURCES_V1.replace("limit: int | None = None", "limit: int | None = None, page: int"),
        "WidgetsResource.list: required parameter 'page' added",
        True,
    ),
    (
        "parameter type widened",
        PACKAGE_V1.replace("size: int | None", "size: int | str | None"),
        RESOURCES_V1,
        "make_widget: parameter 'size' type changed from int | None to int | str | None",
        False,
    ),
    (
        "parameter type narrowed",
        PACKAGE_V1.replace("size: int | None", "size: int"),
        RESOURCES_V1,
        "make_widget: parameter 'size' type changed from int | None to int",
        True,
    ),
    (
        "return type changed",
        PACKAGE_V1,
        RESOURCES_V1.replace("-> list[str]:", "-> tuple[str, ...]:"),
        "WidgetsResource.list: returns tuple[str, ...] instead of list[str]",
        True,
    ),
    (
        "parameter became keyword-only",
        PACKAGE_V1.replace("name: str, *,", "*, name: str,"),
        RESOURCES_V1,
        "make_widget: parameter 'name' became keyword-only",
        True,
    ),
    (
        "attribute type changed",
        PACKAGE_V1,
        RESOURCES_V1.replace("limit: int\n", "limit: str\n"),
        "WidgetsResource.limit: type changed from int to str",
        True,
    ),
]


@pytest.mark.parametrize(
    ("init", "resources", "expected", "breaking"), [c[1:] for c in SURFACE_CASES], ids=[c[0] for c in SURFACE_CASES]
)
def test_surface_changes_are_classified(
    tmp_path: Path, init: str, resources: str, expected: str | None, breaking: bool
) -> None:
    """Removals and narrowed inputs break callers; added optional parameters and widened inputs do not."""
    write_package(tmp_path / "old", PACKAGE_V1, RESOURCES_V1)
    write_package(tmp_path / "new", init, resources)
    changes = compare_surfaces(surface_of(tmp_path / "old"), surface_of(tmp_path / "new"))
    assert [(str(c), c.breaking) for c in changes] == [(expected, breaking)]


# --- Versions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "breaking", "ok"),
    [
        ("1.2.3", "1.2.4", False, True),
        ("1.2.3", "1.2.4", True, False),
        ("1.2.3", "1.3.0", True, False),
        ("1.2.3", "2.0.0", True, True),
        ("0.4.1", "0.5.0", True, True),  # before 1.0 a minor bump may break
        ("0.4.1", "0.4.2", True, False),
        ("1.2.3", "1.2.3", False, False),  # any change needs a bump
        ("1.2.3", "1.2.2", False, False),  # never down
    ],
)
def test_bump_must_match_the_change(old: str, new: str, breaking: bool, ok: bool) -> None:
    """Breaking needs major (minor before 1.0); any other change needs at least a patch bump."""
    assert bump_suffices(old, new, breaking) is ok


def test_bump_between_names_the_part_that_went_up() -> None:
    """1.9.9 -> 2.0.0 is major, -> 1.10.0 minor, -> 1.9.10 patch; the same or lower is no bump."""
    assert [bump_between("1.9.9", v) for v in ("2.0.0", "1.10.0", "1.9.10", "1.9.9", "1.0.0")] == [
        "major",
        "minor",
        "patch",
        None,
        None,
    ]


def test_every_shipped_sdk_has_its_own_version_and_a_recorded_release() -> None:
    """Each entry of generator/sdks.toml sets `version`, and generator/releases/<name>/ holds its release."""
    for entry in load_registry().values():
        assert entry.version is not None, entry.name
        release = load_release(entry)
        assert release is not None, entry.name


# --- The gate on a two-commit history ---------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, str]:
    """A repository whose first commit released widget 1.0.0 and whose second breaks `list` and the spec."""
    root = tmp_path / "repo"
    (root / "openapi").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "openapi" / "widget.yaml").write_text(SPEC_V1, encoding="utf-8")
    write_package(root, PACKAGE_V1, RESOURCES_V1)
    write_release(entry_in(root), surface_of(root), "1.0.0", root=root / "releases", repo=root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "release 1.0.0")
    first = git(root, "rev-parse", "HEAD")
    (root / "openapi" / "widget.yaml").write_text(SPEC_V1.replace("name: limit", "name: max"), encoding="utf-8")
    write_package(root, PACKAGE_V1, RESOURCES_V1.replace("limit: int | None = None", "max: int | None = None"))
    git(root, "commit", "-qam", "rename limit")
    return root, first


def test_gate_fails_on_a_change_without_a_bump_naming_it(history: tuple[Path, str]) -> None:
    """Same version, changed API: the gate names the breaking change and the bump it needs."""
    root, _ = history
    problems = gate_problems(entry_in(root), surface_of(root), "1.0.0", load_release(entry_in(root), root / "releases"))
    assert len(problems) == 1
    assert "changed since release 1.0.0 without a version bump; set a major bump" in problems[0]
    assert "BREAKING WidgetsResource.list: parameter 'limit' removed" in problems[0]


def test_gate_fails_on_a_minor_bump_for_a_breaking_change(history: tuple[Path, str]) -> None:
    """1.0.0 -> 1.1.0 is not enough for a removed parameter."""
    root, _ = history
    release = load_release(entry_in(root), root / "releases")
    problems = gate_problems(entry_in(root, "1.1.0"), surface_of(root), "1.1.0", release)
    assert "version 1.0.0 -> 1.1.0 is not a major bump" in problems[0]


def test_gate_passes_once_the_major_release_is_recorded(history: tuple[Path, str]) -> None:
    """Bump to 2.0.0: the gate asks for release notes; once written, it passes and the changelog says why."""
    root, first = history
    entry, releases = entry_in(root, "2.0.0"), root / "releases"
    assert "set but not released" in gate_problems(entry, surface_of(root), "2.0.0", load_release(entry, releases))[0]

    section = write_release(entry, surface_of(root), "2.0.0", root=releases, base_ref=first, repo=root)

    assert gate_problems(entry, surface_of(root), "2.0.0", load_release(entry, releases)) == []
    assert section.startswith("## 2.0.0\n\nAPI version 1.0.0, runtime ")
    assert "### Breaking" in section
    assert "- `GET /widgets`: query parameter 'limit' removed" in section
    assert "- `GET /widgets`: optional query parameter 'max' added" in section
    assert "- Python `WidgetsResource.list: parameter 'limit' removed`" in section
    changelog = (releases / "widget" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 2.0.0") < changelog.index("## 1.0.0")  # newest first


def test_release_notes_refuse_a_bump_too_small(history: tuple[Path, str]) -> None:
    """Recording 1.0.1 for a breaking change is refused, naming the bump needed."""
    root, first = history
    with pytest.raises(Exception, match="not the major bump"):
        write_release(
            entry_in(root, "1.0.1"), surface_of(root), "1.0.1", root=root / "releases", base_ref=first, repo=root
        )


def test_earlier_spec_and_surface_are_read_from_git(history: tuple[Path, str]) -> None:
    """`make diff BASE=<ref>` reads the spec and the committed SDK as they were at the ref."""
    root, first = history
    entry = entry_in(root)
    old_spec = spec_at(first, entry.spec, root)
    assert old_spec is not None and old_spec["paths"]["/widgets"]["get"]["parameters"][0]["name"] == "limit"
    release = load_release(entry, root / "releases")
    assert release is not None and surface_at(first, entry, root) == release.surface
    assert sdk_version(entry) == "1.0.0"


def test_a_narrowed_return_type_is_no_break(tmp_path: Path) -> None:
    """`-> list[str] | None` becoming `-> list[str]` promises more: callers' code still works."""
    write_package(tmp_path / "old", PACKAGE_V1, RESOURCES_V1.replace("-> list[str]:", "-> list[str] | None:"))
    write_package(tmp_path / "new", PACKAGE_V1, RESOURCES_V1)
    changes = compare_surfaces(surface_of(tmp_path / "old"), surface_of(tmp_path / "new"))
    assert [(str(c), c.breaking) for c in changes] == [
        ("WidgetsResource.list: returns list[str] instead of list[str] | None", False)
    ]


def test_final_on_an_attribute_is_no_type_change(tmp_path: Path) -> None:
    """`self.get: Final = raw(...)` keeps the value's type (pyright --verifytypes counts it declared): adding
    it is no change; `Final[int]` is an int, so `Final[int]` -> `str` still is one."""
    before = (
        RESOURCES_V1
        + "\n\nclass Raw:\n    def __init__(self) -> None:\n        self.plain = 1\n        self.typed: int = 1\n"
    )
    after = before.replace("self.plain = 1", "self.plain: Final = 1").replace(
        "self.typed: int", "self.typed: Final[str]"
    )
    write_package(tmp_path / "old", PACKAGE_V1, before)
    write_package(tmp_path / "new", PACKAGE_V1, "from typing import Final\n" + after)
    changes = compare_surfaces(surface_of(tmp_path / "old"), surface_of(tmp_path / "new"))
    assert [(str(c), c.breaking) for c in changes] == [("Raw.typed: type changed from int to Final[str]", True)]

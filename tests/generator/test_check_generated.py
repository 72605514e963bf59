"""generator/check_generated.py: `differences` names every file that a fresh generation would change."""

from __future__ import annotations

from pathlib import Path

from generator.check_generated import differences


def make_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


COMMON = {
    "README.md": "# demo\n",
    "pkg/__init__.py": "from .core import run\n",
    "pkg/core.py": "def run() -> int:\n    return 1\n",
}


def test_identical_trees_have_no_differences(tmp_path: Path) -> None:
    """A committed tree equal to the fresh generation reports nothing."""
    expected = make_tree(tmp_path / "fresh", COMMON)
    actual = make_tree(tmp_path / "committed", COMMON)
    assert differences(expected, actual) == []


def test_missing_extra_and_changed_files_are_reported(tmp_path: Path) -> None:
    """Missing files, hand-added files and changed files each get a line; a change carries a unified diff."""
    expected = make_tree(tmp_path / "fresh", {**COMMON, "pkg/new_module.py": "NEW = 1\n"})
    actual = make_tree(
        tmp_path / "committed",
        {**COMMON, "pkg/core.py": "def run() -> int:\n    return 2\n", "pkg/hand_written.py": "X = 1\n"},
    )

    problems = differences(expected, actual)

    assert problems[:2] == [
        "missing from sdk/: pkg/new_module.py",
        "not generated (stale or hand-added): pkg/hand_written.py",
    ]
    assert len(problems) == 3
    changed = problems[2].splitlines()
    assert changed[0] == "differs: pkg/core.py"
    assert changed[1:3] == ["--- sdk/pkg/core.py", "+++ generated"]
    assert changed[3].startswith("@@ ")
    assert "-    return 2" in changed  # what is committed
    assert "+    return 1" in changed  # what generation produces
    assert "-def run() -> int:" not in changed  # unchanged lines are context, not changes


def test_a_long_diff_is_cut_to_an_excerpt(tmp_path: Path) -> None:
    """A file that changed everywhere shows at most 30 diff lines, not the whole file."""
    expected = make_tree(tmp_path / "fresh", {"big.py": "".join(f"A{i} = {i}\n" for i in range(200))})
    actual = make_tree(tmp_path / "committed", {"big.py": "".join(f"A{i} = {-i}\n" for i in range(200))})
    (problem,) = differences(expected, actual)
    assert problem.startswith("differs: big.py\n")
    assert len(problem.splitlines()) == 1 + 30


def test_tool_caches_and_bytecode_are_ignored(tmp_path: Path) -> None:
    """__pycache__, .ruff_cache, .mypy_cache, .pytest_cache and stray .pyc files never count as differences."""
    expected = make_tree(tmp_path / "fresh", {**COMMON, ".mypy_cache/3.11/pkg.json": "{}"})
    actual = make_tree(
        tmp_path / "committed",
        {
            **COMMON,
            "pkg/__pycache__/core.cpython-311.pyc": "bytecode",
            "__pycache__/x.txt": "anything in a cache folder",
            ".ruff_cache/0.17.5/123": "cache",
            ".ruff_cache/CACHEDIR.TAG": "Signature",
            ".pytest_cache/v/cache/lastfailed": "{}",
            "pkg/orphan.pyc": "bytecode outside __pycache__",
        },
    )
    assert differences(expected, actual) == []


def test_binary_and_non_utf8_changes_do_not_crash(tmp_path: Path) -> None:
    """A changed file that is not valid UTF-8 is still reported as differing."""
    expected = make_tree(tmp_path / "fresh", {"data.bin": ""})
    actual = make_tree(tmp_path / "committed", {"data.bin": ""})
    (expected / "data.bin").write_bytes(b"\xff\xfe\x00one\n")
    (actual / "data.bin").write_bytes(b"\xff\xfe\x00two\n")
    (problem,) = differences(expected, actual)
    assert problem.startswith("differs: data.bin\n")

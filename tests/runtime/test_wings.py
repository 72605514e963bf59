"""The runtime's wing rules that import-linter cannot see: one environment reader, every default in one place."""

from __future__ import annotations

import ast
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[2] / "generator" / "runtime"
DEFAULTS = RUNTIME / "core" / "_defaults.py"
ENV = RUNTIME / "core" / "_env.py"
# Defaults that are objects of their own wing's class, built from `core/_defaults.py`'s values.
BUILT_DEFAULTS = {"DEFAULT_ENVELOPE", "DEFAULT_REDACTION", "DEFAULT_DOWNLOAD_RETRY"}


def modules() -> list[Path]:
    return sorted(RUNTIME.rglob("*.py"))


def test_only_core_env_reads_the_environment() -> None:
    """`os.environ` / `os.getenv` appear in core/_env.py only; everything else asks `environment()`."""
    readers = [
        path.relative_to(RUNTIME).as_posix()
        for path in modules()
        if path != ENV and any(word in path.read_text(encoding="utf-8") for word in ("os.environ", "getenv("))
    ]
    assert readers == []


def assigned_names(path: Path) -> list[str]:
    """The names a module assigns at its top level."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def test_every_default_is_defined_in_core_defaults() -> None:
    """A module-level `DEFAULT_*` outside core/_defaults.py is only imported (re-exported), never assigned."""
    assigned = [
        f"{path.relative_to(RUNTIME).as_posix()}: {name}"
        for path in modules()
        if path != DEFAULTS
        for name in assigned_names(path)
        if name.startswith("DEFAULT_") and name not in BUILT_DEFAULTS
    ]
    assert assigned == []

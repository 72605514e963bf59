"""`make check-generated`: regenerate every SDK into a scratch folder and fail on any difference with sdk/.

Generated code must be a pure function of openapi/, generator/templates/ and generator/runtime/: a hand
edit under sdk/, or a change to those inputs without `make generate`, shows up here as a diff.
"""

from __future__ import annotations

import difflib
import filecmp
import sys
import tempfile
from pathlib import Path

from generator.build import SDK_ROOT, BuildError, build
from generator.registry import RegistryError, load_registry

# Caches that tools leave beside the code (git ignores them too); never part of what we generate.
IGNORED_PARTS = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})


def _files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not IGNORED_PARTS.intersection(p.parts) and not p.name.endswith(".pyc")
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Human-readable differences between a fresh generation and the committed tree."""
    problems: list[str] = []
    fresh, committed = _files(expected), _files(actual)
    problems += [f"missing from sdk/: {name}" for name in sorted(fresh - committed)]
    problems += [f"not generated (stale or hand-added): {name}" for name in sorted(committed - fresh)]
    for name in sorted(fresh & committed):
        if not filecmp.cmp(expected / name, actual / name, shallow=False):
            diff = difflib.unified_diff(
                (actual / name).read_text(encoding="utf-8", errors="replace").splitlines(),
                (expected / name).read_text(encoding="utf-8", errors="replace").splitlines(),
                fromfile=f"sdk/{name}",
                tofile="generated",
                lineterm="",
                n=1,
            )
            problems.append(f"differs: {name}\n" + "\n".join(list(diff)[:30]))
    return problems


def main() -> int:
    try:
        registry = load_registry()
        with tempfile.TemporaryDirectory(prefix="check-generated-") as scratch:
            out = Path(scratch)
            build(list(registry.values()), out)
            problems = []
            for name in registry:
                problems += [f"{name}: {p}" for p in differences(out / name, SDK_ROOT / name)]
    except (RegistryError, BuildError) as exc:
        print(f"check-generated: {exc}", file=sys.stderr)
        return 2
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(
            f"check-generated: sdk/ is out of date ({len(problems)} difference(s)): run `make generate`",
            file=sys.stderr,
        )
        return 1
    print(f"check-generated: sdk/ matches a fresh generation ({', '.join(registry)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How much generated code each operation costs: `python -m generator.surface_size [NAME ...]`.

Lines of every Python file under `sdk/<name>/<package>/`, models (`models/` folders, the real-time models
too) and the copied runtime (`_runtime/`) excluded, divided by the number of operations (one module per
operation under `api/<tag>/`). Issue #16's goal is at most `GOAL_LINES_PER_OPERATION`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import attrs

from generator.registry import ROOT, load_registry, select

GOAL_LINES_PER_OPERATION = 200
_EXCLUDED_FOLDERS = frozenset({"models", "_runtime"})


@attrs.frozen(kw_only=True)
class SurfaceSize:
    name: str
    lines: int
    operations: int

    @property
    def per_operation(self) -> float:
        return self.lines / self.operations if self.operations else 0.0


def measure(name: str, package_dir: Path) -> SurfaceSize:
    """The surface lines and operation count of one generated package."""
    lines = 0
    for path in sorted(package_dir.rglob("*.py")):
        if _EXCLUDED_FOLDERS.isdisjoint(path.relative_to(package_dir).parts[:-1]):
            lines += len(path.read_text(encoding="utf-8").splitlines())
    operations = sum(1 for path in package_dir.glob("api/*/*.py") if path.name != "__init__.py")
    return SurfaceSize(name=name, lines=lines, operations=operations)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.surface_size", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="SDKs to measure (default: all in generator/sdks.toml)")
    args = parser.parse_args(argv)
    print(f"{'sdk':<14}{'operations':>11}{'lines':>9}{'per operation':>15}  (goal <= {GOAL_LINES_PER_OPERATION})")
    for entry in select(args.names, load_registry()):
        size = measure(entry.name, ROOT / "sdk" / entry.name / entry.package)
        print(f"{size.name:<14}{size.operations:>11}{size.lines:>9}{size.per_operation:>15.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

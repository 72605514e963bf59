"""How much generated code each operation costs: `python -m generator.surface_size [NAME ...]`.

Lines of every Python file under `sdk/<name>/<package>/`, divided by the number of operations (one module
per operation under `api/<tag>/`), excluded: the models (`models/` folders, the real-time models too, and
`bodies.py`, the models' TypedDict form), the copied runtime (`_runtime/`), and the API's hand-written
modules (sdks.toml `modules =`: copied, not generated). Issue #16's goal is at most `GOAL_LINES_PER_OPERATION`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import attrs

from generator.registry import ROOT, load_registry, select

GOAL_LINES_PER_OPERATION = 200
_EXCLUDED_FOLDERS = frozenset({"models", "_runtime"})
_EXCLUDED_FILES = frozenset({"bodies.py"})  # generator/body_types.py: each request-body model as a TypedDict


@attrs.frozen(kw_only=True)
class SurfaceSize:
    name: str
    lines: int
    operations: int

    @property
    def per_operation(self) -> float:
        return self.lines / self.operations if self.operations else 0.0


def measure(name: str, package_dir: Path, hand_written: Path | None = None) -> SurfaceSize:
    """The surface lines and operation count of one generated package (`hand_written`: its modules folder)."""
    skipped = _EXCLUDED_FILES | {path.name for path in hand_written.glob("*.py")} if hand_written else _EXCLUDED_FILES
    lines = 0
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).parts
        if _EXCLUDED_FOLDERS.isdisjoint(parts[:-1]) and not (len(parts) == 1 and parts[0] in skipped):
            lines += len(path.read_text(encoding="utf-8").splitlines())
    operations = sum(1 for path in package_dir.glob("api/*/*.py") if path.name != "__init__.py")
    return SurfaceSize(name=name, lines=lines, operations=operations)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.surface_size", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="SDKs to measure (default: all in generator/sdks.toml)")
    args = parser.parse_args(argv)
    print(f"{'sdk':<14}{'operations':>11}{'lines':>9}{'per operation':>15}  (goal <= {GOAL_LINES_PER_OPERATION})")
    for entry in select(args.names, load_registry()):
        size = measure(entry.name, ROOT / "sdk" / entry.name / entry.package, entry.modules)
        print(f"{size.name:<14}{size.operations:>11}{size.lines:>9}{size.per_operation:>15.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

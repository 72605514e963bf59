"""Type completeness of each generated SDK, as pyright measures it: `python -m generator.type_completeness [NAME ...]`.

Runs the pinned pyright (mock/package.json) with `--verifytypes <package> --ignoreexternal --outputjson` in
`sdk/<name>/` and fails (exit 1) unless the score is 100 % and no symbol, exported or only referenced by
an exported one, has an error: an unannotated attribute a type checker may infer differently, a partially
unknown parameter. `make lint` runs it for every SDK, so the figure of issue #16 cannot drift.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.registry import ROOT, RegistryError, SdkEntry, load_registry, select

PYRIGHT = ROOT / "mock" / "node_modules" / ".bin" / "pyright"


def problems(report: Mapping[str, Any]) -> list[str]:
    """What keeps a `--verifytypes --outputjson` report from 100 %: one line per symbol error, and the score
    when it is below 1 without one (an empty list: complete)."""
    completeness = report.get("typeCompleteness") or {}
    found = [
        f"{symbol.get('name')}: {diagnostic.get('message', '').splitlines()[0]}"
        for symbol in completeness.get("symbols") or []
        for diagnostic in symbol.get("diagnostics") or []
        if diagnostic.get("severity") == "error"
    ]
    score = float(completeness.get("completenessScore", 0.0))
    if score < 1.0 and not found:
        found.append(f"completeness score {score:.1%} (no symbol named; run pyright --verifytypes by hand)")
    return found


def score_of(report: Mapping[str, Any]) -> float:
    return float((report.get("typeCompleteness") or {}).get("completenessScore", 0.0))


def verify(entry: SdkEntry, pyright: Path = PYRIGHT) -> Mapping[str, Any]:
    """pyright's JSON report on one generated SDK (its folder on PYTHONPATH, this interpreter's packages)."""
    project = ROOT / "sdk" / entry.name
    result = subprocess.run(
        [
            str(pyright),
            "--verifytypes",
            entry.package,
            "--ignoreexternal",
            "--outputjson",
            "--pythonpath",
            sys.executable,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    try:
        report: Mapping[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"pyright --verifytypes {entry.package} gave no report: {result.stderr.strip()}") from None
    return report


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    if not PYRIGHT.exists():
        print("type completeness: pyright is missing; run `make install` (npm ci in mock/)", file=sys.stderr)
        return 2
    try:
        entries = select(names, load_registry())
    except RegistryError as exc:
        print(f"type completeness: {exc}", file=sys.stderr)
        return 2
    failed = False
    for entry in entries:
        report = verify(entry)
        found = problems(report)
        print(f"type completeness: {entry.package}: {score_of(report):.1%}, {len(found)} problem(s)")
        for line in found:
            print(f"  {line}")
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load an OpenAPI document and report what is wrong with it as `file#/json/pointer: [rule] message`.

`make lint-spec` runs this over every spec in openapi/: first a structural validation against the
OpenAPI 3.0/3.1 schema (openapi-spec-validator), then Spectral with our ruleset (openapi/.spectral.yaml).
Both kinds of finding print the same way, so a broken spec always names the file, the JSON pointer and
the rule, and the exit code is nonzero.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.documents import DocumentError, read_document
from generator.registry import ROOT

RULESET = ROOT / "openapi" / ".spectral.yaml"
ASYNCAPI_RULESET = ROOT / "openapi" / ".spectral-asyncapi.yaml"
SPECTRAL = ROOT / "mock" / "node_modules" / ".bin" / "spectral"


@attrs.frozen(kw_only=True)
class Finding:
    """One problem in one spec."""

    file: str
    pointer: str
    rule: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.file}#{self.pointer}: [{self.rule}] {self.message}{where}"


class SpecError(Exception):
    """The spec cannot be read or is not OpenAPI 3.0/3.1; the message names the file."""


def json_pointer(path: Iterable[object]) -> str:
    """RFC 6901 pointer for a path of keys and indexes (`~` and `/` escaped)."""
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts) if parts else ""


def load_spec(path: Path) -> dict[str, Any]:
    """The parsed document; SpecError if it is missing, not YAML/JSON, or not OpenAPI 3.x."""
    name = _display(path)
    if not path.is_file():
        raise SpecError(f"{name}: no such spec file")
    try:
        document = read_document(path)  # json for JSON, libyaml's C loader for YAML when present
    except DocumentError as exc:
        raise SpecError(f"{name}: {exc}") from None
    if not isinstance(document, dict):
        raise SpecError(f"{name}: expected a mapping at the top level, got {type(document).__name__}")
    version = str(document.get("openapi", ""))
    if not (version.startswith("3.0") or version.startswith("3.1")):
        raise SpecError(f"{name}#/openapi: [openapi-version] expected OpenAPI 3.0.x or 3.1.x, got {version!r}")
    return document


def structural_findings(path: Path, document: dict[str, Any]) -> Iterator[Finding]:
    """Violations of the OpenAPI schema itself (wrong types, unknown fields, broken $refs)."""
    validator_class = OpenAPIV31SpecValidator if str(document["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
    validator = validator_class(document, base_uri=path.resolve().as_uri())
    for error in validator.iter_errors():
        yield Finding(
            file=_display(path),
            pointer=json_pointer(getattr(error, "absolute_path", ()) or ()),
            rule=f"openapi-schema/{getattr(error, 'validator', 'invalid')}",
            message=str(getattr(error, "message", error)).splitlines()[0][:300],
        )


def asyncapi_findings(path: Path) -> Iterator[Finding]:
    """What keeps an AsyncAPI document from driving the generator and the WebSocket mock."""
    from generator.asyncapi import AsyncAPIError, load_asyncapi, realtime_context

    try:
        realtime_context(load_asyncapi(path))
    except AsyncAPIError as exc:
        where, _, message = str(exc).partition(": ")
        pointer = where.partition("#")[2] if "#" in where else ""
        yield Finding(file=_display(path), pointer=pointer, rule="sdk-asyncapi", message=message or str(exc))


def spectral_findings(paths: Sequence[Path], ruleset: Path = RULESET) -> list[Finding]:
    """What Spectral reports with our ruleset, at warning level and above."""
    if not SPECTRAL.exists():
        raise SpecError("Spectral is not installed: run `make install` (it runs `npm ci` in mock/)")
    if shutil.which("node") is None:
        raise SpecError("node is not on PATH: install Node.js 18 or newer, then run `make install`")
    command = [
        str(SPECTRAL),
        "lint",
        "--ruleset",
        str(ruleset),
        "--format",
        "json",
        "--quiet",
        *[str(p) for p in paths],
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    output = result.stdout.strip()
    if not output.startswith("["):
        detail = (result.stderr or output).strip().splitlines()
        raise SpecError(f"Spectral failed: {detail[-1] if detail else 'no output'}")
    findings = []
    for item in json.loads(output):
        if item.get("severity", 0) > 1:  # 0 error, 1 warning; hints and info are advice only
            continue
        findings.append(
            Finding(
                file=_display(Path(item.get("source", "?"))),
                pointer=json_pointer(item.get("path", [])),
                rule=str(item.get("code", "spectral")),
                message=str(item.get("message", "")),
                line=item.get("range", {}).get("start", {}).get("line", -1) + 1 or None,
            )
        )
    return findings


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Lint the given specs (default: every *.yaml in openapi/ that is an OpenAPI document)."""
    args = list(sys.argv[1:] if argv is None else argv)
    chosen = [Path(a) for a in args] or sorted(
        p for p in (ROOT / "openapi").glob("*.yaml") if not p.name.startswith(".")
    )
    asyncapi = [p for p in chosen if p.name.endswith(".asyncapi.yaml")]
    paths = [p for p in chosen if p not in asyncapi]
    findings: list[Finding] = []
    try:
        for path in paths:
            findings.extend(structural_findings(path, load_spec(path)))
        if paths:
            findings.extend(spectral_findings(paths))
        for path in asyncapi:
            findings.extend(asyncapi_findings(path))
        if asyncapi:
            findings.extend(spectral_findings(asyncapi, ASYNCAPI_RULESET))
    except SpecError as exc:
        print(f"lint-spec: {exc}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(f"lint-spec: {len(findings)} problem(s) in {len(chosen)} document(s)", file=sys.stderr)
        return 1
    print(f"lint-spec: {len(chosen)} document(s) clean: " + ", ".join(_display(p) for p in chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

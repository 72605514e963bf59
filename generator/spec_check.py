"""Lint specs and report every problem as `file#/json/pointer: [rule] message (line N)`: `make lint-spec`.

    python -m generator.spec_check [SPEC ...]     # default: every document in openapi/

Two layers, each owning its problems so no problem is reported twice:
- our checks in Python (`document_findings`), which `make generate` also runs before it writes anything:
  the file reads as YAML, is a mapping, is OpenAPI 3.0/3.1, every `$ref` resolves without a loop, and every
  operation has an operationId used by no other operation;
- Spectral with openapi/.spectral.yaml: the OpenAPI schema itself (`oas3-schema`), our conventions, and
  Spectral's recommended rules. The rules our Python checks own are switched off there, and its
  `invalid-ref` is dropped here.
Exit codes: 0 clean, 1 findings, 2 the lint could not run (Spectral or node missing).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from generator.registry import ROOT
from generator.spec_findings import Finding, SpecError, json_pointer
from generator.spec_ref_check import ref_findings
from generator.spec_source import SpecSource, display_name, read_openapi
from generator.spec_walk import operations

__all__ = [
    "Finding",
    "LintSetupError",
    "SpecError",
    "document_findings",
    "json_pointer",
    "lint",
    "load_spec",
    "main",
    "structural_findings",
]

RULESET = ROOT / "openapi" / ".spectral.yaml"
# The finding of an operation without an operationId (our specs must name every operation).
MISSING_OPERATION_ID = "operation-operationId"
ASYNCAPI_RULESET = ROOT / "openapi" / ".spectral-asyncapi.yaml"
SPECTRAL = ROOT / "mock" / "node_modules" / ".bin" / "spectral"
# Spectral codes for problems our Python checks report (with our line numbers and one finding per loop).
PYTHON_OWNED_CODES = frozenset({"invalid-ref"})
# oas3-schema saying a node has the wrong type ("info" property must be object): other rules' findings at
# that node or below it are the same problem seen from elsewhere (`info: 5` has no contact either).
_WRONG_TYPE = re.compile(r"(property|type) must be (object|array|string|number|integer|boolean)\b")


class LintSetupError(Exception):
    """The lint cannot run at all (a tool is missing); the message says what to install."""


def load_spec(path: Path) -> dict[str, Any]:
    """The parsed OpenAPI document; SpecError (with its findings) if it cannot be used to generate from."""
    source = read_openapi(path)
    findings = document_findings(source)
    if findings:
        raise SpecError(findings)
    data: dict[str, Any] = source.data
    return data


def document_findings(source: SpecSource, *, require_operation_ids: bool = True) -> list[Finding]:
    """Our own checks of a readable OpenAPI document: `$ref`s and operationIds.

    `require_operation_ids=False` accepts operations without an operationId (the build names them itself,
    generator/normalize.py); duplicate operationIds are refused either way.
    """
    return [*ref_findings(source), *operation_id_findings(source, require_operation_ids=require_operation_ids)]


def operation_id_findings(source: SpecSource, *, require_operation_ids: bool = True) -> Iterator[Finding]:
    """Every operation names itself (the SDK's module and default method name) and no two share a name.

    A finding is only made when reported: making one reads the node lines, which for a JSON spec means
    composing the whole document as YAML (1-2 s on a 500 KB spec whose 120 operations have no operationId).
    """
    first_use: dict[str, str] = {}
    for found in operations(source.data):
        operation, pointer, label = found.operation, json_pointer(["paths", found.path, found.method]), found.key
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id.strip():
            if not require_operation_ids:
                continue
            message = 'Operation must have a non-empty "operationId" (the SDK names its module and method from it).'
            yield source.finding(pointer, MISSING_OPERATION_ID, message)
        elif operation_id in first_use:
            message = f'operationId "{operation_id}" is already used by {first_use[operation_id]}: each must be unique.'
            yield source.finding(f"{pointer}/operationId", "operation-operationId-unique", message)
        else:
            first_use[operation_id] = label


def structural_findings(path: Path, document: dict[str, Any]) -> Iterator[Finding]:
    """Violations of the OpenAPI schema itself, without node: what the mock checks before serving a save.

    Not part of `lint` (Spectral's oas3-schema reports the same problems there, with the full pointer:
    for OpenAPI 3.1 this validator's pointer is relative to the Schema Object it checks).
    """
    # imported here: it costs the build (which never calls this) about a third of a second at start-up
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_class = OpenAPIV31SpecValidator if str(document["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
    validator = validator_class(document, base_uri=path.resolve().as_uri())
    for error in validator.iter_errors():
        yield Finding(
            file=display_name(path),
            pointer=json_pointer(getattr(error, "absolute_path", ()) or ()),
            rule=f"openapi-schema/{getattr(error, 'validator', 'invalid')}",
            message=str(getattr(error, "message", error)).splitlines()[0][:300],
        )


def openapi_findings(path: Path) -> tuple[list[Finding], bool]:
    """Our checks for one OpenAPI document, and whether it was readable enough for Spectral."""
    try:
        source = read_openapi(path)
    except SpecError as exc:
        return list(exc.findings), False
    return document_findings(source), True


def asyncapi_findings(path: Path) -> Iterator[Finding]:
    """What keeps an AsyncAPI document from driving the generator and the WebSocket mock."""
    from generator.asyncapi import AsyncAPIError, load_asyncapi, realtime_context

    try:
        realtime_context(load_asyncapi(path))
    except AsyncAPIError as exc:
        where, _, message = str(exc).partition(": ")
        pointer = where.partition("#")[2] if "#" in where else ""
        yield Finding(file=display_name(path), pointer=pointer, rule="sdk-asyncapi", message=message or str(exc))


def spectral_findings(paths: Sequence[Path], ruleset: Path = RULESET) -> list[Finding]:
    """What Spectral reports with our ruleset, at warning level and above, minus what Python owns."""
    if not SPECTRAL.exists():
        raise LintSetupError("Spectral is not installed: run `make install` (it runs `npm ci` in mock/)")
    if shutil.which("node") is None:
        raise LintSetupError("node is not on PATH: install Node.js 18 or newer, then run `make install`")
    command = [str(SPECTRAL), "lint", "--ruleset", str(ruleset), "--format", "json", "--quiet", *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    output = result.stdout.strip()
    if not output.startswith("["):
        detail = (result.stderr or output).strip().splitlines()
        raise LintSetupError(f"Spectral failed: {detail[-1] if detail else 'no output'}")
    findings = []
    for item in json.loads(output):
        if item.get("severity", 0) > 1 or item.get("code") in PYTHON_OWNED_CODES:  # hints and info are advice
            continue
        findings.append(
            Finding(
                file=display_name(Path(item.get("source", "?"))),
                pointer=json_pointer(item.get("path", [])),
                rule=str(item.get("code", "spectral")),
                message=str(item.get("message", "")),
                line=item.get("range", {}).get("start", {}).get("line", -1) + 1 or None,
            )
        )
    return findings


def lint(chosen: Sequence[Path]) -> list[Finding]:
    """Every finding for these documents (OpenAPI and `*.asyncapi.yaml`); LintSetupError if a tool is missing."""
    asyncapi = [p for p in chosen if p.name.endswith(".asyncapi.yaml")]
    findings: list[Finding] = []
    readable: list[Path] = []
    for path in (p for p in chosen if p not in asyncapi):
        found, spectral_can_read = openapi_findings(path)
        findings += found
        readable += [path] if spectral_can_read else []
    if readable:
        findings += spectral_findings(readable)
    for path in asyncapi:
        findings += asyncapi_findings(path)
    if asyncapi:
        findings += spectral_findings(asyncapi, ASYNCAPI_RULESET)
    return without_consequences(findings)


def without_consequences(findings: Sequence[Finding]) -> list[Finding]:
    """The findings minus those inside a node the OpenAPI schema already reports as the wrong type."""
    wrong = {(f.file, f.pointer) for f in findings if f.rule == "oas3-schema" and _WRONG_TYPE.search(f.message)}

    def consequence(finding: Finding) -> bool:
        if finding.rule == "oas3-schema" and (finding.file, finding.pointer) in wrong:
            return False
        return any(
            finding.file == file and (finding.pointer == pointer or finding.pointer.startswith(pointer + "/"))
            for file, pointer in wrong
        )

    return [finding for finding in findings if not consequence(finding)]


def default_documents() -> list[Path]:
    return sorted(p for p in (ROOT / "openapi").glob("*.yaml") if not p.name.startswith("."))


def main(argv: Sequence[str] | None = None) -> int:
    """Lint the given specs (default: every *.yaml in openapi/); print findings; exit 0, 1 or 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    chosen = [Path(a) for a in args] or default_documents()
    try:
        findings = lint(chosen)
    except LintSetupError as exc:
        print(f"lint-spec: {exc}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(f"lint-spec: {len(findings)} problem(s) in {len(chosen)} document(s)", file=sys.stderr)
        return 1
    print(f"lint-spec: {len(chosen)} document(s) clean: " + ", ".join(display_name(p) for p in chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

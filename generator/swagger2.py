"""Swagger 2.0 documents become OpenAPI 3.0 through swagger2openapi (npm, pinned in mock/package.json).

swagger2openapi is the converter most tools use (Redocly, APIs-guru's openapi-directory); rewriting it in
Python would be a worse copy. It runs once per build as a Node subprocess (`mock/swagger2openapi.cjs`) on the
document Python has already parsed. What it repairs (an invalid Swagger 2.0 construct it knows how to fix)
is counted in a note; what it can only convert with a loss (`collectionFormat: ssv` outside the query, a
`$ref` it cannot resolve, ...) is an error naming the pointer in the converted document; anything it
refuses outright is one line naming the file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import attrs

from generator.registry import ROOT
from generator.spec_findings import Finding, SpecError, json_pointer
from generator.spec_walk import walk

SCRIPT = ROOT / "mock" / "swagger2openapi.cjs"
PACKAGE = ROOT / "mock" / "node_modules" / "swagger2openapi" / "package.json"
RULE = "swagger2openapi"
# The key swagger2openapi's warnOnly mode writes into each container it converted with a loss.
_WARNING = "x-s2o-warning"


@attrs.frozen(kw_only=True)
class Converted:
    """The OpenAPI 3.0 document and what the conversion said about it."""

    document: dict[str, Any]
    notes: tuple[Finding, ...]


def converter_version() -> str:
    """swagger2openapi's installed version; SpecError when `make install` has not put it in mock/node_modules."""
    try:
        return str(json.loads(PACKAGE.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        raise SpecError([_line("", "swagger2openapi is not installed: run `make install`")]) from None


def convert(document: dict[str, Any], *, file: str) -> Converted:
    """`document` (Swagger 2.0) as OpenAPI 3.0; SpecError naming each loss, or the converter's one-line refusal."""
    version = converter_version()
    node = shutil.which("node")
    if node is None:
        raise SpecError([_line(file, "converting Swagger 2.0 needs Node.js (node not found on PATH)")])
    result = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        raise SpecError([_line(file, f"swagger2openapi {version} cannot convert this Swagger 2.0 document: {said[0]}")])
    output = json.loads(result.stdout)
    converted: dict[str, Any] = output["openapi"]
    losses = [
        Finding(
            file=file,
            pointer=json_pointer(path),
            rule=RULE,
            message=f"lost in the conversion (pointer into the OpenAPI 3.0 result): {node[_WARNING]}",
        )
        for path, node in walk(converted)
        if isinstance(node, dict) and isinstance(node.get(_WARNING), str)
    ]
    if losses:
        raise SpecError(losses)
    patches = int(output.get("patches") or 0)
    repaired = f"; it repaired {patches} invalid Swagger 2.0 construct(s) on the way" if patches else ""
    message = f"Swagger 2.0 converted to OpenAPI {converted.get('openapi')} by swagger2openapi {version}{repaired}"
    return Converted(document=converted, notes=(Finding(file=file, pointer="/swagger", rule=RULE, message=message),))


def _line(file: str, message: str) -> Finding:
    return Finding(file=file, pointer="/swagger", rule=RULE, message=message)

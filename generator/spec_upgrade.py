"""The spec as the generator reads it: OpenAPI 3.0/3.1 as written, Swagger 2.0 converted, OpenAPI 3.2 lowered.

Only generation takes the older and newer versions (a spec written elsewhere, like those of tests/corpus);
`make lint-spec` still asks our own specs in openapi/ for 3.0 or 3.1. The notes say what the conversion or
lowering did; they join the normalisation notes in the build output and the generated README.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from generator.oas32 import is_3_2, lower
from generator.spec_findings import Finding, SpecError
from generator.spec_source import SpecSource, openapi_source, read_yaml
from generator.swagger2 import convert


@attrs.frozen(kw_only=True)
class UpgradedSpec:
    """An OpenAPI 3.0/3.1 source and how it was reached (no notes for a document already in 3.0 or 3.1)."""

    source: SpecSource
    notes: tuple[Finding, ...] = ()


def read_for_generation(path: Path) -> UpgradedSpec:
    """Read `path` into an OpenAPI 3.0/3.1 document; SpecError when that is not possible, naming why."""
    source = read_yaml(path)
    data = source.data
    if isinstance(data, dict) and str(data.get("swagger", "")) == "2.0":
        converted = convert(data, file=source.name)
        # the node lines of the Swagger document do not fit the converted document's pointers
        return UpgradedSpec(source=SpecSource(path=path, data=converted.document, lines={}), notes=converted.notes)
    if isinstance(data, dict) and is_3_2(data):
        lowered = lower(data, file=source.name)
        if lowered.errors:
            raise SpecError(lowered.errors)
        return UpgradedSpec(source=attrs.evolve(source, data=lowered.document), notes=lowered.notes)
    return UpgradedSpec(source=openapi_source(source))

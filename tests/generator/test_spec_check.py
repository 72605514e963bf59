"""generator/spec_check.py: unreadable specs name their file; findings print as `file#/pointer: [rule] message`.

`main` runs Spectral through node (mock/node_modules), as `make lint-spec` does.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.registry import ROOT
from generator.spec_check import SpecError, json_pointer, load_spec, main, structural_findings

BROKEN = """
openapi: 3.1.0
info:
  title: Broken
  version: 1.0.0
paths:
  /things:
    get:
      tags: [things]
      responses:
        "200":
          description: The things.
          content:
            application/json:
              schema:
                type: integr
"""

TYPE_POINTER = "/paths/~1things/get/responses/200/content/application~1json/schema/type"
FINDING_LINE = re.compile(r"^(?P<file>[^#]+)#(?P<pointer>(/[^:/]*)*): \[(?P<rule>[\w/-]+)\] (?P<message>.+)$")


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path.resolve() / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def resolve(document: Any, pointer: str) -> Any:
    """The node an RFC 6901 pointer names; KeyError/IndexError when there is none."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# --- load_spec ---------------------------------------------------------------------------------------


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    """A spec path that does not exist is a SpecError naming it."""
    with pytest.raises(SpecError, match=r"gone\.yaml: no such spec file"):
        load_spec(tmp_path / "gone.yaml")


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    """A file YAML cannot parse is a SpecError with the file and the 1-based line of the problem."""
    path = write(tmp_path, "openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n", name="bad.yaml")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid YAML at line 4: ")


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "list"), ("just text\n", "str"), ("", "NoneType")])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    """A document whose top level is not a mapping (a list, a scalar, nothing) is a SpecError naming the file."""
    path = write(tmp_path, text, name="odd.yaml")
    with pytest.raises(SpecError, match=rf"^{re.escape(str(path))}: expected a mapping at the top level, got {kind}$"):
        load_spec(path)


def test_swagger_2_is_not_openapi_3(tmp_path: Path) -> None:
    """A Swagger 2.0 document is a SpecError naming the file and the supported OpenAPI versions."""
    path = write(tmp_path, "swagger: '2.0'\ninfo: {title: Old, version: '1'}\npaths: {}\n", name="swagger.yaml")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert message.startswith(f"{path}#/openapi: [openapi-version] ")
    assert "OpenAPI 3.0.x or 3.1.x" in message


def test_json_and_yaml_specs_load(tmp_path: Path) -> None:
    """A JSON spec loads like a YAML one (JSON is YAML), 3.0 as well as 3.1."""
    path = write(tmp_path, '{"openapi": "3.0.3", "info": {"title": "J", "version": "1"}, "paths": {}}', "j.json")
    assert load_spec(path)["info"]["title"] == "J"


# --- json_pointer ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pointer"),
    [
        ([], ""),  # the whole document
        (["foo"], "/foo"),
        (["foo", 0], "/foo/0"),
        ([""], "/"),
        (["a/b"], "/a~1b"),
        (["c%d"], "/c%d"),
        (["e^f"], "/e^f"),
        (["g|h"], "/g|h"),
        (["i\\j"], "/i\\j"),
        (['k"l'], '/k"l'),
        ([" "], "/ "),
        (["m~n"], "/m~0n"),
        (["~1"], "/~01"),  # `~` is escaped first, so a literal "~1" does not turn into "/"
        (["paths", "/rvms/{id}", "get"], "/paths/~1rvms~1{id}/get"),
    ],
)
def test_json_pointer_escapes_per_rfc_6901(path: list[object], pointer: str) -> None:
    """Each key becomes one reference token with `~` as `~0` and `/` as `~1` (RFC 6901 section 5 table)."""
    assert json_pointer(path) == pointer


# --- main ------------------------------------------------------------------------------------------


def test_broken_spec_prints_file_pointer_rule_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad schema type and a missing operationId exit 1 with `file#/paths/~1things/get...: [rule]` lines."""
    path = write(tmp_path, BROKEN, name="broken.yaml")

    assert main([str(path)]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert re.fullmatch(r"lint-spec: \d+ problem\(s\) in 1 document\(s\)", lines[-1])
    findings = [FINDING_LINE.match(line) for line in lines[:-1]]
    assert all(findings), [line for line, match in zip(lines, findings, strict=False) if not match]
    assert {match["file"] for match in findings if match} == {str(path)}
    by_pointer = {(match["pointer"], match["rule"]) for match in findings if match}
    assert ("/paths/~1things/get", "operation-operationId") in by_pointer
    assert any(pointer == TYPE_POINTER for pointer, _ in by_pointer), sorted(by_pointer)
    assert any(rule.startswith("openapi-schema/") for _, rule in by_pointer)  # the structural validator ran


def test_missing_spec_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spec that cannot be read stops the lint with exit 2 and one message naming the file."""
    assert main([str(tmp_path / "gone.yaml")]) == 2
    assert capsys.readouterr().err == f"lint-spec: {tmp_path / 'gone.yaml'}: no such spec file\n"


def test_repository_spec_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """openapi/myrvm.yaml passes both the structural validation and our Spectral ruleset."""
    assert main([str(ROOT / "openapi" / "myrvm.yaml")]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == "lint-spec: 1 document(s) clean: openapi/myrvm.yaml\n"


# --- Known spec_check bug (reported; the xfail turns into a failure once it is fixed) ---------------------


@pytest.mark.xfail(
    strict=True,
    reason="bug: for OpenAPI 3.1 the validator checks each Schema Object on its own, so its error's "
    "absolute_path is relative to that schema: `type: integr` is reported at #/type",
)
def test_structural_findings_point_into_the_document(tmp_path: Path) -> None:
    """Every structural finding's pointer resolves in the document; the bad type is at its full path."""
    path = write(tmp_path, BROKEN, name="broken.yaml")
    document = load_spec(path)
    findings = list(structural_findings(path, document))
    assert findings
    for finding in findings:
        resolve(document, finding.pointer)  # raises KeyError for a pointer that is not in the document
    assert TYPE_POINTER in {finding.pointer for finding in findings}

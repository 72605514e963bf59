"""generator/build.py refuses a spec with problems: findings `file#/pointer: [rule] message (line N)`, no SDK.

A broken `$ref`, a duplicate operationId, and anything openapi-python-client would drop (an
endpoint, a response, a model) are findings; the build writes nothing, and `make generate` (main) exits 1
with the findings `make lint-spec` prints, leaving the existing `sdk/<name>` as it was. A missing
operationId is refused by that lint only: build_into names the operation itself (specs written elsewhere).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator import build as build_module
from generator.build import SpecRejected, build, build_into, lint_entries, main
from generator.registry import SdkEntry, load_registry

VALID_OPERATION = """
openapi: 3.1.0
info: {title: Things, version: 1.0.0}
paths:
  /things/{thing_id}:
    get:
      operationId: getThing
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The thing.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"""

THING_POINTER = "/paths/~1things~1{thing_id}/get"


def entry_for(spec: Path) -> SdkEntry:
    return SdkEntry.named("things", spec, mock_port=4097)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def rejected(tmp_path: Path, text: str) -> list[tuple[str, str, int | None]]:
    """(pointer, rule, line) of each finding build_into raises; asserts nothing was written."""
    with pytest.raises(SpecRejected) as caught:
        build_into(entry_for(write(tmp_path, text)), tmp_path / "out")
    assert not (tmp_path / "out").exists(), "a refused build left files behind"
    assert all(finding.file.endswith("spec.yaml") for finding in caught.value.findings)
    return [(finding.pointer, finding.rule, finding.line) for finding in caught.value.findings]


def test_broken_ref_is_refused_at_the_ref(tmp_path: Path) -> None:
    """A `$ref` to a schema that does not exist is refused at the `$ref`, with its line (today: a dropped response)."""
    spec = VALID_OPERATION.replace('"#/components/schemas/Thing"', '"#/components/schemas/Missing"')
    assert rejected(tmp_path, spec) == [
        (f"{THING_POINTER}/responses/200/content/application~1json/schema/$ref", "invalid-ref", 15)
    ]


def test_missing_operation_id_is_refused_by_make_generate_not_by_build_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Our own specs must name every operation: `make generate` refuses a missing operationId at the operation.

    build_into itself names such an operation (generator/normalize.py), so specs written elsewhere generate.
    """
    spec = write(tmp_path, VALID_OPERATION.replace("      operationId: getThing\n", ""))
    monkeypatch.setattr(build_module, "load_registry", lambda: {"things": entry_for(spec)})
    assert main(["things", "--out", str(tmp_path / "sdk")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"{spec}#{THING_POINTER}: [operation-operationId]") for line in err), err
    assert not (tmp_path / "sdk").exists() or list((tmp_path / "sdk").iterdir()) == []

    build_into(entry_for(spec), tmp_path / "out")
    assert (tmp_path / "out" / "things_sdk" / "api" / "things" / "get_things_thing_id.py").is_file()


def test_duplicate_operation_id_is_refused_at_the_second_use(tmp_path: Path) -> None:
    """Two operations with one operationId are refused at the second (today: an SDK calling the wrong path)."""
    spec = VALID_OPERATION.replace(
        "components:",
        """  /things/{thing_id}/renew:
    post:
      operationId: getThing
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Renewed.}
components:""",
    )
    assert rejected(tmp_path, spec) == [
        ("/paths/~1things~1{thing_id}~1renew/post/operationId", "operation-operationId-unique", 18)
    ]


# A schema whose default does not fit its type: openapi-python-client drops it (the normalisation leaves it,
# as it changes no value the spec states; enums of mixed types, once dropped too, are now rewritten).
WRONG_DEFAULT = "      type: integer\n      default: abc\n"
THING_BODY = "      type: object\n      properties:\n        name: {type: string}\n"


def test_response_the_generator_drops_is_refused_at_its_status_code(tmp_path: Path) -> None:
    """A response openapi-python-client cannot parse (its schema was dropped) is a finding at that response."""
    findings = rejected(tmp_path, VALID_OPERATION.replace(THING_BODY, WRONG_DEFAULT))
    assert [(pointer, rule) for pointer, rule, _ in findings] == [
        (f"{THING_POINTER}/responses/200", "openapi-python-client"),
        ("/components/schemas/Thing", "openapi-python-client"),
    ]


def test_model_the_generator_drops_is_refused_at_the_schema_an_operation_uses(tmp_path: Path) -> None:
    """A component schema openapi-python-client cannot turn into a model is a finding at that schema when an
    operation reaches it, here through another component."""
    spec = VALID_OPERATION.replace(THING_BODY, THING_BODY + "        other: {$ref: '#/components/schemas/Other'}\n")
    findings = rejected(tmp_path, f"{spec}    Other:\n{WRONG_DEFAULT}")
    assert ("/components/schemas/Other", "openapi-python-client") in [(pointer, rule) for pointer, rule, _ in findings]


def test_model_the_generator_drops_that_no_operation_uses_is_left_out_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Referenced by nothing, it costs the SDK no call: left out, printed at its schema and line (1488a29)."""
    build_into(entry_for(write(tmp_path, f"{VALID_OPERATION}    Other:\n{WRONG_DEFAULT}")), tmp_path / "out")
    assert "left out, no operation uses it: " in (said := capsys.readouterr().out)
    assert "spec.yaml#/components/schemas/Other: [openapi-python-client]" in said and "(line 22)" in said


def test_endpoint_the_generator_drops_is_refused_at_the_operation(tmp_path: Path) -> None:
    """An operation openapi-python-client skips (an optional path parameter) is a finding at the operation."""
    spec = VALID_OPERATION.replace("in: path, required: true", "in: path, required: false")
    findings = rejected(tmp_path, spec)
    assert [(pointer, rule) for pointer, rule, _ in findings] == [(THING_POINTER, "openapi-python-client")]


def test_refused_build_leaves_the_previous_sdk_as_it_was(tmp_path: Path) -> None:
    """build() with a refused spec keeps out/<name> byte for byte and leaves no scratch folder."""
    out_root = tmp_path / "sdk"
    previous = out_root / "things" / "things_sdk" / "__init__.py"
    previous.parent.mkdir(parents=True)
    previous.write_text("PREVIOUS = True\n", encoding="utf-8")
    spec = write(tmp_path, VALID_OPERATION.replace("in: path, required: true", "in: path, required: false"))

    with pytest.raises(SpecRejected):
        build([entry_for(spec)], out_root)

    assert previous.read_text(encoding="utf-8") == "PREVIOUS = True\n"
    assert sorted(p.name for p in out_root.iterdir()) == ["things"]
    assert [p.relative_to(out_root).as_posix() for p in out_root.rglob("*") if p.is_file()] == [
        "things/things_sdk/__init__.py"
    ]


def test_make_generate_refuses_what_lint_spec_rejects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main exits 1 on a spec the lint rejects (no info.contact), prints the findings, and writes nothing."""
    spec = write(tmp_path, VALID_OPERATION)
    monkeypatch.setattr(build_module, "load_registry", lambda: {"things": entry_for(spec)})
    out_root = tmp_path / "sdk"

    assert main(["things", "--out", str(out_root)]) == 1

    err = capsys.readouterr().err
    assert f"{spec}#/info: [info-contact-present] info.contact is missing. (line 2)" in err.splitlines()
    assert "generate: refused" in err
    assert "Traceback" not in err
    assert not out_root.exists() or list(out_root.iterdir()) == []


def test_unreadable_spec_is_refused_with_a_finding(tmp_path: Path) -> None:
    """A spec that is not YAML is refused as a finding naming the file and line, not a traceback."""
    assert rejected(tmp_path, "openapi: 3.1.0\ninfo: [unclosed\n") == [("", "yaml-syntax", 3)]


def test_every_registered_spec_passes_the_lint_make_generate_runs() -> None:
    """`make generate` lints every spec in generator/sdks.toml and finds nothing (the bench fixture's spec is
    linted by the build tests/bench/test_fixture_sdk.py runs)."""
    assert [str(finding) for finding in lint_entries(list(load_registry().values()))] == []

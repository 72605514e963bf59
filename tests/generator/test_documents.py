"""Specs are parsed with `json` when they are JSON and with libyaml's C loader when they are YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator import spec_source
from generator.spec_check import SpecError, load_spec

SPEC = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def test_json_spec_indented_with_tabs_loads_through_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON spec never reaches the YAML parser (which also rejects tab indentation, valid in JSON)."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC, indent="\t"), encoding="utf-8")

    def no_yaml(*args: object, **kwargs: object) -> None:
        raise AssertionError("a JSON document went to the YAML parser")

    monkeypatch.setattr(yaml, "load", no_yaml)
    monkeypatch.setattr(yaml, "safe_load", no_yaml)
    monkeypatch.setattr(spec_source, "SAFE_LOADER", no_yaml)
    assert load_spec(path) == SPEC


def test_yaml_uses_the_c_loader_when_pyyaml_has_libyaml() -> None:
    """With libyaml present the C loader parses YAML (about 2.5x faster on large specs)."""
    if not yaml.__with_libyaml__:
        pytest.fail("PyYAML without libyaml: install a wheel built with it")
    assert issubclass(spec_source.SAFE_LOADER, yaml.CSafeLoader)  # with YAML 1.2's plain scalars on top


def test_a_yaml_flow_mapping_is_still_yaml_and_broken_json_names_its_line(tmp_path: Path) -> None:
    """`{a: 1}` starts like JSON but is YAML; a .json file that is not JSON is an error naming the line."""
    flow = tmp_path / "flow.yaml"
    flow.write_text("{openapi: 3.1.0, info: {title: t, version: '1'}, paths: {}}", encoding="utf-8")
    assert load_spec(flow) == SPEC
    path = tmp_path / "spec.json"
    path.write_text('{\n  "openapi": "3.1.0",\n  oops\n}', encoding="utf-8")
    with pytest.raises(SpecError, match=r"spec\.json#: \[json-syntax\] not valid JSON: .* \(line 3\)"):
        load_spec(path)


def test_a_finding_in_a_json_spec_still_names_its_line(tmp_path: Path) -> None:
    """JSON is read with `json`, yet a finding points at the line of its node (composed only when needed)."""
    spec = {**SPEC, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    assert [(f.pointer, f.rule, f.line) for f in raised.value.findings] == [
        ("/paths/~1a/get", "operation-operationId", 9)
    ]

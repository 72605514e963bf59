"""opc_adapter: the one place that drives openapi-python-client, through its public API only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openapi_python_client import Project
from openapi_python_client.config import ConfigFile
from openapi_python_client.parser.errors import GeneratorError

import generator.asyncapi
import generator.build
from generator.build import TEMPLATES
from generator.opc_adapter import make_config, project_for

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Tiny", "version": "1"},
    "paths": {},
    "components": {"schemas": {"Tick": {"type": "object", "properties": {"n": {"type": "integer"}}}}},
}


def test_a_document_in_memory_becomes_a_project_with_our_templates(tmp_path: Path) -> None:
    """The dict itself is parsed (no file is read): its model is there, and our templates are found first."""
    config = make_config(ConfigFile(post_hooks=[]), output_path=tmp_path / "pkg", document_source=Path("unread.yaml"))
    project = project_for(DOCUMENT, config=config, templates=TEMPLATES)
    assert isinstance(project, Project)
    assert [str(model.class_info.name) for model in project.openapi.models] == ["Tick"]
    assert "Unset" in project.env.get_template("types.py.jinja").render()


def test_a_document_it_cannot_read_is_a_generator_error(tmp_path: Path) -> None:
    """A document openapi-python-client refuses comes back as its GeneratorError, not an exception."""
    config = make_config(ConfigFile(post_hooks=[]), output_path=tmp_path / "pkg", document_source=Path("x.yaml"))
    assert isinstance(project_for({"openapi": "3.0.3"}, config=config, templates=TEMPLATES), GeneratorError)


def test_no_module_calls_the_private_entry_point() -> None:
    """build.py and asyncapi.py go through the adapter, not openapi-python-client's private function."""
    for module in (generator.build, generator.asyncapi):
        assert "_get_project_for_url_or_path" not in Path(str(module.__file__)).read_text(encoding="utf-8")

"""The one place that drives openapi-python-client: a `Project` for a document already in memory.

Through its public API only (`Config.from_sources`, `GeneratorData.from_dict`, `Project`), so the SDK build
(build.py) and the real-time event models (asyncapi.py) no longer call its private
`_get_project_for_url_or_path`, and a new openapi-python-client version is checked in one module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError

from generator.property_names import distinct_property_names

__all__ = ["make_config", "project_for"]


def make_config(config_file: ConfigFile, *, output_path: Path, document_source: Path) -> Config:
    """openapi-python-client's settings for one package: no meta files, UTF-8, replacing what is there.

    `document_source` only names the document in openapi-python-client's messages; it is never read.
    """
    return Config.from_sources(
        config_file,
        MetaType.NONE,
        document_source=document_source,
        file_encoding="utf-8",
        overwrite=True,
        output_path=output_path,
    )


def project_for(document: Mapping[str, Any], *, config: Config, templates: Path) -> Project | GeneratorError:
    """A Project for `document` with our templates, or the GeneratorError that refuses the document."""
    with distinct_property_names():
        openapi = GeneratorData.from_dict(dict(document), config=config)
    if isinstance(openapi, GeneratorError):
        return openapi
    return Project(openapi=openapi, custom_template_path=templates, config=config)

"""openapi-python-client's warnings, each turned into a finding at the pointer of what it dropped.

openapi-python-client skips what it cannot parse and says so in a `GeneratorError` with a free-text header
and detail: an endpoint ("Endpoint will not be generated"), one response of an endpoint ("response will be
omitted"), a schema or a parameter under components. Any of these leaves an SDK that silently lacks part of
the API, so the build refuses it; this module only reads the texts (of the pinned version) back into a
JSON pointer, so the refusal names where to look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pydantic
from openapi_python_client.parser.errors import ErrorLevel, GeneratorError, ParseError

from generator.spec_findings import Finding, json_pointer, pointer_tokens
from generator.spec_source import SpecSource

RULE = "openapi-python-client"

_ENDPOINT = re.compile(r"WARNING parsing (?P<method>[A-Z]+) (?P<path>\S+) within")
_RESPONSE = re.compile(r"response for status code (?P<code>[0-9X]{3}|default)\b")
# 0.29.1 prints some status codes as the repr of its UntrustedString wrapper: not a code, and not stable.
_OBJECT_REPR = re.compile(r"<openapi_python_client\.[\w.]+ object at 0x[0-9a-f]+>")
_COMPONENT = re.compile(r"Unable to parse (?:schema|parameter) (?P<pointer>/components/\S+)")
_MODEL = re.compile(r"Unable to process schema (?P<name>[^:\s]+)")


def problem_pointer(header: str, detail: str, source: SpecSource | None = None, data: Any = None) -> str:
    """The JSON pointer a warning is about, from its header and detail; "" when the texts name nothing.

    When the detail names a response without a readable status code, the code is found by comparing the
    parsed object the warning carries (`data`) with each response of that operation in `source`.
    """
    if endpoint := _ENDPOINT.search(header):
        path = ["paths", endpoint["path"], endpoint["method"].lower()]
        if response := _RESPONSE.search(detail):
            return json_pointer([*path, "responses", response["code"]])
        if "response" in detail and source is not None and (code := _response_code(source, path, data)):
            return json_pointer([*path, "responses", code])
        return json_pointer(path)
    if component := _COMPONENT.search(header):
        return json_pointer(pointer_tokens(component["pointer"]))
    if model := _MODEL.search(header):
        name = model["name"]  # a schema's key, or (a model inside another schema) its pointer
        return json_pointer(pointer_tokens(name) if name.startswith("/") else ["components", "schemas", name])
    return ""


def problem_findings(source: SpecSource, problems: Iterable[GeneratorError]) -> list[Finding]:
    """A finding for each warning or error (ruff and other post-hooks are not ours to judge here)."""
    findings = []
    for problem in problems:
        if problem.level not in (ErrorLevel.WARNING, ErrorLevel.ERROR):
            continue
        header = " ".join((problem.header or "").split())
        detail = " ".join((problem.detail or "").split())
        data = problem.data if isinstance(problem, ParseError) else None
        pointer = problem_pointer(header, detail, source, data)
        code = pointer.rsplit("/", 1)[-1] if "/responses/" in pointer else "?"
        message = _OBJECT_REPR.sub(code, f"{header} {detail}".strip()) + " (the SDK would lack it)"
        findings.append(source.finding(pointer, RULE, message))
    return findings


def _response_code(source: SpecSource, path: list[str], data: Any) -> str | None:
    """The status code whose response (or one of its media type schemas) parses to `data`."""
    if not isinstance(data, pydantic.BaseModel):
        return None
    operation: Any = source.data
    for key in [*path, "responses"]:
        operation = operation.get(key) if isinstance(operation, dict) else None
    for code, response in operation.items() if isinstance(operation, dict) else ():
        media = response.get("content") if isinstance(response, dict) else None
        schemas = [m.get("schema") for m in media.values() if isinstance(m, dict)] if isinstance(media, dict) else []
        if any(_parses_to(raw, data) for raw in [response, *schemas]):
            return str(code)
    return None


def _parses_to(raw: object, data: pydantic.BaseModel) -> bool:
    try:
        return type(data).model_validate(raw) == data
    except pydantic.ValidationError:
        return False

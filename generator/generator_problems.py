"""openapi-python-client's warnings, each turned into a finding at the pointer of what it dropped.

openapi-python-client skips what it cannot parse and says so in a `GeneratorError` with a free-text header
and detail: an endpoint ("Endpoint will not be generated"), one response of an endpoint ("response will be
omitted"), a schema or a parameter under components. Any of these leaves an SDK that silently lacks part of
the API, so the build refuses it; this module reads the texts (of the pinned version) back into a JSON
pointer, so the refusal names where to look.

One kind costs the SDK no part of its API: a component schema that no operation reaches, through any chain of
`$ref`s (GitHub's 59 webhook payloads, described for its webhooks, which an SDK of its operations has no
use for). `split_unreached` sets those apart: the build leaves the model out, prints each and lists it in
the SDK's README, instead of refusing every operation with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pydantic
from openapi_python_client.parser.errors import ErrorLevel, GeneratorError, ParseError

from generator.spec_findings import Finding, json_pointer, pointer_tokens
from generator.spec_source import SpecSource
from generator.spec_walk import split_pointer, walk

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


def split_unreached(findings: Sequence[Finding], document: Mapping[str, Any]) -> tuple[list[Finding], list[Finding]]:
    """(the findings that cost the SDK part of its API, those about component schemas no operation reaches).

    `document` is the one openapi-python-client read (the normalised copy: its pointers name its components).
    A finding that names no existing component schema is kept with the first: it might be part of the API.
    """
    schemas = (document.get("components") or {}).get("schemas")
    reached = _reached_components(document)
    costly, unreached = [], []
    for finding in findings:
        tokens = pointer_tokens(finding.pointer)
        is_schema = len(tokens) >= 3 and tokens[:2] == ["components", "schemas"]
        if (
            is_schema
            and isinstance(schemas, Mapping)
            and tokens[2] in schemas
            and ("schemas", tokens[2]) not in reached
        ):
            unreached.append(finding)
        else:
            costly.append(finding)
    return costly, unreached


def _reached_components(document: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The (kind, name) of every component the operations reach through `$ref`s, directly or not (a `$ref` into a
    component reaches all of it)."""
    components = document.get("components") or {}
    reached: set[tuple[str, str]] = set()
    pending: list[Any] = [document.get("paths") or {}]
    while pending:
        for _, node in walk(pending.pop()):
            ref = node.get("$ref") if isinstance(node, Mapping) else None
            tokens = split_pointer(ref) if isinstance(ref, str) and ref.startswith("#/components/") else []
            if len(tokens) < 3:
                continue
            kind, name = tokens[1], tokens[2]
            section = components.get(kind)
            if (kind, name) not in reached and isinstance(section, Mapping) and name in section:
                reached.add((kind, name))
                pending.append(section[name])
    return reached

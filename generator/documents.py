"""Parse an OpenAPI or AsyncAPI document's text: JSON with `json`, YAML with libyaml's C loader when present.

On a 13 MB JSON spec the pure-Python YAML loader takes about 50 s, the C loader about 20 s and `json` under
half a second (generation time is measured in `make bench` as ratios, not asserted in tests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader when PyYAML was built with it; the same safe subset of YAML either way.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DocumentError(ValueError):
    """The text is neither valid JSON nor valid YAML; the message says where."""


def parse_document(text: str, *, name: str = "") -> Any:
    """The parsed document; JSON when the name ends in .json or the text starts with `{`, YAML otherwise."""
    if name.endswith(".json") or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if name.endswith(".json"):
                raise DocumentError(f"not valid JSON at line {exc.lineno}: {exc.msg}") from None
            # YAML flow mappings also start with `{`: let the YAML parser decide
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise DocumentError(f"not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None


def read_document(path: Path) -> Any:
    """`parse_document` of a file's UTF-8 text."""
    return parse_document(path.read_text(encoding="utf-8"), name=path.name)

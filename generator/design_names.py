"""`info.x-sdk-design-names`: how the names of an API's design documents map onto the SDK's own.

    x-sdk-design-names:
      - document: Widget Service plan   # the design document's title
        names:
          - {document: 'POST /widget-create', sdk: 'client.widgets.create(body=WidgetCreate(...))'}

The SDK README renders each document as a table in its section "From the design document". The names
are content written in the spec; nothing here knows an API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

EXTENSION = "x-sdk-design-names"


class DesignNamesError(ValueError):
    """The extension is malformed; the message names the place (`info.x-sdk-design-names[0].names[1].sdk`)."""


@attrs.frozen(kw_only=True)
class DesignName:
    """One name as the design document writes it, and where it lives in the SDK."""

    document: str
    sdk: str


@attrs.frozen(kw_only=True)
class DesignDocument:
    """A design document (by title) and its names."""

    title: str
    names: tuple[DesignName, ...]


def parse_design_names(info: Mapping[str, Any]) -> tuple[DesignDocument, ...]:
    """The documents of `info`'s extension, in order; () when it is absent."""
    raw = info.get(EXTENSION)
    where = f"info.{EXTENSION}"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise DesignNamesError(f"{where} must be a list of {{document, names}} entries")
    documents = []
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("names"), list) or not entry["names"]:
            raise DesignNamesError(f"{at} must be a mapping with `document` and a non-empty `names` list")
        names = tuple(
            DesignName(document=_text(name, "document", f"{at}.names[{n}]"), sdk=_text(name, "sdk", f"{at}.names[{n}]"))
            for n, name in enumerate(entry["names"])
        )
        documents.append(DesignDocument(title=_text(entry, "document", at), names=names))
    return tuple(documents)


def _text(node: object, key: str, at: str) -> str:
    value = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        raise DesignNamesError(f"{at}.{key} must be a non-empty string")
    return value

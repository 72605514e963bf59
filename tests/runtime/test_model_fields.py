"""Reading generated models and plain JSON by JSON field names: `python_name` and `read_field`."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from openapi_python_client.strings import PythonIdentifier
from runtime.policies._options import UNSET, Unset  # the generated `types.py` re-exports this one sentinel
from runtime.shapes._model_fields import is_absent, python_name, read_field


@attrs.define
class Page:
    """Shaped like a generated model: Python attribute names, UNSET for absent fields, open extras."""

    total_pages: int | Unset = UNSET
    type_: str | Unset = UNSET
    additional_properties: dict[str, Any] = attrs.Factory(dict)


@pytest.mark.parametrize(
    ("json_name", "python"),
    [
        ("totalPages", "total_pages"),
        ("totalElements", "total_elements"),
        ("content", "content"),
        ("ipV4Address", "ip_v4_address"),
        ("ipv4Addresses", "ipv_4_addresses"),
        ("HTTPStatus", "http_status"),
        ("clientUUID", "client_uuid"),
        ("Page2Size", "page_2_size"),
        ("abc123def", "abc123def"),
        ("a1B2", "a_1b2"),
        ("next-cursor", "next_cursor"),
        ("from", "from_"),
        ("type", "type_"),
        ("id", "id"),
    ],
)
def test_python_name_follows_openapi_python_client(json_name: str, python: str) -> None:
    """JSON field names map to the attribute names of the generated models, as the pinned generator names them."""
    assert python_name(json_name) == python == PythonIdentifier(json_name, prefix="field")


def test_read_field_reads_dicts_models_and_extras() -> None:
    """A dotted JSON path reads dicts, model attributes by their Python name, and unknown fields in extras."""
    model = Page(total_pages=3, additional_properties={"meta": {"next": "abc"}})
    assert read_field(model, "totalPages") == 3
    assert read_field(model, "meta.next") == "abc"
    assert read_field({"meta": {"next": None}}, "meta.next") is None
    assert read_field(Page(), "totalElements") is None  # UNSET counts as absent
    assert read_field({"a": 1}, "a.b.c") is None


def test_is_absent_knows_none_and_unset() -> None:
    """None and the generated UNSET are absent; falsy values such as 0, "" and [] are not."""
    assert is_absent(None) and is_absent(UNSET)
    assert not any(is_absent(value) for value in (0, "", [], False))


def test_read_field_finds_renamed_keyword_fields() -> None:
    """A JSON field named like a builtin (`type`) is read from the model's `type_`."""
    assert read_field(Page(type_="IP_V4"), "type") == "IP_V4"

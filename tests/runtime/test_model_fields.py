"""Reading generated models and plain JSON by JSON field names: `read_field` with the generator's `FieldNames`."""

from __future__ import annotations

from typing import Any

import attrs
import runtime
from runtime.policies._options import UNSET, Unset  # the generated `types.py` re-exports this one sentinel
from runtime.shapes import _model_fields
from runtime.shapes._model_fields import NO_NAMES, FieldNames, is_absent, read_field

NAMES = FieldNames({"totalPages": "total_pages", "type": "type_", "@odata.count": "odata_count"})


@attrs.define
class Page:
    """Shaped like a generated model: Python attribute names, UNSET for absent fields, open extras."""

    total_pages: int | Unset = UNSET
    type_: str | Unset = UNSET
    additional_properties: dict[str, Any] = attrs.Factory(dict)


def test_read_field_reads_dicts_models_and_extras() -> None:
    """A dotted JSON path reads dicts, model attributes by the Python names given, and unknown fields in extras."""
    model = Page(total_pages=3, additional_properties={"meta": {"next": "abc"}})
    assert read_field(model, "totalPages", NAMES) == 3
    assert read_field(model, "meta.next", NAMES) == "abc"
    assert read_field({"meta": {"next": None}}, "meta.next") is None
    assert read_field(Page(), "totalElements", NAMES) is None  # UNSET counts as absent
    assert read_field({"a": 1}, "a.b.c") is None


def test_the_runtime_does_not_guess_python_names() -> None:
    """Without a pair from the generator a camelCase field is not found on a model: the naming rule lives in the
    generator only (no `python_name` in the runtime or its facade)."""
    assert read_field(Page(total_pages=3), "totalPages") is None
    assert not hasattr(_model_fields, "python_name")
    assert "python_name" not in runtime.__all__ and "FieldNames" in runtime.__all__


def test_is_absent_knows_none_and_unset() -> None:
    """None and the generated UNSET are absent; falsy values such as 0, "" and [] are not."""
    assert is_absent(None) and is_absent(UNSET)
    assert not any(is_absent(value) for value in (0, "", [], False))


def test_read_field_finds_renamed_keyword_fields() -> None:
    """A JSON field named like a builtin (`type`) is read from the model's `type_` when the names say so."""
    assert read_field(Page(type_="IP_V4"), "type", NAMES) == "IP_V4"


def test_field_names_map_odd_json_names_and_keep_the_others() -> None:
    """Any JSON name may have a pair (``@odata.count`` holds a dot and an at sign); a name without one is itself;
    pairs come as a mapping or as tuples, and equal names compare equal (and hash alike)."""
    assert NAMES.python("@odata.count") == "odata_count"
    assert NAMES.python("content") == "content"
    assert NO_NAMES.python("totalPages") == "totalPages"
    same = FieldNames([("totalPages", "total_pages"), ("type", "type_"), ("@odata.count", "odata_count")])
    assert same == NAMES and hash(same) == hash(NAMES)

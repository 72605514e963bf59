"""Readers: a decoded success body turned into the generated type, or a read error the call reports."""

from __future__ import annotations

import datetime
import enum
import sys
import types
from typing import Any

import pytest
from runtime.client._model_ref import ModelRef, classes_of
from runtime.client._readers import AS_IS, DateOf, EnumOf, ListOf, Success, UnionOf


class Mood(enum.Enum):
    HAPPY = "happy"


_MODULE = types.ModuleType("ops_readers_test_models")
_MODULE.Mood = Mood  # type: ignore[attr-defined]
sys.modules[_MODULE.__name__] = _MODULE
MOOD = ModelRef(_MODULE.__name__, "Mood")


def test_a_model_ref_loads_its_class_once_memoised() -> None:
    """classes_of loads each named class and returns the same tuple on the next call."""
    first = classes_of((MOOD, str))
    assert first == (Mood, str)
    assert classes_of((MOOD, str)) is first


@pytest.mark.parametrize(
    ("reader", "data", "expected"),
    [
        (EnumOf(_MODULE.__name__, "Mood"), "happy", Mood.HAPPY),
        (DateOf("date"), "2025-01-02", datetime.date(2025, 1, 2)),
        (DateOf("date-time"), "2025-01-02T03:04:05+00:00", datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)),
        (ListOf(EnumOf(_MODULE.__name__, "Mood")), ["happy"], [Mood.HAPPY]),
        (UnionOf((EnumOf(_MODULE.__name__, "Mood"), DateOf("date"))), "2025-01-02", datetime.date(2025, 1, 2)),
        (UnionOf((EnumOf(_MODULE.__name__, "Mood"),), nullable=True), None, None),
        (AS_IS, {"free": 1}, {"free": 1}),
    ],
)
def test_readers_turn_json_into_the_type(reader: Any, data: Any, expected: Any) -> None:
    """Each reader gives the generated type; a union takes its first branch that reads."""
    assert reader.read(data) == expected


@pytest.mark.parametrize(
    ("reader", "data"),
    [
        (EnumOf(_MODULE.__name__, "Mood"), "sad"),
        (ListOf(AS_IS), {"not": "a list"}),
        (UnionOf((EnumOf(_MODULE.__name__, "Mood"), DateOf("date"))), 3),
    ],
)
def test_a_body_that_is_not_the_type_raises_a_read_error(reader: Any, data: Any) -> None:
    """A value outside the type raises ValueError or TypeError (the call turns it into ResponseValidationError)."""
    with pytest.raises((ValueError, TypeError)):
        reader.read(data)


def test_readers_name_their_type_for_errors() -> None:
    """describe() names the type as the error message shows it; a status range defaults to one status."""
    assert (
        UnionOf((ListOf(EnumOf(_MODULE.__name__, "Mood")), DateOf("date")), nullable=True).describe()
        == "list[Mood] | datetime.date | None"
    )
    assert (Success(304).low, Success(304).high, Success(200, 299).high) == (304, 304, 299)

"""check_arguments: an argument of the wrong type is a TypeError naming the operation, the parameter and the type."""

from __future__ import annotations

import datetime

import pytest
from runtime.policies._options import UNSET, Unset
from runtime.shapes._argument_types import check_arguments

TODAY = datetime.date(2026, 1, 1)
EXPECTED: dict[str, tuple[type, ...]] = {
    "since": (datetime.date,),
    "limit": (int, Unset),
    "note": (str, Unset, type(None)),
}


def test_values_of_the_expected_classes_pass() -> None:
    """A date, UNSET for an optional argument, None for a nullable one: nothing raised."""
    check_arguments("listThings", EXPECTED, {"since": datetime.date(2026, 1, 1), "limit": UNSET, "note": None})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"since": None, "limit": 1, "note": "x"}, "listThings: argument 'since' must be date, not NoneType"),
        ({"since": TODAY, "limit": "3", "note": "x"}, "argument 'limit' must be int or UNSET, not str"),
        ({"since": TODAY, "limit": True, "note": "x"}, "argument 'limit' must be int or UNSET, not bool"),
        ({"since": TODAY, "limit": 1, "note": 2}, "argument 'note' must be str or UNSET or None"),
    ],
)
def test_a_wrong_value_names_the_parameter_and_the_expected_type(values: dict[str, object], message: str) -> None:
    """The TypeError says which argument, what it must be and what it was (bool is not taken for an int)."""
    with pytest.raises(TypeError, match=message):
        check_arguments("listThings", EXPECTED, values)


def test_unset_is_falsy_like_openapi_python_clients_own() -> None:
    """The one UNSET sentinel is falsy, as generated code and callers expect of it."""
    assert not UNSET

"""check_arguments: an argument of the wrong type is a TypeError naming the operation, the parameter and the type;
BodyShapes: a request body given as a dict becomes its model, or is such a TypeError."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import attrs
import pytest
from runtime.policies._options import UNSET, Unset
from runtime.shapes._argument_types import BodyShapes, check_arguments

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


@attrs.define
class Sample:
    """A closed model as openapi-python-client writes one: from_dict ignores keys it does not know."""

    cpu: float
    note: str | Unset = UNSET

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Sample:
        return cls(cpu=src["cpu"], note=src.get("note", UNSET))

    def to_dict(self) -> dict[str, Any]:
        return {"cpu": self.cpu} | ({} if self.note is UNSET else {"note": self.note})


@attrs.define
class Batch:
    samples: list[Sample]

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Batch:
        return cls(samples=[Sample.from_dict(item) for item in src["samples"]])

    def to_dict(self) -> dict[str, Any]:
        return {"samples": [sample.to_dict() for sample in self.samples]}


# The functional form: this module's `from __future__ import annotations` would hide NotRequired from the class
# form on Python 3.11 (why the generated bodies.py has no such import).
SampleDict = TypedDict("SampleDict", {"cpu": float, "note": NotRequired[str]})  # noqa: UP013 (see above)
BatchDict = TypedDict("BatchDict", {"samples": list[SampleDict]})  # noqa: UP013 (see above)


SHAPES: BodyShapes[Sample | Batch] = BodyShapes("submit", (Sample, SampleDict), (Batch, BatchDict))


def test_a_model_or_unset_passes_as_it_is() -> None:
    """A model is returned unchanged (the same object); UNSET (an optional body left out) too."""
    sample = Sample(cpu=1.0)
    assert SHAPES.convert(sample) is sample
    assert BodyShapes[Sample]("s", (Sample, SampleDict)).convert(UNSET) is UNSET  # type: ignore[arg-type]


def test_a_dict_becomes_the_first_model_it_fits() -> None:
    """{"cpu": ...} is a Sample, {"samples": [...]} a Batch, nested dicts converted by the model itself."""
    assert SHAPES.convert({"cpu": 2.0, "note": "x"}) == Sample(cpu=2.0, note="x")
    assert SHAPES.convert({"samples": [{"cpu": 3.0}]}) == Batch(samples=[Sample(cpu=3.0)])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([1], "submit: argument 'body' must be Sample or Batch or a dict shaped as SampleDict or BatchDict, not list"),
        (None, "argument 'body' must be .* not NoneType"),
        ({"note": "x"}, "as SampleDict: missing required key 'cpu'; as BatchDict: missing required key 'samples'"),
        ({"cpu": 1.0, "cpus": 2}, "as SampleDict: unknown key 'cpus'"),
        ({"samples": [{"note": "x"}]}, "as BatchDict: KeyError: 'cpu'"),
    ],
)
def test_a_body_that_fits_no_shape_is_a_type_error_naming_it(value: object, message: str) -> None:
    """Neither model nor dict, a missing required key, a key a closed model would drop silently, a nested dict
    its model refuses: TypeError naming the operation, the parameter and the expected types."""
    with pytest.raises(TypeError, match=message):
        SHAPES.convert(value)  # type: ignore[arg-type]

"""check_request: request values against the spec's constraints, before anything is sent."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from runtime import RequestValidationError, check_request

THRESHOLD = {"body": {"properties": {"confidence_threshold": {"minimum": 0, "maximum": 1}}}}


@attrs.define
class Update:
    """A stand-in for a generated model: to_dict() gives its JSON shape."""

    confidence_threshold: float

    def to_dict(self) -> dict[str, Any]:
        return {"confidence_threshold": self.confidence_threshold}


def test_a_threshold_above_the_maximum_is_refused_naming_field_and_constraint() -> None:
    """1.5 against maximum 1: RequestValidationError (also a ValueError) with the field, the bound and the value."""
    with pytest.raises(RequestValidationError) as caught:
        check_request(THRESHOLD, operation_id="updateConfidenceThreshold", body=Update(1.5))
    error = caught.value
    assert (error.field, error.constraint, error.value) == ("body.confidence_threshold", "maximum 1", 1.5)
    assert isinstance(error, ValueError)
    assert str(error).startswith(
        "updateConfidenceThreshold: body.confidence_threshold = 1.5 breaks the spec's maximum 1"
    )


@pytest.mark.parametrize(
    ("node", "value", "constraint"),
    [
        ({"minimum": 0}, -0.1, "minimum 0"),
        ({"exclusiveMaximum": 10}, 10, "exclusiveMaximum 10"),
        ({"exclusiveMinimum": 0}, 0, "exclusiveMinimum 0"),
        ({"multipleOf": 0.5}, 0.3, "multipleOf 0.5"),
        ({"minLength": 2}, "a", "minLength 2"),
        ({"maxLength": 3}, "abcd", "maxLength 3"),
        ({"pattern": "^rvm-[0-9]{4}$"}, "rvm-12", "pattern ^rvm-[0-9]{4}$"),
        ({"enum": ["a", "b"]}, "c", "enum ['a', 'b']"),
        ({"const": "ok"}, "no", "const 'ok'"),
        ({"minItems": 1}, [], "minItems 1"),
        ({"maxItems": 1}, [1, 2], "maxItems 1"),
        ({"minProperties": 1}, {}, "minProperties 1"),
    ],
)
def test_each_keyword_is_checked(node: dict[str, Any], value: object, constraint: str) -> None:
    """Every kept keyword refuses a value that breaks it, and names itself with its bound."""
    with pytest.raises(RequestValidationError) as caught:
        check_request({"parameters": {"p": node}}, operation_id="op", parameters={"p": value})
    assert caught.value.constraint == constraint and caught.value.field == "parameter p"


@pytest.mark.parametrize(
    ("node", "value"),
    [
        ({"minimum": 0, "maximum": 1}, 1),
        ({"multipleOf": 0.1}, 0.3),
        ({"pattern": "^rvm-"}, "rvm-0042"),
        ({"pattern": "(?<!unsupported"}, "anything"),  # Python cannot compile it: left to the server
        ({"maxLength": 1}, 12345),  # a length bound says nothing about a number
        ({"minimum": 5}, True),  # booleans are not numbers here
    ],
)
def test_values_within_the_constraints_pass(node: dict[str, Any], value: object) -> None:
    """Values that keep the constraints, or that they do not describe, pass without an error."""
    check_request({"parameters": {"p": node}}, operation_id="op", parameters={"p": value})


def test_nested_members_are_named_by_their_path() -> None:
    """Properties and items are followed: the field names the path (body.camera.fps, body.bins[1])."""
    constraints = {
        "body": {
            "properties": {
                "camera": {"properties": {"fps": {"maximum": 60}}},
                "bins": {"items": {"minimum": 0}},
            }
        }
    }
    with pytest.raises(RequestValidationError, match=r"body\.camera\.fps = 120"):
        check_request(constraints, operation_id="op", body={"camera": {"fps": 120}})
    with pytest.raises(RequestValidationError, match=r"body\.bins\[1\] = -1"):
        check_request(constraints, operation_id="op", body={"bins": [3, -1]})
    check_request(constraints, operation_id="op", body={"other": 1})


def test_unset_and_absent_values_are_not_checked() -> None:
    """None, the generated UNSET and a missing body are skipped: the typed model decides what is required."""

    class Unset:
        """Named like the generated types.Unset."""

    check_request({"parameters": {"p": {"minimum": 1}}}, operation_id="op", parameters={"p": Unset()})
    check_request({"parameters": {"p": {"minimum": 1}}}, operation_id="op", parameters={"p": None})
    check_request(THRESHOLD, operation_id="op", body=None)


def test_a_long_value_is_shortened_in_the_message() -> None:
    """The message shows at most 60 characters of the value (a body field may be large)."""
    with pytest.raises(RequestValidationError) as caught:
        check_request({"parameters": {"p": {"maxLength": 3}}}, operation_id="op", parameters={"p": "x" * 500})
    assert "x" * 100 not in str(caught.value) and "..." in str(caught.value)


def test_an_enum_member_parameter_is_checked_by_its_value() -> None:
    """A generated enum's member is checked as its value; scalars (which have no ``value``) as they are."""
    import enum

    class Colour(enum.Enum):
        RED = "red"
        BLUE = "blue"

    node = {"parameters": {"p": {"enum": ["red"]}}}
    check_request(node, operation_id="op", parameters={"p": Colour.RED})
    with pytest.raises(RequestValidationError) as caught:
        check_request(node, operation_id="op", parameters={"p": Colour.BLUE})
    assert caught.value.value == "blue"
    bounds = {"parameters": {"n": {"minimum": 1}}}
    check_request(bounds, operation_id="op", parameters={"n": 1})
    check_request(bounds, operation_id="op", parameters={"n": False})  # a bool is no number: no bound applies
    for low in (0, 0.5):
        with pytest.raises(RequestValidationError):
            check_request(bounds, operation_id="op", parameters={"n": low})

"""Error envelopes (``{"status": "error", "message": ..., "errors": [...]}``) carried by the typed errors."""

from __future__ import annotations

import httpx
import pytest
from runtime.core._errors import (
    APIStatusError,
    NotFoundError,
    Problem,
    UnprocessableEntityError,
    raise_for_status,
)

URL = "https://api.example.com/api/v1/batches?page=2"
FIELD_ERRORS = [
    {"field": "volume_liters", "message": "must be greater than 0"},
    {"field": "product_type", "message": "must be one of fresh_juice, cold_pressed"},
]


def raised(status: int, body: object) -> APIStatusError:
    request = httpx.Request("POST", URL)
    with pytest.raises(APIStatusError) as caught:
        raise_for_status(httpx.Response(status, json=body, request=request))
    return caught.value


def test_the_envelope_message_is_the_problem_detail() -> None:
    """Without a `detail`, an error body's `message` is the problem's detail and appears in the message."""
    error = raised(404, {"status": "error", "message": "Batch BAT-2026-0999 was not found.", "errors": []})
    assert isinstance(error, NotFoundError)
    assert error.problem is not None
    assert error.problem.detail == "Batch BAT-2026-0999 was not found."
    assert error.problem.title is None
    assert "HTTP 404 Not Found. Batch BAT-2026-0999 was not found. Check the identifiers" in str(error)


def test_the_envelope_errors_list_is_carried() -> None:
    """`errors` is the body's list of field errors, as sent; problem.errors holds the same list."""
    error = raised(422, {"status": "error", "message": "Validation failed.", "errors": FIELD_ERRORS})
    assert isinstance(error, UnprocessableEntityError)
    assert error.errors == FIELD_ERRORS
    assert error.problem is not None and error.problem.errors == FIELD_ERRORS
    assert "Validation failed." in str(error)


def test_a_problem_detail_wins_over_a_message() -> None:
    """A body with both keeps RFC 9457's `detail`: the fallback only fills a missing detail."""
    problem = Problem.from_body({"title": "Invalid", "detail": "name is required", "message": "other"})
    assert problem is not None and problem.detail == "name is required"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "error", "message": "Rate limit exceeded."},
        {"status": "error", "message": "Rate limit exceeded.", "errors": None},
        {"status": "error", "message": "Rate limit exceeded.", "errors": "not a list"},
    ],
)
def test_errors_is_none_unless_the_body_has_a_list(body: dict[str, object]) -> None:
    """An absent, null or non-list `errors` reads as None, so `for e in error.errors or []` is always safe."""
    assert raised(429, body).errors is None


@pytest.mark.parametrize(
    "response", [httpx.Response(500), httpx.Response(500, text="plain text"), httpx.Response(500, json=["a", "list"])]
)
def test_errors_is_none_for_bodies_that_are_not_objects(response: httpx.Response) -> None:
    """A body that is empty, text or a JSON array has no problem and no errors."""
    response.request = httpx.Request("GET", URL)
    with pytest.raises(APIStatusError) as caught:
        raise_for_status(response)
    assert caught.value.problem is None
    assert caught.value.errors is None


def test_a_structured_message_is_not_a_detail() -> None:
    """A `message` that is an object or a list is not text, so it does not become the detail."""
    problem = Problem.from_body({"status": "error", "message": {"text": "nested"}})
    assert problem is not None and problem.detail is None

"""`ResponseSchemas` / `ResponseCheck` (`_response_schemas.py`): a success body that breaks its schema raises
`ResponseValidationError` with status, request id, pointer, expected and actual; compiling is lazy, shared
and safe under threads."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from runtime import ResponseSchemas, ResponseValidationError, SDKError

SECRET = "sk-live-very-secret"
DEFINITIONS: dict[str, Any] = {
    "#/components/schemas/Licence": {
        "type": "object",
        "required": ["max_clients"],
        "properties": {"max_clients": {"type": "integer"}, "key": {"type": "string", "maxLength": 8}},
    }
}


def answer(body: object) -> httpx.Response:
    request = httpx.Request("GET", "https://api.example.com/licence", headers={"Authorization": f"Bearer {SECRET}"})
    return httpx.Response(200, json=body, headers={"X-Request-ID": "r-9"}, request=request)


def test_a_mismatch_raises_response_validation_error_with_every_detail() -> None:
    """The error carries status, request id, JSON pointer, expected and actual, and its message names the field."""
    check = ResponseSchemas(DEFINITIONS).check_for({"$ref": "#/components/schemas/Licence"})
    body = {"max_clients": "three"}
    with pytest.raises(ResponseValidationError) as caught:
        check(answer(body), body)
    error = caught.value
    assert isinstance(error, SDKError)
    assert (error.status_code, error.request_id, error.pointer) == (200, "r-9", "/max_clients")
    assert (error.expected, error.actual, error.path) == ("integer", "string 'three'", "/max_clients")
    assert "GET https://api.example.com/licence returned HTTP 200 (request id r-9)" in str(error)
    assert "at /max_clients: expected integer, got string 'three'" in str(error)
    assert error.body == body


def test_a_matching_body_passes() -> None:
    """A body that matches returns None and raises nothing."""
    check = ResponseSchemas(DEFINITIONS).check_for({"$ref": "#/components/schemas/Licence"})
    body = {"max_clients": 3, "extra": [1]}
    assert check(answer(body), body) is None


def test_a_credential_echoed_in_a_bad_field_is_masked() -> None:
    """A request's token that the server echoes into a bad field shows neither in the reason nor in the message."""
    check = ResponseSchemas(DEFINITIONS).check_for({"type": "object", "properties": {"n": {"type": "integer"}}})
    body = {"n": SECRET}
    with pytest.raises(ResponseValidationError) as caught:
        check(answer(body), body)
    assert SECRET not in str(caught.value)


def test_the_whole_body_is_named_when_it_has_the_wrong_type() -> None:
    """A body of the wrong JSON type has the empty pointer, shown as the top level."""
    check = ResponseSchemas({}).check_for({"type": "array"})
    with pytest.raises(ResponseValidationError, match="at the top level: expected array, got object") as caught:
        check(answer({}), {})
    assert caught.value.pointer == ""


def test_definitions_compile_once_on_first_use_under_concurrent_first_calls() -> None:
    """Checks compile lazily; 16 threads calling at once share one compilation and all see the same verdicts."""
    compiled: list[object] = []

    class CountingSchemas(ResponseSchemas):
        def compile(self, schema: Any) -> Any:
            compiled.append(schema)
            return super().compile(schema)

    schemas = CountingSchemas(DEFINITIONS)
    check = schemas.check_for({"type": "array", "items": {"$ref": "#/components/schemas/Licence"}})
    assert compiled == []
    good, bad = [{"max_clients": 1}], [{"max_clients": 1}, {"key": "far too long"}]
    failures: list[str | None] = []
    barrier = threading.Barrier(16)

    def call(body: object) -> None:
        barrier.wait()
        try:
            check(answer(body), body)
            failures.append(None)
        except ResponseValidationError as exc:
            failures.append(exc.pointer)

    threads = [threading.Thread(target=call, args=(good if n % 2 else bad,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(failures, key=str) == sorted([None] * 8 + ["/1/max_clients"] * 8, key=str)
    assert 1 <= len(compiled) <= 16  # a race may compile twice, never wrongly

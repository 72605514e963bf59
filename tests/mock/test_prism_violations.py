"""An invalid request's 400/422 names its actual violations, in the error shape its spec documents.

Prism alone answers with the spec's canned example (a bad `days` query got "The request body is not
valid JSON"; a bad PATCH listed `camera.fps`, never sent); the preload rebuilds it from Prism's
violations. Checked per shape against the real specs, and through the SDK's typed errors.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from myrvm_sdk import MyRVM
from myrvm_sdk.errors import BadRequestError, UnprocessableEntityError
from myrvm_sdk.models import RvmConfigUpdate

from generator.registry import load_registry
from generator.spec_walk import load
from mock.error_shape import error_shape
from tests.conftest import MockFactory

pytestmark = pytest.mark.prism

TOKEN = "test-token-not-a-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RVM = "rvm-0042"


def _spec(name: str) -> dict[str, Any]:
    document = load(load_registry()[name].spec)
    assert isinstance(document, dict)
    return document


def test_a_bad_query_parameter_is_named_in_the_problem_document(prism: MockFactory) -> None:
    """`days=abc` answers a problem document naming the query parameter and what is wrong with it."""
    mock = prism("myrvm")
    response = httpx.get(f"{mock.url}/api/v2/rvms/{RVM}/metrics", params={"days": "abc"}, headers=AUTH)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"field": "days", "message": "must be integer"}]
    assert body["detail"] == "One request value is invalid: query parameter days: must be integer."
    assert body["instance"] == f"/api/v2/rvms/{RVM}/metrics"
    assert body["type"].endswith("/bad-request") and body["status"] == 400  # the documented 400's constants


def test_a_bad_body_lists_only_the_fields_that_were_sent(prism: MockFactory) -> None:
    """An invalid PATCH lists its own bad fields, each with the JSON pointer in the detail, and no other."""
    mock = prism("myrvm")
    response = httpx.patch(
        f"{mock.url}/api/v2/rvms/{RVM}/config",
        json={"confidence_threshold": 5, "bogus": 1},
        headers={**AUTH, "If-Match": '"cfg-1"'},
    )
    assert response.status_code == 422
    body = response.json()
    assert sorted(error["field"] for error in body["errors"]) == ["bogus", "confidence_threshold"]
    assert {"field": "confidence_threshold", "message": "must be <= 1"} in body["errors"]
    assert "camera.fps" not in response.text
    assert "body /confidence_threshold: must be <= 1" in body["detail"]


def test_a_documented_error_asked_for_keeps_its_example(prism: MockFactory) -> None:
    """A valid request asking for the 422 (`Prefer: code=422`) still gets the spec's example: only
    requests with violations are rewritten."""
    mock = prism("myrvm")
    response = httpx.patch(
        f"{mock.url}/api/v2/rvms/{RVM}/config",
        json={"confidence_threshold": 0.5},
        headers={**AUTH, "If-Match": '"cfg-1"', "Prefer": "code=422"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][1]["field"] == "camera.fps"


def test_the_sdk_typed_error_carries_the_violations(prism: MockFactory) -> None:
    """Through the MyRVM SDK: UnprocessableEntityError/BadRequestError `.errors` are the real violations (the
    SDK's own check of call values is off, so the mock is the one that refuses them)."""
    mock = prism("myrvm")
    with MyRVM(mock.url, api_token=TOKEN, check_requests=False) as client:
        with pytest.raises(UnprocessableEntityError) as unprocessable:
            client.config.update(RVM, body=RvmConfigUpdate(confidence_threshold=5.0), if_match='"cfg-1"')
        with pytest.raises(BadRequestError) as bad_request:
            client.metrics.list(RVM, days=0)
    assert unprocessable.value.errors == [{"field": "confidence_threshold", "message": "must be <= 1"}]
    assert "body /confidence_threshold: must be <= 1" in str(unprocessable.value)
    assert bad_request.value.errors == [{"field": "days", "message": "must be >= 1"}]


def test_an_envelope_api_gets_its_envelope(prism: MockFactory) -> None:
    """An API with info.x-sdk-envelope gets {status: error, message, errors}, read by the runtime's errors."""
    from myrvm_sdk._runtime import raise_for_status

    mock = prism("xoohoox")
    response = httpx.post(f"{mock.url}/batches", json={"name": 5}, headers=AUTH)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "error"
    assert set(body) == {"status", "message", "errors"}
    fields = {error["field"] for error in body["errors"]}
    assert "name" in fields and "quantity" in fields  # wrong type, and a required field missing
    assert body["message"].startswith(f"{len(body['errors'])} request values are invalid: ")
    with pytest.raises(UnprocessableEntityError) as caught:
        raise_for_status(response)
    assert caught.value.errors == body["errors"]
    assert caught.value.problem is not None and caught.value.problem.detail == body["message"]


def test_field_errors_keyed_by_field_fill_that_map(prism: MockFactory) -> None:
    """CloudConnexa documents `errorDetails: {field: [{errorCode, message}]}`; it and the message members
    repeating the detail (`errorMessage`) are filled from the violations."""
    mock = prism("cloudconnexa")
    response = httpx.post(
        f"{mock.url}/api/v1/oauth/token",
        content=b"grant_type=client_credentials",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errorDetails"]["client_id"] == [
        {"errorCode": "required", "message": "must have required property 'client_id'"}
    ]
    assert body["errorMessage"] == body["detail"]
    assert "body /client_secret: must have required property 'client_secret'" in body["detail"]


@pytest.mark.parametrize("name", ["myrvm", "tiktrue", "xoohoox", "cloudconnexa"])
def test_every_api_has_a_shape_with_somewhere_to_list_fields(name: str) -> None:
    """Each shipped spec documents a JSON 400/422 whose shape has a summary and a place for field errors."""
    shape = error_shape(_spec(name))
    assert shape is not None
    assert shape.text
    assert (shape.list is None) != (shape.map is None)


def test_a_spec_without_a_400_or_422_is_left_to_prism() -> None:
    """Without a documented 400/422, Prism's own 422 (which lists the violations) is kept: no shape."""
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {}}}}}
    assert error_shape(document) is None


def test_lengths_and_counts_follow_the_schema() -> None:
    """maxLength and maxItems of the documented schema reach the preload, so the answer still conforms."""
    shape = error_shape(_spec("myrvm"))
    assert shape is not None and shape.list is not None
    assert shape.list["max_items"] == 100
    assert shape.list["field_max_length"] == 256
    assert shape.text[0] == {"member": "detail", "max_length": 4096}


def test_violations_prism_cut_short_still_name_the_whole_ones(prism: MockFactory) -> None:
    """Over 8 KiB of violations Prism cuts its header ("Too many violations! [..."); the body lists the
    violations that arrived whole, within the schema's maxItems."""
    mock = prism("myrvm")
    body = {f"bogus_{index:03d}": 1 for index in range(300)}
    response = httpx.patch(f"{mock.url}/api/v2/rvms/{RVM}/config", json=body, headers={**AUTH, "If-Match": '"cfg-1"'})
    assert response.status_code == 422
    assert response.headers["sl-violations"].startswith("Too many violations!")
    errors = response.json()["errors"]
    assert 10 < len(errors) <= 100
    assert all(error["field"].startswith("bogus_") for error in errors)

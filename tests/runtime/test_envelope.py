"""Response envelopes: reading `x-sdk-envelope` and unwrapping parsed success envelopes."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from runtime.shapes._envelope import DEFAULT_ENVELOPE, Envelope, Enveloped, EnvelopeError, unwrap

EXTENSION = {
    "status_field": "status",
    "data_field": "data",
    "message_field": "message",
    "errors_field": "errors",
    "success_value": "success",
    "error_value": "error",
}


class Unset:
    """Stands in for openapi-python-client's UNSET: falsy, and not a string."""

    def __bool__(self) -> bool:
        return False


@attrs.define
class BatchEnvelope:
    """The shape of a generated envelope model."""

    status: str
    data: Any
    message: str | Unset = attrs.field(factory=Unset)


@attrs.define
class Payload:
    """A generated model whose envelope uses other member names."""

    ok: bool
    result: Any
    detail: str | None = None


def test_the_extension_reads_into_the_envelope() -> None:
    """Every member of x-sdk-envelope lands on the attribute of the same name; the common shape is the default."""
    assert Envelope.from_extension(EXTENSION) == DEFAULT_ENVELOPE
    custom = Envelope.from_extension({"data_field": "result", "message_field": None, "error_value": None})
    assert (custom.data_field, custom.message_field, custom.error_value) == ("result", None, None)
    assert custom.status_field == "status" and custom.errors_field == "errors"


@pytest.mark.parametrize(
    ("value", "names"),
    [
        (["status"], "mapping"),
        ({"data_feild": "data"}, "data_feild"),
        ({"data_field": ""}, "data_field"),
        ({"data_field": None}, "data_field must be a non-empty string"),
        ({"success_value": 1}, "success_value"),
        ({"message_field": 3}, "message_field must be a non-empty string or null"),
    ],
)
def test_a_malformed_extension_names_the_member(value: object, names: str) -> None:
    """A typo, a wrong type or an empty name is refused with an EnvelopeError naming the member."""
    with pytest.raises(EnvelopeError, match=names):
        Envelope.from_extension(value)


def test_envelope_error_is_a_value_error() -> None:
    """Callers that validate specs may catch ValueError, as for any malformed value."""
    assert issubclass(EnvelopeError, ValueError)


def test_unwrap_a_generated_model() -> None:
    """The result and the message come from the attributes the envelope names."""
    batch = {"id": "BAT-1"}
    result = unwrap(BatchEnvelope(status="success", data=batch, message="Batch created"))
    assert result == Enveloped(batch, "Batch created")
    assert result.data is batch
    data, message = result
    assert (data, message) == (batch, "Batch created")


def test_unwrap_a_decoded_json_object() -> None:
    """A dict is read by key, so hooks and raw responses unwrap the same way."""
    assert unwrap({"status": "success", "data": [1, 2], "message": "2 items"}) == ([1, 2], "2 items")


@pytest.mark.parametrize(
    "parsed",
    [
        BatchEnvelope(status="success", data=None),
        {"status": "success", "data": None},
        {"status": "success", "data": None, "message": None},
        {"status": "success", "data": None, "message": 42},
    ],
)
def test_an_absent_or_unset_message_is_none(parsed: object) -> None:
    """A message that is absent, UNSET, null or not a string reads as None; data may be null."""
    assert unwrap(parsed) == Enveloped(None, None)


def test_unwrap_with_other_member_names() -> None:
    """A custom envelope reads its own member names, and none at all for the message when it has none."""
    envelope = Envelope(status_field="ok", data_field="result", message_field="detail", success_value="true")
    assert unwrap(Payload(ok=True, result=7, detail="fine"), envelope) == (7, "fine")
    silent = attrs.evolve(envelope, message_field=None)
    assert unwrap(Payload(ok=True, result=7, detail="fine"), silent) == (7, None)


@pytest.mark.parametrize("parsed", [{"status": "success"}, Payload(ok=True, result=1), "text"])
def test_a_body_without_data_raises_key_error(parsed: object) -> None:
    """No data member is a KeyError naming it, which the generated parsers turn into a validation error."""
    with pytest.raises(KeyError, match="data"):
        unwrap(parsed)


def test_data_path_points_into_the_result() -> None:
    """data_path gives the dotted path token readers use, e.g. data.access_token."""
    assert DEFAULT_ENVELOPE.data_path("access_token") == "data.access_token"
    assert Envelope(data_field="result").data_path("jwt") == "result.jwt"

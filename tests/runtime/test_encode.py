"""encode_request: an operation's parameters and body written by their OpenAPI style, explode and media type."""

from __future__ import annotations

import datetime
import io
from typing import Any
from urllib.parse import quote

import attrs
import pytest
from runtime.client._encode import encode_request, jsonable, text_of
from runtime.client._operation import Body, Operation, Parameter
from runtime.policies._options import UNSET


@attrs.define
class Filter:
    kind: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "size": self.size}

    def to_multipart(self) -> list[tuple[str, Any]]:
        return [("kind", (None, self.kind.encode(), "text/plain"))]


@attrs.define
class Upload:
    payload: io.BytesIO


def op(*parameters: Parameter, bodies: tuple[Body, ...] = ()) -> Operation[Any, Any]:
    return Operation(operation_id="op", method="POST", path="/items/{id}", parameters=parameters, bodies=bodies)


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        (Parameter("f", "f", "query"), Filter("a", 2), [("kind", "a"), ("size", "2")]),  # form, exploded
        (Parameter("f", "f", "query", explode=False), Filter("a", 2), [("f", "kind,a,size,2")]),
        (Parameter("f", "f", "query", style="deepObject"), Filter("a", 2), [("f[kind]", "a"), ("f[size]", "2")]),
        (Parameter("t", "t", "query", style="pipeDelimited", explode=False), ["a", "b"], [("t", "a|b")]),
        (Parameter("t", "t", "query", style="spaceDelimited", explode=False), ["a", "b"], [("t", "a b")]),
        (Parameter("b", "b", "query"), False, [("b", "false")]),
        (Parameter("d", "d", "query"), datetime.datetime(2025, 1, 2, 3, 4, 5), [("d", "2025-01-02T03:04:05")]),
        (Parameter("n", "n", "query"), None, []),  # None for a query parameter: left out
        (Parameter("n", "n", "query"), UNSET, []),
    ],
)
def test_query_values_follow_style_and_explode(
    parameter: Parameter, value: Any, expected: list[tuple[str, str]]
) -> None:
    """Objects and lists in a query are written as OpenAPI's style/explode table says; None and UNSET are dropped."""
    kwargs = encode_request(op(Parameter("id", "id", "path"), parameter), {"id": "1", parameter.python_name: value})
    assert kwargs.get("params", []) == expected


def test_path_values_are_percent_encoded_and_lists_comma_joined() -> None:
    """A path value cannot break out of its segment; a simple-style list is comma-joined."""
    assert encode_request(op(Parameter("id", "id", "path")), {"id": "../x y"})["url"] == "/items/..%2Fx%20y"
    assert encode_request(op(Parameter("id", "id", "path")), {"id": [1, 2]})["url"] == "/items/1,2"
    for number in (0, -7, 10**30, True, 2.5):  # an int is written as str() gives it, like any plain value
        expected = quote(str(number).lower() if number is True else str(number), safe="")
        assert encode_request(op(Parameter("id", "id", "path")), {"id": number})["url"] == f"/items/{expected}"


@pytest.mark.parametrize(
    ("body", "value", "key", "expected"),
    [
        (Body("json", "application/json"), Filter("a", 2), "json", {"kind": "a", "size": 2}),
        (Body("json", "application/json"), [Filter("a", 2)], "json", [{"kind": "a", "size": 2}]),
        (Body("form", "application/x-www-form-urlencoded"), Filter("a", 2), "data", {"kind": "a", "size": 2}),
        (Body("text", "text/plain"), "hello", "content", b"hello"),
    ],
)
def test_bodies_are_encoded_by_media_type(body: Body, value: Any, key: str, expected: Any) -> None:
    """JSON, form and text bodies go to httpx's json=, data= and content= with the media type's Content-Type."""
    kwargs = encode_request(op(Parameter("id", "id", "path"), bodies=(body,)), {"id": "1", "body": value})
    assert kwargs[key] == expected
    assert kwargs["headers"]["Content-Type"] == body.content_type


def test_multipart_leaves_the_content_type_to_httpx_and_binary_sends_the_payload() -> None:
    """Multipart: the model's to_multipart() as files= (httpx adds the boundary); binary: the File's payload."""
    multipart = encode_request(op(bodies=(Body("multipart", "multipart/form-data"),)), {"body": Filter("a", 1)})
    assert multipart["files"] == [("kind", (None, b"a", "text/plain"))]
    assert "headers" not in multipart
    payload = io.BytesIO(b"\x00\x01")
    binary = encode_request(op(bodies=(Body("binary", "application/octet-stream"),)), {"body": Upload(payload)})
    assert binary["content"] is payload


def test_the_body_media_type_is_chosen_by_the_value_class() -> None:
    """With several media types, the one whose classes the value is wins."""
    bodies = (
        Body("json", "application/json", types=(Upload,)),
        Body("form", "application/x-www-form-urlencoded", types=(Filter,)),
    )
    kwargs = encode_request(op(bodies=bodies), {"body": Filter("a", 1)})
    assert kwargs["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_scalars_as_text_and_json() -> None:
    """Bools are true/false in URLs and headers; nested UNSET values are dropped from JSON objects."""
    assert (text_of(True), text_of(datetime.date(2025, 1, 2)), text_of(3)) == ("true", "2025-01-02", "3")
    assert jsonable({"a": UNSET, "b": [datetime.date(2025, 1, 2)]}) == {"b": ["2025-01-02"]}

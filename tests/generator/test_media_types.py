"""Media types openapi-python-client does not know become bytes or text, never a dropped operation or body;
every request's Accept header lists what the operation's responses document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.build import build_into
from generator.media_types import accept_header, rewrite_media_types
from tests.generator.test_build import python_in, widget_entry, write_spec


def operation(request: dict[str, Any] | None, responses: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "paths": {"/x": {"post": {"requestBody": request, "responses": responses}}}}


def test_unknown_request_media_types_become_binary_bodies_and_json_is_untouched() -> None:
    """XML and image bodies are read as application/octet-stream with a binary schema; JSON stays as written."""
    request = {
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/xml": {"schema": {"type": "object"}},
            "image/png": {},
        }
    }
    document = operation(request, {"200": {"description": "ok"}})
    overrides, notes = rewrite_media_types(document)
    content = document["paths"]["/x"]["post"]["requestBody"]["content"]
    assert overrides == {"application/xml": "application/octet-stream", "image/png": "application/octet-stream"}
    assert content["application/json"] == {"schema": {"type": "object"}}
    assert (
        content["application/xml"]["schema"] == content["image/png"]["schema"] == {"type": "string", "format": "binary"}
    )
    assert len(notes) == 2


def test_responses_keep_json_first_and_unknown_types_are_bytes_and_text_is_str() -> None:
    """A response offering XML before JSON is parsed as JSON; a PDF-only response is bytes; text/html is str."""
    responses = {
        "200": {
            "description": "ok",
            "content": {"application/xml": {"schema": {}}, "application/json": {"schema": {}}},
        },
        "201": {"description": "ok", "content": {"application/pdf": {"schema": {"type": "object"}}}},
        "202": {"description": "ok", "content": {"text/html": {"schema": {"type": "object"}}}},
    }
    document = operation(None, responses)
    overrides, _ = rewrite_media_types(document)
    rewritten = document["paths"]["/x"]["post"]["responses"]
    assert list(rewritten["200"]["content"]) == ["application/json", "application/xml"]
    assert rewritten["201"]["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert rewritten["202"]["content"]["text/html"]["schema"] == {"type": "string"}
    assert "text/html" not in overrides


def test_accept_lists_every_documented_response_media_type_once_following_refs() -> None:
    """Success and error responses, inline or `$ref`, each media type once in document order; none: no header."""
    document = {"components": {"responses": {"Problem": {"content": {"application/problem+json": {}}}}}}
    responses = {
        "200": {"content": {"application/json": {}, "text/csv": {}}},
        "404": {"$ref": "#/components/responses/Problem"},
        "500": {"content": {"application/json": {}}},
    }
    assert accept_header(document, {"responses": responses}) == "application/json, text/csv, application/problem+json"
    assert accept_header(document, {"responses": {"204": {"description": "none"}}}) is None


MEDIA_SPEC = """
openapi: 3.0.3
info: {title: Media, version: "1"}
paths:
  /bin:
    post:
      operationId: putBin
      tags: [files]
      requestBody:
        required: true
        content:
          image/png:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: ok
          content:
            image/png: {schema: {type: string, format: binary}}
  /xml:
    post:
      operationId: putXml
      tags: [files]
      requestBody:
        required: false
        content:
          application/json:
            schema: {type: object, properties: {a: {type: string}}}
          application/xml:
            schema: {type: object}
      responses:
        "200":
          description: ok
          content:
            application/xml: {schema: {type: object}}
        "400":
          description: bad
          content:
            application/problem+json: {schema: {type: object}}
  /both:
    post:
      operationId: putBoth
      tags: [files]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [a], properties: {a: {type: string}}}
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: ok
          content:
            application/zip: {schema: {type: string, format: binary}}
  /txt:
    get:
      operationId: getText
      tags: [files]
      responses:
        "200":
          description: ok
          content:
            text/plain: {schema: {type: string}}
"""


def test_binary_xml_and_text_operations_are_generated_and_send_their_media_types(tmp_path: Path) -> None:
    """No operation or body is dropped: bodies are File with their own Content-Type (an optional one offered as
    JSON and XML too), responses bytes or str, and each request's Accept lists the documented response types."""
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, MEDIA_SPEC)), project)  # refuses (SpecRejected) any warning
    result = python_in(
        project,
        """
        import io
        import httpx
        from widget_sdk.api.files import get_text, put_bin, put_xml
        from widget_sdk.types import File
        from widget_sdk._runtime.client._call import answer
        from widget_sdk._runtime.client._encode import encode_request

        def parsed(operation, response):
            return answer(operation, response, validate=True, raw=False)

        kwargs = encode_request(put_bin.OPERATION, {"body": File(payload=io.BytesIO(b"\\x89PNG"))})
        assert kwargs["headers"] == {"Content-Type": "image/png", "Accept": "image/png"}, kwargs
        assert kwargs["content"].read() == b"\\x89PNG"
        png = parsed(put_bin.OPERATION, httpx.Response(200, content=b"\\x89PNG"))
        assert isinstance(png, File) and png.payload.read() == b"\\x89PNG"

        kwargs = encode_request(put_xml.OPERATION, {"body": File(payload=b"<a/>")})
        accept = "application/xml, application/problem+json"
        assert kwargs["headers"] == {"Content-Type": "application/xml", "Accept": accept}
        assert parsed(put_xml.OPERATION, httpx.Response(200, content=b"<b/>")).payload.read() == b"<b/>"

        assert encode_request(get_text.OPERATION, {})["headers"] == {"Accept": "text/plain"}
        assert parsed(get_text.OPERATION, httpx.Response(200, text="hello")) == "hello"
        print("ok")
        """,
    )
    assert result.returncode == 0, result.stderr


def test_file_beside_json_and_overridden_binary_answers_go_through_a_call(tmp_path: Path) -> None:
    """Through the client's call: a File body beside a JSON alternative is sent as its bytes with its own
    Content-Type (a model as JSON); an image/png or application/zip answer, read through an override, is a
    StreamedFile, never parsed as JSON."""
    project = tmp_path / "out"
    build_into(widget_entry(write_spec(tmp_path, MEDIA_SPEC)), project)
    result = python_in(
        project,
        """
        import httpx
        from widget_sdk import Widget
        from widget_sdk.models import PutBothJsonBody
        from widget_sdk.types import File, StreamedFile

        sent = []

        def answer(request):
            sent.append((request.headers["Content-Type"], request.read()))
            kind = "image/png" if request.url.path == "/bin" else "application/zip"
            return httpx.Response(200, content=b"PK\\x03\\x04 not json", headers={"Content-Type": kind})

        with Widget(base_url="http://widget.test", transport=httpx.MockTransport(answer)) as client:
            first = client.files.put_both(body=File(payload=b"\\x00\\x01raw"))
            second = client.files.put_both(body=PutBothJsonBody(a="x"))
            png = client.files.put_bin(body=File(payload=b"\\x89PNG"))
            assert isinstance(first, StreamedFile) and isinstance(png, StreamedFile), (first, png)
            assert (first.mime_type, first.read()) == ("application/zip", b"PK\\x03\\x04 not json")
            assert png.read() == b"PK\\x03\\x04 not json"
            second.close()
        assert sent[0] == ("application/octet-stream", b"\\x00\\x01raw"), sent
        assert sent[1] == ("application/json", b'{"a":"x"}'), sent
        assert sent[2] == ("image/png", b"\\x89PNG"), sent
        print("ok")
        """,
    )
    assert result.returncode == 0, result.stderr

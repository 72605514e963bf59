"""generator/wings.py: an SDK carries an optional runtime wing only when its documents give it a reason."""

from __future__ import annotations

from typing import Any

import pytest

from generator.normalize import normalise
from generator.registry import SdkEntry, load_registry
from generator.spec_context import spec_context
from generator.spec_source import read_openapi
from generator.wings import BASE_WINGS, Wings, has_binary_response, wings_for


def registry_wings(entry: SdkEntry) -> Wings:
    """The wings the build decides for a registry SDK, from the same normalised document it renders."""
    document = normalise(read_openapi(entry.spec).data, file=entry.spec.name, skip=entry.skip).document
    return wings_for(entry, spec_context(document, entry), document)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # AsyncAPI document, x-sdk-deferrable writes; its one binary schema is an upload, not a response
        ("myrvm", Wings(fast=True, outbox=True, download=False, realtime=True)),
        ("xoohoox", Wings(fast=True, outbox=False, download=False, realtime=True)),
        ("cloudconnexa", Wings(fast=True, outbox=False, download=False, realtime=False)),
        # no AsyncAPI document, nothing deferrable: no realtime, no outbox; model files answer as bytes
        ("tiktrue", Wings(fast=True, outbox=False, download=True, realtime=False)),
    ],
)
def test_each_sdk_gets_the_wings_its_documents_need(name: str, expected: Wings) -> None:
    """realtime follows `asyncapi`, outbox an x-sdk-deferrable operation, download a binary response; fast (the
    default async transport) comes with every SDK."""
    assert registry_wings(load_registry()[name]) == expected


def test_names_are_the_base_wings_and_the_present_optional_ones() -> None:
    """`names` is what the build copies and the facade offers: every base wing plus the optional ones set."""
    wings = Wings(fast=False, outbox=True, download=False, realtime=True)
    assert wings.names == frozenset({*BASE_WINGS, "outbox", "realtime"})


def _document(content: dict[str, Any]) -> dict[str, Any]:
    return {"paths": {"/x": {"parameters": [], "get": {"responses": {"200": {"content": content}}}}}}


@pytest.mark.parametrize(
    ("content", "binary"),
    [
        ({"application/octet-stream": {}}, True),
        ({"Application/Octet-Stream; q=1": {}}, True),
        ({"application/json": {"schema": {"type": "string", "format": "binary"}}}, False),
        ({"image/png": {}}, True),  # read as application/octet-stream through an override: a StreamedFile too
        ({"application/zip": {}}, True),
        ({"application/problem+json": {}}, False),
        ({"text/plain": {}}, False),
        ({}, False),
    ],
)
def test_a_binary_response_is_an_octet_stream_answer(content: dict[str, Any], binary: bool) -> None:
    """A bytes answer is application/octet-stream (any case, any parameter) or a media type read as it (neither
    JSON nor text); a path's `parameters` list beside its operations is not an operation."""
    assert has_binary_response(_document(content)) is binary


def test_a_binary_request_body_is_not_a_binary_response() -> None:
    """An upload alone gives no reason for the download wing."""
    upload = {"paths": {"/x": {"post": {"requestBody": {"content": {"application/octet-stream": {}}}}}}}
    assert not has_binary_response(upload)

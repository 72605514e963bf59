"""Success bodies are checked against the spec before a model is built (issue 13): through the real generated
SDKs, sync and async, resource methods and raw access (`with_raw_response`); `validate_responses=False`
(or `<PREFIX>_VALIDATE_RESPONSES=false`) switches the check off. The server is an `httpx.MockTransport`, and
once a real loopback HTTP server (so the pooled transport and the body read of a live connection are in the path)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import tiktrue_sdk
import xoohoox_sdk
from myrvm_sdk import MyRVM
from myrvm_sdk._runtime import OutboxPolicy
from myrvm_sdk.errors import ResponseValidationError as MyRVMValidationError
from tiktrue_sdk.errors import ResponseValidationError

from tests.sdk.myrvm_operations import sample
from tests.sdk.xoohoox_operations import SPEC as XOOHOOX_SPEC

TOKEN = "test-token"
REQUEST_ID = "req-13-validate"
LICENSE = {
    "license_key": "TT-PRO-XXXX-XXXX-7F3A",
    "plan": "pro",
    "status": "active",
    "expires_at": "2027-03-14T00:00:00Z",
    "max_clients": 3,
    "active_clients": 2,
    "allowed_models": ["llama-3.1-8b-instruct-q4"],
    "allowed_features": ["offline_mode"],
}


def serving(body: object, status: int = 200) -> httpx.MockTransport:
    """A server answering every request with `status`, `body` as JSON and a request id."""
    content = json.dumps(body).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "application/json", "X-Request-ID": REQUEST_ID}
        return httpx.Response(status, content=content, headers=headers)

    return httpx.MockTransport(answer)


def licence_with(**fields: object) -> dict[str, Any]:
    return {**LICENSE, **fields}


BAD_LICENCES = [
    pytest.param(licence_with(max_clients="three"), "/max_clients", "integer", "string 'three'", id="max_clients"),
    pytest.param(licence_with(allowed_models="llama"), "/allowed_models", "array", "string 'llama'", id="models"),
    pytest.param(licence_with(license_key=12345), "/license_key", "string", "integer 12345", id="license_key"),
    pytest.param(licence_with(status="lapsed"), "/status", "one of", "string 'lapsed'", id="enum"),
    pytest.param(licence_with(expires_at="soon"), "/expires_at", "a date-time", "string 'soon'", id="date-time"),
    pytest.param(licence_with(license_key="TT-PRO-1"), "/license_key", "a string matching", "'TT-PRO-1'", id="pattern"),
    pytest.param(licence_with(max_clients=0), "/max_clients", "a number >= 1", "integer 0", id="minimum"),
    pytest.param(licence_with(allowed_models=[1]), "/allowed_models/0", "string", "integer 1", id="items"),
    pytest.param({k: v for k, v in LICENSE.items() if k != "plan"}, "/plan", "a value", "nothing", id="required"),
]


@pytest.mark.parametrize(("body", "pointer", "expected", "actual"), BAD_LICENCES)
def test_a_licence_that_breaks_the_spec_raises_with_the_pointer(
    body: dict[str, Any], pointer: str, expected: str, actual: str
) -> None:
    """TikTrue's licence answer with a wrong type, enum, format, pattern, bound or a missing field raises
    ResponseValidationError carrying the status, the request id, the pointer, and expected vs actual."""
    with (
        tiktrue_sdk.TikTrue("https://api.tiktrue.test", api_token=TOKEN, transport=serving(body)) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.licenses.info()
    error = caught.value
    assert (error.status_code, error.request_id, error.pointer) == (200, REQUEST_ID, pointer)
    assert expected in (error.expected or "") and actual in (error.actual or "")
    assert f"{pointer}: expected {error.expected}, got {error.actual}" in str(error)
    assert error.body == body


def test_the_message_names_the_field_expected_and_actual() -> None:
    """The issue's example reads as a sentence: "/max_clients: expected integer, got string 'three'"."""
    transport = serving(licence_with(max_clients="three"))
    with (
        tiktrue_sdk.TikTrue("https://api.tiktrue.test", api_token=TOKEN, transport=transport) as client,
        pytest.raises(ResponseValidationError, match="/max_clients: expected integer, got string 'three'"),
    ):
        client.licenses.info()


def test_a_valid_licence_with_an_unknown_field_is_returned() -> None:
    """A body that matches the spec comes back as the model; an extra field (open model) is allowed."""
    transport = serving(licence_with(seats_note="new in v2"))
    with tiktrue_sdk.TikTrue("https://api.tiktrue.test", api_token=TOKEN, transport=transport) as client:
        licence = client.licenses.info()
    assert (licence.max_clients, licence.additional_properties) == (3, {"seats_note": "new in v2"})


async def test_async_and_raw_paths_validate_too() -> None:
    """The async client and raw access (sync and async) raise the same error before building a model."""
    bad = licence_with(max_clients="three")
    async with tiktrue_sdk.AsyncTikTrue("https://api.tiktrue.test", api_token=TOKEN, transport=serving(bad)) as aclient:
        with pytest.raises(ResponseValidationError) as caught:
            await aclient.licenses.info()
        assert caught.value.pointer == "/max_clients"
        with pytest.raises(ResponseValidationError):
            await aclient.with_raw_response.licenses.info()
    with (
        tiktrue_sdk.TikTrue("https://api.tiktrue.test", api_token=TOKEN, transport=serving(bad)) as client,
        pytest.raises(ResponseValidationError),
    ):
        client.with_raw_response.licenses.info()


def test_validate_responses_false_skips_the_check() -> None:
    """With validate_responses=False the model is built from the body as it came (the caller's hot path)."""
    transport = serving(licence_with(max_clients="three"))
    with tiktrue_sdk.TikTrue(
        "https://x.test", api_token=TOKEN, transport=transport, validate_responses=False
    ) as client:
        assert client.settings.validate_responses is False
        assert client.licenses.info().max_clients == "three"


def test_the_environment_switches_validation_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """TIKTRUE_VALIDATE_RESPONSES=false turns the check off like the argument; it is on by default."""
    transport = serving(licence_with(max_clients="three"))
    with tiktrue_sdk.TikTrue("https://x.test", api_token=TOKEN, transport=transport) as client:
        assert client.settings.validate_responses is True
    monkeypatch.setenv("TIKTRUE_VALIDATE_RESPONSES", "false")
    with tiktrue_sdk.TikTrue("https://x.test", api_token=TOKEN, transport=transport) as client:
        assert client.licenses.info().max_clients == "three"


def test_an_enveloped_answer_is_checked_inside_its_data() -> None:
    """Xoohoox wraps bodies in an envelope (info.x-sdk-envelope): the pointer runs through `data`."""
    body = copy.deepcopy(XOOHOOX_SPEC.success_example("getBatch"))
    body["data"]["quantity"] = "lots"
    with (
        xoohoox_sdk.Xoohoox("https://x.test/api/v1", api_token=TOKEN, transport=serving(body)) as client,
        pytest.raises(xoohoox_sdk.errors.ResponseValidationError) as caught,
    ):
        client.batches.get(body["data"]["id"])
    assert caught.value.pointer == "/data/quantity"
    assert caught.value.expected == "number"


@pytest.fixture
def licence_server() -> Iterator[str]:
    """A loopback HTTP server on a free port answering every GET with a licence whose max_clients is "three";
    stopped after the test whatever happens."""
    content = json.dumps(licence_with(max_clients="three")).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            for name, value in (("Content-Type", "application/json"), ("X-Request-ID", REQUEST_ID)):
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_a_real_server_answer_is_checked_sync_and_async(licence_server: str) -> None:
    """Over a live loopback connection, sync and async clients raise ResponseValidationError for max_clients."""
    with tiktrue_sdk.TikTrue(licence_server, api_token=TOKEN) as client, pytest.raises(ResponseValidationError) as sync:
        client.licenses.info()
    async with tiktrue_sdk.AsyncTikTrue(licence_server, api_token=TOKEN) as aclient:
        with pytest.raises(ResponseValidationError) as in_async:
            await aclient.licenses.info()
    for caught in (sync, in_async):
        assert (caught.value.pointer, caught.value.request_id) == ("/max_clients", REQUEST_ID)


def test_a_write_sent_through_the_outbox_path_is_checked(tmp_path: Path) -> None:
    """deliver="queued" with the network up sends at once; its answer is checked like any other."""
    policy = OutboxPolicy(path=tmp_path / "outbox.sqlite3")
    with (
        MyRVM(
            "https://api.myrvm.test", api_token=TOKEN, transport=serving({"accepted": "1"}, 202), outbox=policy
        ) as client,
        pytest.raises(MyRVMValidationError) as caught,
    ):
        client.metrics.create("rvm-0042", body=sample(), deliver="queued")
    assert (caught.value.pointer, caught.value.expected) == ("/accepted", "integer")

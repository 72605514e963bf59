"""Secrets stay out of what a generated client shows: its repr, its settings, its errors and its logs.

Each test runs a generated client over an `httpx.MockTransport` standing in for a server that echoes
secrets back; no mock server is needed.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM
from myrvm_sdk.errors import ConfigurationError, SDKError
from tiktrue_sdk import TikTrue
from tiktrue_sdk.errors import APIStatusError
from tiktrue_sdk.models import LicenseValidationRequest

URL_PASSWORD = "pw-in-the-base-url-0042"
BASE_URL_WITH_PASSWORD = f"https://ann:{URL_PASSWORD}@api.example.com"


def server_error(request: httpx.Request) -> httpx.Response:
    """A server that fails every call."""
    return httpx.Response(500, json={"title": "Internal Server Error"})


def test_a_password_in_the_base_url_shows_in_no_repr_error_or_log(caplog: pytest.LogCaptureFixture) -> None:
    """`https://user:pass@host` as the base URL: repr(client), repr(settings), the error of a failed call
    and every log line (the SDK's and httpx's own, at DEBUG) show no password."""
    transport = httpx.MockTransport(server_error)
    with (
        caplog.at_level(logging.DEBUG),
        MyRVM(BASE_URL_WITH_PASSWORD, api_token="tok_0123456789", transport=transport, retry=None) as client,
    ):
        with pytest.raises(SDKError) as caught:
            client.health.check()
        shown = [repr(client), repr(client.settings), str(caught.value), caplog.text]
    assert caplog.records
    assert "https://REDACTED@api.example.com" in repr(client)
    for text in shown:
        assert URL_PASSWORD not in text


async def test_async_a_password_in_the_base_url_shows_in_no_repr(caplog: pytest.LogCaptureFixture) -> None:
    """The async client hides it the same way."""
    transport = httpx.MockTransport(server_error)
    with caplog.at_level(logging.DEBUG):
        async with AsyncMyRVM(
            BASE_URL_WITH_PASSWORD, api_token="tok_0123456789", transport=transport, retry=None
        ) as client:
            with pytest.raises(SDKError) as caught:
                await client.health.check()
            shown = [repr(client), repr(client.settings), str(caught.value), caplog.text]
    for text in shown:
        assert URL_PASSWORD not in text


FINGERPRINT = "8c76b3175e2eb32d597e8cd41b5e2abdbdbd17aa1fa02166202ccb8638e804ae"  # a writeOnly field in the spec
PASSWORD = "tiktrue-password-0042"


def tiktrue_server(request: httpx.Request) -> httpx.Response:
    """Logs in, then refuses the licence check with an error body that echoes the fingerprint."""
    if request.url.path.endswith("/auth/login"):
        token = {"access_token": "access-0123456789", "refresh_token": "refresh-0123456789", "expires_in": 900}
        return httpx.Response(200, json=token)
    body = {
        "status": "error",
        "message": f"machine {FINGERPRINT} is bound to another licence",
        "errors": [{"field": "hardware_fingerprint", "hardware_fingerprint": FINGERPRINT}],
    }
    return httpx.Response(403, json=body)


def test_fields_the_spec_marks_write_only_are_masked_in_debug_logs_and_errors(caplog: pytest.LogCaptureFixture) -> None:
    """TikTrue's hardware fingerprint (writeOnly in the spec) is masked like a password: in the DEBUG lines of
    the login and of the licence check, and in the error whose body echoes it."""
    credentials = {"username": "ann", "password": PASSWORD, "hardware_fingerprint": FINGERPRINT}
    with (
        caplog.at_level(logging.DEBUG),
        TikTrue(
            "https://api.example.com", credentials=credentials, transport=httpx.MockTransport(tiktrue_server)
        ) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        client.licenses.validate(body=LicenseValidationRequest(hardware_fingerprint=FINGERPRINT))
    assert caught.value.status_code == 403
    assert "response body" in caplog.text and "/auth/login request body" in caplog.text
    for text in (str(caught.value), caplog.text):
        assert FINGERPRINT not in text and PASSWORD not in text
    assert "machine REDACTED is bound" in str(caught.value)


def test_the_realtime_client_refuses_plain_ws_to_another_host_like_the_http_side() -> None:
    """A generated client's realtime() refuses ws:// to a remote host before any connection (its token would
    travel in clear), as its HTTP calls refuse http://; ws:// to the loopback mock stays allowed."""
    with MyRVM(
        "https://api.example.com", api_token="tok_0123456789", transport=httpx.MockTransport(server_error)
    ) as client:
        with pytest.raises(ConfigurationError) as caught:
            client.realtime("ws://events.example.com/ws")
        assert caught.value.setting == "url" and "require_https=False" in str(caught.value)
        client.realtime("ws://127.0.0.1:4011/ws").close()

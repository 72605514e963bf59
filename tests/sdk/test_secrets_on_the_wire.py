"""Secrets stay out of what a generated client shows: its repr, its settings, its errors and its logs.

Each test runs a generated client over an `httpx.MockTransport` standing in for a server that echoes
secrets back; no mock server is needed.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM
from myrvm_sdk.errors import SDKError

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

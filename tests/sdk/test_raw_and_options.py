"""Raw access (`client.with_raw_response...`) and derived clients (`client.with_options(...)`) against Prism."""

from __future__ import annotations

import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM, RequestOptions
from myrvm_sdk.models import RvmConfig

from mock.prism import PrismServer
from tests.sdk.wire import AsyncWireRecorder, WireRecorder

RVM = "rvm-0042"
TOKEN = "test-token-not-a-secret"


def test_raw_response_gives_status_headers_and_the_parsed_model(myrvm_mock: PrismServer) -> None:
    """with_raw_response.config.get returns the 200 with its headers (ETag) and parse() -> RvmConfig."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        answer = client.with_raw_response.config.get(RVM)
    assert answer.status_code == 200
    assert answer.headers["ETag"]
    assert isinstance(answer.parse(), RvmConfig)


def test_raw_response_returns_a_304_instead_of_raising(myrvm_mock: PrismServer) -> None:
    """A 304 through raw access is the answer itself (parse() is None), not NotModifiedError."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        answer = client.with_raw_response.config.get(
            RVM, if_none_match='"cfg-7f3a9c2e"', request_options=RequestOptions(headers={"Prefer": "code=304"})
        )
    assert (answer.status_code, answer.parse()) == (304, None)


def test_with_options_applies_to_every_call_of_the_derived_client_only(
    myrvm_mock: PrismServer, wire: WireRecorder
) -> None:
    """Headers given to with_options go on each call of the derived client; the original sends none; a
    call's own options win over the derived client's."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN, transport=wire) as client:
        traced = client.with_options(headers={"X-Trace": "derived"}, retry=None)
        traced.config.get(RVM)
        traced.health.check(request_options=RequestOptions(headers={"X-Trace": "call"}))
        client.config.get(RVM)
    assert [sent.headers.get("x-trace") for sent in wire.sent] == ["derived", "call", None]


async def test_async_client_mirrors_raw_access_and_with_options(
    myrvm_mock: PrismServer, async_wire: AsyncWireRecorder
) -> None:
    """The async client has the same with_raw_response and with_options."""
    async with AsyncMyRVM(myrvm_mock.url, api_token=TOKEN, transport=async_wire) as client:
        answer = await client.with_options(headers={"X-Trace": "a"}).with_raw_response.config.get(RVM)
    assert answer.status_code == 200 and isinstance(answer.parse(), RvmConfig)
    assert async_wire.sent[-1].headers.get("x-trace") == "a"


def test_with_options_refuses_a_wrong_retry() -> None:
    """with_options(retry=3) is a TypeError naming retry, like RequestOptions."""
    with MyRVM("http://127.0.0.1:9", api_token=TOKEN) as client, pytest.raises(TypeError, match="retry"):
        client.with_options(retry=3)  # type: ignore[arg-type]


def test_per_call_keywords_and_the_deprecated_detailed_alias(myrvm_mock: PrismServer, wire: WireRecorder) -> None:
    """extra_headers= and idempotency_key= apply to that call only (over the derived client's headers);
    `get_detailed` still answers, as raw access, with a DeprecationWarning naming `with_raw_response`."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN, transport=wire) as client:
        traced = client.with_options(headers={"X-Trace": "derived"})
        traced.config.get(RVM, extra_headers={"X-Trace": "call"}, timeout=30)
        client.health.check(idempotency_key="key-1")
        with pytest.warns(DeprecationWarning, match=r"with_raw_response\.<resource>\.get"):
            detailed = client.config.get_detailed(RVM)  # type: ignore[attr-defined]
    assert [sent.headers.get("x-trace") for sent in wire.sent[:2]] == ["call", None]
    assert wire.sent[1].headers.get("idempotency-key") == "key-1"
    assert detailed.status_code == 200 and isinstance(detailed.parsed, RvmConfig)

"""The MyRVM clients' own contract: typed transport errors, spec-checked success bodies, configuration.

Only some of these need Prism (the environment's base URL is used for a real call); the others run on
a closed port or an `httpx.MockTransport`. The module keeps the suite's ``prism`` marker as asked.
"""

from __future__ import annotations

import httpx
import pytest
from myrvm_sdk import AsyncMyRVM, MyRVM, RetryPolicy
from myrvm_sdk._runtime import ErrorEvent, FakeClock
from myrvm_sdk.errors import ConfigurationError, ConnectError, ResponseValidationError

from mock.prism import PrismServer, free_port

pytestmark = pytest.mark.prism

RVM = "rvm-0042"
TOKEN = "tok_ab12cd34ef56_never_printed"
API_KEY = "key_0123456789abcdefXYZ_never_printed"
REQUEST_ID = "req-validation-1"
CONFIG_WITHOUT_CAMERA = {  # the spec's RvmConfig example, without its required `camera`
    "rvm_id": RVM,
    "confidence_threshold": 0.85,
    "detection_model": "yolov8n-containers",
    "model_version": "3.2.1",
    "bin_capacity": {"max_items": 600, "max_weight_kg": 25.0, "warning_percent": 80, "full_percent": 95},
    "maintenance_mode": False,
    "timezone": "Asia/Jakarta",
    "updated_at": "2026-03-14T08:30:00Z",
}


def closed_port_url() -> str:
    """A loopback URL nobody listens on."""
    return f"http://127.0.0.1:{free_port()}"


def config_without_camera(request: httpx.Request) -> httpx.Response:
    """A server whose 200 breaks the spec: RvmConfig without its required `camera`."""
    return httpx.Response(200, json=CONFIG_WITHOUT_CAMERA, headers={"X-Request-ID": REQUEST_ID})


# --- transport errors --------------------------------------------------------------------------------------


def test_closed_port_raises_connect_error() -> None:
    """Nothing listening: the call raises ConnectError (not an httpx exception) naming the method and URL."""
    url = closed_port_url()
    with MyRVM(url, api_token=TOKEN, retry=None) as client, pytest.raises(ConnectError) as caught:
        client.health.check()
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.method == "GET"
    assert caught.value.url == f"{url}/api/v2/health"
    assert TOKEN not in str(caught.value)


def test_connect_errors_are_retried_then_raised() -> None:
    """A connect error is always retryable (the request never left), even for a POST without a key:
    max_attempts attempts with a backoff sleep between each, then ConnectError."""
    clock, failed = FakeClock(), []
    policy = RetryPolicy(max_attempts=3, initial_delay_s=1.0, backoff_factor=2.0, max_jitter_s=None)

    with MyRVM(closed_port_url(), api_token=TOKEN, retry=policy, clock=clock) as client:
        client.on_error(lambda event: failed.append((event.operation_id, event.attempt)))
        with pytest.raises(ConnectError):
            client.health.check()
    assert failed == [("getHealth", 1), ("getHealth", 2), ("getHealth", 3)]
    assert clock.sleeps == [1.0, 2.0]


async def test_async_closed_port_raises_connect_error() -> None:
    """The async client raises the same ConnectError."""
    clock, failed = FakeClock(), []

    def record(event: ErrorEvent) -> None:
        failed.append(event.attempt)

    async with AsyncMyRVM(closed_port_url(), api_token=TOKEN, clock=clock) as client:
        client.on_error(record)
        with pytest.raises(ConnectError):
            await client.config.get(RVM)
    assert failed == [1, 2, 3]
    assert len(clock.sleeps) == 2


# --- success bodies are checked against the spec ----------------------------------------------------------------


def test_success_body_missing_a_required_field_raises_response_validation_error() -> None:
    """A 200 whose body lacks a required field raises ResponseValidationError naming the field's JSON pointer."""
    transport = httpx.MockTransport(config_without_camera)
    with (
        MyRVM("https://api.myrvm.test", api_token=TOKEN, transport=transport) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.config.get(RVM)
    error = caught.value
    assert error.path == error.pointer == "/camera"
    assert "/camera: expected a value (the field is required), got nothing" in str(error)
    assert (error.status_code, error.request_id) == (200, REQUEST_ID)
    assert error.body == CONFIG_WITHOUT_CAMERA


async def test_async_success_body_missing_a_required_field_raises_response_validation_error() -> None:
    """The async client validates success bodies the same way."""
    transport = httpx.MockTransport(config_without_camera)
    async with AsyncMyRVM("https://api.myrvm.test", api_token=TOKEN, transport=transport) as client:
        with pytest.raises(ResponseValidationError) as caught:
            await client.config.get(RVM)
    assert caught.value.pointer == "/camera"


# --- configuration ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_class", [MyRVM, AsyncMyRVM])
def test_missing_base_url_is_a_configuration_error(
    client_class: type[MyRVM] | type[AsyncMyRVM], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No base URL argument, no MYRVM_BASE_URL and no config file: ConfigurationError naming base_url."""
    monkeypatch.delenv("MYRVM_BASE_URL", raising=False)
    monkeypatch.delenv("MYRVM_CONFIG_FILE", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        client_class(api_token=TOKEN)
    assert caught.value.setting == "base_url"
    assert "base_url" in str(caught.value) and "MYRVM_BASE_URL" in str(caught.value)


def test_base_url_from_the_environment_is_used(myrvm_mock: PrismServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """MYRVM_BASE_URL supplies the base URL when none is passed, and calls go there."""
    monkeypatch.setenv("MYRVM_BASE_URL", myrvm_mock.url)
    with MyRVM(api_token=TOKEN) as client:
        assert client.settings.base_url == myrvm_mock.url
        assert client.health.check().status == "ok"


def test_argument_beats_the_environment(myrvm_mock: PrismServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """An explicit base_url wins over MYRVM_BASE_URL."""
    monkeypatch.setenv("MYRVM_BASE_URL", closed_port_url())
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        assert client.settings.base_url == myrvm_mock.url
        assert client.health.check().status == "ok"


def test_malformed_base_url_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A base URL that is not absolute http(s) is refused up front, naming the setting and its source."""
    monkeypatch.setenv("MYRVM_BASE_URL", "api.myrvm.example")
    with pytest.raises(ConfigurationError) as caught:
        MyRVM(api_token=TOKEN)
    assert caught.value.setting == "base_url"
    assert "MYRVM_BASE_URL" in str(caught.value)


def test_repr_never_shows_the_api_token(myrvm_mock: PrismServer) -> None:
    """repr() of the client, its settings and its auth never contain the api_token, before or after use."""
    with MyRVM(myrvm_mock.url, api_token=TOKEN) as client:
        client.health.check()
        client.config.get(RVM)
        shown = [repr(client), repr(client.settings), str(client.settings), repr(client._connection.auth)]
        shown.append(repr(client._connection.auth.token if client._connection.auth else None))
    assert myrvm_mock.url in repr(client)
    for text in shown:
        assert TOKEN not in text


def test_repr_never_shows_the_token_from_the_environment_or_the_api_key(
    myrvm_mock: PrismServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token from MYRVM_API_TOKEN and a login api_key stay out of every repr too."""
    monkeypatch.setenv("MYRVM_API_TOKEN", TOKEN)
    with MyRVM(myrvm_mock.url) as from_env:
        shown = [repr(from_env), repr(from_env.settings)]
    monkeypatch.delenv("MYRVM_API_TOKEN")  # a static token would win over the login
    with MyRVM(myrvm_mock.url, credentials={"rvm_id": RVM, "api_key": API_KEY}) as with_login:
        with_login.config.get(RVM)
        assert with_login._connection.auth is not None and with_login._connection.auth.token is not None
        shown += [repr(with_login), repr(with_login.settings), repr(with_login._connection.auth)]
    assert from_env.settings.api_token is not None
    for text in shown:
        assert TOKEN not in text and API_KEY not in text


def test_documented_timezone_paths_do_not_warn(myrvm_mock) -> None:
    """The timezone paths both design documents use (canonical and alias) are not deprecated: no warning."""
    import warnings

    from myrvm_sdk import MyRVM

    with (
        MyRVM(myrvm_mock.url, api_token="tok-for-deprecation-test") as client,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        client.timezone.status("jetson_orin_nano")
        client.timezone.status_alias("jetson_orin_nano")
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []

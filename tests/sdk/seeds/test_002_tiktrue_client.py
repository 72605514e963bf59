"""The TikTrue backend client guide (seeds/002), its examples run as written against the Prism mock.

Each test copies one example of the guide; only the host (the mock's URL for https://api.tiktrue.com) and the
import line (`tiktrue_sdk.backend_api_client` for the guide's `backend_api_client`) differ. The guide is
async only. Tests that need a failure the mock does not give use an `httpx.MockTransport` instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tiktrue_sdk import backend_api_client
from tiktrue_sdk._runtime import FakeClock
from tiktrue_sdk.backend_api_client import (  # the guide's `from backend_api_client import ...`
    APIResponse,
    BackendAPIClient,
    LoginCredentials,
    create_api_client,
    test_backend_connection,
)

from mock.prism import PrismServer, free_port
from tests.conftest import MockFactory
from tests.sdk.wire import AsyncWireRecorder

LOGIN_TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMDFKUTdBMUIyQzNENEU1RjZHN0g4SjlLME0iLCJod2YiOiI4"
PLACEHOLDER_SHA256 = "5007c34361b4c571605cdc5f2c9d3d9e2f7523fce468e28fb845241bfce03705"


@pytest.fixture
def api(prism: MockFactory) -> Iterator[str]:
    """The guide's https://api.tiktrue.com, served by the TikTrue mock; the test fails if the mock dies."""
    server: PrismServer = prism("tiktrue")
    yield server.url
    if not server.alive():
        pytest.fail(f"the TikTrue mock died during this test: {server.last_log_lines()}")


def credentials() -> LoginCredentials:
    return LoginCredentials(username="user@example.com", password="password123", hardware_fingerprint="hw_abc123")


# --- Quick Start -----------------------------------------------------------------------------------------


async def test_basic_usage(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Quick Start / Basic Usage: connect, log in with the guide's credentials, list the models."""

    async def main() -> None:
        # Create client
        async with BackendAPIClient(api) as client:
            # Test connection
            connection_result = await client.test_connection()
            print(f"Connected: {connection_result.success}")

            # Login
            credentials = LoginCredentials(
                username="user@example.com", password="your_password", hardware_fingerprint="hw_fingerprint_123"
            )

            login_result = await client.login(credentials)
            if login_result.success:
                print("Login successful!")

                # Get available models
                models = await client.get_available_models()
                print(f"Available models: {models.data}")

    await main()
    out = capsys.readouterr().out
    assert "Connected: True" in out
    assert "Login successful!" in out
    assert "Available models: {'models': [{'model_id': 'llama-3.1-8b-instruct-q4'" in out


async def test_convenience_functions(api: str) -> None:
    """Quick Start / Convenience Functions: test_backend_connection answers True, create_api_client a client.

    test_backend_connection is imported at the top, as the guide does (it is marked as no pytest test).
    """
    # Quick connection test
    is_connected = await test_backend_connection(api)

    # Create and initialize client
    client = await create_api_client(api)
    assert is_connected is True
    assert isinstance(client, BackendAPIClient)
    assert (await client.test_connection()).success
    await client.close()


async def test_a_backend_that_is_down_is_reported_not_raised() -> None:
    """test_backend_connection is False and test_connection a NETWORK_ERROR response when nothing listens."""
    down = f"http://127.0.0.1:{free_port()}"
    assert await backend_api_client.test_backend_connection(down) is False
    async with BackendAPIClient(down, max_retries=0) as client:
        result = await client.test_connection()
    assert (result.success, result.error_code, result.status_code) == (False, "NETWORK_ERROR", 0)
    assert result.error


# --- Constructor and settings --------------------------------------------------------------------------


async def test_constructor_defaults_and_the_guides_pool() -> None:
    """BackendAPIClient(base_url, timeout=30, max_retries=3): 30 s timeouts, 3 retries, 10 connections / 5 per host."""
    async with BackendAPIClient("https://api.tiktrue.com") as client:
        settings = client.settings
    assert settings.timeouts.read_s == 30 and settings.timeouts.connect_s == 30
    assert settings.retry is not None and settings.retry.max_attempts == 4
    assert (settings.pool.max_connections, settings.pool.max_connections_per_host) == (10, 5)


async def test_max_retries_three_means_four_attempts_then_the_servers_code() -> None:
    """max_retries=3 retries a retryable failure 3 times (4 attempts); the last answer's code is the result."""
    attempts: list[str] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        attempts.append(request.url.path)
        problem = {"type": "about:blank", "title": "Unavailable", "status": 503, "code": "SERVICE_UNAVAILABLE"}
        return httpx.Response(503, json=problem, headers={"Content-Type": "application/problem+json"})

    transport = httpx.MockTransport(unavailable)
    async with BackendAPIClient("https://api.tiktrue.com", max_retries=3, transport=transport, clock=FakeClock()) as c:
        result = await c.test_connection()
    assert attempts == ["/api/v1/health"] * 4
    assert (result.success, result.error_code, result.status_code) == (False, "SERVICE_UNAVAILABLE", 503)


async def test_backend_url_comes_from_the_environment(api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Configuration / Environment Variables: BACKEND_URL names the server when no URL is given."""
    monkeypatch.setenv("BACKEND_URL", api)
    assert await backend_api_client.test_backend_connection() is True
    async with BackendAPIClient() as client:
        assert client.base_url == api
    assert backend_api_client.DEFAULT_BACKEND_URL == "https://api.tiktrue.com"


# --- Authentication --------------------------------------------------------------------------------------


async def test_login_logout_and_is_authenticated(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """login(credentials) logs the client in (access_token set), logout() logs it out, is_authenticated follows."""
    async with BackendAPIClient(api) as client:
        assert not client.is_authenticated()
        credentials = LoginCredentials(
            username="user@example.com", password="password123", hardware_fingerprint="hw_abc123"
        )

        result = await client.login(credentials)
        if result.success:
            print(f"Access token: {client.access_token}")

        if client.is_authenticated():
            print("Client is authenticated")

        result = await client.logout()
        print(f"Logout successful: {result.success}")
        assert not client.is_authenticated() and client.access_token is None
    out = capsys.readouterr().out
    assert f"Access token: {LOGIN_TOKEN}" in out
    assert "Client is authenticated" in out and "Logout successful: True" in out


async def test_complete_authentication_workflow(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Examples / Complete Authentication Workflow, as written."""

    async def authentication_example() -> None:
        async with BackendAPIClient(api) as client:
            # Check initial state
            print(f"Initially authenticated: {client.is_authenticated()}")

            # Login
            credentials = LoginCredentials(
                username="user@example.com", password="password123", hardware_fingerprint="hw_abc123"
            )

            login_result = await client.login(credentials)
            if login_result.success:
                print("Login successful!")
                print(f"Access token: {client.access_token[:20]}...")  # type: ignore[index]
                print(f"Token expires: {client.token_expires_at}")

                # Use authenticated endpoints
                license_result = await client.get_license_info()
                if license_result.success:
                    print(f"License plan: {license_result.data['plan']}")  # type: ignore[index]

                # Logout
                logout_result = await client.logout()
                print(f"Logout successful: {logout_result.success}")
            else:
                print(f"Login failed: {login_result.error}")

    await authentication_example()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Initially authenticated: False"
    assert out[1:3] == ["Login successful!", f"Access token: {LOGIN_TOKEN[:20]}..."]
    assert out[3].startswith("Token expires: 20") and out[4:] == ["License plan: pro", "Logout successful: True"]


async def test_the_session_renews_its_token_on_its_own(api: str) -> None:
    """After the access token expires the next call refreshes it: access_token and token_expires_at move on."""
    clock = FakeClock()
    async with BackendAPIClient(api, clock=clock) as client:
        assert (await client.login(credentials())).success
        first_expiry = client.token_expires_at
        clock.advance(900)
        assert (await client.get_license_info()).success
        assert client.access_token is not None and client.access_token != LOGIN_TOKEN
        assert client.token_expires_at is not None and first_expiry is not None
        assert client.token_expires_at > first_expiry


async def test_wrong_credentials_answer_invalid_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    """Error Handling / Example Error Handling: a refused login is INVALID_CREDENTIALS, 401, with the server's text."""
    problem = {
        "type": "https://tiktrue.example/problems/invalid-credentials",
        "title": "Invalid credentials",
        "status": 401,
        "detail": "The username or password is wrong.",
        "code": "INVALID_CREDENTIALS",
    }
    refusing = httpx.MockTransport(lambda request: httpx.Response(401, json=problem))
    async with BackendAPIClient("https://api.tiktrue.com", transport=refusing) as client:
        credentials = LoginCredentials(
            username="user@example.com", password="wrong-password", hardware_fingerprint="hw_abc123"
        )
        try:
            result = await client.login(credentials)
            if not result.success:
                if result.error_code == "INVALID_CREDENTIALS":
                    print("Please check your username and password")
                elif result.error_code == "NETWORK_ERROR":
                    print("Network connection failed, please try again")
                else:
                    print(f"Login failed: {result.error}")
        except Exception as e:
            print(f"Unexpected error: {e}")
        assert not client.is_authenticated()
    assert capsys.readouterr().out == "Please check your username and password\n"
    assert result.to_dict() == {
        "success": False,
        "error": "The username or password is wrong.",
        "error_code": "INVALID_CREDENTIALS",
        "status_code": 401,
    }


async def test_account_calls_before_login_send_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Troubleshooting / Authentication Failures: before login() an account call is NOT_AUTHENTICATED, unsent."""
    sent: list[httpx.Request] = []
    recording = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    async with BackendAPIClient("https://api.tiktrue.com", transport=recording) as client:
        if not client.is_authenticated():
            print("Please login first")
        result = await client.get_license_info()
    assert (result.success, result.error_code, result.status_code) == (False, "NOT_AUTHENTICATED", 401)
    assert sent == [] and capsys.readouterr().out == "Please login first\n"


async def test_values_the_spec_refuses_are_invalid_requests_sent_nowhere() -> None:
    """A fingerprint the spec's pattern refuses, or none at login, is INVALID_REQUEST naming it; nothing is sent."""
    sent: list[str] = []
    pair = {"access_token": "a" * 20, "refresh_token": "r" * 20, "token_type": "Bearer", "expires_in": 900}

    def serve(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json=pair)

    async with BackendAPIClient("https://api.tiktrue.com", transport=httpx.MockTransport(serve)) as client:
        no_fingerprint = await client.login(LoginCredentials(username="user@example.com", password="password123"))
        assert (no_fingerprint.success, no_fingerprint.error_code) == (False, "INVALID_REQUEST")
        assert "hardware_fingerprint" in (no_fingerprint.error or "")
        assert (await client.login(credentials())).success
        refused = await client.validate_license("not a fingerprint")
    assert (refused.success, refused.error_code, refused.status_code) == (False, "INVALID_REQUEST", 0)
    assert "body.hardware_fingerprint" in (refused.error or "") and "pattern" in (refused.error or "")
    assert sent == ["/api/v1/auth/login"]


def test_credentials_keep_the_password_out_of_repr() -> None:
    """LoginCredentials is the guide's dataclass; its repr never shows the password."""
    shown = repr(credentials())
    assert "password123" not in shown and "user@example.com" in shown


# --- Licence ---------------------------------------------------------------------------------------------


async def test_license_methods(api: str, capsys: pytest.CaptureFixture[str], async_wire: AsyncWireRecorder) -> None:
    """License Methods: validate_license, get_license_info and renew_license with the guide's own values."""
    async with BackendAPIClient(api, transport=async_wire) as client:
        await client.login(credentials())

        result = await client.validate_license("hw_fingerprint_123")
        if result.success:
            print(f"License valid: {result.data['valid']}")  # type: ignore[index]

        result = await client.get_license_info()
        if result.success:
            license_info = result.data
            print(f"Plan: {license_info['plan']}")  # type: ignore[index]
            print(f"Expires: {license_info['expires_at']}")  # type: ignore[index]

        result = await client.renew_license("payment_token_123")
        if result.success:
            print("License renewed successfully")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "License valid: True" and out[1] == "Plan: pro"
    assert out[2].startswith("Expires: 20") and out[3] == "License renewed successfully"
    bodies = {sent.path: sent.content for sent in async_wire.sent}
    assert bodies["/api/v1/license/validate"] == b'{"hardware_fingerprint":"hw_fingerprint_123"}'
    assert bodies["/api/v1/license/renew"] == b'{"payment_token":"payment_token_123"}'


# --- Models ----------------------------------------------------------------------------------------------


async def test_model_methods(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Model Methods: the list (model_id, name), metadata (size_mb, blocks_count) and the download URL."""
    async with BackendAPIClient(api) as client:
        await client.login(credentials())

        result = await client.get_available_models()
        if result.success:
            models = result.data["models"]  # type: ignore[index]
            for model in models:
                print(f"Model: {model['name']} ({model['model_id']})")

        result = await client.get_model_metadata("llama3_1_8b_fp16")
        if result.success:
            metadata = result.data
            print(f"Size: {metadata['size_mb']} MB")  # type: ignore[index]
            print(f"Blocks: {metadata['blocks_count']}")  # type: ignore[index]

        result = await client.get_model_download_url("llama3_1_8b_fp16")
        if result.success:
            download_url = result.data["download_url"]  # type: ignore[index]
            print(f"Download URL: {download_url}")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Model: ") and out[0].endswith("(llama-3.1-8b-instruct-q4)")
    assert out[-3:-1] == ["Size: 4692 MB", "Blocks: 33"]
    assert out[-1].startswith(f"Download URL: {api}/api/v1/models/files/")


async def test_download_model_file(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """download_model_file: ./models/ is created, progress is (percent, downloaded, total), data['local_path']."""
    monkeypatch.chdir(tmp_path)
    async with BackendAPIClient(api) as client:
        await client.login(credentials())

        def progress_callback(progress: float, downloaded: int, total: int) -> None:
            print(f"Progress: {progress:.1f}% ({downloaded}/{total} bytes)")

        result = await client.download_model_file(
            download_url=f"{api}/api/v1/models/files/model.bin",
            local_path=Path("./models/model.bin"),
            progress_callback=progress_callback,
        )

        if result.success:
            print(f"Downloaded to: {result.data['local_path']}")  # type: ignore[index]
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "Progress: 100.0% (62/62 bytes)" and out[-1] == "Downloaded to: models/model.bin"
    assert (tmp_path / "models" / "model.bin").stat().st_size == 62


async def test_model_download_workflow(
    api: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Examples / Model Download Workflow, as written: the file is verified against its ticket's SHA-256."""
    monkeypatch.chdir(tmp_path)

    async def model_download_example() -> None:
        async with BackendAPIClient(api) as client:
            # Login first
            credentials = LoginCredentials(
                username="user@example.com", password="password123", hardware_fingerprint="hw_abc123"
            )

            login_result = await client.login(credentials)
            if not login_result.success:
                print(f"Login failed: {login_result.error}")
                return

            # Get available models
            models_result = await client.get_available_models()
            if not models_result.success:
                print(f"Failed to get models: {models_result.error}")
                return

            models = models_result.data["models"]  # type: ignore[index]
            if not models:
                print("No models available")
                return

            # Select first model
            model = models[0]
            model_id = model["model_id"]
            print(f"Downloading model: {model['name']}")

            # Get download URL
            download_result = await client.get_model_download_url(model_id)
            if not download_result.success:
                print(f"Failed to get download URL: {download_result.error}")
                return

            download_url = download_result.data["download_url"]  # type: ignore[index]
            local_path = Path(f"./models/{model_id}.bin")

            # Download with progress tracking
            def progress_callback(progress: float, downloaded: int, total: int) -> None:
                print(f"\rProgress: {progress:.1f}% ({downloaded:,}/{total:,} bytes)", end="")

            download_result = await client.download_model_file(
                download_url=download_url, local_path=local_path, progress_callback=progress_callback
            )

            if download_result.success:
                print(f"\nDownload completed: {download_result.data['local_path']}")  # type: ignore[index]
            else:
                print(f"\nDownload failed: {download_result.error}")

    await model_download_example()
    out = capsys.readouterr().out
    assert "Progress: 100.0% (62/62 bytes)" in out
    assert out.endswith("\nDownload completed: models/llama-3.1-8b-instruct-q4.bin\n")
    downloaded = tmp_path / "models" / "llama-3.1-8b-instruct-q4.bin"
    assert downloaded.stat().st_size == 62


async def test_a_download_that_does_not_match_its_ticket_fails_and_leaves_nothing(tmp_path: Path) -> None:
    """A file whose SHA-256 differs from its ticket's is CHECKSUM_MISMATCH and never appears at local_path."""
    ticket = {
        "model_id": "m1",
        "url": "/files/m1",
        "expires_at": "2026-03-14T10:00:00Z",
        "size_bytes": 4,
        "sha256": PLACEHOLDER_SHA256,
    }

    pair = {"access_token": "a" * 20, "refresh_token": "r" * 20, "token_type": "Bearer", "expires_in": 900}

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(200, json=pair)
        if "download" in request.url.path:
            return httpx.Response(200, json=ticket)
        return httpx.Response(200, content=b"evil")

    transport = httpx.MockTransport(serve)
    async with BackendAPIClient("https://api.tiktrue.com", transport=transport) as client:
        assert (await client.login(credentials())).success
        url = (await client.get_model_download_url("m1")).data["download_url"]  # type: ignore[index]
        result = await client.download_model_file(url, tmp_path / "m1.bin")
    assert (result.success, result.error_code) == (False, "CHECKSUM_MISMATCH")
    assert not (tmp_path / "m1.bin").exists()


# --- Payments --------------------------------------------------------------------------------------------


async def test_payment_methods(api: str, capsys: pytest.CaptureFixture[str], async_wire: AsyncWireRecorder) -> None:
    """Payment Methods: a PRO session for 12 months (sent as the guide writes it), and the payment history."""
    async with BackendAPIClient(api, transport=async_wire) as client:
        await client.login(credentials())

        result = await client.create_payment_session("PRO", 12)
        if result.success:
            session_data = result.data
            print(f"Payment URL: {session_data['payment_url']}")  # type: ignore[index]

        result = await client.get_payment_history()
        if result.success:
            payments = result.data["payments"]  # type: ignore[index]
            for payment in payments:
                print(f"Payment: {payment['amount']} on {payment['date']}")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Payment URL: https://")
    assert len(out) > 1 and all(line.startswith("Payment: ") and " on 20" in line for line in out[1:])
    sent = next(sent for sent in async_wire.sent if sent.path == "/api/v1/payments/create")
    assert sent.content == b'{"plan":"PRO","duration_months":12}'


async def test_a_plan_that_cannot_be_bought_is_refused_before_sending(api: str) -> None:
    """create_payment_session with an unknown plan is INVALID_REQUEST naming the plans; nothing is sent."""
    async with BackendAPIClient(api) as client:
        await client.login(credentials())
        result = await client.create_payment_session("GOLD", 12)
    assert (result.success, result.error_code) == (False, "INVALID_REQUEST")
    assert "GOLD" in (result.error or "") and "PRO" in (result.error or "")


# --- Utilities, debugging, performance -------------------------------------------------------------------


async def test_test_connection_and_debug_logging(api: str, caplog: pytest.LogCaptureFixture) -> None:
    """Utility Methods / Debug Mode: test_connection succeeds, and DEBUG logging shows the HTTP request."""
    caplog.set_level(logging.DEBUG)

    async with BackendAPIClient(api) as client:
        result = await client.test_connection()
        if result.success:
            print("Backend server is reachable")
        else:
            print(f"Connection failed: {result.error}")
    assert result.success and result.data is not None and result.data["status"] == "ok"
    assert any("/api/v1/health" in record.getMessage() for record in caplog.records if record.name == "tiktrue_sdk")


async def test_monitoring_request_time(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Performance Issues: timing a call around get_available_models works as shown."""
    async with BackendAPIClient(api) as client:
        await client.login(credentials())
        start_time = time.time()
        result = await client.get_available_models()
        end_time = time.time()

        print(f"Request took {end_time - start_time:.2f} seconds")
    assert result.success and capsys.readouterr().out.startswith("Request took ")


def test_api_response_is_the_guides_dataclass() -> None:
    """APIResponse(success, data=None, error=None, error_code=None, status_code=200), positional as documented."""
    assert APIResponse(True) == APIResponse(success=True, data=None, error=None, error_code=None, status_code=200)
    assert APIResponse(False, None, "boom", "X", 500).status_code == 500


def test_the_sync_world_can_run_the_guide_with_asyncio_run(api: str) -> None:
    """The guide's scripts end in asyncio.run(main()): a fresh loop per run works with the client."""

    async def main() -> bool:
        async with BackendAPIClient(api) as client:
            return (await client.test_connection()).success

    assert asyncio.run(main()) is True

"""The TikTrue SDK, generated from openapi/tiktrue.yaml into a scratch folder, against Prism serving that spec.

Every operation goes through the generated resource clients (`TikTrue` and `AsyncTikTrue`) and returns
the spec's example as its typed model; every documented 4xx/5xx (asked for with ``Prefer: code=NNN``)
raises its typed error carrying the example's stable `code`; a login with the machine's fingerprint
is followed by authenticated calls, a refresh once the token's `expires_in` has passed on a FakeClock,
and the logout call; the example model file downloads and verifies through the runtime's resumable
download; and schemathesis fuzzes the whole spec against the same mock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import runpy
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.http_library import SEAM_FILE
from generator.registry import load_registry
from mock.prism import PrismServer
from tests.conftest import MockFactory, alive_throughout
from tests.contract.run import ContractRun, run
from tests.http_library import SELECTED
from tests.sdk.tiktrue_harness import (
    CASES,
    CREDENTIALS,
    MODEL,
    SPEC,
    WEBHOOK_SECRET,
    BuiltSdk,
    Case,
    assert_matches_example,
    build_sdk,
)
from tests.sdk.wire import AsyncWireRecorder, WireRecorder

pytestmark = pytest.mark.prism

TOKEN = "test-token-not-a-secret"
STATUS_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
    500: "ServerError",
    503: "ServiceUnavailableError",
}


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSdk:
    """The SDK generated once for this module (build_into into a scratch folder, then imported)."""
    return build_sdk(tmp_path_factory.mktemp("tiktrue-sdk"))


@pytest.fixture(scope="module")
def sdk(built: BuiltSdk) -> ModuleType:
    return built.package


@pytest.fixture(scope="module")
def mock(prism: MockFactory) -> PrismServer:
    """The shared Prism mock of openapi/tiktrue.yaml."""
    return prism("tiktrue")


@pytest.fixture
def alive(mock: PrismServer) -> Iterator[PrismServer]:
    """The mock; the test fails if Prism died during it."""
    yield from alive_throughout(mock, "TikTrue")


@pytest.fixture(scope="module")
def shared_client(sdk: ModuleType, mock: PrismServer) -> Iterator[Any]:
    """One sync client with a static token for the table tests."""
    with sdk.TikTrue(mock.url, api_token=TOKEN) as client:
        yield client


@pytest.fixture
def client(shared_client: Any, alive: PrismServer) -> Any:
    return shared_client


@pytest.fixture
async def async_client(sdk: ModuleType, alive: PrismServer) -> AsyncIterator[Any]:
    async with sdk.AsyncTikTrue(alive.url, api_token=TOKEN) as client:
        yield client


def once(sdk: ModuleType, **headers: str) -> Any:
    """RequestOptions for one attempt (no retries), with extra headers such as Prefer."""
    return sdk.RequestOptions(retry=None, headers=headers)


# --- generation and the spec --------------------------------------------------------------------------


_LIBRARY_IMPORT = re.compile(r"^\s*(?:import|from)\s+(httpx2?|httpcore2?)\b", re.MULTILINE)


def test_the_sdk_names_its_http_library_in_one_module_and_depends_on_its_major_version(built: BuiltSdk) -> None:
    """Only `_runtime/core/_http.py` imports the run's HTTP library; the dependency spans its major version."""
    package_dir = built.project_dir / "tiktrue_sdk"
    importers = {
        path.relative_to(package_dir).as_posix(): _LIBRARY_IMPORT.findall(path.read_text(encoding="utf-8"))
        for path in package_dir.rglob("*.py")
        if _LIBRARY_IMPORT.search(path.read_text(encoding="utf-8"))
    }
    assert importers == {f"_runtime/{SEAM_FILE}": [SELECTED.name]}
    assert f'"{SELECTED.requirement}"' in (built.project_dir / "pyproject.toml").read_text(encoding="utf-8")


def test_the_sdk_passes_mypy_strict(built: BuiltSdk, tmp_path: Path) -> None:
    """The SDK built for this run's library type-checks under ``mypy --strict`` against that library."""
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy-cache"), "tiktrue_sdk"]
    result = subprocess.run(command, cwd=built.project_dir, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_logout_is_marked_in_the_spec() -> None:
    """The logout operation carries ``x-sdk-auth: logout`` (the generator wires client.logout() from it)."""
    logout = SPEC.operation("logout")
    assert logout["x-sdk-auth"] == "logout"


def test_every_operation_has_a_case() -> None:
    """CASES covers exactly the spec's operations, so none goes untested and none is stale."""
    assert {case.operation_id for case in CASES} == set(SPEC.operation_ids())


def test_error_codes_are_enumerated_and_every_example_uses_one(sdk: ModuleType) -> None:
    """Each documented error example's `code` is a member of the ErrorCode enum (and of the generated one)."""
    codes = set(SPEC.document["components"]["schemas"]["ErrorCode"]["enum"])
    assert {member.value for member in sdk.models.ErrorCode} == codes
    used = {SPEC.documented_error(op_id, status).body["code"] for op_id, status in SPEC.documented_errors()}
    assert used <= codes
    assert {"INVALID_CREDENTIALS", "LICENSE_EXPIRED", "HARDWARE_MISMATCH"} <= codes


def test_the_webhook_example_is_signed_as_documented() -> None:
    """The example signature is HMAC-SHA256("<t>." + the compact JSON body) under the documented example secret."""
    [header] = [p for p in SPEC.document["paths"]["/api/v1/payments/webhook"]["post"]["parameters"]]
    timestamp, signature = header["example"].split(",")
    raw = json.dumps(SPEC.request_example("receivePaymentWebhook"), separators=(",", ":")).encode()
    message = timestamp.removeprefix("t=").encode() + b"." + raw
    assert signature == "v1=" + hmac.new(WEBHOOK_SECRET, message, hashlib.sha256).hexdigest()


# --- every operation: typed models, sync and async -------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_operation_returns_the_examples_typed_model(case: Case, sdk: ModuleType, client: Any) -> None:
    """A valid call through `TikTrue` returns the spec's success example as its typed model."""
    assert_matches_example(sdk, case.operation_id, case.call(sdk.models, client, once(sdk)))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_async_operation_returns_the_examples_typed_model(case: Case, sdk: ModuleType, async_client: Any) -> None:
    """The same call through `AsyncTikTrue` returns the same typed model (a streamed file is read with aread())."""
    result = await case.call(sdk.models, async_client, once(sdk))
    if isinstance(result, sdk.types.StreamedFile):
        result = await result.aread()
    assert_matches_example(sdk, case.operation_id, result)


def test_validate_answers_an_invalid_licence_with_200(sdk: ModuleType, client: Any) -> None:
    """valid: false with a reason is an answer, not an error (the `expired` example)."""
    body = sdk.models.LicenseValidationRequest.from_dict(SPEC.request_example("validateLicense"))
    verdict = client.licenses.validate(body=body, request_options=once(sdk, Prefer="example=expired"))
    assert verdict.valid is False and verdict.reason.value == "license_expired"


def test_file_range_answer_is_served_with_its_content_range(sdk: ModuleType, client: Any) -> None:
    """The 206 example: the file's tail with ``Content-Range: bytes 32-61/62``."""
    response = client.with_raw_response.models.download_file(
        MODEL, range_="bytes=32-", request_options=once(sdk, Prefer="code=206")
    )
    assert int(response.status_code) == 206
    assert response.headers["Content-Range"] == "bytes 32-61/62"
    _, media = SPEC.success("downloadModelFile")
    assert media is not None
    assert response.parse().payload.read() == media["example"].encode()[32:]


# --- every documented error: typed, with its stable code -------------------------------------------------


@pytest.mark.parametrize(("operation_id", "status"), SPEC.documented_errors(), ids=str)
def test_documented_error_raises_its_typed_error(operation_id: str, status: int, sdk: ModuleType, client: Any) -> None:
    """Each documented 4xx/5xx raises its class, with the example's `code`, request id and Retry-After."""
    [case] = [c for c in CASES if c.operation_id == operation_id]
    expected = SPEC.documented_error(operation_id, status)
    errors = sdk.errors
    with pytest.raises(errors.APIStatusError) as caught:
        case.call(sdk.models, client, once(sdk, Prefer=f"code={status}"))
    error = caught.value
    assert type(error).__name__ == STATUS_CLASSES.get(status, "APIStatusError")
    assert error.status_code == status
    assert error.problem.code == expected.body["code"]
    assert error.request_id == expected.request_id
    if expected.retry_after_s is not None:
        assert error.retry_after_s == expected.retry_after_s
    if status == 416:
        assert error.response.headers["Content-Range"] == expected.headers["content-range"]


@pytest.mark.parametrize(("operation_id", "status", "name"), SPEC.named_examples(), ids=str)
def test_every_named_example_is_served(operation_id: str, status: int, name: str, sdk: ModuleType, client: Any) -> None:
    """Responses with several named examples serve each one on ``Prefer: code=NNN, example=<name>``."""
    [case] = [c for c in CASES if c.operation_id == operation_id]
    expected = SPEC.named_example(operation_id, status, name)
    options = once(sdk, Prefer=f"code={status}, example={name}")
    if status >= 400:
        with pytest.raises(sdk.errors.APIStatusError) as caught:
            case.call(sdk.models, client, options)
        assert caught.value.status_code == status and caught.value.body == expected
    else:
        result = case.call(sdk.models, client, options)
        assert result.to_dict() == type(result).from_dict(expected).to_dict()


async def test_async_errors_are_typed_too(sdk: ModuleType, async_client: Any) -> None:
    """AsyncTikTrue raises the same classes (sampled: 401, 403 HARDWARE_MISMATCH, 404, 429)."""
    errors = sdk.errors
    with pytest.raises(errors.AuthenticationError):
        await async_client.licenses.info(request_options=once(sdk, Prefer="code=401"))
    with pytest.raises(errors.PermissionDeniedError) as forbidden:
        await async_client.models.list_available(
            request_options=once(sdk, Prefer="code=403, example=hardware_mismatch")
        )
    assert forbidden.value.problem.code == "HARDWARE_MISMATCH"
    with pytest.raises(errors.NotFoundError):
        await async_client.models.metadata("llama-9-1b", request_options=once(sdk, Prefer="code=404"))
    with pytest.raises(errors.RateLimitError) as limited:
        await async_client.health.check(request_options=once(sdk, Prefer="code=429"))
    assert limited.value.retry_after_s == 30


# --- login, authenticated calls, refresh, logout ----------------------------------------------------------


def token_pair(operation_id: str) -> dict[str, Any]:
    _, media = SPEC.success(operation_id)
    assert media is not None
    example: dict[str, Any] = media["example"]
    return example


def test_login_then_calls_then_refresh_then_logout(sdk: ModuleType, alive: PrismServer, wire: WireRecorder) -> None:
    """Credentials log in with the fingerprint; calls carry the token; past `expires_in` it is refreshed first."""
    clock = sdk._runtime.FakeClock()
    login, refreshed = token_pair("login"), token_pair("refreshToken")
    with sdk.TikTrue(alive.url, credentials=CREDENTIALS, transport=wire, clock=clock) as client:
        session = client._connection.auth  # until the client exposes is_authenticated() (see the report)
        assert session.is_authenticated() is False
        client.licenses.info()
        client.models.list_available()
        assert session.is_authenticated() is True
        clock.advance(login["expires_in"])
        assert session.is_authenticated() is False
        client.licenses.info()
        client.auth.logout()
    assert [sent.path for sent in wire.sent] == [
        "/api/v1/auth/login",
        "/api/v1/license/info",
        "/api/v1/models/available",
        "/api/v1/auth/refresh",
        "/api/v1/license/info",
        "/api/v1/auth/logout",
    ]
    login_call, info, models, refresh, info_again, logout = wire.sent
    assert json.loads(login_call.content or b"") == CREDENTIALS
    assert "authorization" not in login_call.headers and "authorization" not in refresh.headers
    assert json.loads(refresh.content or b"") == {"refresh_token": login["refresh_token"]}
    for sent in (info, models):
        assert sent.headers["authorization"] == f"Bearer {login['access_token']}"
    for sent in (info_again, logout):
        assert sent.headers["authorization"] == f"Bearer {refreshed['access_token']}"


async def test_async_login_refresh_and_logout(
    sdk: ModuleType, alive: PrismServer, async_wire: AsyncWireRecorder
) -> None:
    """AsyncTikTrue logs in, refreshes after expiry and calls logout the same way."""
    clock = sdk._runtime.FakeClock()
    async with sdk.AsyncTikTrue(alive.url, credentials=CREDENTIALS, transport=async_wire, clock=clock) as client:
        await client.licenses.info()
        clock.advance(token_pair("login")["expires_in"])
        await client.models.list_available()
        await client.auth.logout()
    assert [sent.path for sent in async_wire.sent] == [
        "/api/v1/auth/login",
        "/api/v1/license/info",
        "/api/v1/auth/refresh",
        "/api/v1/models/available",
        "/api/v1/auth/logout",
    ]


def test_wrong_credentials_surface_as_a_token_error(sdk: ModuleType, alive: PrismServer) -> None:
    """A login Prism refuses (the schema: a fingerprint that is not a SHA-256) fails the call with TokenRefreshError."""
    bad = {**CREDENTIALS, "hardware_fingerprint": "not a fingerprint"}
    with sdk.TikTrue(alive.url, credentials=bad) as client, pytest.raises(sdk.errors.TokenRefreshError):
        client.licenses.info()


def test_client_logout_revokes_and_forgets_the_session(sdk: ModuleType, alive: PrismServer, wire: WireRecorder) -> None:
    """Once wired: client.logout() calls the logout operation and forgets the tokens; the next call logs in."""
    if not hasattr(sdk.TikTrue, "logout") or not hasattr(sdk.TikTrue, "is_authenticated"):
        pytest.skip("client.logout()/is_authenticated() are generated once x-sdk-auth: logout is supported")
    with sdk.TikTrue(alive.url, credentials=CREDENTIALS, transport=wire) as client:
        client.logout()  # nothing to revoke yet: no request
        client.licenses.info()
        assert client.is_authenticated() is True
        client.logout()
        assert client.is_authenticated() is False
        client.licenses.info()
    assert [sent.path for sent in wire.sent] == [
        "/api/v1/auth/login",
        "/api/v1/license/info",
        "/api/v1/auth/logout",
        "/api/v1/auth/login",
        "/api/v1/license/info",
    ]


# --- the model file: ticket, then the resumable, verified download ------------------------------------------


def test_ticket_then_verified_download(sdk: ModuleType, client: Any, tmp_path: Path) -> None:
    """The ticket's (relative) URL downloads through the client and matches the ticket's size and SHA-256."""
    from tiktrue_sdk._runtime.download._download import download  # becomes client.download(...) once wired

    ticket = client.models.get_download_url(MODEL)
    progress: list[float] = []
    result = download(
        client.low_level.get_httpx_client(),
        ticket.url,
        tmp_path / "model.gguf",
        expected_sha256=ticket.sha256,
        expected_size=ticket.size_bytes,
        progress=lambda fraction, done, total: progress.append(fraction),
    )
    assert result.sha256 == ticket.sha256 and result.size_bytes == ticket.size_bytes == 62
    assert (tmp_path / "model.gguf").read_bytes().startswith(b"TikTrue mock model file")
    assert progress[-1] == 1.0


async def test_async_ticket_then_verified_download(sdk: ModuleType, async_client: Any, tmp_path: Path) -> None:
    """The same with AsyncTikTrue and adownload."""
    from tiktrue_sdk._runtime.download._download import adownload

    ticket = await async_client.models.get_download_url(MODEL)
    result = await adownload(
        async_client.low_level.get_async_httpx_client(),
        ticket.url,
        tmp_path / "model.gguf",
        expected_sha256=ticket.sha256,
        expected_size=ticket.size_bytes,
    )
    assert result.sha256 == ticket.sha256


def test_client_download_method_once_wired(sdk: ModuleType, client: Any, tmp_path: Path) -> None:
    """Once wired: client.download(url, path, expected_sha256=..., ...) is the runtime download on the client's pool."""
    if not hasattr(client, "download"):
        pytest.skip("client.download() is added by the generator's client template (see the report)")
    ticket = client.models.get_download_url(MODEL)
    result = client.download(ticket.url, tmp_path / "m", expected_sha256=ticket.sha256)
    assert result.size_bytes == ticket.size_bytes


# --- schemathesis over the whole spec ----------------------------------------------------------------------


def test_schemathesis_finds_nothing(alive: PrismServer) -> None:
    """Schemathesis (examples, coverage, fuzzing; every conformance check) over every operation exits 0."""
    result = run(ContractRun(spec=SPEC.path, url=alive.url, mock=True, max_examples=10))
    assert result.exit_code == 0, result.output[-6000:]
    missing = SPEC.endpoints() - set(result.cases_per_operation)
    assert not missing, f"schemathesis did not exercise: {sorted(missing)}"
    for check in ("response_schema_conformance", "status_code_conformance", "response_headers_conformance"):
        assert check in result.checks_seen


# --- the example script ---------------------------------------------------------------------------------


async def test_the_workflows_example_runs_against_the_mock(
    sdk: ModuleType,
    alive: PrismServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """openapi/examples/tiktrue/workflows.py logs in, downloads and verifies the model file, and logs out."""
    if not hasattr(sdk.AsyncTikTrue, "download") or not hasattr(sdk.errors, "ChecksumMismatchError"):
        pytest.skip("the example uses client.download() and errors.ChecksumMismatchError (pending wiring)")
    monkeypatch.setenv("TIKTRUE_BASE_URL", alive.url)
    example = runpy.run_path(str(load_registry()["tiktrue"].examples / "workflows.py"), run_name="workflows")
    await example["main"](tmp_path)
    out = capsys.readouterr().out
    assert "verified" in out and "logged out: True" in out
    assert (tmp_path / f"{MODEL}.gguf").stat().st_size == 62

"""The TikTrue backend client guide's interface (`BackendAPIClient`), on top of `AsyncTikTrue`.

The guide promises an async client whose calls never raise for an API failure: each answers an
`APIResponse(success, data, error, error_code, status_code)`, `data` being the answer as a plain dict and
`error_code` the API's problem `code` (``INVALID_CREDENTIALS``, ``LICENSE_EXPIRED``...), or one of the codes
below for failures without an HTTP answer. Everything else is the generated client: one pooled,
retrying connection (`max_retries` retries after the first attempt), the token refresh, the verified,
resumable `download()`. This module only translates names and shapes.

    from tiktrue_sdk.backend_api_client import BackendAPIClient, LoginCredentials

    async with BackendAPIClient("https://api.tiktrue.com") as client:
        if (await client.login(LoginCredentials(username=..., password=..., hardware_fingerprint=...))).success:
            models = await client.get_available_models()
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, TypeVar
from urllib.parse import urljoin

import attrs

from ._clients import AsyncTikTrue
from ._runtime import (
    ChecksumMismatchError,
    ClientSettings,
    Clock,
    MemoryTokenStore,
    Secret,
    SystemClock,
    Token,
)
from ._runtime.core import httpx
from .errors import (
    APIStatusError,
    RequestValidationError,
    ResponseValidationError,
    TikTrueError,
    TokenRefreshError,
    TransportError,
)
from .models import (
    DownloadTicket,
    LicenseInfo,
    LicenseRenewRequest,
    LicenseValidationRequest,
    LoginRequest,
    ModelSummary,
    PaymentCreateRequest,
    PaymentCreateRequestDurationMonths,
    RequestedPlan,
)

__all__ = [
    "BACKEND_URL",
    "DEFAULT_BACKEND_URL",
    "APIResponse",
    "BackendAPIClient",
    "LicenseInfo",
    "LoginCredentials",
    "ModelInfo",
    "ProgressCallback",
    "create_api_client",
    "test_backend_connection",
]

DEFAULT_BACKEND_URL: Final = "https://api.tiktrue.com"
"""The guide's backend URL, used when neither an argument nor `BACKEND_URL` names one."""

BACKEND_URL: Final = os.environ.get("BACKEND_URL", DEFAULT_BACKEND_URL)
"""The guide's `BACKEND_URL` environment variable as it was at import (`DEFAULT_BACKEND_URL` when unset)."""

ModelInfo = ModelSummary
"""The guide's `ModelInfo`: the API's model summary (`checksum` is `sha256`; the URL comes from a ticket)."""

ProgressCallback = Callable[[float, int, int], None]
"""``progress_callback(percent, downloaded, total)``: percent in 0-100, byte counts (total 0 while unknown)."""

NETWORK_ERROR: Final = "NETWORK_ERROR"  # no HTTP answer: connection refused, timeout, TLS, open circuit
NOT_AUTHENTICATED: Final = "NOT_AUTHENTICATED"  # an account call before login() (nothing is sent)
TOKEN_REFRESH_FAILED: Final = "TOKEN_REFRESH_FAILED"  # the session could not be renewed: log in again
INVALID_REQUEST: Final = "INVALID_REQUEST"  # a value the API's spec refuses (checked before sending, nothing sent)
INVALID_RESPONSE: Final = "INVALID_RESPONSE"  # a success answer that does not match the API's spec
CHECKSUM_MISMATCH: Final = "CHECKSUM_MISMATCH"  # the downloaded file is not the one the ticket describes
FILE_ERROR: Final = "FILE_ERROR"  # the downloaded file could not be written
NO_HTTP_STATUS: Final = 0  # status_code of a failure that got no HTTP answer

_T = TypeVar("_T")


@attrs.frozen
class APIResponse:
    """The outcome of one call: `data` on success; `error`, `error_code` and `status_code` on failure.

    `status_code` is the HTTP status (200 by default), `NO_HTTP_STATUS` when no answer arrived.
    """

    success: bool
    data: dict[str, Any] | None = None
    error: str | None = None
    error_code: str | None = None
    status_code: int = 200

    def to_dict(self) -> dict[str, Any]:
        """The guide's error response structure: every field, `data` included when there is some."""
        shape = attrs.asdict(self)
        return {name: value for name, value in shape.items() if name != "data" or value is not None}


@attrs.frozen
class LoginCredentials:
    """A user's login; the password never shows in repr."""

    username: str
    password: str = attrs.field(repr=False)
    hardware_fingerprint: str | None = None


def _failure(error: str, code: str, status_code: int = NO_HTTP_STATUS) -> APIResponse:
    return APIResponse(success=False, error=error, error_code=code, status_code=status_code)


def _from_error(exc: TikTrueError) -> APIResponse:
    """The APIResponse for an SDK error: the server's problem code, or this module's code for the kind."""
    if isinstance(exc, APIStatusError):
        problem = exc.problem
        code = problem.code if problem is not None and problem.code else f"HTTP_{exc.status_code}"
        message = (problem.detail or problem.title) if problem is not None else None
        return _failure(message or str(exc), code, exc.status_code)
    if isinstance(exc, TransportError):
        return _failure(str(exc), NETWORK_ERROR)
    if isinstance(exc, RequestValidationError):
        return _failure(str(exc), INVALID_REQUEST)
    if isinstance(exc, TokenRefreshError):
        return _failure(str(exc), TOKEN_REFRESH_FAILED, 401)
    if isinstance(exc, ChecksumMismatchError):
        return _failure(str(exc), CHECKSUM_MISMATCH)
    if isinstance(exc, ResponseValidationError):
        return _failure(str(exc), INVALID_RESPONSE)
    return _failure(str(exc), type(exc).__name__.upper())


async def _answer(call: Awaitable[_T], shape: Callable[[_T], dict[str, Any]]) -> APIResponse:
    """Await one SDK call and shape its result; SDK errors become failed responses, never exceptions."""
    try:
        result = await call
    except TikTrueError as exc:
        return _from_error(exc)
    return APIResponse(success=True, data=shape(result))


def _as_dict(model: Any) -> dict[str, Any]:
    """A generated model's JSON shape (dates as ISO strings, enums as their values)."""
    shaped: dict[str, Any] = model.to_dict()
    return shaped


def _with_payment_aliases(payment: dict[str, Any]) -> dict[str, Any]:
    """The guide reads `amount` and `date`: the API's `amount_minor` (minor units) and `created_at`."""
    return {**payment, "amount": payment.get("amount_minor"), "date": payment.get("created_at")}


class _Borrowed(httpx.AsyncBaseTransport):
    """A transport the caller gave: the SDK clients a session makes share it, only `close()` closes it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Left open: `BackendAPIClient.close()` closes the transport itself."""


class BackendAPIClient:
    """The guide's async client for the TikTrue backend.

    Args:
        base_url: the backend's root URL (None: `BACKEND_URL`).
        timeout: seconds for each phase of a request (connect, read, write, pool).
        max_retries: retries after the first attempt for retryable failures (3: up to 4 attempts);
            writes are retried only when the API deduplicates them (`Idempotency-Key`).
        transport: the innermost transport, for tests (default: the SDK's own pool).
        clock: the time source for token expiry and backoff (tests pass a `FakeClock`).

    The pool keeps at most 10 connections, 5 per host (the guide's figures). Use it as
    ``async with``, or call `close()`.
    """

    def __init__(
        self,
        base_url: str | None = None,
        timeout: float = 30,
        max_retries: int = 3,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        # Final: a declared type (the value's str), so pyright --verifytypes does not count it ambiguous
        self.base_url: Final = (
            base_url if base_url is not None else os.environ.get("BACKEND_URL", BACKEND_URL)
        ).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._transport = _Borrowed(transport) if transport is not None else None
        self._given_transport = transport
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._store = MemoryTokenStore()
        self._tickets: dict[str, DownloadTicket] = {}
        # One SDK client at a time: anonymous until login(), then one that sends and renews the token.
        self._sdk = self._client(None)
        self._logged_in = False

    def _client(self, credentials: Mapping[str, str] | None) -> AsyncTikTrue:
        """An SDK client with the guide's settings (its pool comes from the spec); with credentials it renews
        the session on its own."""
        if credentials is None:
            return AsyncTikTrue(
                self.base_url,
                timeout_s=float(self.timeout),
                max_retries=self.max_retries,
                transport=self._transport,
                clock=self._clock,
            )
        return AsyncTikTrue(
            self.base_url,
            timeout_s=float(self.timeout),
            max_retries=self.max_retries,
            credentials=credentials,
            token_store=self._store,
            transport=self._transport,
            clock=self._clock,
        )

    async def _replace(self, sdk: AsyncTikTrue, *, logged_in: bool) -> None:
        previous, self._sdk, self._logged_in = self._sdk, sdk, logged_in
        await previous.aclose()

    @property
    def settings(self) -> ClientSettings:
        """The connection settings in force: timeouts, retries, pool (secrets hidden in repr)."""
        return self._sdk.settings

    # -- session ------------------------------------------------------------------------------------

    async def login(self, credentials: LoginCredentials) -> APIResponse:
        """Log in (`POST /api/v1/auth/login`); on success the client sends the token and renews it itself."""
        fields = {"username": credentials.username, "password": credentials.password}
        if credentials.hardware_fingerprint is not None:
            fields["hardware_fingerprint"] = credentials.hardware_fingerprint
        try:
            body = LoginRequest.from_dict(fields)
        except (KeyError, ValueError) as exc:
            return _failure(f"The credentials cannot be sent: {exc} is missing", INVALID_REQUEST)
        started = self._clock.time()
        try:
            pair = await self._sdk.auth.login(body=body)
        except TikTrueError as exc:
            return _from_error(exc)
        self._store.save(
            Token(
                access_token=Secret(pair.access_token),
                refresh_token=Secret(pair.refresh_token),
                expires_at=started + pair.expires_in,
                token_type=str(pair.token_type),
            )
        )
        await self._replace(self._client(fields), logged_in=True)
        return APIResponse(success=True, data={"token_type": str(pair.token_type), "expires_in": pair.expires_in})

    async def logout(self) -> APIResponse:
        """Revoke the session (`POST /api/v1/auth/logout`) and forget its tokens, even when that call fails."""
        if not self._logged_in:
            return APIResponse(success=True, data={"logged_out": True})
        try:
            await self._sdk.logout()
        except TikTrueError as exc:
            return _from_error(exc)
        finally:
            self._store.clear()
            await self._replace(self._client(None), logged_in=False)
        return APIResponse(success=True, data={"logged_out": True})

    def is_authenticated(self) -> bool:
        """True when logged in with a token that has not expired (no request is made)."""
        return self._logged_in and self._sdk.is_authenticated()

    @property
    def access_token(self) -> str | None:
        """The current access token (renewed ones included), None when logged out. A secret: never log it."""
        token = self._store.load() if self._logged_in else None
        return token.access_token.reveal() if token is not None else None

    @property
    def token_expires_at(self) -> datetime | None:
        """When the current access token expires (UTC), None when logged out."""
        token = self._store.load() if self._logged_in else None
        if token is None or token.expires_at is None:
            return None
        return datetime.fromtimestamp(token.expires_at, tz=UTC)

    async def _signed_in(
        self, call: Callable[[AsyncTikTrue], Awaitable[_T]], shape: Callable[[_T], dict[str, Any]]
    ) -> APIResponse:
        """Run an account call on the logged-in client; without a session nothing is sent."""
        if not self._logged_in:
            return _failure("Not logged in: call login() first", NOT_AUTHENTICATED, 401)
        return await _answer(call(self._sdk), shape)

    # -- licence --------------------------------------------------------------------------------------

    async def validate_license(self, hardware_fingerprint: str) -> APIResponse:
        """Whether the licence allows this machine (`data['valid']`, `data['reason']`)."""
        body = LicenseValidationRequest(hardware_fingerprint=hardware_fingerprint)
        return await self._signed_in(lambda sdk: sdk.licenses.validate(body=body), _as_dict)

    async def get_license_info(self) -> APIResponse:
        """The licence: `plan`, `expires_at`, `max_clients`, `allowed_models`, `allowed_features`, `status`..."""
        return await self._signed_in(lambda sdk: sdk.licenses.info(), _as_dict)

    async def renew_license(self, payment_token: str) -> APIResponse:
        """Redeem a paid session's token; sent with an idempotency key, so a retry never pays twice."""
        body = LicenseRenewRequest(payment_token=payment_token)
        return await self._signed_in(lambda sdk: sdk.licenses.renew(body=body), _as_dict)

    # -- models ---------------------------------------------------------------------------------------

    async def get_available_models(self) -> APIResponse:
        """The models the licence allows, as `data['models']` (each with `model_id`, `name`, `size_mb`...)."""
        return await self._signed_in(
            lambda sdk: sdk.models.list_available(),
            lambda listing: {"models": [_as_dict(model) for model in listing.items]},
        )

    async def get_model_metadata(self, model_id: str) -> APIResponse:
        """One model's metadata (`size_mb`, `blocks_count`, `architecture`...)."""
        return await self._signed_in(lambda sdk: sdk.models.metadata(model_id=model_id), _as_dict)

    async def get_model_download_url(self, model_id: str) -> APIResponse:
        """A signed download URL as `data['download_url']` (absolute), with the file's size and SHA-256."""

        def shape(ticket: DownloadTicket) -> dict[str, Any]:
            download_url = urljoin(self.base_url + "/", ticket.url)
            self._tickets[download_url] = ticket  # download_model_file() verifies the file against it
            return {**_as_dict(ticket), "download_url": download_url}

        return await self._signed_in(lambda sdk: sdk.models.get_download_url(model_id=model_id), shape)

    async def download_model_file(
        self, download_url: str, local_path: Path, progress_callback: ProgressCallback | None = None
    ) -> APIResponse:
        """Stream the file to `local_path` (its folder is created), resuming after drops; `data['local_path']`.

        A URL from `get_model_download_url` is checked against its ticket's size and SHA-256; the file
        only appears at `local_path` once complete (and verified).
        """
        ticket = self._tickets.get(download_url)

        def progress(fraction: float, done: int, total: int | None) -> None:
            if progress_callback is not None:
                progress_callback(fraction * 100.0, done, total or 0)

        target = Path(local_path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            result = await self._sdk.download(
                download_url,
                target,
                expected_sha256=ticket.sha256 if ticket is not None else None,
                expected_size=ticket.size_bytes if ticket is not None else None,
                progress=progress,
            )
        except TikTrueError as exc:
            return _from_error(exc)
        except OSError as exc:
            return _failure(f"Could not write {target}: {exc.strerror or exc}", FILE_ERROR)
        data = {"local_path": str(result.path), "size_bytes": result.size_bytes, "sha256": result.sha256}
        return APIResponse(success=True, data=data)

    # -- payments -------------------------------------------------------------------------------------

    async def create_payment_session(self, plan: str, duration_months: int) -> APIResponse:
        """A payment session for `plan` ("PRO" or "pro", "ENTERPRISE"...): `data['payment_url']`."""
        try:
            chosen = RequestedPlan(plan)
        except ValueError:
            known = ", ".join(sorted(choice.value for choice in RequestedPlan))
            return _failure(f"plan={plan!r} is not a plan that can be bought ({known})", INVALID_REQUEST)
        try:
            months = PaymentCreateRequestDurationMonths(duration_months)
        except ValueError:
            known = ", ".join(str(choice.value) for choice in PaymentCreateRequestDurationMonths)
            return _failure(f"duration_months={duration_months!r} is not one of {known}", INVALID_REQUEST)
        body = PaymentCreateRequest(plan=chosen, duration_months=months)
        return await self._signed_in(lambda sdk: sdk.payments.create(body=body), _as_dict)

    async def get_payment_history(self) -> APIResponse:
        """Every payment, newest first, as `data['payments']` (`amount` in minor units, `date`, `status`...)."""

        async def every_page(sdk: AsyncTikTrue) -> list[Any]:
            return [payment async for payment in sdk.payments.history_all()]

        return await self._signed_in(
            every_page, lambda payments: {"payments": [_with_payment_aliases(_as_dict(p)) for p in payments]}
        )

    # -- utilities ------------------------------------------------------------------------------------

    async def test_connection(self) -> APIResponse:
        """Whether the backend answers its health check (`data['status'] == 'ok'`); never raises."""
        return await _answer(self._sdk.health.check(), _as_dict)

    async def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        await self._sdk.aclose()
        if self._given_transport is not None:
            await self._given_transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"BackendAPIClient(base_url={self.base_url!r}, logged_in={self._logged_in})"


async def create_api_client(base_url: str | None = None) -> BackendAPIClient:
    """A ready client for `base_url` (None: `BACKEND_URL`); close it with ``await client.close()``."""
    return BackendAPIClient(base_url)


async def test_backend_connection(base_url: str | None = None) -> bool:
    """True when the backend at `base_url` (None: `BACKEND_URL`) answers its health check."""
    async with BackendAPIClient(base_url) as client:
        return (await client.test_connection()).success


test_backend_connection.__test__ = False  # type: ignore[attr-defined]  # the guide's name; not a pytest test

"""What one generated SDK client owns: its settings, hooks, auth, and the pooled httpx client.

The generated `<Api>` / `Async<Api>` classes stay thin: they describe the API once (`SdkIdentity`, from
the spec) and hand the caller's keyword arguments to `SyncConnection` / `AsyncConnection`, which load
the settings (arguments > environment > TOML file), pick a token provider from what the spec and the
settings offer, and build the composed httpx client (see `_factory.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Generic, Protocol, TypedDict, TypeVar

from ..auth._auth import TokenRefreshAuth
from ..auth._key_auth import KeySchemeAuth
from ..auth._oauth2 import ClientCredentialsProvider
from ..auth._token import TokenProvider
from ..auth._token_providers import LoginTokenProvider, StaticTokenProvider
from ..auth._token_store import TokenStore
from ..core import httpx
from ..core._clock import Clock
from ..core._errors import ConfigurationError
from ..core._redaction import Redaction
from ..pipeline._factory import (
    AsyncBackend,
    SyncBackend,
    build_async_client,
    build_async_token_client,
    build_sync_client,
    build_token_client,
)
from ..pipeline._hooks import Hooks
from ..policies._circuit_breaker import CircuitBreaker
from ..policies._pool import PoolLimits
from ..policies._rate_limit import RateLimit
from ..policies._retry_policy import Jitter, RetryPolicy
from ..policies._sdk_defaults import rate_limit_default, settings_defaults
from ..policies._settings import ClientSettings, load_settings
from ..policies._timeouts import Timeouts
from ..shapes._versions import parse_version
from ._identity import AuthSpec, SdkIdentity

__all__ = [
    "AsyncConnection",
    "AuthSpec",
    "ConnectionOptions",
    "NoDeferral",
    "SdkIdentity",
    "SyncConnection",
    "no_deferral",
    "token_provider",
]


class ConnectionOptions(TypedDict, total=False):
    """The connection's settings a caller may pass to a generated client (each also has a `<PREFIX>_*` variable).

    `ClientOptions` (`outbox/_client_options.py`) adds the outbox's two; the connection passes the whole
    mapping on to the deferral factory it is handed, without naming them.
    """

    api_token: str | None
    credentials: Mapping[str, str]
    client_id: str | None
    client_secret: str | None
    api_key: str | None  # the spec's apiKey schemes
    username: str | None  # HTTP basic
    password: str | None
    timeouts: Timeouts
    timeout_s: float
    timeout: float | tuple[float, float]  # seconds for every phase, or a (connect, read) pair
    retry: RetryPolicy | None
    max_retries: int
    circuit: CircuitBreaker | None
    pool: PoolLimits
    cache: bool
    validate_responses: bool
    headers: Mapping[str, str]
    verify: bool | str
    user_agent: str
    log_level: str | None
    rate_limit: RateLimit | bool | None  # True: the spec's recommended limit (x-sdk-defaults.rate_limit)
    deadline_s: float | None  # total seconds per call, retries included (None: none)
    max_response_bytes: int | None  # largest in-memory response body (None: no limit)
    api_version: str | None  # the server's API version, for operations marked x-sdk-since (None: the newest)
    check_requests: bool  # check call values against the spec's constraints before sending (default True)


def token_provider(settings: ClientSettings, auth: AuthSpec) -> TokenProvider | None:
    """The provider the settings make possible: a static token wins, then the spec's own flow.

    Raises:
        ConfigurationError: half of a credential pair is given.
    """
    if settings.api_token is not None:
        return StaticTokenProvider(settings.api_token)
    if auth.kind == "client_credentials" and auth.token_url is not None:
        if settings.client_id is None and settings.client_secret is None:
            return None
        if settings.client_id is None or settings.client_secret is None:
            missing = "client_id" if settings.client_id is None else "client_secret"
            raise ConfigurationError(f"{missing} is not set, but the other half of the OAuth2 pair is", setting=missing)
        return ClientCredentialsProvider(
            auth.token_url, settings.client_id, settings.client_secret, scope=" ".join(auth.scopes) or None
        )
    if auth.kind == "login" and auth.login_path is not None and settings.credentials:
        if auth.token_root is None:
            return LoginTokenProvider(auth.login_path, auth.refresh_path, settings.credentials)
        return LoginTokenProvider(
            auth.login_path,
            auth.refresh_path,
            settings.credentials,
            access_token_field=f"{auth.token_root}.access_token",
            expires_in_field=f"{auth.token_root}.expires_in",
        )
    return None


def key_scheme_auth(settings: ClientSettings, auth: AuthSpec, *, inner: httpx.Auth | None) -> httpx.Auth | None:
    """The client's auth: `KeySchemeAuth` over the token auth when the spec has key schemes, else the token auth."""
    if not auth.key_schemes:
        return inner
    return KeySchemeAuth(
        {scheme.name: scheme for scheme in auth.key_schemes},
        auth.security,
        auth.default_security,
        api_key=settings.api_key,
        username=settings.username,
        password=settings.password,
        inner=inner,
    )


def _settings(
    identity: SdkIdentity, base_url: str | None, options: ConnectionOptions, config_file: str | Path | None
) -> ClientSettings:
    explicit: dict[str, object] = {"user_agent": identity.user_agent, **options}
    explicit.pop("outbox", None)  # not connection settings: the deferral factory reads them
    explicit.pop("deliver", None)
    explicit.pop("check_requests", None)
    if explicit.get("rate_limit") is True:
        recommended = rate_limit_default(identity.defaults)
        if recommended is None:
            raise ConfigurationError("rate_limit=True needs the spec's x-sdk-defaults.rate_limit: pass a RateLimit")
        explicit["rate_limit"] = recommended
    elif explicit.get("rate_limit") is False:
        explicit["rate_limit"] = None
    if base_url is not None:
        explicit["base_url"] = base_url
    return load_settings(
        identity.env_prefix, explicit, toml_path=config_file, defaults=settings_defaults(identity.defaults)
    )


class Deferring(Protocol):
    """What a connection needs of the deferral it is handed: a lifecycle tied to the pool's.

    The optional outbox wing's `Deferral` is one; the connection never imports that wing (the wing order,
    `make lint`): the generated client hands in `Deferral.for_connection`.
    """

    def start(self, http: httpx.Client) -> None: ...

    def close(self) -> None: ...

    async def aclose(self) -> None: ...


class NoDeferral:
    """The deferral of an SDK without deferrable operations (and so without the outbox wing): nothing to run."""

    def start(self, http: httpx.Client) -> None:
        """Nothing to start: no outbox delivers through the pool."""

    def close(self) -> None:
        """Nothing to stop."""

    async def aclose(self) -> None:
        """Nothing to stop."""


def no_deferral(identity: SdkIdentity, options: Mapping[str, Any], clock: Clock | None) -> NoDeferral:
    """The `DeferralFactory` a generated client without deferrable operations hands its connection."""
    return NoDeferral()


DeferralT = TypeVar("DeferralT", bound=Deferring)
DeferralFactory = Callable[[SdkIdentity, Mapping[str, Any], Clock | None], DeferralT]
"""Builds the deferral from the identity, all the caller's options and the clock (see `Deferring`)."""


def _api_version(identity: SdkIdentity, settings: ClientSettings) -> str | None:
    """The server's API version from the settings, if it is one the SDK's specs describe (None: the newest).

    Raises:
        ConfigurationError: a version none of the SDK's specs describes; the message lists the known ones.
    """
    chosen = settings.api_version
    if chosen is None or not identity.api_versions:
        return chosen
    if parse_version(chosen) not in {parse_version(known) for known in identity.api_versions}:
        known = ", ".join(identity.api_versions)
        raise ConfigurationError(
            f"api_version={chosen!r} is not an API version this SDK knows; known versions: {known} "
            f"(set it with api_version=, {identity.env_prefix}_API_VERSION or api_version in the config file)",
            setting="api_version",
        )
    return chosen


def _check_requests(options: ConnectionOptions) -> bool:
    """Whether calls are checked against the spec before sending: on unless ``check_requests=False``."""
    chosen = options.get("check_requests", True)
    if not isinstance(chosen, bool):
        raise ConfigurationError(f"check_requests={chosen!r} must be True or False", setting="check_requests")
    return chosen


class _ConnectionState(Generic[DeferralT]):
    """What both connections derive the same way from the identity and the options (no I/O)."""

    def __init__(
        self,
        identity: SdkIdentity,
        base_url: str | None,
        options: ConnectionOptions,
        config_file: str | Path | None,
        clock: Clock | None,
        deferral: DeferralFactory[DeferralT],
    ) -> None:
        self.settings: ClientSettings = _settings(identity, base_url, options, config_file)
        self.clock = clock
        self.api_version = _api_version(identity, self.settings)
        self.check_requests = _check_requests(options)
        self.hooks = Hooks()
        self.deferral: DeferralT = deferral(identity, options, clock)
        self.provider = token_provider(self.settings, identity.auth)
        self.redaction = Redaction(secret_fields=identity.secret_fields)


class SyncConnection(_ConnectionState[DeferralT]):
    """The sync side: one pooled `httpx.Client`, plus a token client when a token provider needs one.

    `transport` is the innermost transport of both clients, or a `SyncBackend` name that each of them
    builds its own pool from: ``"httptools"`` or ``"httpx"`` (None: `_default_transport.py`).
    """

    _token_client: httpx.Client | None

    def __init__(
        self,
        identity: SdkIdentity,
        *,
        base_url: str | None,
        options: ConnectionOptions,
        deferral: DeferralFactory[DeferralT],
        config_file: str | Path | None = None,
        token_store: TokenStore | None = None,
        transport: httpx.BaseTransport | SyncBackend | None = None,
        clock: Clock | None = None,
        jitter: Jitter | None = None,
    ) -> None:
        super().__init__(identity, base_url, options, config_file, clock, deferral)
        provider = self.provider
        self._token_client = None
        self.auth: TokenRefreshAuth | None = None
        if provider is not None:
            self._token_client = build_token_client(
                self.settings,
                logger_name=identity.package,
                transport=transport,
                redaction=self.redaction,
                clock=clock,
                jitter=jitter,
            )
            self.auth = TokenRefreshAuth(provider, store=token_store, clock=clock, token_client=self._token_client)
        self.http = build_sync_client(
            self.settings,
            auth=key_scheme_auth(self.settings, identity.auth, inner=self.auth),
            hooks=self.hooks,
            logger_name=identity.package,
            transport=transport,
            clock=clock,
            jitter=jitter,
            redaction=self.redaction,
        )
        self.deferral.start(self.http)

    def close(self) -> None:
        self.deferral.close()  # first: it may be delivering through the pool
        self.http.close()
        if self._token_client is not None:
            self._token_client.close()


class AsyncConnection(_ConnectionState[DeferralT]):
    """The async side: one pooled `httpx.AsyncClient`, plus a token client when needed.

    `transport` is the innermost transport of both clients, or an `AsyncBackend` name that each of them
    builds its own pool from: ``"httptools"``, ``"httpx"`` or ``"aiohttp"`` (None: `_default_transport.py`).
    """

    _token_client: httpx.AsyncClient | None

    def __init__(
        self,
        identity: SdkIdentity,
        *,
        base_url: str | None,
        options: ConnectionOptions,
        deferral: DeferralFactory[DeferralT],
        config_file: str | Path | None = None,
        token_store: TokenStore | None = None,
        transport: httpx.AsyncBaseTransport | AsyncBackend | None = None,
        clock: Clock | None = None,
        jitter: Jitter | None = None,
    ) -> None:
        # the outbox task starts on first use
        super().__init__(identity, base_url, options, config_file, clock, deferral)
        provider = self.provider
        self._token_client = None
        self.auth: TokenRefreshAuth | None = None
        if provider is not None:
            self._token_client = build_async_token_client(
                self.settings,
                logger_name=identity.package,
                transport=transport,
                redaction=self.redaction,
                clock=clock,
                jitter=jitter,
            )
            self.auth = TokenRefreshAuth(
                provider, store=token_store, clock=clock, async_token_client=self._token_client
            )
        self.http = build_async_client(
            self.settings,
            auth=key_scheme_auth(self.settings, identity.auth, inner=self.auth),
            hooks=self.hooks,
            logger_name=identity.package,
            transport=transport,
            clock=clock,
            jitter=jitter,
            redaction=self.redaction,
        )

    async def aclose(self) -> None:
        await self.deferral.aclose()
        await self.http.aclose()
        if self._token_client is not None:
            await self._token_client.aclose()

"""Design document 004 (CloudConnexa client documentation), its examples run as written against the mocks.

Each example is copied from `/work/shared/seeds/004_edef05cc20060747.txt` with only the host, the secrets
and the document's placeholders changed: `api_url` is the Prism mock's URL (v1.1.0, or v1.0 where the
document talks to an older server), `resource_type` / `filter_param` / `"property"` name a real resource
and field, and the third-party objects the examples log to (`cache`, `logger`, `metrics`, `sentry`) are
small recorders. Errors are asked of Prism with ``Prefer: code=<status>``; retries are switched off where
an example only needs the error, so no test waits. The document shows no async code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cloudconnexa_sdk.design import (
    AuthenticationError,
    CircuitBreaker,
    CloudConnexaClient,
    CloudConnexaError,
    ConfigurationError,
    NetworkError,
    RateLimitError,
    ResourceNotFoundError,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
    TokenRefreshError,
    ValidationError,
)

from generator.registry import load_registry
from mock.prism import PrismServer
from tests.conftest import MockFactory

pytestmark = pytest.mark.prism

CLIENT_ID = "seed-client-id"
CLIENT_SECRET = "seed-client-secret"
NETWORK_ID = "3f6c8a2e-1b4d-4c7a-9e2f-5a8b7c6d1e01"
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, so every call is a network error


@pytest.fixture
def api_url(prism: Callable[[str], PrismServer]) -> Iterator[str]:
    """The v1.1.0 mock (the registry's spec); the test fails if it died."""
    server = prism("cloudconnexa")
    yield server.url
    assert server.alive(), server.last_log_lines()


@pytest.fixture
def v1_0_url(prism: MockFactory) -> Iterator[str]:
    """The v1.0 document (sdks.toml other_versions) served by the shared Prism fixture; fails if it died."""
    [(spec, _port)] = load_registry()["cloudconnexa"].other_versions
    server = prism("cloudconnexa", spec)
    yield server.url
    assert server.alive(), server.last_log_lines()


def asking_for(status: int) -> Callable[[Any], None]:
    """A before_request hook that makes Prism answer `status` (a documented error of the operation)."""

    def hook(event: Any) -> None:
        event.request.headers["Prefer"] = f"code={status}"

    return hook


# --- Version Selection -------------------------------------------------------------------------------------


def test_version_selection(api_url: str, v1_0_url: str) -> None:
    """Both clients of "Version Selection" build and answer: the default speaks 1.1.0, the other 1.0."""
    # Default to latest version (1.1.0)
    client = CloudConnexaClient(api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)

    # Explicitly use older version
    client_v1_0 = CloudConnexaClient(
        api_url=v1_0_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, api_version="1.0"
    )
    with client, client_v1_0:
        assert client.sdk.low_level.api_version is None and client_v1_0.sdk.low_level.api_version == "1.0"
        assert client.networks.list() and client_v1_0.networks.list()


def test_unknown_api_version_is_refused_naming_the_known_ones(api_url: str) -> None:
    """api_version="2.0" is a ConfigurationError naming the setting and the versions the SDK knows."""
    with pytest.raises(ConfigurationError) as caught:
        CloudConnexaClient(api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, api_version="2.0")
    assert caught.value.setting == "api_version"
    assert "1.0, 1.1.0" in str(caught.value)


def test_api_version_in_the_config_file(v1_0_url: str, tmp_path: Path) -> None:
    """ "Environment variables and config file support": the config file names the server and its version."""
    config = tmp_path / "cloudconnexa.toml"
    config.write_text(f'[cloudconnexa]\nbase_url = "{v1_0_url}"\napi_version = "1.0"\ntimeout = [5, 30]\n')
    with CloudConnexaClient(config_file=config, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
        assert client.settings.api_version == "1.0"
        [record] = client.dns_records.list()[:1]
        assert client.dns_records.get(record.id).id == record.id


# --- Version Implementation Details / Key Version Differences ------------------------------------------------


@pytest.mark.parametrize("pinned", [True, False], ids=["api_version=1.0", "gradual"])
def test_v1_0_serves_single_dns_record_and_user_group_through_list_and_filter(v1_0_url: str, pinned: bool) -> None:
    """On a v1.0 server `get` is served by listing and filtering, whether the client was told the version or
    found out from the server's 405 ("Gradual Approach: use feature detection and fallbacks")."""
    options = {"api_version": "1.0"} if pinned else {}
    paths: list[str] = []
    with CloudConnexaClient(api_url=v1_0_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **options) as client:
        client.before_request(lambda event: paths.append(event.request.url.path))
        records = client.dns_records.list()
        groups = client.user_groups.list()
        paths.clear()
        assert client.dns_records.get(records[0].id).id == records[0].id
        assert client.user_groups.get(groups[0].id).id == groups[0].id
        assert client.dns_records.get(records[-1].id).id == records[-1].id
    direct = [path for path in paths if path.endswith((records[0].id, groups[0].id, records[-1].id))]
    assert len(direct) == (0 if pinned else 2)  # found out once per operation, then remembered


def test_v1_1_uses_the_dedicated_endpoints(api_url: str) -> None:
    """On 1.1.0 the single DNS record and user group come from GET /dns-records/{id} and /user-groups/{id}."""
    paths: list[str] = []
    with CloudConnexaClient(api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
        record, group = client.dns_records.list()[0], client.user_groups.list()[0]
        client.before_request(lambda event: paths.append(event.request.url.path))
        client.dns_records.get(record.id)
        client.user_groups.get(group.id)
    assert paths == [f"/api/v1/dns-records/{record.id}", f"/api/v1/user-groups/{group.id}"]


def test_ip_service_objects_carry_no_routing_on_either_version(api_url: str, v1_0_url: str) -> None:
    """ "IP Service DTO: with routing (v1.0), without routing (v1.1.0), adapter handles differences"."""
    for url, version in ((api_url, None), (v1_0_url, "1.0")):
        with CloudConnexaClient(
            api_url=url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, api_version=version
        ) as client:
            services = client.ip_services.list()
            assert services
            for service in services:
                assert not {"type", "routes"} & set(service.to_dict())


# --- Usage Pattern ------------------------------------------------------------------------------------------


def test_usage_pattern(api_url: str) -> None:
    """list(filter=...), get, create(dict), update(id, dict) and delete, on a real resource and field."""
    with CloudConnexaClient(api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
        everything = client.networks.list()
        name = everything[0].name
        # Resource listing with optional filters
        resources = client.networks.list(name=name)
        assert [resource.name for resource in resources] == [name]

        # Single resource retrieval (using v1.1.0 endpoints where available)
        resource = client.dns_records.get("8f6e4d2c-0b9a-4877-a655-4433221100a2")
        assert resource.domain

        # Resource creation
        new_resource = client.dns_records.create({"domain": "Resource.name.example.com", "description": "value"})
        assert new_resource.id

        # Resource update
        updated_resource = client.dns_records.update(
            "8f6e4d2c-0b9a-4877-a655-4433221100a2", {"domain": "git.example.com", "description": "new value"}
        )
        assert updated_resource.id

        # Resource deletion
        client.dns_records.delete("8f6e4d2c-0b9a-4877-a655-4433221100a2")


def test_create_names_a_wrong_or_missing_field_without_sending(api_url: str) -> None:
    """A dict the request model cannot take is refused locally, naming the field (no silent drop)."""
    sent: list[str] = []
    with CloudConnexaClient(api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
        client.before_request(lambda event: sent.append(event.request.url.path))
        with pytest.raises(ValueError, match="'property'"):
            client.dns_records.create({"domain": "a.example.com", "property": "value"})
        with pytest.raises(ValueError, match="'domain'"):
            client.dns_records.create({"description": "no domain"})
        with pytest.raises(ValueError, match="'colour'"):
            client.networks.list(colour="blue")
    assert not [path for path in sent if "dns-records" in path]


# --- Production-Grade Error Handling ------------------------------------------------------------------------


def test_configurable_retry_policy(api_url: str) -> None:
    """The document's RetryPolicy becomes the client's retry settings, and a 503 is retried under it."""
    client = CloudConnexaClient(
        api_url=api_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        retry_policy=RetryPolicy(
            max_retries=5,
            retry_codes=[408, 429, 500, 502, 503, 504],
            backoff_factor=0.5,
            backoff_max=120,  # Maximum backoff in seconds
            backoff_jitter=True,  # Add randomness to prevent thundering herd
        ),
    )
    with client:
        retry = client.settings.retry
        assert retry is not None
        assert (retry.max_attempts, retry.initial_delay_s, retry.backoff_factor, retry.max_delay_s) == (6, 0.5, 2, 120)
        assert retry.retry_statuses == {408, 429, 500, 502, 503, 504} and retry.max_jitter_s is not None


def test_circuit_breaker_pattern(api_url: str) -> None:
    """After 10 failures counted by expected_exceptions, calls fail fast without I/O until recovery."""
    client = CloudConnexaClient(
        api_url=api_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        retry_policy=None,
        circuit_breaker=CircuitBreaker(
            failure_threshold=10,  # Number of failures before opening circuit
            recovery_timeout=300,  # Seconds before attempting recovery
            expected_exceptions=(ServerError, NetworkError),  # Exceptions that count as failures
        ),
    )
    sent: list[str] = []
    with client:
        client.before_request(asking_for(500))
        client.after_response(lambda event: sent.append(event.request.url.path))
        for _ in range(10):
            with pytest.raises(ServerError):
                client.networks.list()
        with pytest.raises(NetworkError) as caught:
            client.networks.list()
    assert len(sent) == 10 and type(caught.value).__name__ == "CircuitOpenError"
    assert client.settings.circuit is not None and 501 in client.settings.circuit.failure_statuses


def handle(client: CloudConnexaClient) -> str:
    """The document's "Exception Hierarchy for Precise Handling", returning which branch ran."""
    try:
        networks = client.networks.list()
        return f"ok {len(networks)}"
    except AuthenticationError as e:
        # Handle authentication failures
        if e.requires_reauth:
            return "reauth"  # Trigger re-authentication flow
        return "refresh failed"  # Token refresh failed, report error
    except RateLimitError as e:
        # Handle rate limiting
        wait_time = e.retry_after or 30
        return f"rate limited {wait_time}"  # Schedule retry after wait_time
    except ResourceNotFoundError:
        # Resource doesn't exist, handle gracefully
        networks = []
        return f"not found {networks}"
    except ValidationError as e:
        # Invalid request parameters
        return f"invalid {e.status_code}"  # log_validation_error(e); fix parameters and retry
    except ServerError as e:
        if e.is_transient:
            return "transient"  # Likely temporary, can retry later
        return "persistent"  # Persistent server error, fallback to alternative
    except NetworkError:
        # Network connectivity issues
        return "network"  # Use cached data if available
    except CloudConnexaError as e:
        # Catch-all for other client errors
        return f"other {type(e).__name__}"


@pytest.mark.parametrize(
    ("status", "branch"),
    [
        (None, "ok"),
        (401, "reauth"),
        (429, "rate limited"),
        (400, "invalid 400"),
        (500, "transient"),
        (503, "transient"),
        (403, "other PermissionDeniedError"),
    ],
)
def test_exception_hierarchy_for_precise_handling(api_url: str, status: int | None, branch: str) -> None:
    """Each documented answer of GET /networks lands in the document's branch for it (400 is a ValidationError)."""
    with CloudConnexaClient(
        api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
    ) as client:
        if status is not None:
            client.before_request(asking_for(status))
        assert handle(client).startswith(branch)


def test_resource_not_found_and_network_errors_take_their_branches(api_url: str) -> None:
    """A 404 is a ResourceNotFoundError (networks.get), an unreachable host a NetworkError."""
    with CloudConnexaClient(
        api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
    ) as client:
        client.before_request(asking_for(404))
        with pytest.raises(ResourceNotFoundError):
            client.networks.get(NETWORK_ID)
    with CloudConnexaClient(api_url=UNREACHABLE, api_token="t", retry_policy=None) as offline:
        assert handle(offline) == "network"


def test_rate_limit_error_carries_retry_after(api_url: str) -> None:
    """RateLimitError.retry_after is the server's Retry-After in seconds (the spec's 429 example says 2 s)."""
    with CloudConnexaClient(
        api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
    ) as client:
        client.before_request(asking_for(429))
        with pytest.raises(RateLimitError) as caught:
            client.networks.list()
    assert caught.value.retry_after is not None and caught.value.retry_after > 0


def test_503_is_a_service_unavailable_error(api_url: str) -> None:
    """ServiceUnavailableError ("the service is temporarily down") is the 503, also a transient ServerError."""
    with CloudConnexaClient(
        api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
    ) as client:
        client.before_request(asking_for(503))
        with pytest.raises(ServiceUnavailableError) as caught:
            client.networks.list()
    assert caught.value.is_transient


def test_token_refresh_error_and_an_unreachable_token_endpoint(api_url: str) -> None:
    """Refused credentials are a TokenRefreshError asking for a new login; an unreachable token endpoint is
    a NetworkError (the document's fallback catches it), not a credentials problem."""
    import httpx

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    with (
        CloudConnexaClient(
            api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, transport=httpx.MockTransport(refuse)
        ) as refused,
        pytest.raises(TokenRefreshError) as caught,
    ):
        refused.networks.list()
    assert caught.value.requires_reauth and not isinstance(caught.value, NetworkError)
    assert CLIENT_SECRET not in str(caught.value)
    with (
        CloudConnexaClient(
            api_url=UNREACHABLE, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
        ) as offline,
        pytest.raises(NetworkError) as down,
    ):
        offline.networks.list()
    assert not isinstance(down.value, TokenRefreshError)  # the network failed, not the credentials


def test_timeout_configuration(api_url: str) -> None:
    """timeout=(5, 30) is the connect and the read timeout in seconds."""
    client = CloudConnexaClient(
        api_url=api_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        timeout=(5, 30),  # Connect timeout, read timeout in seconds
    )
    with client:
        assert (client.settings.timeouts.connect_s, client.settings.timeouts.read_s) == (5, 30)
        assert client.networks.list()


class Cache:
    def __init__(self, **entries: Any) -> None:
        self.entries = entries

    def get(self, key: str) -> Any:
        return self.entries.get(key)


def test_fallback_strategies(api_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """get_networks_with_fallback: the API first; on a server, network or rate-limit error the cache, else []."""
    logger = logging.getLogger("seed-004")

    def with_fallback(client: CloudConnexaClient, cache: Cache) -> Any:
        def get_networks_with_fallback():  # type: ignore[no-untyped-def]
            """Get networks with fallback to cache if API is unavailable."""
            try:
                # Try the API first
                return client.networks.list()
            except (ServerError, NetworkError, RateLimitError):
                # API unavailable, use cache
                cached = cache.get("networks")
                if cached:
                    logger.warning("Using cached network data")
                    return cached
                else:
                    # No cache, return empty list as last resort
                    logger.error("No network data available")
                    return []

        return get_networks_with_fallback()

    with CloudConnexaClient(api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
        assert len(with_fallback(client, Cache())) == len(client.networks.list()) > 0
    with CloudConnexaClient(api_url=UNREACHABLE, api_token="t", retry_policy=None) as down:
        assert with_fallback(down, Cache(networks=["cached"])) == ["cached"]
        assert with_fallback(down, Cache()) == []
    assert "Using cached network data" in caplog.text and "No network data available" in caplog.text


class Metrics:
    def __init__(self) -> None:
        self.counts: list[tuple[str, dict[str, str]]] = []

    def increment(self, name: str, tags: dict[str, str]) -> None:
        self.counts.append((name, tags))


def test_logging_and_monitoring(api_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The structured log of a failed get: code, type, request id, status and hint; the metric by type."""
    logger, metrics = logging.getLogger("seed-004"), Metrics()
    with CloudConnexaClient(
        api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
    ) as client:
        client.before_request(asking_for(404))
        client.before_request(lambda event: event.request.headers.__setitem__("X-Request-ID", "seed-req-1"))
        # Enhanced error with context for debugging
        try:
            network = client.networks.get("network_id")
            pytest.fail(f"expected an error, got {network}")
        except CloudConnexaError as e:
            # Log structured error with context
            logger.error(
                "Failed to retrieve network",
                extra={
                    "error_code": e.code,
                    "error_type": type(e).__name__,
                    "network_id": "network_id",
                    "request_id": e.context.get("request_id"),
                    "status_code": e.response.status_code if hasattr(e, "response") else None,
                    "troubleshooting_hint": e.get_troubleshooting_hint(),
                },
            )
            # Report to monitoring system
            metrics.increment("api.error", tags={"type": type(e).__name__})
    [record] = [r for r in caplog.records if r.getMessage() == "Failed to retrieve network"]
    # "network_id" is no network id (the spec says uuid): the SDK refuses it before sending, so no response
    assert (record.error_type, record.error_code, record.status_code) == (
        "RequestValidationError",
        "request_invalid",
        None,
    )
    assert record.troubleshooting_hint and "request_id" in record.__dict__
    assert metrics.counts == [("api.error", {"type": record.error_type})]


class Sentry:
    def __init__(self) -> None:
        self.captured: list[tuple[Exception, dict[str, Any]]] = []

    def capture_exception(self, error: Exception, extra: dict[str, Any]) -> None:
        self.captured.append((error, extra))


def test_error_event_hooks(api_url: str) -> None:
    """on_error(lambda e, request, response: ...) runs once per failed call: HTTP errors and network errors."""
    sentry = Sentry()
    with CloudConnexaClient(
        api_url=api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry_policy=None
    ) as client:
        # Register error event handlers for centralized error management
        client.on_error(
            lambda e, request, response: sentry.capture_exception(
                e,
                extra={
                    "request_method": request.method,
                    "request_url": request.url,
                    "status_code": response.status_code if response else None,
                },
            )
        )
        client.networks.list()  # a success reports nothing
        client.before_request(asking_for(404))
        with pytest.raises(ResourceNotFoundError):
            client.networks.get(NETWORK_ID)
    with CloudConnexaClient(api_url=UNREACHABLE, api_token="t", retry_policy=None) as offline:
        offline.on_error(
            lambda e, request, response: sentry.capture_exception(
                e, extra={"request_method": request.method, "status_code": response.status_code if response else None}
            )
        )
        with pytest.raises(NetworkError):
            offline.networks.list()
    [(http_error, http_extra), (network_error, network_extra)] = sentry.captured
    assert isinstance(http_error, ResourceNotFoundError) and http_extra["status_code"] == 404
    assert http_extra["request_method"] == "GET" and str(http_extra["request_url"]).endswith(NETWORK_ID)
    assert isinstance(network_error, NetworkError) and network_extra == {"request_method": "GET", "status_code": None}

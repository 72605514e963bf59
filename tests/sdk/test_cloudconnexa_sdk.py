"""The committed CloudConnexa SDK: OAuth2 client credentials and auto-pagination against Prism."""

from __future__ import annotations

import pytest
from cloudconnexa_sdk import AsyncCloudConnexa, CloudConnexa

from generator.registry import load_registry
from mock.prism import PrismServer
from tests.conftest import MockFactory

pytestmark = pytest.mark.prism


@pytest.fixture(scope="module")
def cloudconnexa_mock(prism):  # type: ignore[no-untyped-def]
    server: PrismServer = prism("cloudconnexa")
    yield server
    assert server.alive(), "the CloudConnexa mock died"


def ask_for_page_examples(event) -> None:  # type: ignore[no-untyped-def]
    """Make Prism serve its named example for the page asked for (page0, page1, page2)."""
    if event.request.url.path.endswith("/networks"):
        event.request.headers["Prefer"] = f"example=page{event.request.url.params.get('page', '0')}"


def test_list_all_walks_every_page_and_stops_at_max_items(cloudconnexa_mock: PrismServer) -> None:
    """networks.list_all() fetches page after page until the last; max_items stops early, fetching no more."""
    pages: list[str] = []
    with CloudConnexa(cloudconnexa_mock.url, client_id="client-id", client_secret="client-secret") as client:
        client.before_request(ask_for_page_examples)
        client.before_request(
            lambda e: (
                pages.append(e.request.url.params.get("page", "")) if e.request.url.path.endswith("/networks") else None
            )
        )
        everything = list(client.networks.list_all())
        assert len(pages) >= 2, "the spec's examples describe several pages"
        assert all(type(item).__name__ == "Network" for item in everything)
        pages.clear()
        first = list(client.networks.list_all(max_items=1))
        assert len(first) == 1 and pages == ["0"]


async def test_async_list_all_is_an_async_iterator(cloudconnexa_mock: PrismServer) -> None:
    """The async client's list_all() is consumed with `async for`, with the same bound."""
    async with AsyncCloudConnexa(cloudconnexa_mock.url, client_id="client-id", client_secret="client-secret") as client:
        client.before_request(ask_for_page_examples)
        items = [item async for item in client.networks.list_all(max_items=2)]
    assert len(items) == 2


def test_the_design_defaults_come_from_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    """CloudConnexa's x-sdk-defaults: 5 retries on 408/429/5xx from 0.5 s up to 120 s, a 10-failure/300 s
    breaker on by default, and its recommended rate limit when the caller asks for rate limiting."""
    for name in ("CLOUDCONNEXA_MAX_RETRIES", "CLOUDCONNEXA_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    with CloudConnexa("https://example.invalid", client_id="id", client_secret="secret") as client:
        retry = client.settings.retry
        assert retry is not None
        assert (retry.max_attempts, retry.initial_delay_s, retry.max_delay_s) == (6, 0.5, 120)
        assert retry.retry_statuses == frozenset({408, 429, 500, 502, 503, 504})
        assert client.settings.circuit is not None
        assert (client.settings.circuit.failure_threshold, client.settings.circuit.recovery_timeout_s) == (10, 300)
        assert client.settings.rate_limit is None
    with CloudConnexa("https://example.invalid", client_id="id", client_secret="secret", rate_limit=True) as limited:
        assert limited.settings.rate_limit is not None and limited.settings.rate_limit.burst == 5


@pytest.fixture(scope="module")
def cloudconnexa_v1_0_mock(prism: MockFactory) -> PrismServer:
    """The shared Prism mock of the v1.0 document (sdks.toml other_versions)."""
    [(spec, _port)] = load_registry()["cloudconnexa"].other_versions
    return prism("cloudconnexa", spec)


@pytest.mark.parametrize("api_version", ["1.0", "1.1.0"])
def test_same_calls_work_on_both_api_versions(
    api_version: str, cloudconnexa_mock: PrismServer, cloudconnexa_v1_0_mock: PrismServer
) -> None:
    """dns_records.get(id) and user_groups.get(id) read the same on both versions: on 1.0, which has no
    such endpoints, the client finds the item through the paginated list instead."""
    mock = cloudconnexa_v1_0_mock if api_version == "1.0" else cloudconnexa_mock
    paths: list[str] = []
    with CloudConnexa(mock.url, client_id="id", client_secret="secret", api_version=api_version) as client:
        client.before_request(lambda event: paths.append(event.request.url.path))
        record = next(iter(client.dns_records.list_all(max_items=1)))
        group = next(iter(client.user_groups.list_all(max_items=1)))
        paths.clear()
        assert client.dns_records.get(record.id).id == record.id
        assert client.user_groups.get(group.id).id == group.id
    single = [p for p in paths if p.rstrip("/").endswith((record.id, group.id))]
    assert (single == []) == (api_version == "1.0")


async def test_async_fallback_on_1_0(cloudconnexa_v1_0_mock: PrismServer) -> None:
    """The async client's fallback walks the list the same way."""
    async with AsyncCloudConnexa(
        cloudconnexa_v1_0_mock.url, client_id="id", client_secret="secret", api_version="1.0"
    ) as client:
        (first,) = [item async for item in client.dns_records.list_all(max_items=1)]
        assert (await client.dns_records.get(first.id)).id == first.id


def test_design_error_names_are_the_runtime_classes() -> None:
    """The design's ResourceNotFoundError & co. (info.x-sdk-error-names) are the runtime's typed errors."""
    from cloudconnexa_sdk import errors

    assert errors.ResourceNotFoundError is errors.NotFoundError
    assert errors.RateLimitExceededError is errors.RateLimitError
    assert errors.AuthorizationError is errors.PermissionDeniedError
    assert issubclass(errors.ResourceNotFoundError, errors.CloudConnexaError)


async def test_async_client_falls_back_on_its_own_and_reports_failed_calls(
    cloudconnexa_v1_0_mock: PrismServer,
) -> None:
    """Unpinned, the async client meets v1.0's 405, serves get() from the list, and reports only real failures
    to an async on_call_error hook (the 405 it recovered from is not one)."""
    failures: list[str] = []

    async def report(event) -> None:  # type: ignore[no-untyped-def]
        failures.append(type(event.error).__name__)

    async with AsyncCloudConnexa(cloudconnexa_v1_0_mock.url, client_id="id", client_secret="secret") as client:
        client.on_call_error(report)
        (first,) = [item async for item in client.dns_records.list_all(max_items=1)]
        assert (await client.dns_records.get(first.id)).id == first.id
        assert failures == []
        with pytest.raises(errors_module().NotFoundError):
            await client.dns_records.get("00000000-0000-4000-8000-000000000000")
    assert failures == ["NotFoundError"]


def errors_module():  # type: ignore[no-untyped-def]
    from cloudconnexa_sdk import errors

    return errors

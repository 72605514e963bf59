"""The committed CloudConnexa SDK: OAuth2 client credentials and auto-pagination against Prism."""

from __future__ import annotations

from pathlib import Path

import pytest
from cloudconnexa_sdk import AsyncCloudConnexa, CloudConnexa

from mock.prism import PrismServer

pytestmark = pytest.mark.prism

ROOT = Path(__file__).resolve().parents[2]


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

"""An application written against the CloudConnexa SDK (typed pagination): type-checked by `make lint`, never run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from cloudconnexa_sdk import AsyncCloudConnexa, CloudConnexa
from cloudconnexa_sdk.errors import PaginationError
from cloudconnexa_sdk.models import Network


def network_names(client: CloudConnexa) -> list[str]:
    """list_all() yields the page's item model, with the list operation's own keyword arguments."""
    networks = client.networks.list_all(page_size=100, max_items=1000)
    assert_type(networks, Iterator[Network])
    try:
        return [network.name for network in networks]
    except PaginationError:
        return []


async def network_names_async(client: AsyncCloudConnexa) -> list[str]:
    networks = client.networks.list_all(page_size=100)
    assert_type(networks, AsyncIterator[Network])
    return [network.name async for network in networks]


def create_network(client: CloudConnexa) -> Network:
    """The body as a dict (NetworkCreateRequestDict); the async client takes the same."""
    network = client.networks.create(body={"name": "office", "connectors": [], "tunnelingProtocol": "OPENVPN"})
    assert_type(network, Network)
    return network


def one(client: CloudConnexa, network_id: str) -> Network:
    network = client.networks.get(network_id)
    assert_type(network, Network)
    return network

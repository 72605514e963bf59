"""CloudConnexa: list every resource, walking all pages of each paginated list.

Run against the mock:  make mock  (in another terminal), then
    CLOUDCONNEXA_BASE_URL=http://127.0.0.1:4050 \\
    CLOUDCONNEXA_CLIENT_ID=demo-client CLOUDCONNEXA_CLIENT_SECRET=demo-secret \\
    python examples/list_everything.py

Against your WPC, use `https://<cloud_id>.api.openvpn.com` and an API credential from the Administration
portal (API & Logs > API). The SDK exchanges the client ID and secret for a token on the first call and
shares that token between all calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from cloudconnexa_sdk import CloudConnexa
from cloudconnexa_sdk.types import Unset

PAGE_SIZE = 100


def shown(value: object) -> str:
    """A field for printing: enums by value, absent fields as '-'."""
    if value is None or isinstance(value, Unset):
        return "-"
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value) or "-"
    return str(getattr(value, "value", value))


def every(list_all: Callable[..., Iterator[Any]]) -> Iterator[Any]:
    """All items of a paginated list: its `list_all` walks the pages (x-sdk-pagination), PAGE_SIZE per request."""
    yield from list_all(page_size=PAGE_SIZE)


def main() -> None:
    base_url = os.environ.get("CLOUDCONNEXA_BASE_URL", "http://127.0.0.1:4050")
    client_id = os.environ.get("CLOUDCONNEXA_CLIENT_ID", "demo-client")
    client_secret = os.environ.get("CLOUDCONNEXA_CLIENT_SECRET", "demo-secret")

    with CloudConnexa(base_url, client_id=client_id, client_secret=client_secret) as client:
        print("networks")
        networks = list(every(client.networks.list_all))
        for network in networks:
            print(f"  {network.name:<16} {shown(network.internet_access):<20} id {network.id}")

        print("connectors")
        for connector in every(client.connectors.list_all):
            where, status = shown(connector.vpn_region_id), shown(connector.connection_status)
            print(f"  {connector.name:<16} region {where:<14} {status}")

        print("routes")
        for route in every(client.routes.list_all):
            print(f"  {shown(route.subnet):<16} {shown(route.type_):<6} {shown(route.description)}")

        print("users")
        for user in every(client.users.list_all):
            print(f"  {user.username:<16} {shown(user.email):<22} {shown(user.status)}")

        print("user groups")
        for group in every(client.user_groups.list_all):
            print(f"  {group.name:<16} internet {shown(group.internet_access)}, max {shown(group.max_device)} devices")

        print("VPN regions (one unpaginated list)")
        for region in client.vpn_regions.list():
            print(f"  {region.id:<16} {shown(region.region_name)}, {shown(region.country)}")

        print("DNS records")
        for record in every(client.dns_records.list_all):
            print(f"  {record.domain:<22} {shown(record.ipv_4_addresses)}")

        print("host IP services")
        for service in every(client.ip_services.list_all):
            services = shown(service.config.service_types) if not isinstance(service.config, Unset) else "-"
            print(f"  {service.name:<16} {services}")

        first = next(every(client.networks.list_all), None)
        if first is not None:
            print(f"first network again, by id: {client.networks.get(first.id).name}")
        print(f"{len(networks)} networks in total")


if __name__ == "__main__":
    main()

"""Which port each mock of `make mock` listens on: the registry's ports, moved by PORT_OFFSET or PORTS.

Every mock has a name (the SDK's name for its Prism, the spec's stem for an older API version's Prism,
`<sdk>-events` for its WebSocket mock) and a default port (`mock_port` in generator/sdks.toml, the
AsyncAPI server's port). `make mock PORT_OFFSET=1000` adds 1000 to every default;
`make mock PORTS=myrvm=5010,xoohoox-events=5021` sets single ones (PORTS wins over the offset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from mock.prism import LOOPBACK, port_is_busy

MOVE_HINT = "`make mock PORT_OFFSET=1000` moves every mock, `make mock PORTS=<name>=<port>,...` single ones"


class PortError(ValueError):
    """PORTS or PORT_OFFSET is malformed or names an unknown mock, or a port is busy; the message says which."""


@attrs.frozen(kw_only=True)
class PlannedMock:
    """One mock to start: its name, the document it serves, its port and whether it is a WebSocket mock."""

    name: str
    document: Path
    port: int
    websocket: bool = False


def parse_ports(text: str | None) -> dict[str, int]:
    """`myrvm=5010,xoohoox=5020` as {name: port}; PortError naming the bad item."""
    ports: dict[str, int] = {}
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        name, equals, value = item.partition("=")
        if not equals or not name.strip() or not value.strip().isdigit():
            raise PortError(f"PORTS item {item!r} must look like <name>=<port>, e.g. PORTS=myrvm=5010")
        ports[name.strip()] = _checked(int(value), f"PORTS {name.strip()}")
    return ports


def _checked(port: int, what: str) -> int:
    if not 1 <= port <= 65535:
        raise PortError(f"{what}: port {port} is outside 1-65535")
    return port


def plan_ports(defaults: Iterable[PlannedMock], *, ports: Mapping[str, int], offset: int = 0) -> list[PlannedMock]:
    """`defaults` on their final ports; PortError for a PORTS name no mock has, a port out of range or a clash."""
    defaults = list(defaults)
    names = [mock.name for mock in defaults]
    unknown = sorted(set(ports) - set(names))
    if unknown:
        raise PortError(f"PORTS names no mock called {', '.join(unknown)}; the mocks are {', '.join(names)}")
    planned = [
        attrs.evolve(mock, port=ports[mock.name] if mock.name in ports else _checked(mock.port + offset, "PORT_OFFSET"))
        for mock in defaults
    ]
    seen: dict[int, str] = {}
    for mock in planned:
        if mock.port in seen:
            raise PortError(f"{seen[mock.port]} and {mock.name} would share port {mock.port}: fix PORTS or PORT_OFFSET")
        seen[mock.port] = mock.name
    return planned


def check_free(planned: Iterable[PlannedMock]) -> None:
    """PortError listing every busy port with its mock, and how to move the mocks elsewhere."""
    busy = [f"port {mock.port} on {LOOPBACK} ({mock.name})" for mock in planned if port_is_busy(mock.port)]
    if busy:
        raise PortError(
            f"{'; '.join(busy)} {'is' if len(busy) == 1 else 'are'} busy: stop what listens there "
            f"(`lsof -i :PORT`), or choose other ports: {MOVE_HINT}"
        )

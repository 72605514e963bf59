"""`make mock`: serve every spec in generator/sdks.toml until Ctrl-C.

`python -m mock.serve [NAME ...] [--ports myrvm=5010,...] [--port-offset N]`. Each OpenAPI spec gets
Prism on its port; each AsyncAPI document gets the WebSocket mock on its server's port (with the HTTP
control endpoint `/_mock/...`). Ports come from mock_ports.py (the registry's, moved by the options).
Waits until each mock answers and prints the URLs. Each Prism serves its spec's last good version
(prism_reload.py): a saved spec that does not lint clean is reported with its findings and the mock
keeps answering; the next clean save is served; a Prism that dies is restarted, and no other mock
notices either. Everything stops on Ctrl-C or SIGTERM. Prism logs go to .tmp/mock/<name>.log.

By default each API is served with state (mock/living_mock.py): its port is the living mock's front,
and its Prism runs in proxy mode on a free port between the front and the state store, so every request
and answer is still validated; a write that an AsyncAPI message names in `x-mock-emitted-by` is published
by the WebSocket mock (mock/living_events.py), which then repeats no canned events unless
`--periodic-events` (`PERIODIC_EVENTS=1`). `--stateless` (`make mock STATELESS=1`) serves plain Prism.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from generator.registry import ROOT, RegistryError, SdkEntry, load_registry, select
from mock.living_events import EventBridge
from mock.living_mock import LivingMock
from mock.mock_ports import PlannedMock, PortError, check_free, parse_ports, plan_ports
from mock.prism import MockError, check_toolchain, free_port
from mock.prism_reload import ReloadingPrism, Report
from mock.ws_mock import DEFAULT_INTERVAL_S, ThreadedWebSocketMock, load_document

MOCK_DIR = ROOT / ".tmp" / "mock"
TICK_S = 1.0


def default_mocks(entries: Sequence[SdkEntry]) -> list[PlannedMock]:
    """Every mock of `entries` on its registry port: the Prisms first, then the WebSocket mocks."""
    planned = [PlannedMock(name=e.name, document=e.spec, port=e.mock_port) for e in entries]
    for entry in entries:
        planned += [PlannedMock(name=spec.stem, document=spec, port=port) for spec, port in entry.other_versions]
    for entry in entries:
        if entry.asyncapi is not None:
            port = load_document(entry.asyncapi).server_port or 0
            planned.append(PlannedMock(name=f"{entry.name}-events", document=entry.asyncapi, port=port, websocket=True))
    return planned


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def reloading_prisms(planned: Sequence[PlannedMock], folder: Path, report: Report) -> list[ReloadingPrism]:
    """A `ReloadingPrism` per planned Prism, its snapshots in `folder`/specs/<name>, its log `folder`/<name>.log."""
    return [
        ReloadingPrism(
            mock.name,
            mock.document,
            port=mock.port,
            snapshot_folder=folder / "specs" / mock.name,
            log_path=folder / f"{mock.name}.log",
            report=report,
        )
        for mock in planned
        if not mock.websocket
    ]


def living_prisms(
    planned: Sequence[PlannedMock], folder: Path, report: Report
) -> tuple[list[LivingMock], list[ReloadingPrism]]:
    """A started front and store per planned Prism, and its `ReloadingPrism` (proxy mode, on a free port)."""
    livings: list[LivingMock] = []
    prisms: list[ReloadingPrism] = []
    for mock in (m for m in planned if not m.websocket):
        living = LivingMock(mock.document, port=mock.port)
        living.start_http()
        livings.append(living)
        prism = ReloadingPrism(
            mock.name,
            mock.document,
            port=free_port(),
            snapshot_folder=folder / "specs" / mock.name,
            log_path=folder / f"{mock.name}.log",
            report=report,
            upstream=living.store_url,
        )
        living.http.upstream = prism.url
        prisms.append(prism)
    return livings, prisms


def follow_reloads(prisms: Sequence[ReloadingPrism], fronts: dict[str, LivingMock], served: dict[str, Path]) -> None:
    """Give each living mock the spec version its Prism now serves (`served` remembers the last one)."""
    for prism in prisms:
        current, front = prism.snapshot.current, fronts.get(prism.name)
        if current is None or front is None or served.get(prism.name) == current:
            continue
        if prism.name in served:
            front.reload(current)
            print(f"mock: {prism.name}: state restarted from the new version's examples", flush=True)
        served[prism.name] = current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make mock", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="SDKs whose specs to serve (default: all)")
    parser.add_argument("--ports", default="", help="per-mock ports, e.g. myrvm=5010,xoohoox-events=5021 (PORTS=)")
    parser.add_argument("--port-offset", type=int, default=0, help="added to every default port (PORT_OFFSET=)")
    parser.add_argument("--stateless", action="store_true", help="plain Prism, no state (STATELESS=1)")
    parser.add_argument(
        "--periodic-events",
        action="store_true",
        help="with state, also repeat each channel's examples (PERIODIC_EVENTS=1)",
    )
    args = parser.parse_args(argv)
    try:
        check_toolchain()
        planned = plan_ports(
            default_mocks(select(args.names, load_registry())), ports=parse_ports(args.ports), offset=args.port_offset
        )
        check_free(planned)
    except (RegistryError, PortError, MockError) as exc:
        _stderr(f"mock: {exc}")
        return 2
    MOCK_DIR.mkdir(parents=True, exist_ok=True)
    livings: list[LivingMock] = []
    if args.stateless:
        prisms = reloading_prisms(planned, MOCK_DIR, _stderr)
    else:
        livings, prisms = living_prisms(planned, MOCK_DIR, _stderr)
    fronts = {prism.name: living for prism, living in zip(prisms, livings, strict=False)}

    def stop_all(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_all)
    # Python leaves SIGINT ignored when it started ignored (a shell's background job, `nohup`, some CI
    # runners), and then Ctrl-C or `kill -INT` would never stop the mocks: handle it explicitly.
    signal.signal(signal.SIGINT, stop_all)
    sockets: list[ThreadedWebSocketMock] = []
    served: dict[str, Path] = {}  # the spec version each living mock's state comes from
    try:
        for prism in prisms:
            prism.tick()
            if prism.serving:
                front = fronts.get(prism.name)
                url = front.url if front is not None else prism.url
                print(f"mock: {prism.name:<17} {url}   (spec {prism.shown_source}, log {prism.log_path})")
        # With state, events follow the writes (x-mock-emitted-by); the periodic examples only when asked for.
        interval_s = DEFAULT_INTERVAL_S if args.stateless or args.periodic_events else None
        for mock in (m for m in planned if m.websocket):
            document = load_document(mock.document)
            socket_mock = ThreadedWebSocketMock(document, port=mock.port, interval_s=interval_s, http_control=True)
            sockets.append(socket_mock.start())
            front = fronts.get(mock.name.removesuffix("-events"))
            if front is not None:
                front.on_change(EventBridge(document, socket_mock.push, report=_stderr))
            print(
                f"mock: {mock.name:<17} {socket_mock.url}   (spec {mock.document.relative_to(ROOT)}; "
                f"control: GET /_mock/state|push?channel=|drop|refuse-auth?on=1|once=1|silence?on=1)"
            )
        follow_reloads(prisms, fronts, served)
        print("mock: any bearer token is accepted; a saved spec is reloaded once it lints clean.", flush=True)
        if livings:
            print("mock: with state; control: /_mock/reset|state|requests|faults?rate=&status=|latency?ms=", flush=True)
        while True:
            time.sleep(TICK_S)
            for prism in prisms:
                prism.tick()
            follow_reloads(prisms, fronts, served)
    except KeyboardInterrupt:
        print("\nmock: stopping")
        return 0
    finally:
        for prism in prisms:
            prism.stop()
        for living in livings:
            living.stop()
        for socket_mock in sockets:
            socket_mock.stop()


if __name__ == "__main__":
    raise SystemExit(main())

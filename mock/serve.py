"""`make mock`: serve every spec in generator/sdks.toml until Ctrl-C.

`python -m mock.serve [NAME ...]`. Each OpenAPI spec gets Prism on its fixed port; each AsyncAPI document
gets the WebSocket mock on its server's port (with the HTTP control endpoint `/_mock/...`). Waits until
each mock answers, prints the URLs, restarts a Prism that dies (saying so), and stops everything on
Ctrl-C or SIGTERM. Prism logs go to .tmp/mock/<name>.log.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from types import FrameType

from generator.registry import ROOT, RegistryError, load_registry, select
from mock.prism import MockError, PrismServer, port_is_busy
from mock.ws_mock import ThreadedWebSocketMock, load_document

LOG_DIR = ROOT / ".tmp" / "mock"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make mock", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="SDKs whose specs to serve (default: all)")
    args = parser.parse_args(argv)
    try:
        entries = select(args.names, load_registry())
    except RegistryError as exc:
        print(f"mock: {exc}", file=sys.stderr)
        return 2
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    servers = {e.name: PrismServer(e.spec, port=e.mock_port, log_path=LOG_DIR / f"{e.name}.log") for e in entries}
    for entry in entries:
        for spec, port in entry.other_versions:
            label = f"{entry.name} {spec.stem}"
            servers[label] = PrismServer(spec, port=port, log_path=LOG_DIR / f"{spec.stem}.log")

    def stop_all(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_all)
    sockets: list[ThreadedWebSocketMock] = []
    try:
        for name, server in servers.items():
            server.start()
            print(f"mock: {name:<14} {server.url}   (spec {server.spec.relative_to(ROOT)}, log {server.log_path})")
        for entry in entries:
            if entry.asyncapi is None:
                continue
            document = load_document(entry.asyncapi)
            port = document.server_port or 0
            if port and port_is_busy(port):
                raise MockError(f"port {port} on 127.0.0.1 (the WebSocket mock of {entry.name}) is busy")
            socket_mock = ThreadedWebSocketMock(document, port=port, http_control=True).start()
            sockets.append(socket_mock)
            print(
                f"mock: {entry.name + ' events':<14} {socket_mock.url}   (spec {entry.asyncapi.relative_to(ROOT)}; "
                f"control: GET /_mock/state|push?channel=|drop|refuse-auth?on=1|once=1|silence?on=1)"
            )
        print("mock: all mocks answer; any bearer token is accepted. Ctrl-C stops them.", flush=True)
        while True:
            time.sleep(1)
            for name, server in servers.items():
                if not server.alive():
                    print(f"mock: {name} died ({server.last_log_lines(3)}); restarting", file=sys.stderr)
                    server.stop()
                    server.start()
    except MockError as exc:
        print(f"mock: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmock: stopping")
        return 0
    finally:
        for server in servers.values():
            server.stop()
        for socket_mock in sockets:
            socket_mock.stop()


if __name__ == "__main__":
    raise SystemExit(main())

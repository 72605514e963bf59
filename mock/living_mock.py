"""A stateful mock of one OpenAPI document, with Prism as the judge of every exchange.

    with LivingMock(Path("openapi/myrvm.yaml")) as mock:      # free 127.0.0.1 ports
        httpx.get(mock.url + "/api/v2/rvms/rvm-0042/config")
        mock.control("reset")

The public port is the front (mock/living_http.py); behind it Prism runs in proxy mode with `--errors`
against the state store on a port of its own, so each request and each answer is validated against the
spec. `make mock` (serve.py) runs one per API unless `STATELESS=1`; tests use the `living_mock` fixture;
`python -m mock.living_mock openapi/x.yaml [--port N] [--seed N]` serves one spec until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from generator import spec_walk
from mock.living_http import LivingHttp
from mock.prism import LOOPBACK, MockError, PrismServer, free_port
from mock.state_api import Change, LivingApi

START_TIMEOUT_S = 10.0


class LivingMock:
    """The front on `port` (0: a free one), the store on a free port, and (after `start()`) its Prism."""

    def __init__(self, spec: Path, *, port: int = 0, seed: int = 0, log_path: Path | None = None) -> None:
        self.spec = spec
        self.log_path = log_path
        self._seed = seed
        self.api = LivingApi(spec_walk.load(spec), seed=seed)
        self.http = LivingHttp(self.api, seed=seed)
        self._wanted_port = port
        self.port = 0
        self.store_port = 0
        self.prism: PrismServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def store_url(self) -> str:
        return f"http://{LOOPBACK}:{self.store_port}"

    def on_change(self, hook: Callable[[Change], None] | None) -> None:
        """Call `hook` (from the mock's thread, holding the state's lock: keep it quick) after every write."""
        self.api.on_change = hook

    def reload(self, spec: Path) -> None:
        """Serve `spec` from now on (a saved, clean version): its examples become the state, the hook stays."""
        api = LivingApi(spec_walk.load(spec), seed=self._seed)
        api.on_change = self.api.on_change
        self.api = api
        self.http.api = api

    def start_http(self) -> None:
        """Start the front and the store; the caller points `http.upstream` at a Prism."""
        ready = threading.Event()
        failures: list[BaseException] = []
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main(ready, failures)), daemon=True)
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S) or failures:
            self.stop()
            raise MockError(f"the living mock of {self.spec.name} did not start: {failures[:1] or 'timeout'}")

    def start(self) -> LivingMock:
        """Front, store and Prism in proxy mode between them; MockError if any cannot start."""
        self.start_http()
        self.prism = PrismServer(self.spec, port=free_port(), log_path=self.log_path, upstream=self.store_url)
        try:
            self.prism.start()
        except BaseException:
            self.stop()
            raise
        self.http.upstream = self.prism.url
        return self

    async def _main(self, ready: threading.Event, failures: list[BaseException]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        runners = [
            web.AppRunner(self.http.store_app(), access_log=None),
            web.AppRunner(self.http.front_app(), access_log=None, shutdown_timeout=1.0),
        ]
        try:
            for runner, port in zip(runners, (0, self._wanted_port), strict=True):
                await runner.setup()
                site = web.TCPSite(runner, LOOPBACK, port, reuse_address=False)
                await site.start()
            self.store_port = _bound_port(runners[0])
            self.port = _bound_port(runners[1])
        except BaseException as exc:
            failures.append(exc)
            ready.set()
            for runner in runners:
                await runner.cleanup()
            return
        ready.set()
        try:
            await self._stopping.wait()
        finally:
            for runner in reversed(runners):
                await runner.cleanup()

    def control(self, action: str, **query: Any) -> Any:
        """What `GET /_mock/<action>?<query>` answers, called directly (from any thread)."""
        return self.http._control(action, {k: str(v) for k, v in query.items()})

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and (self.prism is None or self.prism.alive())

    def stop(self) -> None:
        """Stop Prism, then the front and the store. Safe to call twice."""
        if self.prism is not None:
            self.prism.stop()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._loop is not None and self._stopping is not None and thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopping.set)
        thread.join(START_TIMEOUT_S)

    def __enter__(self) -> LivingMock:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        return int(address[1])
    raise MockError("the living mock's server has no address")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mock.living_mock", description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--port", type=int, default=0, help="the front's port (default: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the ids and the fault dice")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    with LivingMock(args.spec, port=args.port, seed=args.seed) as mock:
        print(f"living mock: {mock.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

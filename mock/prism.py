"""Run one Prism mock server for one spec, on 127.0.0.1, and always stop it.

Used by `make mock` (serve.py) and by the test suite's session fixture. Prism is the pinned
@stoplight/prism-cli from mock/package.json, preloaded with prism-hardening.cjs so fuzzed input gets an
error answer instead of killing the process, and an invalid request gets a 400/422 naming its actual
violations in the error shape the spec documents (error_shape.py, handed over in PRISM_ERROR_SHAPE).
`alive()` lets a test run notice a mock that died anyway. With `upstream=` Prism runs in proxy mode
(the living mock, mock/living_mock.py): it validates each request and each upstream answer instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from generator.spec_findings import SpecError
from generator.spec_walk import load, operations
from mock.error_shape import error_shape

MOCK_DIR = Path(__file__).resolve().parent
PRISM_BIN = MOCK_DIR / "node_modules" / ".bin" / "prism"
HARDENING = MOCK_DIR / "prism-hardening.cjs"
BASE_PATH = MOCK_DIR / "prism-base-path.cjs"  # serves the spec's server base paths too (see the file)
LARGE_SPEC = MOCK_DIR / "prism-large-spec.cjs"  # a spec Prism would expand without end still starts (see the file)
LOOPBACK = "127.0.0.1"
# Prism in proxy mode logs only warnings and errors (the violations): at its default `info` it writes
# several lines per exchange and parses each back (jsonrepair, JSON.parse) to pretty-print it, about a
# third of its CPU per request on the living mock's bench, and the living mock's own journal
# (/_mock/requests) already records every exchange. Mock mode keeps `info`: there the log is the journal.
PROXY_LOG_LEVEL = "warn"


class MockError(Exception):
    """The mock cannot start or has died; the message says why and what to do."""


def free_port() -> int:
    """A port nobody listens on right now, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def port_is_busy(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return True
    return False


def check_toolchain() -> None:
    """MockError unless node and the pinned Prism are installed."""
    if shutil.which("node") is None:
        raise MockError("node is not on PATH: install Node.js 18 or newer, then run `make install`")
    if not PRISM_BIN.exists():
        raise MockError("Prism is not installed: run `make install` (it runs `npm ci` in mock/)")


def _read_spec(spec: Path) -> dict[str, object] | None:
    """The spec as data; None when it cannot be read (Prism then reports the unreadable spec itself).

    JSON loads with `json` and YAML with libyaml's C loader (generator/spec_source.py): the pure-Python YAML
    loader took 48 s on the 2.4 MB Stripe spec (JSON: 0.3 s), twice per start, before Prism was even launched.
    """
    try:
        document = load(spec)
    except (OSError, UnicodeDecodeError, SpecError):
        return None
    return document if isinstance(document, dict) else None


def _spec_error_shape(spec: Path) -> str | None:
    """PRISM_ERROR_SHAPE for `spec`; None when it documents none or cannot be read."""
    document = _read_spec(spec)
    shape = error_shape(document) if document is not None else None
    return shape.to_json() if shape is not None else None


def server_base_paths(spec: Path) -> list[str]:
    """The paths of the spec's server URLs (`/api/v1`), which Prism itself ignores; [] when unreadable."""
    document = _read_spec(spec)
    servers = document.get("servers") if document is not None else None
    paths: list[str] = []
    for server in servers if isinstance(servers, list) else []:
        url = server.get("url") if isinstance(server, dict) else None
        path = urlsplit(url).path.rstrip("/") if isinstance(url, str) and "{" not in url else ""
        if path and path not in paths:
            paths.append(path)
    return paths


class PrismServer:
    """One Prism process serving `spec` on 127.0.0.1:`port`; a context manager that always stops it."""

    def __init__(
        self,
        spec: Path,
        *,
        port: int,
        log_path: Path | None = None,
        extra_args: Sequence[str] = (),
        upstream: str | None = None,
    ):
        self.spec = spec.resolve()
        self.upstream = upstream  # proxy mode: Prism validates and forwards to this URL instead of mocking
        self.port = port
        self.log_path = log_path
        self.extra_args = tuple(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._log_handle: object | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def command(self) -> list[str]:
        """Prism's command line: mock mode, or proxy mode in front of `upstream` logging warnings only."""
        return [
            str(PRISM_BIN),
            "mock" if self.upstream is None else "proxy",
            "--host",
            LOOPBACK,
            "--port",
            str(self.port),
            "--errors",
            *(() if self.upstream is None else ("--verboseLevel", PROXY_LOG_LEVEL)),
            *self.extra_args,
            str(self.spec),
            *([self.upstream] if self.upstream is not None else []),
        ]

    def start(self, *, ready_timeout_s: float = 60.0) -> None:
        """Start Prism and wait until it answers; MockError (with Prism's last words) if it cannot."""
        check_toolchain()
        if not self.spec.is_file():
            raise MockError(f"no spec at {self.spec}")
        document = _read_spec(self.spec)
        if document is not None and not operations(document):
            # Prism's own answer is its usage text with "No operations found" in the middle of it.
            raise MockError(
                f"{self.spec} has no operations under `paths` (a webhooks-only document?): there is nothing to mock"
            )
        if port_is_busy(self.port):
            raise MockError(
                f"port {self.port} on {LOOPBACK} is busy: stop what listens there "
                f"(`lsof -i :{self.port}`) or choose another port"
            )
        env = dict(os.environ)
        env["NODE_OPTIONS"] = (
            f"{env.get('NODE_OPTIONS', '')} --require {HARDENING} --require {BASE_PATH} --require {LARGE_SPEC}".strip()
        )
        env["PRISM_BASE_PATHS"] = ",".join(server_base_paths(self.spec))
        shape = _spec_error_shape(self.spec)
        if shape is not None:
            env["PRISM_ERROR_SHAPE"] = shape
        command = self.command()
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 (kept open while running)
        self._log_handle = log
        # A session of its own, so stop() can end Prism and every child it forks.
        self._process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=MOCK_DIR,
            env=env,
            start_new_session=True,
        )
        try:
            self._wait_ready(ready_timeout_s)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise MockError(f"Prism exited while starting for {self.spec.name}: {self.last_log_lines()}")
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise MockError(f"Prism did not answer on {self.url} within {timeout_s:.0f}s: {self.last_log_lines()}")

    @property
    def pid(self) -> int | None:
        """Prism's process id while started, else None."""
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def last_log_lines(self, count: int = 8) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return " | ".join(lines[-count:]) or "(empty log)"

    def stop(self) -> None:
        """End Prism and its children: SIGTERM to the group, SIGKILL after 5 s. Safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        handle, self._log_handle = self._log_handle, None
        close = getattr(handle, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> PrismServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

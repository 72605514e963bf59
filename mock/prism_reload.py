"""One API's mock under `make mock`: Prism serving the spec's last good version, reloaded on each good save.

`tick()` (serve.py calls it every second) reads the source spec. A saved version that does not lint
clean is reported with its findings while Prism goes on serving the last good one; a clean version is
snapshotted and Prism restarted on it (only this API's Prism: the others never notice); a version Prism
itself will not load is reported and the previous snapshot served again. A Prism that died is restarted;
when that fails too (its port taken meanwhile), the next attempts wait 1, 2, 4 ... up to
`MAX_RETRY_TICKS` ticks, so the log is not flooded.
A spec broken at start is reported and served from its first clean save.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.registry import ROOT
from mock.prism import LOOPBACK, MockError, PrismServer
from mock.spec_snapshot import Candidate, Rejected, SpecSnapshot

Report = Callable[[str], None]
MAX_RETRY_TICKS = 32


class ReloadingPrism:
    """Prism on `port` for the spec at `source`, served from a snapshot in `snapshot_folder`."""

    def __init__(
        self,
        name: str,
        source: Path,
        *,
        port: int,
        snapshot_folder: Path,
        log_path: Path | None,
        report: Report,
        upstream: str | None = None,
    ) -> None:
        self.upstream = upstream  # Prism in proxy mode in front of this URL (the living mock's store)
        self.name = name
        self.source = source
        self.port = port
        self.log_path = log_path
        self.snapshot = SpecSnapshot(source=source, folder=snapshot_folder)
        self._report = report
        self._server: PrismServer | None = None
        self._retry_wait_ticks = 0  # ticks to wait before the next restart attempt
        self._retry_backoff_ticks = 1  # the wait after the next failed attempt

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def shown_source(self) -> str:
        """The source spec's path as the user knows it (relative to the repository when inside it)."""
        try:
            return str(self.source.resolve().relative_to(ROOT))
        except ValueError:
            return str(self.source)

    @property
    def server(self) -> PrismServer | None:
        """The Prism serving this API now, if one was started."""
        return self._server

    @property
    def serving(self) -> bool:
        """True while a Prism answers for this API."""
        return self._server is not None and self._server.alive()

    def tick(self) -> None:
        """Pick up a changed source and restart a dead Prism; never raises for a bad spec or a failed start."""
        verdict = self.snapshot.check()
        if isinstance(verdict, Rejected):
            still = "still serving the last good version" if self.snapshot.current else "not served until it is fixed"
            lines = "\n".join(f"  {line}" for line in verdict.findings)
            count = len(verdict.findings)
            self._report(f"mock: {self.name}: {self.shown_source} has {count} problem(s); {still}:\n{lines}")
        elif isinstance(verdict, Candidate):
            self._serve(verdict)
        elif self.snapshot.current is not None and not self.serving:
            if self._retry_wait_ticks > 0:
                self._retry_wait_ticks -= 1
                return
            last = self._server.last_log_lines(3) if self._server is not None else "(not started)"
            self._report(f"mock: {self.name} died ({last}); restarting")
            self._restart(self.snapshot.current)

    def _serve(self, candidate: Candidate) -> None:
        first = self.snapshot.current is None
        try:
            self._restart(candidate.path, quiet=True)
        except MockError as exc:
            self.snapshot.drop(candidate)
            self._report(f"mock: {self.name}: Prism cannot load the saved {self.shown_source}: {exc}")
            if self.snapshot.current is not None:
                self._restart(self.snapshot.current)
            return
        self.snapshot.accept(candidate)
        if not first:
            self._report(f"mock: {self.name}: reloaded {self.shown_source} on {self.url}")

    def _restart(self, spec: Path, *, quiet: bool = False) -> None:
        """Stop this API's Prism and start it on `spec`; MockError if it will not start (`quiet`), else reported."""
        self.stop()
        server = PrismServer(spec, port=self.port, log_path=self.log_path, upstream=self.upstream)
        try:
            server.start()
        except MockError as exc:
            if quiet:
                raise
            self._retry_wait_ticks = self._retry_backoff_ticks
            self._retry_backoff_ticks = min(2 * self._retry_backoff_ticks, MAX_RETRY_TICKS)
            self._report(f"mock: {self.name}: {exc}; trying again in {self._retry_wait_ticks} s")
            return
        self._server = server
        self._retry_wait_ticks, self._retry_backoff_ticks = 0, 1

    def stop(self) -> None:
        """Stop this API's Prism, if it runs."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

"""`download()` / `adownload()` against a real loopback server that cuts, corrupts and ignores ranges.

The server is `tests/support/fault_server.py` (stdlib http.server in a thread on 127.0.0.1; why not
Prism is in its docstring). Files are generated from a seeded PRNG on the fly, so the 200 MB test
keeps nothing big in the repository. Time goes through a `FakeClock`: backoff sleeps are recorded,
never slept.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from runtime import FakeClock, NotFoundError, RateLimitError, RetryPolicy, ServerError, TransportError
from runtime.core._errors import ChecksumMismatchError, DownloadError
from runtime.core._redaction import Redaction
from runtime.download._download import DEFAULT_DOWNLOAD_RETRY, adownload, download
from runtime.download._download_part import PartFile

from tests.support.fault_server import BLOCK, Faults, FaultServer, SeenRequest, ServedFile

ROOT = Path(__file__).resolve().parents[2]
FILE = ServedFile(4 * BLOCK)  # 4 MiB: big enough for several chunks, quick to serve
SMALL_CHUNK = 256 * 1024


class Progress:
    """Records every progress report."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, int, int | None]] = []

    def __call__(self, fraction: float, done: int, total: int | None) -> None:
        self.calls.append((fraction, done, total))

    def fractions(self) -> list[float]:
        return [fraction for fraction, _, _ in self.calls]


class HookedClock(FakeClock):
    """A FakeClock that runs `on_sleep` at each backoff sleep: the moment between two attempts."""

    def __init__(self, on_sleep: object = None) -> None:
        super().__init__()
        self.on_sleep = on_sleep

    def sleep(self, seconds: float) -> None:
        if callable(self.on_sleep):
            self.on_sleep()
        super().sleep(seconds)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A well-behaved server with `/model.bin`; tests set `server.faults` to make it misbehave."""
    with FaultServer({"/model.bin": FILE}) as running:
        yield running


@pytest.fixture
def client(server: FaultServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http


def leftovers(directory: Path) -> list[str]:
    """Partial files left in `directory`."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


# --- memory and speed ----------------------------------------------------------------------------------


def probe_peak_rss(mode: str, served: ServedFile, directory: Path) -> dict[str, float]:
    """Run tests/support/download_rss_probe.py in a child process against a loopback server; its JSON report."""
    with FaultServer({"/big.bin": served, "/warm.bin": ServedFile(8 * BLOCK, seed=8)}) as running:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generator")])}
        command = [sys.executable, "-m", "tests.support.download_rss_probe", mode, running.url, "/warm.bin"]
        command += ["/big.bin", served.sha256, str(served.size), str(directory)]
        child = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert child.returncode == 0, child.stderr[-3000:]
    report: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["size"] == served.size
    return report


def test_200_mb_download_grows_peak_rss_by_less_than_50_mb(tmp_path: Path) -> None:
    """A 200 MB file streams to disk in constant memory: the child's peak RSS grows < 50 MB.

    (How fast it goes is for `make bench` to report; tests assert no timings.)

    Measured in a subprocess (ru_maxrss is per process and only ever grows) after a warm-up download.
    """
    report = probe_peak_rss("download", ServedFile(200 * BLOCK, seed=7), tmp_path)
    growth_mb = (report["after"] - report["before"]) / 1e6
    before_mb, after_mb = report["before"] / 1e6, report["after"] / 1e6
    print(f"\n200 MiB in {report['seconds']:.2f} s; peak RSS {before_mb:.1f} -> {after_mb:.1f} MB")
    assert growth_mb < 50, f"peak RSS grew by {growth_mb:.1f} MB"
    assert leftovers(tmp_path) == []


def test_the_rss_probe_sees_a_body_held_in_memory(tmp_path: Path) -> None:
    """Control: reading a 128 MiB body into memory grows the same probe's peak well past the 50 MB bound.

    (Not by the full 67 MB: the allocator reuses pages the probe's own start-up already grew into.)"""
    report = probe_peak_rss("read", ServedFile(128 * BLOCK, seed=9), tmp_path)
    assert (report["after"] - report["before"]) / 1e6 > 50


# --- resume ------------------------------------------------------------------------------------------------


def test_cut_at_half_resumes_with_range_and_if_range(server: FaultServer, client: httpx.Client, tmp_path: Path) -> None:
    """A connection dropped at 50% is resumed with Range from the bytes on disk (and If-Range: the ETag)."""
    server.faults.cut_after = FILE.size // 2
    clock = FakeClock()
    result = download(client, "/model.bin", tmp_path / "model.bin", expected_sha256=FILE.sha256, clock=clock)
    assert (tmp_path / "model.bin").read_bytes() == FILE.content()
    assert (result.requests, result.resumes, result.restarts) == (2, 1, 0)
    assert result.sha256 == FILE.sha256 and result.size_bytes == FILE.size
    first, second = server.requests
    assert first.range is None
    assert second.range == f"bytes={FILE.size // 2}-"
    assert second.if_range == '"file-v1"'
    assert {seen.accept_encoding for seen in server.requests} == {"identity"}
    assert len(clock.sleeps) == 1  # one backoff between the two attempts, on the injected clock
    assert leftovers(tmp_path) == []


def test_cut_mid_chunk_keeps_every_byte_that_arrived(server: FaultServer, client: httpx.Client, tmp_path: Path) -> None:
    """What arrived before a drop is written even when it is less than a chunk: the Range starts right after it."""
    server.faults.cut_after = SMALL_CHUNK * 3 + 1000
    result = download(
        client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, chunk_size=SMALL_CHUNK, clock=FakeClock()
    )
    assert server.requests[1].range == f"bytes={SMALL_CHUNK * 3 + 1000}-"
    assert result.resumes == 1
    assert (tmp_path / "m").read_bytes() == FILE.content()


def test_server_ignoring_range_restarts_from_zero_and_still_verifies(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """A 200 answer to a Range request drops the partial file and writes the new body from byte 0."""
    server.faults.cut_after = FILE.size // 2
    server.faults.ignore_range = True
    progress = Progress()
    result = download(
        client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, progress=progress, clock=FakeClock()
    )
    assert (result.requests, result.resumes, result.restarts) == (2, 0, 1)
    assert server.requests[1].range == f"bytes={FILE.size // 2}-"
    assert (tmp_path / "m").read_bytes() == FILE.content()
    fractions = progress.fractions()
    assert 0.0 in fractions[1:]  # the restart is reported: progress drops to 0 once
    assert fractions[-1] == 1.0


def test_changed_file_if_range_mismatch_restarts(server: FaultServer, client: httpx.Client, tmp_path: Path) -> None:
    """When the file's ETag changed between attempts, If-Range gets the whole (new) file as 200: start again."""
    server.faults.cut_after = FILE.size // 2

    def change_etag() -> None:
        server.faults.etag = '"file-v2"'

    result = download(
        client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, clock=HookedClock(on_sleep=change_etag)
    )
    assert server.requests[1].if_range == '"file-v1"'
    assert result.restarts == 1
    assert (tmp_path / "m").read_bytes() == FILE.content()


def test_206_at_the_wrong_offset_starts_again(server: FaultServer, client: httpx.Client, tmp_path: Path) -> None:
    """A 206 whose Content-Range does not start at the bytes on disk is discarded; the next request starts at 0."""
    server.faults.cut_after = FILE.size // 2
    server.faults.wrong_range_start = True
    result = download(client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, clock=FakeClock())
    assert [seen.range for seen in server.requests] == [None, f"bytes={FILE.size // 2}-", None]
    assert (result.resumes, result.restarts) == (0, 1)
    assert (tmp_path / "m").read_bytes() == FILE.content()


def test_body_ending_early_without_an_error_is_resumed(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """A close-delimited body that ends short of the expected size is resumed, not taken as the whole file."""
    server.faults.send_length = False
    server.faults.cut_after = FILE.size // 4
    result = download(
        client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, expected_size=FILE.size, clock=FakeClock()
    )
    assert result.resumes == 1
    assert (tmp_path / "m").read_bytes() == FILE.content()


# --- verification: nothing half-written -----------------------------------------------------------------


def test_corrupted_byte_raises_checksum_mismatch_and_leaves_nothing(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """A flipped byte raises ChecksumMismatchError (expected and actual digests); no target, no partial file."""
    server.faults.corrupt_at = 12345
    with pytest.raises(ChecksumMismatchError) as caught:
        download(client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256.upper())
    assert caught.value.expected == FILE.sha256
    assert caught.value.actual != FILE.sha256 and len(caught.value.actual) == 64
    assert isinstance(caught.value, DownloadError) and caught.value.path == str(tmp_path / "m")
    assert "Nothing was written" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_download_keeps_the_old_file_and_a_good_one_replaces_it(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """An existing target is untouched by a failed download and replaced whole by a verified one."""
    target = tmp_path / "m"
    target.write_bytes(b"the previous version")
    server.faults.corrupt_at = 0
    with pytest.raises(ChecksumMismatchError):
        download(client, "/model.bin", target, expected_sha256=FILE.sha256)
    assert target.read_bytes() == b"the previous version"
    server.faults.corrupt_at = None
    download(client, "/model.bin", target, expected_sha256=FILE.sha256)
    assert target.read_bytes() == FILE.content()
    assert leftovers(tmp_path) == []


def test_size_other_than_expected_fails_before_the_body(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """When the server's Content-Length contradicts expected_size, DownloadError comes at once, without the body."""
    progress = Progress()
    with pytest.raises(DownloadError, match="not the expected"):
        download(
            client, "/model.bin", tmp_path / "m", expected_sha256=None, expected_size=FILE.size + 1, progress=progress
        )
    assert progress.calls == [] and list(tmp_path.iterdir()) == []


def test_an_exception_in_the_progress_callback_removes_the_partial_file(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """Whatever stops the download (here the caller's callback) propagates and leaves no partial file."""

    class Stop(BaseException):
        pass

    def stop_half_way(fraction: float, done: int, total: int | None) -> None:
        if fraction >= 0.5:
            raise Stop

    with pytest.raises(Stop):
        download(client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, progress=stop_half_way)
    assert list(tmp_path.iterdir()) == []


# --- progress --------------------------------------------------------------------------------------------


def test_progress_is_monotonic_and_ends_at_one_across_a_resume(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """Reports rise with the bytes on disk (a resume continues them) and the last one is (1.0, size, size)."""
    server.faults.cut_after = FILE.size // 2
    progress = Progress()
    download(
        client,
        "/model.bin",
        tmp_path / "m",
        expected_sha256=FILE.sha256,
        progress=progress,
        chunk_size=SMALL_CHUNK,
        clock=FakeClock(),
    )
    fractions = progress.fractions()
    assert fractions == sorted(fractions) and len(fractions) >= FILE.size // SMALL_CHUNK
    assert progress.calls[-1] == (1.0, FILE.size, FILE.size)
    assert all(total == FILE.size for _, _, total in progress.calls)


def test_progress_without_a_known_size_reports_zero_then_one(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """Without Content-Length the total is None and the fraction 0.0 until the final (1.0, n, n)."""
    server.faults.send_length = False
    progress = Progress()
    download(client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, progress=progress)
    assert all(call[0] == 0.0 and call[2] is None for call in progress.calls[:-1])
    assert progress.calls[-1] == (1.0, FILE.size, FILE.size)


# --- retries --------------------------------------------------------------------------------------------


def test_retryable_statuses_are_retried_on_the_injected_clock(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """503s are retried after the backoff (Retry-After: 0 here) until the file comes."""
    server.faults.statuses = [503, 503]
    clock = FakeClock()
    result = download(client, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, clock=clock)
    assert result.requests == 3
    assert clock.sleeps == [0.0, 0.0]


def test_attempts_in_a_row_without_progress_are_bounded(
    server: FaultServer, client: httpx.Client, tmp_path: Path
) -> None:
    """After `max_attempts` answers in a row that add nothing, the typed error of the last one is raised."""
    server.faults.statuses = [503] * 10
    policy = RetryPolicy(max_attempts=3, total_timeout_s=None)
    with pytest.raises(ServerError) as caught:
        download(client, "/model.bin", tmp_path / "m", expected_sha256=None, retry=policy, clock=FakeClock())
    assert caught.value.status_code == 503
    assert len(server.requests) == 3
    assert list(tmp_path.iterdir()) == []


def test_attempts_that_make_progress_reset_the_count(tmp_path: Path) -> None:
    """Drops that each add bytes never use the attempts up: a flaky link still finishes a big file."""
    with FaultServer({"/model.bin": FILE}) as running, httpx.Client(base_url=running.url) as http:

        def cut_again() -> None:
            running.faults.cut_after = BLOCK  # every attempt delivers 1 MiB, then drops

        running.faults.cut_after = BLOCK
        policy = RetryPolicy(max_attempts=2, total_timeout_s=None)
        clock = HookedClock(on_sleep=cut_again)
        result = download(http, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, retry=policy, clock=clock)
    assert result.resumes == 3 and result.requests == 4


def test_a_slow_link_that_drops_before_each_chunk_completes_still_finishes(tmp_path: Path) -> None:
    """Drops every 100 kB with 1 MiB chunks: what arrived is kept each time, so every attempt makes progress."""
    with FaultServer({"/model.bin": FILE}) as running, httpx.Client(base_url=running.url) as http:

        def cut_again() -> None:
            running.faults.cut_after = 100_000

        running.faults.cut_after = 100_000
        policy = RetryPolicy(max_attempts=2, total_timeout_s=None)
        result = download(
            http,
            "/model.bin",
            tmp_path / "m",
            expected_sha256=FILE.sha256,
            retry=policy,
            clock=HookedClock(on_sleep=cut_again),
        )
    assert result.resumes == FILE.size // 100_000
    assert (tmp_path / "m").read_bytes() == FILE.content()


def test_retry_none_means_a_single_attempt(server: FaultServer, client: httpx.Client, tmp_path: Path) -> None:
    """retry=None: a dropped connection is not resumed; the typed transport error is raised."""
    server.faults.cut_after = 1000
    with pytest.raises(TransportError):
        download(client, "/model.bin", tmp_path / "m", expected_sha256=None, retry=None)
    assert len(server.requests) == 1 and list(tmp_path.iterdir()) == []


def test_not_found_raises_the_typed_error_at_once(server: FaultServer, client: httpx.Client, tmp_path: Path) -> None:
    """A status that is not retryable raises its APIStatusError subclass after one request."""
    with pytest.raises(NotFoundError):
        download(client, "/missing.bin", tmp_path / "m", expected_sha256=None)
    assert len(server.requests) == 1 and list(tmp_path.iterdir()) == []


def test_default_policy_has_no_total_deadline() -> None:
    """The default download policy never gives up for time: a file of several GB may take long."""
    assert DEFAULT_DOWNLOAD_RETRY.total_timeout_s is None
    assert DEFAULT_DOWNLOAD_RETRY.max_attempts > 1


# --- credentials and URLs -----------------------------------------------------------------------------


class HeaderAuth(httpx.Auth):
    """Adds a bearer token, like the SDK's TokenRefreshAuth does."""

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = "Bearer sdk-token"
        yield request


def test_relative_url_resolves_against_the_base_url_with_credentials(tmp_path: Path) -> None:
    """A relative URL goes to the client's own API with the client's auth, like any call."""
    with FaultServer({"/api/files/m": FILE}) as api, httpx.Client(base_url=api.url, auth=HeaderAuth()) as http:
        download(http, "/api/files/m", tmp_path / "m", expected_sha256=FILE.sha256)
    assert [seen.authorization for seen in api.requests] == ["Bearer sdk-token"]


def test_absolute_url_on_another_origin_gets_no_credentials(tmp_path: Path) -> None:
    """A signed URL on another host (here another port) gets neither the auth flow's token nor a default header."""
    with FaultServer({}) as api, FaultServer({"/signed/m": FILE}) as cdn:
        headers = {"Authorization": "Bearer default-header-token"}
        with httpx.Client(base_url=api.url, auth=HeaderAuth(), headers=headers) as http:
            download(http, f"{cdn.url}/signed/m?expires=1&signature=abc", tmp_path / "m", expected_sha256=FILE.sha256)
    assert [seen.authorization for seen in cdn.requests] == [None]
    assert cdn.requests[0].path == "/signed/m?expires=1&signature=abc"
    assert api.requests == []


CREDENTIAL_HEADERS = {
    "Authorization": "Bearer default-header-token",
    "Cookie": "session=cookie-value",
    "Proxy-Authorization": "Basic cHJveHk6cHc=",
    "X-Api-Key": "key-from-the-default-headers",
    "X-Tenant-Key": "a key the spec's securitySchemes name",
}
SPEC_POLICY = Redaction(secret_fields=frozenset({"X-Tenant-Key"}))  # as the generated client passes it


def credential_headers_seen(seen: SeenRequest) -> set[str]:
    """The credential headers (of `CREDENTIAL_HEADERS`) a server saw."""
    return {name for name in CREDENTIAL_HEADERS if name.lower() in seen.headers}


def test_another_origin_gets_none_of_the_credential_headers(tmp_path: Path) -> None:
    """A signed URL on another origin gets no credential header at all: not Authorization only, but Cookie,
    Proxy-Authorization, X-Api-Key and the spec's API-key headers too; other headers stay."""
    with FaultServer({}) as api, FaultServer({"/signed/m": FILE}) as cdn:
        headers = {**CREDENTIAL_HEADERS, "X-Tenant": "t1"}
        with httpx.Client(base_url=api.url, auth=HeaderAuth(), headers=headers) as http:
            download(
                http,
                f"{cdn.url}/signed/m?signature=abc",
                tmp_path / "m",
                expected_sha256=FILE.sha256,
                redaction=SPEC_POLICY,
            )
    assert credential_headers_seen(cdn.requests[0]) == set()
    assert "x-tenant" in cdn.requests[0].headers


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_redirect_to_another_origin_drops_every_credential_header(tmp_path: Path, flavour: str) -> None:
    """The API answers the download with a 302 to a CDN: the API got the credentials, the CDN none of them
    (httpx itself strips only Authorization and Cookie)."""
    with FaultServer({"/m": FILE}) as cdn, FaultServer({}, redirects={"/files/m": f"{cdn.url}/m"}) as api:

        async def run() -> None:
            if flavour == "sync":
                with httpx.Client(base_url=api.url, auth=HeaderAuth(), headers=CREDENTIAL_HEADERS) as http:
                    download(http, "/files/m", tmp_path / "m", expected_sha256=FILE.sha256, redaction=SPEC_POLICY)
            else:
                async with httpx.AsyncClient(base_url=api.url, auth=HeaderAuth(), headers=CREDENTIAL_HEADERS) as http:
                    await adownload(
                        http, "/files/m", tmp_path / "m", expected_sha256=FILE.sha256, redaction=SPEC_POLICY
                    )

        asyncio.run(run())
    assert credential_headers_seen(api.requests[0]) == set(CREDENTIAL_HEADERS)
    assert [credential_headers_seen(seen) for seen in cdn.requests] == [set()]
    assert (tmp_path / "m").read_bytes() == FILE.content()


def test_a_redirect_within_the_origin_keeps_the_credentials(tmp_path: Path) -> None:
    """A redirect that stays on the API's origin keeps the token (it is the API itself)."""
    with (
        FaultServer({"/m": FILE}, redirects={"/old/m": "/m"}) as api,
        httpx.Client(base_url=api.url, auth=HeaderAuth()) as http,
    ):
        download(http, "/old/m", tmp_path / "m", expected_sha256=FILE.sha256)
    assert [seen.authorization for seen in api.requests] == ["Bearer sdk-token", "Bearer sdk-token"]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_redirect_loop_is_a_download_error(tmp_path: Path, flavour: str) -> None:
    """Redirects that lead to no file (two paths sending to each other) end after the client's max_redirects in a
    DownloadError, nothing left on disk; httpx's own TooManyRedirects is no transport error, so it left the
    download untyped."""
    with FaultServer({}, redirects={"/a": "/b", "/b": "/a"}) as api:

        async def run() -> None:
            if flavour == "sync":
                with httpx.Client(base_url=api.url, max_redirects=5) as http:
                    download(http, "/a", tmp_path / "m", expected_sha256=FILE.sha256)
            else:
                async with httpx.AsyncClient(base_url=api.url, max_redirects=5) as http:
                    await adownload(http, "/a", tmp_path / "m", expected_sha256=FILE.sha256)

        with pytest.raises(DownloadError, match="5 redirects in a row led to no file"):
            asyncio.run(run())
    assert len(api.requests) == 6  # the first request and five hops
    assert list(tmp_path.iterdir()) == []


def test_absolute_url_on_the_same_origin_keeps_credentials(tmp_path: Path) -> None:
    """An absolute URL on the base URL's own origin is the API itself: the token is sent."""
    with FaultServer({"/m": FILE}) as api, httpx.Client(base_url=api.url, auth=HeaderAuth()) as http:
        download(http, f"{api.url}/m", tmp_path / "m", expected_sha256=FILE.sha256)
    assert api.requests[0].authorization == "Bearer sdk-token"


def test_messages_never_show_a_signed_urls_query(tmp_path: Path) -> None:
    """Error messages and `url` redact query values, so a signature never reaches a log."""
    with (
        FaultServer({"/m": FILE}, Faults(corrupt_at=1)) as cdn,
        httpx.Client() as http,
        pytest.raises(ChecksumMismatchError) as caught,
    ):
        download(http, f"{cdn.url}/m?signature=s3cr3t", tmp_path / "m", expected_sha256=FILE.sha256)
    assert "s3cr3t" not in str(caught.value) and "s3cr3t" not in caught.value.url


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"expected_sha256": "abc"}, "64 hex digits"),
        ({"expected_sha256": None, "expected_size": -1}, "expected_size"),
        ({"expected_sha256": None, "chunk_size": 0}, "chunk_size"),
    ],
)
def test_malformed_arguments_raise_value_error(kwargs: dict[str, object], message: str, tmp_path: Path) -> None:
    """Arguments are checked before anything is sent or created."""
    with httpx.Client() as http, pytest.raises(ValueError, match=message):
        download(http, "http://127.0.0.1:9/x", tmp_path / "m", **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


# --- async twin ------------------------------------------------------------------------------------------


async def test_async_cut_at_half_resumes_with_range(server: FaultServer, tmp_path: Path) -> None:
    """adownload resumes a dropped transfer with Range exactly like download."""
    server.faults.cut_after = FILE.size // 2
    progress = Progress()
    async with httpx.AsyncClient(base_url=server.url) as http:
        result = await adownload(
            http, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, progress=progress, clock=FakeClock()
        )
    assert (result.requests, result.resumes) == (2, 1)
    assert server.requests[1].range == f"bytes={FILE.size // 2}-"
    assert (tmp_path / "m").read_bytes() == FILE.content()
    assert progress.fractions() == sorted(progress.fractions()) and progress.calls[-1][0] == 1.0


async def test_async_corrupted_byte_leaves_nothing(server: FaultServer, tmp_path: Path) -> None:
    """adownload raises ChecksumMismatchError and leaves neither the target nor a partial file."""
    server.faults.corrupt_at = FILE.size - 1
    async with httpx.AsyncClient(base_url=server.url) as http:
        with pytest.raises(ChecksumMismatchError):
            await adownload(http, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256)
    assert list(tmp_path.iterdir()) == []


async def test_async_server_ignoring_range_restarts(server: FaultServer, tmp_path: Path) -> None:
    """adownload starts again from byte 0 on a 200 to its Range request, and verifies."""
    server.faults.cut_after = FILE.size // 3
    server.faults.ignore_range = True
    async with httpx.AsyncClient(base_url=server.url) as http:
        result = await adownload(http, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256, clock=FakeClock())
    assert result.restarts == 1
    assert (tmp_path / "m").read_bytes() == FILE.content()


async def test_async_foreign_origin_gets_no_credentials(tmp_path: Path) -> None:
    """adownload sends no token to another origin either."""
    with FaultServer({}) as api, FaultServer({"/m": FILE}) as cdn:
        async with httpx.AsyncClient(base_url=api.url, auth=HeaderAuth()) as http:
            await adownload(http, f"{cdn.url}/m", tmp_path / "m", expected_sha256=FILE.sha256)
    assert cdn.requests[0].authorization is None


async def test_async_cancellation_removes_the_partial_file(server: FaultServer, tmp_path: Path) -> None:
    """Cancelling the task mid-transfer leaves no partial file behind."""
    started = asyncio.Event()

    def note(fraction: float, done: int, total: int | None) -> None:
        started.set()

    async with httpx.AsyncClient(base_url=server.url) as http:
        task = asyncio.create_task(
            adownload(http, "/model.bin", tmp_path / "m", expected_sha256=None, progress=note, chunk_size=1024)
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert list(tmp_path.iterdir()) == []


# --- answers the loopback server never gives (httpx.MockTransport) ----------------------------------------


class Script:
    """A MockTransport handler answering each request with the next scripted response (and recording requests)."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0)


class DropsAtTheEnd(httpx.SyncByteStream):
    """A body that delivers every byte, then fails as if the connection dropped before the end was seen."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self.content
        raise httpx.ReadError("connection reset")


CONTENT = b"0123456789" * 100


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_416_with_the_size_on_disk_means_complete(tmp_path: Path) -> None:
    """When every byte arrived but the drop came before the end, the resume's 416 (bytes */size) completes it."""
    script = Script(
        httpx.Response(200, headers={"Content-Length": "1000"}, stream=DropsAtTheEnd(CONTENT)),
        httpx.Response(416, headers={"Content-Range": "bytes */1000"}),
    )
    with httpx.Client(transport=httpx.MockTransport(script), base_url="http://api.test") as http:
        result = download(http, "/f", tmp_path / "f", expected_sha256=sha(CONTENT), clock=FakeClock())
    assert script.requests[1].headers["Range"] == "bytes=1000-"
    assert (tmp_path / "f").read_bytes() == CONTENT and result.requests == 2


def test_416_with_another_size_starts_again(tmp_path: Path) -> None:
    """A 416 whose size differs from the bytes on disk drops them; the next request has no Range."""
    script = Script(
        httpx.Response(200, headers={"Content-Length": "1000"}, stream=DropsAtTheEnd(CONTENT)),
        httpx.Response(416, headers={"Content-Range": "bytes */999"}),
        httpx.Response(200, content=CONTENT),
    )
    with httpx.Client(transport=httpx.MockTransport(script), base_url="http://api.test") as http:
        result = download(http, "/f", tmp_path / "f", expected_sha256=sha(CONTENT), clock=FakeClock())
    assert "Range" not in script.requests[2].headers
    assert result.restarts == 1 and (tmp_path / "f").read_bytes() == CONTENT


def test_206_without_content_range_every_time_ends_in_download_error(tmp_path: Path) -> None:
    """A server whose 206s never say where they start cannot make up the file: DownloadError after the attempts."""
    answers = [httpx.Response(206, content=b"x") for _ in range(3)]
    policy = RetryPolicy(max_attempts=3, total_timeout_s=None)
    with (
        httpx.Client(transport=httpx.MockTransport(Script(*answers)), base_url="http://api.test") as http,
        pytest.raises(DownloadError, match="cannot continue the file"),
    ):
        download(http, "/f", tmp_path / "f", expected_sha256=None, retry=policy, clock=FakeClock())
    assert list(tmp_path.iterdir()) == []


def test_a_success_status_other_than_200_or_206_is_not_the_file(tmp_path: Path) -> None:
    """A 204 (or any 2xx/3xx that is not 200/206) raises DownloadError naming the status."""
    with (
        httpx.Client(transport=httpx.MockTransport(Script(httpx.Response(204))), base_url="http://api.test") as http,
        pytest.raises(DownloadError, match="204"),
    ):
        download(http, "/f", tmp_path / "f", expected_sha256=None)
    assert list(tmp_path.iterdir()) == []


def test_retry_after_above_the_cap_raises_rate_limit_error(tmp_path: Path) -> None:
    """A 429 asking to wait longer than `max_retry_after_s` is not slept through: RateLimitError with the wait."""
    script = Script(httpx.Response(429, headers={"Retry-After": "3600"}))
    with (
        httpx.Client(transport=httpx.MockTransport(script), base_url="http://api.test") as http,
        pytest.raises(RateLimitError) as caught,
    ):
        download(http, "/f", tmp_path / "f", expected_sha256=None, clock=FakeClock())
    assert caught.value.retry_after_s == 3600


class Unsized(httpx.SyncByteStream):
    """A body without Content-Length."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self.content


def test_more_bytes_than_the_expected_size_is_an_error(tmp_path: Path) -> None:
    """A body without Content-Length that runs past `expected_size` raises DownloadError: no unbounded write."""
    script = Script(httpx.Response(200, stream=Unsized(CONTENT)))
    with (
        httpx.Client(transport=httpx.MockTransport(script), base_url="http://api.test") as http,
        pytest.raises(DownloadError, match="more than the file's 500 bytes"),
    ):
        download(http, "/f", tmp_path / "f", expected_sha256=None, expected_size=500)
    assert list(tmp_path.iterdir()) == []


def test_a_206_to_the_first_request_starting_at_zero_is_the_file(tmp_path: Path) -> None:
    """Some servers answer every request with 206 (bytes 0-...): from byte 0 that is the file itself."""
    script = Script(httpx.Response(206, headers={"Content-Range": "bytes 0-999/1000"}, content=CONTENT))
    with httpx.Client(transport=httpx.MockTransport(script), base_url="http://api.test") as http:
        result = download(http, "/f", tmp_path / "f", expected_sha256=sha(CONTENT))
    assert result.resumes == 0 and (tmp_path / "f").read_bytes() == CONTENT


async def test_async_cancellation_during_the_final_rename_waits_for_it(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancel that lands while the fsync/rename runs in its thread waits for it: the verified file is whole."""
    committing, release = threading.Event(), threading.Event()
    real_commit = PartFile.commit

    def slow_commit(self: PartFile) -> None:
        committing.set()
        release.wait(5)
        real_commit(self)

    monkeypatch.setattr(PartFile, "commit", slow_commit)
    async with httpx.AsyncClient(base_url=server.url) as http:
        task = asyncio.create_task(adownload(http, "/model.bin", tmp_path / "m", expected_sha256=FILE.sha256))
        await asyncio.to_thread(committing.wait, 5)
        task.cancel()
        await asyncio.sleep(0.05)
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert (tmp_path / "m").read_bytes() == FILE.content()
    assert leftovers(tmp_path) == []

"""One download call's state and decisions, shared by the sync and async shells in `_download.py`.

`Transfer` owns the partial file and knows, from the policy and what the server said, what comes next:
the next request's headers (and whether it may carry credentials), what to do with an answer, when to
wait and when to give up, and the final checks. The shells only send, read, write and sleep. The rules
are in `_download.py`'s docstring.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import attrs

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._defaults import STREAM_EXTENSION
from ..core._errors import ChecksumMismatchError, DownloadError, redact_url
from ..core._redaction import DEFAULT_REDACTION, Redaction
from ..core._unset import Unset
from ..policies._backoff import plan_wait_s
from ..policies._retry_policy import RETRY_DISABLED, Jitter, RetryPolicy
from ._download_defaults import DEFAULT_DOWNLOAD_CHUNK_BYTES, DEFAULT_DOWNLOAD_RETRY
from ._download_part import PartFile
from ._download_plan import Verdict, judge, resume_headers, same_origin, validator

__all__ = ["DownloadResult", "ProgressCallback", "Transfer"]

ProgressCallback = Callable[[float, int, int | None], None]
"""``progress(fraction, bytes_done, bytes_total)``; `bytes_total` is None while the size is unknown."""

_NO_RETRY: Final = RetryPolicy(max_attempts=1, total_timeout_s=None, attempt_header=None)
_SHA256: Final = re.compile(r"^[0-9a-fA-F]{64}$")


@attrs.frozen(kw_only=True)
class DownloadResult:
    """A completed, verified download.

    Attributes:
        path: the target, now holding the whole file.
        size_bytes: the file's size.
        sha256: its SHA-256, lowercase hex (equal to `expected_sha256` when one was given).
        requests: HTTP requests sent (1 when nothing went wrong).
        resumes: ``206`` answers that continued a partial file.
        restarts: times the partial file was dropped and the download started again from byte 0.
        elapsed_s: time from the call to the file being in place, on the injected clock.
    """

    path: Path
    size_bytes: int
    sha256: str
    requests: int
    resumes: int
    restarts: int
    elapsed_s: float


class Transfer:
    """One call's state and decisions; the sync and async shells only do the I/O and the sleeping."""

    def __init__(
        self,
        url: str | httpx.URL,
        path: str | os.PathLike[str],
        *,
        expected_sha256: str | None,
        expected_size: int | None,
        progress: ProgressCallback | None,
        chunk_size: int | Unset,
        retry: RetryPolicy | Unset | None,
        clock: Clock | None,
        jitter: Jitter | None,
        redaction: Redaction | None = None,
    ) -> None:
        chunk_size = DEFAULT_DOWNLOAD_CHUNK_BYTES if isinstance(chunk_size, Unset) else chunk_size
        retry = DEFAULT_DOWNLOAD_RETRY if isinstance(retry, Unset) else retry
        if expected_sha256 is not None and not _SHA256.match(expected_sha256):
            raise ValueError("expected_sha256 must be 64 hex digits (a SHA-256), or None to skip the check")
        if expected_size is not None and expected_size < 0:
            raise ValueError(f"expected_size must be >= 0, not {expected_size}")
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, not {chunk_size}")
        self.url = url
        self.credentials = redaction if redaction is not None else DEFAULT_REDACTION  # which headers are credentials
        self.target = Path(path)
        self.expected_sha256 = expected_sha256.lower() if expected_sha256 is not None else None
        self.expected_size = expected_size
        self.progress = progress
        self.chunk_size = chunk_size
        self.pending = bytearray()  # received, not yet written: less than `chunk_size` between calls
        self.policy = retry if retry is not None else _NO_RETRY
        self.clock = clock or SystemClock()
        self.jitter = jitter or random.random
        self.started = self.clock.monotonic()
        self.size: int | None = expected_size
        self.file_validator: str | None = None
        self.shown_url = _shown(url)
        self.failures = 0
        self.written_this_attempt = 0
        self.requests = self.resumes = self.restarts = 0
        self.last_fraction: float | None = None
        self.part = PartFile(self.target)

    # -- requests and answers -------------------------------------------------------------------------

    def next_request(self, client: httpx.Client | httpx.AsyncClient) -> tuple[httpx.Request, dict[str, Any]]:
        """The next attempt's request and the `send()` options (no auth to a foreign origin)."""
        headers = resume_headers(self.part.bytes_on_disk, self.file_validator)
        extensions = {"sdk.operation_id": "download", "sdk.retry": RETRY_DISABLED, STREAM_EXTENSION: True}
        request = client.build_request("GET", self.url, headers=headers, extensions=extensions)
        self.shown_url = redact_url(request.url)
        options: dict[str, Any] = {"stream": True, "follow_redirects": False}  # each hop is judged: `redirected`
        if not same_origin(request.url, client.base_url):
            self._strip_credentials(request, options)
        self.requests += 1
        self.written_this_attempt = 0
        return request, options

    def redirected(
        self, hop: httpx.Request, options: dict[str, Any], client: httpx.Client | httpx.AsyncClient
    ) -> dict[str, Any]:
        """The `send()` options for a redirect's next request, stripped of credentials off the API's origin.

        httpx drops only ``Authorization`` (and ``Cookie``) on a redirect to another origin; an API key
        header or ``Proxy-Authorization`` would follow. Once stripped, a hop stays so (the next hop is
        built from its headers, and the options keep ``auth=None``).
        """
        if not same_origin(hop.url, client.base_url):
            self._strip_credentials(hop, options)
        return options

    def _strip_credentials(self, request: httpx.Request, options: dict[str, Any]) -> None:
        """No credential for another origin: every credential header goes, and the client's auth is not run."""
        for name in [name for name in request.headers if self.credentials.is_credential_header(name)]:
            del request.headers[name]
        options["auth"] = None

    def on_headers(self, response: httpx.Response) -> Verdict:
        """Take the status and headers in; drop the partial file when the answer cannot continue it."""
        on_disk = self.part.bytes_on_disk
        judgement = judge(
            response.status_code, response.headers, bytes_on_disk=on_disk, retry_statuses=self.policy.retry_statuses
        )
        verdict = judgement.verdict
        if verdict in (Verdict.RESTART, Verdict.RESTART_WITH_BODY) and on_disk > 0:
            self.part.restart()
            self.restarts += 1
            self._report()
        if verdict is Verdict.APPEND and on_disk > 0:
            self.resumes += 1
        if verdict in (Verdict.APPEND, Verdict.RESTART_WITH_BODY):
            self.file_validator = validator(response.headers) or self.file_validator
        if judgement.size is not None:
            self._learn_size(judgement.size)
        return verdict

    def on_piece(self, piece: bytes) -> None:
        """Take the next piece of body as the network delivered it; whole chunks go to disk at once."""
        self.pending += piece
        while len(self.pending) >= self.chunk_size:
            chunk = bytes(self.pending[: self.chunk_size])
            del self.pending[: self.chunk_size]
            self._write(chunk)

    def flush(self) -> None:
        """Write what is held back (less than a chunk): after the body ends, and when it breaks off."""
        if self.pending:
            chunk = bytes(self.pending)
            self.pending.clear()
            self._write(chunk)

    def _write(self, chunk: bytes) -> None:
        self.part.write(chunk)
        self.written_this_attempt += len(chunk)
        if self.size is not None and self.part.bytes_on_disk > self.size:
            raise self._error(f"the server sent more than the file's {self.size} bytes")
        self._report()

    def after_body(self) -> float | None:
        """After a body ended without an error: None when the file is whole, else the wait before resuming."""
        done = self.part.bytes_on_disk
        if self.size is None or done == self.size:
            return None
        wait = self.wait_before_retry()
        if wait is None:
            raise self._error(f"the body kept ending early, at {done} of {self.size} bytes")
        return wait

    def wait_before_retry(self, response: httpx.Response | None = None) -> float | None:
        """Seconds to wait before the next attempt, or None when the attempts in a row are used up."""
        if self.written_this_attempt > 0:
            self.failures = 0
        self.failures += 1
        if self.failures >= self.policy.max_attempts:
            return None
        return plan_wait_s(
            self.policy,
            attempt=self.failures,
            status=response.status_code if response is not None else None,
            headers=response.headers if response is not None else {},
            now=self.clock.time(),
            jitter_fraction=self.jitter(),
            remaining_s=None,
        )

    def unusable_answers(self, response: httpx.Response) -> DownloadError:
        """The error once the server kept answering in a way that cannot continue or start the file."""
        return self._error(
            f"the server kept answering {response.status_code} with Content-Range "
            f"{response.headers.get('content-range')!r}, which cannot continue the file"
        )

    def redirect_loop(self, hops: int) -> DownloadError:
        """The error once `hops` redirects in a row led to no file (a loop, or a chain longer than the client
        follows: its ``max_redirects``)."""
        return self._error(f"{hops} redirects in a row led to no file (a redirect loop?)")

    def unexpected_status(self, response: httpx.Response) -> DownloadError:
        return self._error(f"the server answered {response.status_code} {response.reason_phrase}, not the file")

    # -- the end ---------------------------------------------------------------------------------------

    def verify(self) -> None:
        """Raise unless the bytes on disk have the expected size and SHA-256."""
        if self.expected_size is not None and self.part.bytes_on_disk != self.expected_size:
            raise self._error(f"it has {self.part.bytes_on_disk} bytes, not the expected {self.expected_size}")
        actual = self.part.hexdigest()
        if self.expected_sha256 is not None and actual != self.expected_sha256:
            raise ChecksumMismatchError(
                url=self.shown_url, path=str(self.target), expected=self.expected_sha256, actual=actual
            )

    def result(self) -> DownloadResult:
        """After the commit: the final progress report and the result."""
        done = self.part.bytes_on_disk
        if self.last_fraction != 1.0 and self.progress is not None:
            self.progress(1.0, done, done)
        return DownloadResult(
            path=self.target,
            size_bytes=done,
            sha256=self.part.hexdigest(),
            requests=self.requests,
            resumes=self.resumes,
            restarts=self.restarts,
            elapsed_s=self.clock.monotonic() - self.started,
        )

    def _learn_size(self, size: int) -> None:
        if self.expected_size is not None and size != self.expected_size:
            raise self._error(
                f"the server's file has {size} bytes, not the expected {self.expected_size}: the URL or the "
                "expected size is stale; fetch a new download link"
            )
        self.size = size

    def _report(self) -> None:
        if self.progress is None:
            return
        done, total = self.part.bytes_on_disk, self.size
        fraction = min(1.0, done / total) if total else (1.0 if total == 0 else 0.0)
        self.last_fraction = fraction
        self.progress(fraction, done, total)

    def _error(self, why: str) -> DownloadError:
        return DownloadError(
            f"The download from {self.shown_url} failed: {why}. Nothing was written to {self.target}.",
            url=self.shown_url,
            path=str(self.target),
        )


def _shown(url: str | httpx.URL) -> str:
    """The URL as messages may show it before the request exists: no query values (a signed URL's signature)."""
    parsed = httpx.URL(str(url))
    return redact_url(parsed) if parsed.is_absolute_url else parsed.path

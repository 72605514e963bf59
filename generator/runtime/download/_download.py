"""`download()` and `adownload()`: stream a large file to disk, resume it after drops, verify its SHA-256.

Rules:

- Constant memory: the body is taken as the network delivers it and written `chunk_size` bytes at a
  time (`DEFAULT_DOWNLOAD_CHUNK_BYTES`) to a unique partial file beside the target
  (`_download_part.py`); when the connection breaks, what arrived is written too, so a slow link that
  drops often still makes progress. The target appears only
  when the whole file is on disk, fsynced and verified, by one atomic `os.replace`. It is never
  half-written, and a failed, cancelled or interrupted download leaves neither it nor a partial file.
- Resume: when the connection drops mid-body (or the body ends short of the file's size), the next
  attempt asks for ``Range: bytes=<bytes on disk>-`` with ``If-Range: <ETag>``; how each answer is
  taken (206 appended, 200 written from byte 0, 416) is in `_download_plan.py`. The SHA-256 is
  computed as the bytes are written, so resuming never re-reads the disk.
- Retries: `retry.max_attempts` bounds the attempts *in a row that add no bytes*; an attempt that
  writes anything resets the count, so a file of several GB over a link that drops every few minutes
  still finishes. Connection failures, dropped bodies and `retry.retry_statuses` are retried after the
  policy's backoff (a 429/503 ``Retry-After`` replaces it, up to `retry.max_retry_after_s`), slept on
  the injected clock. `retry.total_timeout_s`, `retry_methods` and `attempt_header` are not used: a
  download's length depends on its size, and a stall is bounded by the client's read timeout. The
  client's own retry transport is switched off for these requests, so this policy is the only one.
  None means one attempt and no resume.
- Credentials: a relative URL resolves against the client's base URL and goes through the client like
  any call (its auth, hooks, logging, circuit breaker). An absolute URL on another origin (scheme,
  host, port), typically a signed download URL, gets no credentials: the client's auth is not run and
  every credential header from its default headers is removed (``Authorization``, ``Cookie``,
  ``Proxy-Authorization``, ``X-Api-Key`` and any header `redaction` names as a secret field, such as
  the API keys of the spec's `securitySchemes`). Redirects are followed one hop at a time (at most the
  client's `max_redirects`), and a hop to another origin is stripped the same way.
- Progress: ``progress(fraction, bytes_done, bytes_total)`` after every write (a chunk, or what
  arrived before a drop), ``bytes_total`` None
  and ``fraction`` 0.0 while the size is unknown; the last call is ``(1.0, n, n)``. It never goes
  down, except to 0.0 when the server makes the download start again from byte 0.
- Verification: a size other than `expected_size` raises `DownloadError` (as soon as the server
  reveals it); a SHA-256 other than `expected_sha256` raises `ChecksumMismatchError`. Transport
  failures and error statuses that outlast the retries raise the SDK's usual typed errors.
"""

from __future__ import annotations

import os
from typing import Any

from ..core import httpx
from ..core._clock import Clock
from ..core._errors import (
    CircuitOpenError,
    TransportError,
    araise_for_status,
    raise_for_status,
    translate_transport_errors,
)
from ..core._redaction import Redaction
from ..core._unset import UNSET, Unset
from ..policies._retry_policy import Jitter, RetryPolicy
from ._download_defaults import DEFAULT_DOWNLOAD_CHUNK_BYTES, DEFAULT_DOWNLOAD_RETRY
from ._download_plan import Verdict
from ._download_transfer import DownloadResult, ProgressCallback, Transfer

__all__ = [
    "DEFAULT_DOWNLOAD_CHUNK_BYTES",
    "DEFAULT_DOWNLOAD_RETRY",
    "DownloadResult",
    "ProgressCallback",
    "adownload",
    "download",
]


_RETRYABLE_ERRORS = (httpx.TransportError, TransportError)


def download(
    client: httpx.Client,
    url: str | httpx.URL,
    path: str | os.PathLike[str],
    *,
    expected_sha256: str | None,
    expected_size: int | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int | Unset = UNSET,
    retry: RetryPolicy | Unset | None = UNSET,
    clock: Clock | None = None,
    jitter: Jitter | None = None,
    redaction: Redaction | None = None,
) -> DownloadResult:
    """Download `url` to `path` with constant memory, resuming after drops, verified (see the module docstring).

    Args:
        client: the SDK's (or any) `httpx.Client`; a relative `url` resolves against its base URL.
        url: relative to the client's base URL, or absolute (another origin gets no credentials).
        path: the target file; its directory must exist. An existing file is replaced only on success.
        expected_sha256: the file's SHA-256 in hex; None skips the check (not recommended).
        expected_size: the file's size in bytes, if known (checked as soon as the server tells its own).
        progress: called as ``progress(fraction, bytes_done, bytes_total)`` after every chunk.
        chunk_size: bytes written (and reported to `progress`) at a time; UNSET: `DEFAULT_DOWNLOAD_CHUNK_BYTES`.
        retry: attempts in a row without progress and the backoff; UNSET: `DEFAULT_DOWNLOAD_RETRY`; None: no
            resume. (UNSET defaults name no value, so a client's `download` signature offers them without
            importing the retry policy, and attrs with it, when the SDK is imported.)
        clock: sleeps between attempts and measures `elapsed_s` (`SystemClock` when None).
        jitter: random source in [0, 1) for the backoff jitter (`random.random` when None).
        redaction: which headers are credentials, stripped for another origin (the SDK client's policy;
            `DEFAULT_REDACTION` when None).

    Raises:
        ChecksumMismatchError: the bytes do not hash to `expected_sha256`.
        DownloadError: wrong size, the server's answers cannot make up the file, or its redirects lead to no
            file (more in a row than the client's ``max_redirects``).
        TransportError: the connection kept failing (`ConnectError`, `RequestTimeout`, ...).
        APIStatusError: an error status that is not retried, or kept coming (e.g. `NotFoundError`).
        ValueError: a malformed `expected_sha256`, `expected_size` or `chunk_size`.
        OSError: the target's directory is missing or not writable, or the disk is full.
    """
    state = Transfer(
        url,
        path,
        expected_sha256=expected_sha256,
        expected_size=expected_size,
        progress=progress,
        chunk_size=chunk_size,
        retry=retry,
        clock=clock,
        jitter=jitter,
        redaction=redaction,
    )
    try:
        with translate_transport_errors():
            while (wait := _attempt(client, state)) is not None:
                state.clock.sleep(wait)
        state.verify()
        state.part.commit()
    except BaseException:
        state.part.discard()
        raise
    return state.result()


def _attempt(client: httpx.Client, state: Transfer) -> float | None:
    """One request: None when the file is complete, else the seconds to wait before the next one."""
    request, options = state.next_request(client)
    try:
        response = _send(client, request, options, state)
    except CircuitOpenError:
        raise
    except _RETRYABLE_ERRORS:
        if (wait := state.wait_before_retry()) is None:
            raise
        return wait
    try:
        verdict = state.on_headers(response)
        if verdict is Verdict.COMPLETE:
            return None
        if verdict in (Verdict.APPEND, Verdict.RESTART_WITH_BODY):
            try:
                for piece in response.iter_bytes():
                    state.on_piece(piece)
            except _RETRYABLE_ERRORS:
                state.flush()  # every byte that arrived is kept: the resume asks for the rest
                if (wait := state.wait_before_retry()) is None:
                    raise
                return wait
            state.flush()
            return state.after_body()
        if verdict is Verdict.FAIL:
            response.read()
            raise_for_status(response)
            raise state.unexpected_status(response)
        wait = state.wait_before_retry(response)
        if wait is None:
            response.read()
            raise_for_status(response)
            raise state.unusable_answers(response)
        return wait
    finally:
        response.close()


def _send(client: httpx.Client, request: httpx.Request, options: dict[str, Any], state: Transfer) -> httpx.Response:
    """Send, following redirects one hop at a time so each hop's credentials are judged (`Transfer.redirected`)."""
    response = client.send(request, **options)
    for _ in range(client.max_redirects):
        hop = response.next_request
        if hop is None:
            return response
        response.close()
        response = client.send(hop, **state.redirected(hop, options, client))
    response.close()
    raise state.redirect_loop(client.max_redirects)  # httpx's TooManyRedirects is no transport error: ours


async def adownload(
    client: httpx.AsyncClient,
    url: str | httpx.URL,
    path: str | os.PathLike[str],
    *,
    expected_sha256: str | None,
    expected_size: int | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int | Unset = UNSET,
    retry: RetryPolicy | Unset | None = UNSET,
    clock: Clock | None = None,
    jitter: Jitter | None = None,
    redaction: Redaction | None = None,
) -> DownloadResult:
    """`download` for an `httpx.AsyncClient`: the same arguments, rules and errors.

    Writing and hashing a chunk happen on the event loop (well under a millisecond per MiB); the final
    fsync and rename run in a worker thread. Cancelling the task removes the partial file.
    """
    state = Transfer(
        url,
        path,
        expected_sha256=expected_sha256,
        expected_size=expected_size,
        progress=progress,
        chunk_size=chunk_size,
        retry=retry,
        clock=clock,
        jitter=jitter,
        redaction=redaction,
    )
    try:
        with translate_transport_errors():
            while (wait := await _async_attempt(client, state)) is not None:
                await state.clock.async_sleep(wait)
        state.verify()
        await _commit_off_the_loop(state)
    except BaseException:
        state.part.discard()
        raise
    return state.result()


async def _async_attempt(client: httpx.AsyncClient, state: Transfer) -> float | None:
    """`_attempt` for the async client."""
    request, options = state.next_request(client)
    try:
        response = await _async_send(client, request, options, state)
    except CircuitOpenError:
        raise
    except _RETRYABLE_ERRORS:
        if (wait := state.wait_before_retry()) is None:
            raise
        return wait
    try:
        verdict = state.on_headers(response)
        if verdict is Verdict.COMPLETE:
            return None
        if verdict in (Verdict.APPEND, Verdict.RESTART_WITH_BODY):
            try:
                async for piece in response.aiter_bytes():
                    state.on_piece(piece)
            except _RETRYABLE_ERRORS:
                state.flush()  # every byte that arrived is kept: the resume asks for the rest
                if (wait := state.wait_before_retry()) is None:
                    raise
                return wait
            state.flush()
            return state.after_body()
        if verdict is Verdict.FAIL:
            await araise_for_status(response)
            raise state.unexpected_status(response)
        wait = state.wait_before_retry(response)
        if wait is None:
            await araise_for_status(response)
            raise state.unusable_answers(response)
        return wait
    finally:
        await response.aclose()


async def _async_send(
    client: httpx.AsyncClient, request: httpx.Request, options: dict[str, Any], state: Transfer
) -> httpx.Response:
    """`_send` for the async client."""
    response = await client.send(request, **options)
    for _ in range(client.max_redirects):
        hop = response.next_request
        if hop is None:
            return response
        await response.aclose()
        response = await client.send(hop, **state.redirected(hop, options, client))
    await response.aclose()
    raise state.redirect_loop(client.max_redirects)  # httpx's TooManyRedirects is no transport error: ours


async def _commit_off_the_loop(state: Transfer) -> None:
    """fsync and rename in a worker thread; a cancellation waits for them, so the caller's cleanup never races them.

    (A download cancelled this late ends with the verified file in place: it was complete.)
    """
    import asyncio  # here: only async code gets this far, so a sync import stays free of asyncio

    commit = asyncio.ensure_future(asyncio.to_thread(state.part.commit))
    try:
        await asyncio.shield(commit)
    except asyncio.CancelledError:
        await asyncio.wait({commit})
        raise

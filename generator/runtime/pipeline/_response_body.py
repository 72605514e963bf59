"""Reading an in-memory response's body as part of its attempt, within a size limit and the call's deadline.

httpx reads a body after the transports have returned, so a failure while reading it (the server closing
half way, a trickle past the deadline) would be outside the retries, the breaker and the attempt's log
line. `ResponseBodyTransport` sits right above the connection pool and reads the whole body before
handing the response up, as an `httpx.ByteStream` (which the lean client stores without copying):

- a body cut off mid-way raises `IncompleteResponseError` (a `TransportError`): the retry transport
  retries it for idempotent requests and keyed POSTs, and never re-sends any other request;
- at most `max_bytes` (`DEFAULT_MAX_RESPONSE_BYTES`, None: no limit) are read; one byte more raises
  `ResponseTooLargeError` and the rest is never read (a ``Content-Length`` over it fails before any,
  unless the answer has no body whatever it declares: to a HEAD, a 204 or a 304).
  A ``Content-Encoding`` body is then decompressed once in small slices, keeping nothing, to check that
  its decoded size is within the limit too (a 200 KB gzip body may expand to 200 MB); httpx decodes it
  again when the caller reads it, then known to fit;
- the attempt's phase timeouts are shortened to the time left before the call's deadline
  (`_deadline.py`), and reading stops once the deadline has passed.

Streaming calls (``extensions["sdk.stream"]``, `STREAM_EXTENSION`: `download()`) pass through untouched. A
binary answer streamed to the caller (`STREAMED_BODY_EXTENSION`) is not read here: its stream is wrapped to
apply the same rules as the caller reads it (`_streamed_body.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from ..core import httpx
from ..core._clock import Clock, SystemClock
from ..core._defaults import STREAM_EXTENSION, STREAMED_BODY_EXTENSION
from ..core._errors import IncompleteResponseError, ResponseTooLargeError, redact_url
from ..core._received_headers import received_headers
from ..core._whole_body import WholeBody
from ._deadline import Deadline, deadline_of
from ._streamed_body import guard_async, guard_sync

__all__ = ["AsyncResponseBodyTransport", "ResponseBodyTransport", "too_large"]

_DECODE_SLICE_BYTES: Final = 1024  # compressed bytes decoded at a time: deflate's 1032:1 bound keeps each output ~1 MiB
_NO_DECODING: Final = frozenset({"", "identity"})


class _Body:
    """One attempt's body as it arrives: counted against the limit, the deadline checked per chunk."""

    __slots__ = (
        "chunks",
        "clock",
        "deadline",
        "declared",
        "encoding",
        "keep",
        "limit",
        "request",
        "response",
        "size",
    )

    def __init__(
        self,
        request: httpx.Request,
        response: httpx.Response,
        limit: int | None,
        clock: Clock,
        deadline: Deadline | None,
        *,
        keep: bool = True,
    ) -> None:
        self.request, self.response, self.limit, self.clock = request, response, limit, clock
        self.deadline = deadline
        self.keep = keep  # False: a streamed body (_streamed_body.py), counted and checked but handed on, not kept
        self.chunks: list[bytes] = []
        self.size = 0
        self.declared = ""  # the Content-Length header, as sent
        self.encoding = ""  # the Content-Encoding header, lower case

    def check_declared(self) -> None:
        """Note the framing headers (`ReceivedHeaders`: the names lowered once per response), and fail before
        a byte of the body is read when the ``Content-Length`` is over the limit."""
        headers = received_headers(self.response)
        encoding = headers.value(b"content-encoding")
        if encoding is not None:
            self.encoding = encoding.strip().lower().decode("latin-1")
        declared = headers.value(b"content-length")
        if declared is not None:
            self.declared = declared.decode("latin-1").strip()
        limit, size = self.limit, self.declared
        if (
            limit is not None
            and size.isdigit()
            and int(size) > limit
            and not _never_has_body(self.request, self.response)  # (asked only when over the limit)
        ):
            raise too_large(self.request, limit, f" of {size} bytes")

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            self.chunks.clear()
            raise too_large(self.request, self.limit, "")
        if self.keep:
            self.chunks.append(chunk)
        if self.deadline is not None and self.deadline.passed(self.clock):
            self.chunks.clear()
            raise self.deadline.error(self.request, during=f" (still reading the body after {self.size} bytes)")

    def failed(self, exc: httpx.TransportError) -> Exception:
        """The error for a read that failed: a timeout stays one (retried as such); anything else cut the body."""
        self.chunks.clear()
        if self.deadline is not None and self.deadline.passed(self.clock):
            return self.deadline.error(self.request, during=f" (still reading the body after {self.size} bytes)")
        if isinstance(exc, httpx.TimeoutException):
            return exc
        of = f" of {self.declared}" if self.declared else ""
        url = redact_url(self.request.url)
        if self.keep:
            # Written before the retry layer decides, so it states the rule and the attempt rather than what
            # happens next: a caller sees it when retries are spent (a GET re-sent twice) or never allowed
            attempt = self.request.extensions.get("sdk.attempt", 1)
            what_next = (
                f"This was attempt {attempt}. Idempotent requests and keyed POSTs are retried as the retry policy "
                "allows; any other request is never re-sent, since the server may have acted on it."
            )
        else:  # a streamed file (_streamed_body.py): the caller already holds the first part
            what_next = (
                "A streamed file is not retried, since its first part was already read: call again, or use "
                "download(), which resumes."
            )
        return IncompleteResponseError(
            f"{self.request.method} {url} answered HTTP {self.response.status_code}, but its body broke off "
            f"after {self.size}{of} bytes ({type(exc).__name__}: {exc}). {what_next}",
            method=self.request.method,
            url=url,
        )

    def finish(self) -> httpx.Response:
        """The response with its whole body in memory, once its decoded size is known to fit.

        The transport's response is kept (its stream replaced, as `LoggingTransport` does): no copy of
        its headers, and a body of one chunk is not copied either.
        """
        chunks = self.chunks
        content = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        response = self.response
        if self.limit is not None and self.encoding not in _NO_DECODING:
            _check_decoded_size(self.request, self.encoding, content, self.limit)
        response.stream = httpx.ByteStream(content)
        return response


def _whole(
    request: httpx.Request,
    response: httpx.Response,
    content: bytes,
    limit: int | None,
    clock: Clock,
    deadline: Deadline | None,
) -> httpx.Response:
    """`_Body`'s rules, in its order, for a body that is already whole in memory (`content`, from an
    `httpx.ByteStream` or a `WholeBody`: most answers, whole by the time their headers were parsed), without
    its per-chunk bookkeeping. The response keeps its stream: the body is there already, as `_Body.finish`
    would put it."""
    encoding = None
    if limit is not None:
        headers = received_headers(response)
        declared = headers.value(b"content-length")
        if declared is not None:
            size = declared.decode("latin-1").strip()
            if size.isdigit() and int(size) > limit and not _never_has_body(request, response):
                raise too_large(request, limit, f" of {size} bytes")
        if len(content) > limit:
            raise too_large(request, limit, "")
        encoding = headers.value(b"content-encoding")
    if deadline is not None and deadline.passed(clock):
        raise deadline.error(request, during=f" (still reading the body after {len(content)} bytes)")
    if encoding is not None and limit is not None:
        name = encoding.strip().lower().decode("latin-1")
        if name not in _NO_DECODING:
            _check_decoded_size(request, name, content, limit)
    return response


def _never_has_body(request: httpx.Request, response: httpx.Response) -> bool:
    """Whether the answer has no body whatever its Content-Length says: to a HEAD (the length is the one a
    GET would get, RFC 9110 8.6: asking a big file's size is no large body), or a 1xx, 204 or 304."""
    status = response.status_code
    return request.method == "HEAD" or status < 200 or status in (204, 304)


def too_large(request: httpx.Request, limit: int, what: str) -> ResponseTooLargeError:
    """The error for a body over `limit` (`what` says which: its declared size, once decompressed...)."""
    url = redact_url(request.url)
    return ResponseTooLargeError(
        f"{request.method} {url} answered with a body{what} larger than the limit of {limit} bytes, so reading "
        "stopped there. Raise max_response_bytes in the client settings if such answers are expected, or "
        "narrow the request (paging, filters).",
        limit_bytes=limit,
        method=request.method,
        url=url,
    )


def _slices(content: bytes) -> Iterator[bytes]:
    view = memoryview(content)
    for start in range(0, len(content), _DECODE_SLICE_BYTES):
        yield bytes(view[start : start + _DECODE_SLICE_BYTES])


def _check_decoded_size(request: httpx.Request, encoding: str, content: bytes, limit: int) -> None:
    """Decode `content` as httpx will, slice by slice, keeping nothing: over `limit` decoded bytes raises."""
    probe = httpx.Response(200, headers={"content-encoding": encoding}, stream=_Slices(_slices(content)))
    decoded = 0
    try:
        for piece in probe.iter_bytes():
            decoded += len(piece)
            if decoded > limit:
                raise too_large(request, limit, " (once decompressed)")
    except httpx.DecodingError:
        return  # httpx raises the same error to the caller when it decodes the body


class _Slices(httpx.SyncByteStream):
    """Bytes fed to httpx's decoder (httpx's public way in: a response over a stream of ours)."""

    def __init__(self, raw: Iterable[bytes]) -> None:
        self._raw = raw

    def __iter__(self) -> Iterator[bytes]:
        yield from self._raw


class ResponseBodyTransport(httpx.BaseTransport):
    """Reads each in-memory response's body within the attempt (see the module docstring)."""

    def __init__(self, max_bytes: int | None, *, inner: httpx.BaseTransport, clock: Clock | None = None) -> None:
        self._max_bytes = max_bytes
        self.inner = inner
        self._clock = clock or SystemClock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.extensions.get(STREAM_EXTENSION):
            return self.inner.handle_request(request)
        deadline = deadline_of(request)
        if deadline is not None:
            request.extensions["timeout"] = deadline.clamped(self._clock)
        response = self.inner.handle_request(request)
        streamed = bool(request.extensions.get(STREAMED_BODY_EXTENSION))
        stream = response.stream
        if type(stream) is httpx.ByteStream and not streamed:  # already in memory (its close does nothing)
            content = b"".join(stream)  # an httpx.ByteStream yields its one bytes object
            return _whole(request, response, content, self._max_bytes, self._clock, deadline)
        body = _Body(request, response, self._max_bytes, self._clock, deadline, keep=not streamed)
        assert isinstance(stream, httpx.SyncByteStream), "a sync transport answers with sync streams"
        if streamed:
            return guard_sync(body, stream)
        try:
            body.check_declared()
            for chunk in stream:
                body.add(chunk)
        except httpx.TransportError as exc:
            raise body.failed(exc) from exc
        finally:
            stream.close()  # hands the connection back; the response itself stays open for its new stream
        return body.finish()

    def close(self) -> None:
        self.inner.close()


class AsyncResponseBodyTransport(httpx.AsyncBaseTransport):
    """The async twin of `ResponseBodyTransport`."""

    def __init__(self, max_bytes: int | None, *, inner: httpx.AsyncBaseTransport, clock: Clock | None = None) -> None:
        self._max_bytes = max_bytes
        self.inner = inner
        self._clock = clock or SystemClock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.extensions.get(STREAM_EXTENSION):
            return await self.inner.handle_async_request(request)
        deadline = deadline_of(request)
        if deadline is not None:
            request.extensions["timeout"] = deadline.clamped(self._clock)
        response = await self.inner.handle_async_request(request)
        streamed = bool(request.extensions.get(STREAMED_BODY_EXTENSION))
        stream = response.stream
        if streamed:
            pass
        elif type(stream) is WholeBody:  # the async httptools transport's in-memory answer: its bytes at hand
            return _whole(request, response, stream.content, self._max_bytes, self._clock, deadline)
        elif type(stream) is httpx.ByteStream:  # already in memory: nothing to wait for or close
            content = b"".join(stream)  # an httpx.ByteStream yields its one bytes object
            return _whole(request, response, content, self._max_bytes, self._clock, deadline)
        body = _Body(request, response, self._max_bytes, self._clock, deadline, keep=not streamed)
        assert isinstance(stream, httpx.AsyncByteStream), "an async transport answers with async streams"
        if streamed:
            return await guard_async(body, stream)
        try:
            body.check_declared()
            async for chunk in stream:
                body.add(chunk)
        except httpx.TransportError as exc:
            raise body.failed(exc) from exc
        finally:
            await stream.aclose()
        return body.finish()

    async def aclose(self) -> None:
        await self.inner.aclose()

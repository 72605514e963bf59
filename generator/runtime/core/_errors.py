"""The one error tree every SDK raises, and the functions that map failures onto it.

```
SDKError
├── TransportError               .method .url  (the request did not get an HTTP answer)
│   ├── ConnectError             never reached the server; always safe to retry
│   │   ├── NameResolutionError  the host name does not resolve (DNS): not retried
│   │   └── CertificateError     the server's TLS certificate failed verification: not retried
│   ├── RequestTimeout           a connect/read/write/pool timeout, or the call's deadline .deadline_s
│   ├── IncompleteResponseError  the body was cut off mid-way (retried only when idempotent)
│   └── CircuitOpenError         .host .retry_in_s  failed fast, no I/O (never retried)
├── APIStatusError               .status_code .request_id .body .problem .errors .response .method .url
│   ├── InvalidRequestError      the request was invalid: BadRequestError 400, UnprocessableEntityError 422
│   ├── AuthenticationError 401  .requires_reauth   ├── ConflictError 409
│   ├── PermissionDeniedError 403                   ├── PreconditionFailedError 412
│   ├── NotFoundError 404                           ├── RateLimitError 429  .retry_after_s (.retry_after)
│   └── ServerError 5xx          .is_transient (500/502/503/504: `TRANSIENT_STATUSES`)
│       └── ServiceUnavailableError 503
├── ResponseTooLargeError        .limit_bytes  (an in-memory body, or its decompressed form, is over the limit)
├── ResponseValidationError      .pointer .expected .actual .path .reason .status_code .request_id .body
│                                (a success body did not match the spec)
├── TokenRefreshError            .requires_reauth  getting or refreshing a credential failed
├── ConfigurationError           .setting  (a setting is missing or malformed)
├── NotModifiedError             .status_code .etag  (304 to the caller's If-None-Match, no cache to answer it)
├── HookError                    .hook .phase  (a user hook raised; the hook's exception is __cause__)
├── OutboxError                  .path  (the offline outbox file is unusable: foreign, corrupt, closed)
│   └── OutboxFullError          .rows .bytes_used .size_bytes .max_rows .max_bytes  (no room, overflow="reject")
└── DownloadError                .url .path  (a file download could not complete; nothing was kept)
    └── ChecksumMismatchError    .expected .actual  (the bytes did not hash to the expected SHA-256)
```

Other statuses >= 400 raise `APIStatusError` itself. Every error has `code` (a stable name: the body's
``code`` member, else one per class), `context` (what is known about the failed call, ``request_id``
always among the keys) and `get_troubleshooting_hint()` (what to do next). Messages name the method
and the URL with query values redacted, show at most `MAX_BODY_IN_MESSAGE_CHARS` of the body, say what
to do next, and never include request headers (so never a credential).
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Any, ClassVar, Final

import attrs

from . import httpx
from ._connect_failure import PermanentConnectFailure, permanent_connect_failure
from ._defaults import TRANSIENT_STATUSES
from ._exchange import (
    body_excerpt,
    describe,
    find_request_id,
    id_part,
    parse_body,
    redact_url,
    scrubbed,
    server_now,
    truncate,
)
from ._retry_after import parse_retry_after

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "CertificateError",
    "ChecksumMismatchError",
    "CircuitOpenError",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "DownloadError",
    "HookError",
    "IncompleteResponseError",
    "InvalidRequestError",
    "NameResolutionError",
    "NotFoundError",
    "NotModifiedError",
    "OutboxError",
    "OutboxFullError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "Problem",
    "RateLimitError",
    "RealtimeAuthError",
    "RealtimeClosedError",
    "RealtimeConnectionError",
    "RealtimeError",
    "RealtimeQueueFullError",
    "RealtimeRequestError",
    "RealtimeTimeoutError",
    "RequestTimeout",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SDKError",
    "ServerError",
    "ServiceUnavailableError",
    "TokenRefreshError",
    "TransportError",
    "UnprocessableEntityError",
    "araise_for_status",
    "raise_for_status",
    "redact_url",
    "status_error_class",
    "translate_transport_errors",
    "transport_error",
]


class SDKError(Exception):
    """Base of every error the SDK raises: `except SDKError` catches them all.

    `code` names the kind of failure in a stable, machine-readable way; `context` holds what is known
    about the failed call (``request_id`` is always a key, None when unknown); `get_troubleshooting_hint()`
    says what to do next.
    """

    default_code: ClassVar[str] = "sdk_error"
    hint: ClassVar[str] = "See the error message for what failed."
    _context_attributes: ClassVar[tuple[str, ...]] = ("request_id", "status_code", "method", "url", "setting")

    _code: str | None = None

    @property
    def code(self) -> str:
        """A stable name for this kind of failure (``not_found``, ``rate_limited``, ...)."""
        return self._code or self.default_code

    @code.setter
    def code(self, value: str | None) -> None:
        self._code = value  # an error that knows a more precise code (a WebSocket error's, say) sets it

    @property
    def context(self) -> dict[str, object]:
        """What is known about the failed call: ``request_id`` (always present), status, method, URL..."""
        known = {name: getattr(self, name, None) for name in self._context_attributes}
        return {name: value for name, value in known.items() if value is not None or name == "request_id"}

    def get_troubleshooting_hint(self) -> str:
        """What to try next for this kind of error, in one sentence."""
        return self.hint


class TransportError(SDKError):
    """The request got no HTTP answer (or one whose body could not be decoded). `method` and `url` (query
    values redacted) when known."""

    default_code = "network_error"
    hint = "Check the network, DNS, proxy and base URL; retry later or use cached data."

    def __init__(self, message: str, *, method: str | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class ConnectError(TransportError):
    """Could not connect: the request was not sent, so retrying is always safe."""

    default_code = "connect_error"


class NameResolutionError(ConnectError):
    """The host name does not resolve (DNS): a wrong base URL or no network; raised at once, not retried."""


class CertificateError(ConnectError):
    """The server's TLS certificate failed verification; raised at once, not retried."""


class RequestTimeout(TransportError):
    """A connect, read, write or pool timeout expired, or the call's deadline (`deadline_s`, else None)."""

    default_code = "timeout"
    hint = "Raise the timeout (per call or in the settings) or try again later."

    def __init__(
        self, message: str, *, method: str | None = None, url: str | None = None, deadline_s: float | None = None
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.deadline_s = deadline_s


class IncompleteResponseError(TransportError):
    """The server closed the connection before the whole body arrived.

    Idempotent requests (and keyed POSTs) were retried first; any other request was not sent again,
    because the server may have acted on it.
    """


class ResponseTooLargeError(SDKError):
    """An in-memory response body, or its decompressed form, is larger than `limit_bytes`.

    Reading stopped at the limit, so no more than that was ever held. `method` and `url` name the call.
    """

    default_code = "response_too_large"
    hint = "Raise max_response_bytes, or stream the body (download()) instead of reading it into memory."

    def __init__(self, message: str, *, limit_bytes: int, method: str, url: str) -> None:
        super().__init__(message)
        self.limit_bytes = limit_bytes
        self.method = method
        self.url = url


class CircuitOpenError(TransportError):
    """The circuit breaker for `host` is open: the call failed fast without any I/O."""

    default_code = "circuit_open"
    hint = "The service looks unavailable; wait for the circuit's recovery timeout, or use a fallback."

    def __init__(self, host: str, *, retry_in_s: float, method: str | None = None, url: str | None = None):
        super().__init__(
            f"The circuit breaker for {host} is open after repeated failures, so the call was not sent. "
            f"The service looks unavailable; try again in {retry_in_s:.1f} s.",
            method=method,
            url=url,
        )
        self.host = host
        self.retry_in_s = retry_in_s


@attrs.frozen(kw_only=True)
class Problem:
    """The RFC 9457 problem-details members of an error body, each None when absent.

    Bodies of APIs with their own error envelope (``{"status": "error", "message": ..., "errors":
    [...]}``) read the same way: without a ``detail``, their ``message`` is the detail.
    """

    title: str | None = None
    detail: str | None = None
    type: str | None = None
    code: str | None = None
    errors: object = None

    @classmethod
    def from_body(cls, body: object) -> Problem | None:
        """Read the known members of a JSON object body; None when the body is not an object."""
        if not isinstance(body, dict):
            return None

        def text(key: str) -> str | None:
            value = body.get(key)
            return None if value is None or isinstance(value, dict | list) else str(value)

        return cls(
            title=text("title"),
            detail=text("detail") or text("message"),
            type=text("type"),
            code=text("code"),
            errors=body.get("errors"),
        )


class APIStatusError(SDKError):
    """The server answered with a status >= 400.

    `body` is the parsed JSON (usually a problem-details dict) or the text, None when empty;
    `problem` holds its problem-details members (an error envelope's `message` is `problem.detail`);
    `errors` is the body's list of field errors, if any; `retry_after_s` is the server's Retry-After.
    """

    default_code = "api_error"
    hint: ClassVar[str] = "See the response body for details."

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        request_id: str | None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status_code: int = response.status_code
        self.body = body
        self.problem: Problem | None = Problem.from_body(body)
        self.request_id = request_id
        self.retry_after_s = retry_after_s
        self.method: str = response.request.method
        self.url: str = redact_url(response.request.url)

    @property
    def code(self) -> str:
        """The body's ``code`` member when the server gave one, else the class's code."""
        problem_code = self.problem.code if self.problem is not None else None
        return self._code or problem_code or self.default_code

    @code.setter
    def code(self, value: str | None) -> None:
        self._code = value

    @property
    def errors(self) -> list[Any] | None:
        """The body's ``errors`` list, as parsed JSON (``[{"field": ..., "message": ...}]``); None without one."""
        errors = self.problem.errors if self.problem is not None else None
        return errors if isinstance(errors, list) else None


class InvalidRequestError(APIStatusError):
    """The server refused the request as invalid (400 or 422): fix the parameters or body and retry."""

    default_code = "invalid_request"
    hint = "Check the request's parameters and body against the API reference; see the errors in the body."


class BadRequestError(InvalidRequestError, APIStatusError):  # APIStatusError kept as a direct base: as before
    """400 Bad Request: the server could not use the request as sent."""

    default_code = "bad_request"
    hint = "Check the request's parameters and body against the API reference."


class AuthenticationError(APIStatusError):
    """401 Unauthorized: the credentials are missing, wrong or expired."""

    default_code = "unauthenticated"
    hint = "Check the credentials (API token, client id/secret): they are missing, wrong or expired."

    @property
    def requires_reauth(self) -> bool:
        """Always True: the SDK already renewed the token once on this 401, so new credentials are needed."""
        return True


class PermissionDeniedError(APIStatusError):
    """403 Forbidden: the credentials lack the permission this operation needs."""

    default_code = "permission_denied"
    hint = "The credentials are valid but lack the permission (scope or role) this operation needs."


class NotFoundError(APIStatusError):
    """404 Not Found: the resource does not exist or is not visible to these credentials."""

    default_code = "not_found"
    hint = "Check the identifiers in the path; the resource does not exist or is not visible to you."


class ConflictError(APIStatusError):
    """409 Conflict: the request conflicts with the resource's current state."""

    default_code = "conflict"
    hint = "The resource's state conflicts with the request; fetch the current state and try again."


class PreconditionFailedError(APIStatusError):
    """412 Precondition Failed: the resource changed since the ETag sent with If-Match."""

    default_code = "precondition_failed"
    hint = "The resource changed since you read it; read it again and retry with its new ETag."


class UnprocessableEntityError(InvalidRequestError, APIStatusError):  # direct base as before
    """422 Unprocessable Entity: the request was well-formed but failed validation."""

    default_code = "unprocessable_entity"
    hint = "The request was well-formed but invalid; see the errors listed in the body."


class RateLimitError(APIStatusError):
    """429 Too Many Requests: the server asks to slow down (see retry_after_s)."""

    default_code = "rate_limited"
    hint = "Too many requests; wait `retry_after_s` (or back off) before trying again."

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait (the same as retry_after_s), None when it gave no Retry-After."""
        return self.retry_after_s


class ServerError(APIStatusError):
    """5xx: the server failed to answer the request."""

    default_code = "server_error"
    hint = "The server failed; retry later, and report the request id if it persists."

    @property
    def is_transient(self) -> bool:
        """True for 500/502/503/504 (`TRANSIENT_STATUSES`): trying again later may well succeed."""
        return self.status_code in TRANSIENT_STATUSES


class ServiceUnavailableError(ServerError):
    """503: the service is down for now (maintenance, overload); retry_after_s says for how long, if known."""

    default_code = "service_unavailable"
    hint = "The service is temporarily down; retry after `retry_after_s`, and let the circuit breaker fail fast."


class ResponseValidationError(SDKError):
    """A success response's body did not match the spec.

    `pointer` is the JSON pointer of the first bad value in the body (``/licenses/0/max_clients``; ``""``
    for the whole body), `expected` what the spec allows there and `actual` what came; all three are None
    when a model could not be built for another reason (`path` then names the model and field, e.g.
    ``Pet.tag``). Clients made with ``validate_responses=False`` skip the schema check.
    """

    default_code = "invalid_response"
    hint = "The API may have changed: upgrade the SDK, or report it with the request id."

    def __init__(
        self,
        *,
        path: str,
        reason: str,
        response: httpx.Response,
        pointer: str | None = None,
        expected: str | None = None,
        actual: str | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.pointer = pointer
        self.expected = expected
        self.actual = actual
        self.response = response
        self.status_code: int = response.status_code
        self.request_id: str | None = find_request_id(response)
        self.body: object = parse_body(response)
        why = truncate(scrubbed(response, reason), 200)
        where = path or "the top level"
        super().__init__(
            f"{describe(response)} returned HTTP {response.status_code}{id_part(self.request_id)}, but the "
            f"body does not match the API description at {where}: {why}. The API may have changed; "
            f"upgrade the SDK or report this with the request id. Body: {body_excerpt(response)}"
        )

    @classmethod
    def not_json(cls, response: httpx.Response, exc: ValueError) -> ResponseValidationError:
        """A body the spec documents as JSON that is not JSON: an HTML error page from a proxy, an empty body,
        bytes that are not UTF-8. Said as a mismatch of the whole body (pointer ``""``), naming what came."""
        if not response.content:
            actual = "an empty body"
        else:
            content_type = response.headers.get("content-type")
            label = f"a {content_type} body" if content_type else "a body without a Content-Type"
            # the decoder's message gives a position and at most a byte value, never the body's text
            actual = f"{label} that is not JSON ({type(exc).__name__}: {exc})"
        return cls(
            path="",
            reason=f"expected a JSON document, got {actual}",
            response=response,
            pointer="",
            expected="a JSON document",
            actual=actual,
        )

    @classmethod
    def from_exception(cls, response: httpx.Response, exc: Exception, *, schema: str) -> ResponseValidationError:
        """Describe a parse failure of `schema` (a model name): a KeyError names the missing field."""
        if isinstance(exc, KeyError) and exc.args:
            return cls(path=f"{schema}.{exc.args[0]}", reason="a required field is missing", response=response)
        if isinstance(exc, RecursionError):  # json.loads, or a walk over what it made, past Python's limit
            return cls(path=schema, reason="the body is nested too deeply to read", response=response)
        return cls(path=schema, reason=f"{type(exc).__name__}: {exc}", response=response)


class TokenRefreshError(SDKError):
    """Getting or refreshing a credential failed; the message says which provider and why."""

    default_code = "token_refresh_failed"
    hint = "Check the credentials and the token endpoint; a new login (or new credentials) is needed."
    requires_reauth: ClassVar[bool] = True


class ConfigurationError(SDKError):
    """A setting is missing or malformed; `setting` names it (never its secret value)."""

    default_code = "configuration_error"
    hint = "Fix the setting the message names (argument, environment variable or config file)."

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class NotModifiedError(SDKError):
    """The server answered 304 Not Modified to the caller's ``If-None-Match``: what the caller holds is current.

    Raised by the plain method of an operation that documents a 304, so it returns the model and never
    None. The client's cache (``cache=True``) revalidates its own entries and answers their 304s with the
    cached body, but a caller's own ``If-None-Match`` always gets the server's answer; raw access
    (``client.with_raw_response...`` or ``<method>_detailed``) returns the 304 itself.
    """

    default_code = "not_modified"
    hint = "Keep using the copy you have (its ETag is still current), or call without if_none_match."

    def __init__(self, *, status_code: int, etag: str | None, operation_id: str) -> None:
        super().__init__(
            f"{operation_id}: HTTP {status_code} Not Modified: the copy with ETag {etag} is still current. "
            "Keep it, or call without if_none_match to get the body."
        )
        self.status_code = status_code
        self.etag = etag
        self.operation_id = operation_id


def fast_extra_missing(package: str) -> ConfigurationError:
    """The error for ``transport="<package>"`` when that optional package (the SDK's `fast` extra) is absent."""
    return ConfigurationError(
        f'transport="{package}" needs {package}: install the SDK\'s "fast" extra (pip install "<sdk>[fast]") '
        f"or {package} itself, or use the default transport.",
        setting="transport",
    )


def transport_dependency_missing(package: str) -> ConfigurationError:
    """The error for ``transport="<package>"`` when that dependency of every SDK was left out of the install."""
    return ConfigurationError(
        f'transport="{package}" needs {package}, which the SDK depends on: reinstall the SDK (or pip install '
        f'{package}), or use transport="httpx".',
        setting="transport",
    )


class HookError(SDKError):
    """A user hook raised. `hook` names the callable, `phase` the hook point; the exception is __cause__."""

    default_code = "hook_failed"
    hint = "Fix the hook: its own exception is this error's __cause__."

    def __init__(self, message: str, *, hook: str | None = None, phase: str | None = None) -> None:
        super().__init__(message)
        self.hook = hook
        self.phase = phase


class OutboxError(SDKError):
    """The offline outbox cannot be used; `path` names its file (never overwritten by the SDK)."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class OutboxFullError(OutboxError):
    """The outbox has no room for one more request (``OutboxPolicy(overflow="reject")``); it was not stored."""

    def __init__(
        self, *, path: str, rows: int, bytes_used: int, size_bytes: int, max_rows: int | None, max_bytes: int | None
    ) -> None:
        limits = ", ".join(
            f"{name} {value}" for name, value in (("max_rows", max_rows), ("max_bytes", max_bytes)) if value is not None
        )
        super().__init__(
            f"The outbox {path} is full ({rows} requests, {bytes_used} bytes queued; limits: {limits}), so this "
            f"{size_bytes}-byte request was not queued. Deliver the queue first (Outbox.flush() once online), "
            'raise the limits, or choose OutboxPolicy(overflow="drop_oldest").',
            path=path,
        )
        self.rows = rows
        self.bytes_used = bytes_used
        self.size_bytes = size_bytes
        self.max_rows = max_rows
        self.max_bytes = max_bytes


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The class `raise_for_status` raises for an error status (>= 400)."""
    return _STATUS_CLASSES.get(status) or (ServerError if status >= 500 else APIStatusError)


def raise_for_status(response: httpx.Response, *, now: float | None = None) -> None:
    """Raise the most specific `APIStatusError` for a status >= 400; do nothing for 1xx-3xx (incl. 304).

    Args:
        response: the response; its body is read if it was not yet (sync streams only).
        now: epoch seconds for an HTTP-date Retry-After; defaults to the response's ``Date`` header,
            else the system clock.

    Raises:
        APIStatusError: or the subclass for the status (see the module docstring).
    """
    status = response.status_code
    if status < 400:
        return
    cls = status_error_class(status)
    body = parse_body(response)
    problem = Problem.from_body(body)
    request_id = find_request_id(response)
    if now is None:
        now = server_now(response)
    retry_after_s = parse_retry_after(response.headers, now=now)
    summary = ""
    if problem is not None and (problem.title or problem.detail):
        text = scrubbed(response, ": ".join(p for p in (problem.title, problem.detail) if p)).rstrip()
        summary = " " + text + ("" if text.endswith((".", "!", "?")) else ".")
    wait = f" The server asked to wait {retry_after_s:g} s." if retry_after_s is not None else ""
    message = (
        f"{describe(response)} failed with HTTP {status} {response.reason_phrase}{id_part(request_id)}."
        f"{summary}{wait} {cls.hint} Body: {body_excerpt(response)}"
    )
    raise cls(message, response=response, body=body, request_id=request_id, retry_after_s=retry_after_s)


async def araise_for_status(response: httpx.Response, *, now: float | None = None) -> None:
    """`raise_for_status` for an async response that may still be streaming: reads the body first."""
    if response.status_code >= 400:
        await response.aread()
    raise_for_status(response, now=now)


TRANSLATED_HTTPX_ERRORS: Final = (httpx.TransportError, httpx.DecodingError, httpx.TooManyRedirects)
"""The httpx errors `transport_error` turns into ours: its transport failures, and two that are no
`httpx.TransportError` and would otherwise leave the SDK as httpx's own (a body it could not decode; more
redirects than the client follows, with ``follow_redirects`` on)."""


def transport_error(exc: httpx.TransportError | httpx.DecodingError | httpx.TooManyRedirects) -> TransportError:
    """Our error for an httpx transport failure (the most specific class), with a next step; also for the
    others of `TRANSLATED_HTTPX_ERRORS`."""
    try:
        method, url = exc.request.method, redact_url(exc.request.url)
    except RuntimeError:  # httpx raises when the exception carries no request
        method, url = None, None
    where = f"{method} {url}" if method else "The request"
    cause = truncate(f"{type(exc).__name__}: {exc}", 200)
    if isinstance(exc, httpx.DecodingError):  # raised when httpx reads the body, after every retry layer
        return TransportError(
            f"{where} got an answer whose body could not be decoded as its Content-Encoding header says "
            f"({cause}). The server, or a proxy on the way, labels its compression wrongly: report it to the "
            "API's owners.",
            method=method,
            url=url,
        )
    if isinstance(exc, httpx.TooManyRedirects):
        return TransportError(
            f"{where} was redirected more times than the client follows ({cause}): a redirect loop, or a chain "
            "longer than its max_redirects. Check the URL; report a loop to the API's owners.",
            method=method,
            url=url,
        )
    permanent = permanent_connect_failure(exc)
    if permanent is PermanentConnectFailure.NAME_NOT_RESOLVED:
        return NameResolutionError(
            f"{where} could not connect: {permanent.value} ({cause}); it was not sent or retried. "
            "Check the host name in the base URL and the DNS or proxy settings.",
            method=method,
            url=url,
        )
    if permanent is PermanentConnectFailure.CERTIFICATE_REJECTED:
        return CertificateError(
            f"{where} could not connect: {permanent.value} ({cause}); it was not sent or retried. "
            "Check the base URL's host, the server's certificate, and the CA bundle (the verify setting).",
            method=method,
            url=url,
        )
    if isinstance(exc, httpx.ConnectError):
        return ConnectError(
            f"{where} could not connect ({cause}); it was not sent. Check the base URL, network, "
            "DNS and proxy settings.",
            method=method,
            url=url,
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(
            f"{where} timed out ({cause}). Raise the timeout (per call or in the settings) or try again later.",
            method=method,
            url=url,
        )
    return TransportError(
        f"{where} failed before a whole, well-formed HTTP answer arrived ({cause}). Try again; report it if it "
        "persists.",
        method=method,
        url=url,
    )


class translate_transport_errors(contextlib.AbstractContextManager[None]):
    """Context manager turning httpx transport errors (and the rest of `TRANSLATED_HTTPX_ERRORS`) into ours
    (``raise ... from exc``).

    Works as ``with`` in sync and async code (and as ``async with``). `SDKError`s pass through unchanged.
    """

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, TRANSLATED_HTTPX_ERRORS):
            raise transport_error(exc) from exc

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class RealtimeError(SDKError):
    """Base of the real-time (WebSocket) client's errors::

    RealtimeError
    ├── RealtimeConnectionError  .attempts  could not (re)connect; the client gave up
    ├── RealtimeAuthError        .code  the server refused the token (never retried)
    ├── RealtimeRequestError     .code .request .channel  the server refused a subscribe/unsubscribe
    ├── RealtimeTimeoutError     an answer (auth_ok, an ack, a pong) did not come in time
    ├── RealtimeQueueFullError   .max_messages .max_bytes  the outbound queue is full
    └── RealtimeClosedError      the client was closed
    """

    default_code = "realtime_error"


class RealtimeConnectionError(RealtimeError):
    """The client could not connect, or gave up reconnecting; the last failure is __cause__."""

    def __init__(self, message: str, *, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class RealtimeAuthError(RealtimeError):
    """The server refused the credential (error `code`, or a 4401 close); the client does not reconnect."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class RealtimeRequestError(RealtimeError):
    """The server answered a `request` (subscribe, unsubscribe) on `channel` with an error `code`."""

    def __init__(self, message: str, *, code: str | None, request: str, channel: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.request = request
        self.channel = channel


class RealtimeTimeoutError(RealtimeError):
    """An expected answer did not arrive in time."""


class RealtimeQueueFullError(RealtimeError):
    """The outbound queue holds `max_messages` messages or `max_bytes` bytes; the message was not queued."""

    def __init__(self, message: str, *, max_messages: int, max_bytes: int) -> None:
        super().__init__(message)
        self.max_messages = max_messages
        self.max_bytes = max_bytes


class RealtimeClosedError(RealtimeError):
    """The real-time client is closed; connect a new one."""


class DownloadError(SDKError):
    """A file download could not complete, and nothing was left behind: not at `path`, no partial file.

    `url` is the download URL with query values redacted (a signed URL's signature never shows).
    Transport failures and error statuses that outlast the download's retries surface as their own
    classes (`TransportError`, `APIStatusError`); this one covers what is wrong with the file itself
    (its size, its checksum, a server that answers ranges inconsistently).
    """

    def __init__(self, message: str, *, url: str, path: str) -> None:
        super().__init__(message)
        self.url = url
        self.path = path


class ChecksumMismatchError(DownloadError):
    """The downloaded bytes hash to `actual`, not to the `expected` SHA-256 (both lowercase hex).

    The file was corrupted in transit or on the server, or the checksum belongs to another file. The
    bytes were discarded; download again, and report it with the URL if it persists.
    """

    def __init__(self, *, url: str, path: str, expected: str, actual: str) -> None:
        super().__init__(
            f"The download from {url} does not match its checksum: expected SHA-256 {expected}, got {actual}. "
            f"Nothing was written to {path}. Download it again; if it fails the same way, the file on the server "
            "or the expected checksum is wrong: report it.",
            url=url,
            path=path,
        )
        self.expected = expected
        self.actual = actual

"""What the outbox holds (value objects) and how a generated call's kwargs become a row and back again.

What is stored: the method, the URL relative to the client's base URL with its query, the call's own
headers, the body bytes exactly as httpx would send them, the content type, the idempotency key, and
the options that can be replayed (timeout, ``follow_redirects``, scalar ``sdk.*`` extensions such as
``sdk.operation_id`` and ``sdk.anonymous``).

What is never stored: ``Authorization``, ``Proxy-Authorization``, ``Cookie``, ``X-Api-Key`` and any header
whose name looks like a credential (`is_secret_name`: token, secret, api-key, ...). The client's own
auth flow and default headers apply at send time, so a replayed request carries a fresh token. A
per-call ``sdk.retry`` override is not replayed (deliveries use the client's retry policy).

A multipart upload (``files``) is rendered once into bytes (its boundary in the stored content type) and
those same bytes are what is sent now and replayed later, so a queued backup upload is the upload that
was made; its size counts against `OutboxPolicy.max_bytes` like any body.

Not deferrable (`ConfigurationError` before anything is sent): per-call ``cookies`` or ``auth``,
streaming bodies (iterators cannot be replayed), and query parameters named like credentials (their
values would be written to disk).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from ..core import httpx
from ..core._defaults import IDEMPOTENCY_KEY_HEADER
from ..core._errors import ConfigurationError
from ..core._redaction import ALWAYS_MASKED_HEADERS, is_secret_name
from ..policies._options import new_idempotency_key

__all__ = [
    "OUTBOX_ID_EXTENSION",
    "DeadLetter",
    "DeadLetterReason",
    "OutboxItem",
    "OutboxStats",
    "Overflow",
    "StoredRequest",
    "replay_kwargs",
    "serialize_request",
]

OUTBOX_ID_EXTENSION: Final = "sdk.outbox_id"
"""Request extension set on every delivery from the outbox: the row's id (hooks and logs may read it)."""

_ACCEPTED_KWARGS = frozenset(
    {"method", "url", "params", "headers", "json", "content", "data", "files", "cookies", "auth", "extensions",
     "timeout", "follow_redirects"}
)  # fmt: skip
_NOT_STORED_HEADERS = frozenset({"content-type", "content-length", "host", "transfer-encoding", "connection"})
_NOT_REPLAYED_EXTENSIONS = frozenset({"sdk.attempt", "sdk.retry", OUTBOX_ID_EXTENSION})


Overflow = Literal["reject", "drop_oldest"]
"""What `OutboxPolicy.overflow` may be."""
DeadLetterReason = Literal["rejected", "overflow"]
"""Why a request became a dead letter: the server refused it (4xx), or it was dropped to make room."""


@attrs.frozen(kw_only=True)
class StoredRequest:
    """A request as written to disk: no credentials (see `serialize_request`)."""

    operation_id: str
    idempotency_key: str
    method: str
    url: str  # the path and query, relative to the client's base URL
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str | None
    options: str  # JSON: timeout, follow_redirects, scalar sdk.* extensions

    @property
    def size_bytes(self) -> int:
        """What the row counts against `OutboxPolicy.max_bytes`."""
        return len(self.body) + len(self.url) + sum(len(k) + len(v) for k, v in self.headers) + len(self.options)


@attrs.frozen(kw_only=True)
class OutboxItem:
    """A queued request as `Outbox.pending` shows it: no headers, no body."""

    outbox_id: int
    operation_id: str
    idempotency_key: str
    method: str
    url: str
    queued_at: float  # epoch seconds
    attempts: int  # delivery attempts made since it was queued
    last_error: str | None
    size_bytes: int


@attrs.frozen(kw_only=True)
class DeadLetter:
    """A request that will not be sent again: the server rejected it (`status_code`), or it overflowed."""

    outbox_id: int
    operation_id: str
    idempotency_key: str
    method: str
    url: str
    queued_at: float
    failed_at: float
    reason: DeadLetterReason
    status_code: int | None
    error: str | None  # the server's answer, secrets masked and truncated
    attempts: int


@attrs.frozen(kw_only=True)
class OutboxStats:
    """Counts: `queued` and `bytes` pending, `delivered` since the file was created, `dead` letters."""

    queued: int
    delivered: int
    dead: int
    bytes: int


@attrs.frozen(kw_only=True)
class QueuedRow:
    """One pending row, as the worker sends it."""

    item: OutboxItem
    request: StoredRequest


def is_credential_header(name: str) -> bool:
    """True for headers that must never reach the disk (the auth flow sets them again at send time)."""
    return name.lower() in ALWAYS_MASKED_HEADERS or is_secret_name(name)


def _not_deferrable(operation_id: str, why: str) -> ConfigurationError:
    return ConfigurationError(
        f"{operation_id} cannot be queued in the outbox: {why}. Send it with deliver='direct' instead.",
        setting="deliver",
    )


def _timeout_option(value: object) -> list[float | None] | None:
    """httpx's ``timeout=`` argument as four JSON numbers (connect, read, write, pool)."""
    if isinstance(value, httpx.Timeout):
        return [value.connect, value.read, value.write, value.pool]
    if isinstance(value, int | float):
        return [float(value)] * 4
    return None


def serialize_request(kwargs: Mapping[str, Any], *, operation_id: str) -> tuple[dict[str, Any], StoredRequest]:
    """The kwargs to send now (with an idempotency key) and the row to store if sending fails.

    Args:
        kwargs: what the generated ``_get_kwargs()`` returned (after `apply_request_options`).
        operation_id: the spec's operationId; also set as ``sdk.operation_id`` when missing.

    Returns:
        ``(send_kwargs, stored)``: a copy of `kwargs` whose headers carry the ``Idempotency-Key`` (the
        caller's, or a fresh uuid4) and the credential-free `StoredRequest` with the same key.

    Raises:
        ConfigurationError: the request cannot be replayed later (see the module docstring).
    """
    unknown = sorted(set(kwargs) - _ACCEPTED_KWARGS)
    if unknown:
        raise _not_deferrable(operation_id, f"the request arguments {unknown} cannot be stored")
    if kwargs.get("cookies") or kwargs.get("auth") is not None:
        raise _not_deferrable(operation_id, "per-call cookies or auth would write credentials to disk")
    headers = httpx.Headers(kwargs.get("headers") or {})
    key = headers.get(IDEMPOTENCY_KEY_HEADER) or new_idempotency_key()
    headers[IDEMPOTENCY_KEY_HEADER] = key
    extensions: dict[str, Any] = dict(kwargs.get("extensions") or {})
    extensions.setdefault("sdk.operation_id", operation_id)
    send = {**kwargs, "headers": headers, "extensions": extensions}

    built = httpx.Request(
        str(kwargs["method"]).upper(),
        kwargs["url"],
        params=kwargs.get("params"),
        headers=headers,
        content=kwargs.get("content"),
        data=kwargs.get("data"),
        files=kwargs.get("files") or None,
        json=kwargs.get("json"),
    )
    if isinstance(built.stream, httpx.ByteStream):
        body = built.content
    elif kwargs.get("files"):
        body = b"".join(built.stream)  # type: ignore[arg-type]  # a multipart stream iterates synchronously
        headers["Content-Type"] = built.headers["content-type"]  # with the boundary the bytes use
        send = {name: value for name, value in send.items() if name not in ("files", "data", "json")}
        send["content"] = body
    else:
        raise _not_deferrable(operation_id, "a streaming body cannot be replayed")
    secret_params = sorted({name for name in built.url.params if is_secret_name(name)})
    if secret_params:
        raise _not_deferrable(operation_id, f"the query parameters {secret_params} look like credentials")

    options: dict[str, Any] = {
        "extensions": {
            name: value
            for name, value in extensions.items()
            if name.startswith("sdk.")
            and name not in _NOT_REPLAYED_EXTENSIONS
            and isinstance(value, str | int | float | bool)
        }
    }
    if "timeout" in kwargs and (kwargs["timeout"] is None or _timeout_option(kwargs["timeout"]) is not None):
        options["timeout"] = _timeout_option(kwargs["timeout"])
    if isinstance(kwargs.get("follow_redirects"), bool):
        options["follow_redirects"] = kwargs["follow_redirects"]
    stored = StoredRequest(
        operation_id=operation_id,
        idempotency_key=key,
        method=built.method,
        url=str(built.url),
        headers=tuple(
            (name, value)
            for name, value in headers.multi_items()
            if name.lower() not in _NOT_STORED_HEADERS
            and name.lower() != IDEMPOTENCY_KEY_HEADER.lower()
            and not is_credential_header(name)
        ),
        body=body,
        content_type=built.headers.get("content-type"),
        options=json.dumps(options, sort_keys=True),
    )
    return send, stored


def replay_kwargs(row: QueuedRow) -> dict[str, Any]:
    """The ``httpx.Client.request`` kwargs that send a stored row again, with its original idempotency key."""
    request = row.request
    options = json.loads(request.options)
    headers = [*request.headers, (IDEMPOTENCY_KEY_HEADER, request.idempotency_key)]
    if request.content_type is not None:
        headers.append(("Content-Type", request.content_type))
    kwargs: dict[str, Any] = {
        "method": request.method,
        "url": request.url,
        "headers": headers,
        "content": request.body,
        "extensions": {**options.get("extensions", {}), OUTBOX_ID_EXTENSION: row.item.outbox_id},
    }
    if "timeout" in options:
        timeout = options["timeout"]
        kwargs["timeout"] = None if timeout is None else httpx.Timeout(
            connect=timeout[0], read=timeout[1], write=timeout[2], pool=timeout[3]
        )  # fmt: skip
    if "follow_redirects" in options:
        kwargs["follow_redirects"] = options["follow_redirects"]
    return kwargs

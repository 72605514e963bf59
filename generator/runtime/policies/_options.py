"""Per-call options: what one call may override, and how it travels to the transports.

The generated operation functions take ``options: RequestOptions | None`` and do::

    extensions, headers = request_extensions("createPet", options, idempotent=True)
    client.request(..., headers=headers, extensions=extensions, timeout=options.httpx_timeout())

The timeout goes through httpx's own ``timeout=`` argument (httpx owns ``extensions["timeout"]``);
the retry override travels as ``extensions["sdk.retry"]``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..core import httpx
from ..core._defaults import ANONYMOUS_EXTENSION, DEADLINE_EXTENSION, IDEMPOTENCY_KEY_HEADER
from ..core._http import UseClientDefault, is_client_default
from ..core._unset import UNSET, Unset
from ..policies._retry_policy import RETRY_DISABLED, RetryDisabled, RetryPolicy
from ._timeouts import Timeouts

__all__ = ["UNSET", "RequestOptions", "Unset", "merge_options", "new_idempotency_key", "request_extensions"]


def _frozen_headers(value: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy, so a shared RequestOptions never changes under a call."""
    if not isinstance(value, Mapping):
        raise TypeError(f"headers must be a mapping of str to str, not {type(value).__name__}")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TypeError("headers must map str to str")
    return MappingProxyType(dict(value))


def _check_timeout(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a float must be a positive number of seconds."""
    if isinstance(value, bool) or (isinstance(value, int | float) and (not math.isfinite(value) or value <= 0)):
        raise ValueError(f"timeout must be seconds > 0, a Timeouts, None or UNSET, not {value!r}")


def _check_retry(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a RetryPolicy, None (send once) or UNSET; `retry=3` is a TypeError, not ignored."""
    if value is not None and value is not UNSET and not isinstance(value, RetryPolicy):
        raise TypeError(f"retry must be a RetryPolicy, None or UNSET, not {type(value).__name__} ({value!r})")


def _check_deadline(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: seconds > 0, None or UNSET."""
    if value is None or value is UNSET:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"deadline_s must be seconds > 0, None or UNSET, not {value!r}")


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Overrides for one call; every field defaults to "keep the client's setting".

    Attributes:
        timeout: a `Timeouts`, seconds for every phase, None for no timeout at all, or UNSET.
        deadline_s: total seconds for this call, retries and backoff sleeps included (`_deadline.py`);
            None for no deadline, UNSET for the client's ``deadline_s`` (`DEFAULT_DEADLINE_S`).
        retry: a `RetryPolicy` for this call, None to send it exactly once, or UNSET.
        idempotency_key: the ``Idempotency-Key`` to send (a fresh uuid4 when the operation takes one and
            this is None); the same key is sent on every retry.
        headers: extra headers for this call.
    """

    timeout: Timeouts | float | Unset | None = attrs.field(default=UNSET, validator=_check_timeout)
    deadline_s: float | Unset | None = attrs.field(default=UNSET, validator=_check_deadline)
    retry: RetryPolicy | Unset | None = attrs.field(default=UNSET, validator=_check_retry)
    idempotency_key: str | None = attrs.field(default=None)
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_headers, hash=False)

    @idempotency_key.validator
    def _check_key(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError("idempotency_key must be a non-empty str or None")

    def httpx_timeout(self) -> httpx.Timeout | UseClientDefault | None:
        """The value for httpx's ``timeout=`` argument (`httpx.USE_CLIENT_DEFAULT` when UNSET)."""
        if self.timeout is UNSET:
            return httpx.USE_CLIENT_DEFAULT
        if self.timeout is None:
            return None
        if isinstance(self.timeout, Timeouts):
            return self.timeout.to_httpx()
        return Timeouts.uniform(self.timeout).to_httpx()


_NO_OPTIONS = RequestOptions()
"""What a call without options uses: frozen, so one instance serves every call."""


def merge_options(default: RequestOptions | None, call: RequestOptions | None) -> RequestOptions | None:
    """A call's options over a derived client's (``client.with_options(...)``): each field the call sets
    wins, the rest come from the client; headers are merged, the call's winning per name.

    Raises:
        TypeError: `call` is not a RequestOptions (a dict, say): the message names ``request_options``.
    """
    if call is not None and not isinstance(call, RequestOptions):
        raise TypeError(f"request_options must be a RequestOptions or None, not {type(call).__name__}")
    if default is None or call is None:
        return call or default
    return RequestOptions(
        timeout=default.timeout if call.timeout is UNSET else call.timeout,
        deadline_s=default.deadline_s if call.deadline_s is UNSET else call.deadline_s,
        retry=default.retry if call.retry is UNSET else call.retry,
        idempotency_key=call.idempotency_key or default.idempotency_key,
        headers={**default.headers, **call.headers},
    )


def new_idempotency_key() -> str:
    """A fresh random key (uuid4) for the ``Idempotency-Key`` header."""
    return str(uuid.uuid4())


def request_extensions(
    operation_id: str, options: RequestOptions | None, *, idempotent: bool
) -> tuple[dict[str, object], dict[str, str]]:
    """The httpx ``extensions`` and extra ``headers`` for one call.

    Args:
        operation_id: the spec's operationId, read by hooks and logging (``sdk.operation_id``).
        options: the caller's overrides, or None.
        idempotent: the operation accepts an ``Idempotency-Key``: send the caller's key or a fresh one.
            A caller's key is sent even when this is False (the caller asked for it).

    Returns:
        ``(extensions, headers)``: extensions carry ``sdk.operation_id`` and, if overridden, ``sdk.retry``
        (a `RetryPolicy` or `RETRY_DISABLED`) and ``sdk.deadline_s``; headers hold the options' headers
        and the idempotency key.
    """
    options = options or _NO_OPTIONS
    extensions: dict[str, object] = {"sdk.operation_id": operation_id}
    retry: RetryPolicy | RetryDisabled | None = None
    if options.retry is None:
        retry = RETRY_DISABLED
    elif isinstance(options.retry, RetryPolicy):
        retry = options.retry
    if retry is not None:
        extensions["sdk.retry"] = retry
    if options.deadline_s is not UNSET:
        extensions[DEADLINE_EXTENSION] = options.deadline_s
    headers = dict(options.headers)
    if options.idempotency_key is not None:
        headers[IDEMPOTENCY_KEY_HEADER] = options.idempotency_key
    elif idempotent:
        headers[IDEMPOTENCY_KEY_HEADER] = new_idempotency_key()
    return extensions, headers


_KEY_LOWER: Final = IDEMPOTENCY_KEY_HEADER.lower()


def _has_own_key(headers: Mapping[str, str]) -> bool:
    """Whether the operation's own header arguments hold the idempotency key: a key the caller passed as
    that header parameter counts as the caller's key (asked only where a key is in question)."""
    return bool(headers) and any(name.lower() == _KEY_LOWER for name in headers)


def apply_request_options(
    kwargs: dict[str, Any],
    *,
    operation_id: str,
    options: RequestOptions | None,
    sends_idempotency_key: bool,
    requires_auth: bool = True,
) -> dict[str, Any]:
    """Fold one call's options into the keyword arguments for ``httpx.Client.request``.

    Sets the ``extensions`` (operation id, per-call retry), merges the options' headers and the
    idempotency key over the operation's own headers, and sets ``timeout`` when the call overrides it
    (httpx reads timeouts from its own argument, not from extensions). The idempotency key is, in order:
    ``options.idempotency_key``, the operation's own ``Idempotency-Key`` header argument, a fresh uuid4.
    """
    if options is not None and not isinstance(options, RequestOptions):
        raise TypeError(f"request_options must be a RequestOptions or None, not {type(options).__name__}")
    existing = kwargs.get("headers", {})
    if options is None:  # the common call: no overrides, so no timeout, retry or extra headers to fold in
        extensions: dict[str, object] = {"sdk.operation_id": operation_id}
        if not requires_auth:
            extensions[ANONYMOUS_EXTENSION] = True
        kwargs["extensions"] = extensions
        if sends_idempotency_key and not _has_own_key(existing):
            kwargs["headers"] = {**existing, IDEMPOTENCY_KEY_HEADER: new_idempotency_key()}
        return kwargs
    own_key_wins = _has_own_key(existing) and options.idempotency_key is None
    extensions, headers = request_extensions(
        operation_id, options, idempotent=sends_idempotency_key and not own_key_wins
    )
    if not requires_auth:
        extensions[ANONYMOUS_EXTENSION] = True
    kwargs["extensions"] = extensions
    if headers:
        kwargs["headers"] = {**existing, **headers}
    timeout = options.httpx_timeout()
    if not is_client_default(timeout):
        kwargs["timeout"] = timeout
    return kwargs

"""The `Token` value and the `TokenProvider` protocol that `TokenRefreshAuth` drives.

A provider is the only place that knows how a credential is obtained (a login operation, an OAuth2
token endpoint, a fixed key). It performs its HTTP through the plain `httpx.Client` /
`httpx.AsyncClient` handed to it at call time, never through the authenticated client, so a token call
can never trigger another token call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import attrs

from ..core import httpx
from ..core._defaults import DEFAULT_TOKEN_TYPE, REFRESH_LIFETIME_FRACTION
from ..core._errors import TokenRefreshError
from ..core._secret import Secret

__all__ = ["Token", "TokenProvider", "token_from_payload"]


def _normalise_type(value: str) -> str:
    """RFC 6750 servers often answer ``bearer``; the header conventionally says ``Bearer``."""
    return DEFAULT_TOKEN_TYPE if value.lower() == "bearer" else value


@attrs.frozen(kw_only=True)
class Token:
    """An access credential. Secrets show as masked `Secret` values in `repr`.

    Attributes:
        access_token: the value sent in ``Authorization: <token_type> <access_token>``.
        refresh_token: used by providers that can refresh; None when there is none.
        expires_at: epoch seconds after which the server rejects it; None means it never expires.
        issued_at: epoch seconds it was obtained (None when unknown); with `expires_at` it gives the
            lifetime that scales the renewal margin (`renewal_due`).
        token_type: the scheme word; OAuth2's lowercase ``bearer`` is normalised to ``Bearer``.
    """

    access_token: Secret = attrs.field(validator=attrs.validators.instance_of(Secret))
    refresh_token: Secret | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Secret))
    )
    expires_at: float | None = None
    issued_at: float | None = None
    token_type: str = attrs.field(default=DEFAULT_TOKEN_TYPE, converter=_normalise_type)

    def authorization(self) -> str:
        """The ``Authorization`` header value; reveals the secret, so call it only to send it."""
        return f"{self.token_type} {self.access_token.reveal()}"

    def expires_within(self, margin_s: float, *, now: float) -> bool:
        """True when it expires less than `margin_s` seconds after `now` (never, if `expires_at` is None)."""
        return self.expires_at is not None and now >= self.expires_at - margin_s

    def renewal_margin_s(self, max_margin_s: float) -> float:
        """How long before expiry it is renewed: ``min(max_margin_s, REFRESH_LIFETIME_FRACTION * lifetime)``.

        Without a known lifetime (no `issued_at`, e.g. a token stored by an older SDK) it is `max_margin_s`.
        """
        if self.expires_at is None or self.issued_at is None:
            return max_margin_s
        lifetime_s = max(0.0, self.expires_at - self.issued_at)
        return min(max_margin_s, REFRESH_LIFETIME_FRACTION * lifetime_s)

    def renewal_due(self, max_margin_s: float, *, now: float) -> bool:
        """True once `now` is within `renewal_margin_s(max_margin_s)` of expiry (never, without `expires_at`)."""
        return self.expires_within(self.renewal_margin_s(max_margin_s), now=now)

    def is_expired(self, *, now: float) -> bool:
        """True once `expires_at` has passed."""
        return self.expires_within(0.0, now=now)


class TokenProvider(Protocol):
    """How a credential is obtained and renewed. Every method raises `TokenRefreshError` on failure.

    `now` is the epoch time (from the auth's clock) when the call starts; a relative ``expires_in`` is
    counted from it. `refresh` returns None when this provider cannot produce a new token (a fixed
    key), which makes a 401 final.
    """

    def fetch(self, client: httpx.Client, *, now: float) -> Token:
        """Obtain a first token."""
        ...

    def refresh(self, client: httpx.Client, token: Token, *, now: float) -> Token | None:
        """Obtain a new token to replace `token` (expired or rejected)."""
        ...

    async def async_fetch(self, client: httpx.AsyncClient, *, now: float) -> Token:
        """`fetch`, over an async client."""
        ...

    async def async_refresh(self, client: httpx.AsyncClient, token: Token, *, now: float) -> Token | None:
        """`refresh`, over an async client."""
        ...


def _lookup(payload: Mapping[str, object], field: str) -> object:
    """A field by name, or by dotted path into nested objects (``data.access_token``)."""
    if field in payload:
        return payload[field]
    value: object = payload
    for part in field.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def token_from_payload(
    payload: object,
    *,
    now: float,
    source: str,
    access_token_field: str = "access_token",
    refresh_token_field: str = "refresh_token",
    expires_in_field: str = "expires_in",
    previous_refresh_token: Secret | None = None,
) -> Token:
    """Build a `Token` from a token endpoint's JSON answer.

    Args:
        payload: the decoded JSON body.
        now: epoch seconds the call started; ``expires_at = now + expires_in``.
        source: names the call in error messages (``POST /auth/login``), never a secret.
        access_token_field, refresh_token_field, expires_in_field: field names (dotted paths allowed).
        previous_refresh_token: kept when the answer carries no new refresh token.

    Raises:
        TokenRefreshError: the body is not an object, or lacks a string access token.
    """
    if not isinstance(payload, Mapping):
        raise TokenRefreshError(
            f"{source} answered with a body that is not a JSON object, so no token could be read. "
            "Check that the SDK's base URL points at the API."
        )
    access = _lookup(payload, access_token_field)
    if not isinstance(access, str) or not access:
        raise TokenRefreshError(
            f"{source} answered without a string field {access_token_field!r}, so no token could be read. "
            "The auth configuration (field names) may not match the server; report this to the SDK "
            "maintainers."
        )
    refresh = _lookup(payload, refresh_token_field)
    expires_in = _lookup(payload, expires_in_field)
    token_type = _lookup(payload, "token_type")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        expires_at = now + float(expires_in)
    elif isinstance(expires_in, str):
        try:
            expires_at = now + float(expires_in)
        except ValueError:
            expires_at = None
    return Token(
        access_token=Secret(access),
        refresh_token=Secret(refresh) if isinstance(refresh, str) and refresh else previous_refresh_token,
        expires_at=expires_at,
        issued_at=now,
        token_type=token_type if isinstance(token_type, str) and token_type else DEFAULT_TOKEN_TYPE,
    )

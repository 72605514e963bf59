"""`KeySchemeAuth`: API keys (in a header, the query or a cookie) and HTTP basic, as each operation's security asks.

The spec's `securitySchemes` of ``type: apiKey`` and ``type: http, scheme: basic`` become `KeyScheme`s, and
each operation's `security` (or the document's) a tuple of alternatives, each a tuple of scheme names that
must all be sent together. Per request, the first alternative whose schemes are all key schemes and whose
credentials the client has (`api_key`; `username` and `password`) is applied:

- ``apiKey`` in ``header``: that header; in ``query``: that query parameter; in ``cookie``: that cookie;
- ``basic``: ``Authorization: Basic base64(username:password)``.

Alternatives are taken in the spec's order: an empty one (``{}``, or ``security: []``) sends nothing, and
one naming another scheme (bearer, OAuth2) is left to `inner`, the token auth, so a spec mixing both works
per operation. The values are `Secret`s until they are put on the
request; the header, query and cookie names are credentials for the redaction policy (they come from the
spec's `securitySchemes`, see `secret_fields` in the generator), so logs and errors show them masked.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator, Generator, Mapping
from typing import Literal

import attrs

from ..core import httpx
from ..core._defaults import ANONYMOUS_EXTENSION
from ..core._lazy_request import set_header
from ..core._secret import Secret

__all__ = ["KeyScheme", "KeySchemeAuth", "Requirement"]

Requirement = tuple[tuple[str, ...], ...]
"""An operation's security: alternatives, each the scheme names sent together (``()`` inside: none needed)."""


@attrs.frozen(kw_only=True)
class KeyScheme:
    """One ``apiKey`` or HTTP ``basic`` security scheme of the spec."""

    name: str  # the scheme's name in securitySchemes
    kind: Literal["apiKey", "basic"]
    location: Literal["header", "query", "cookie"] | None = None  # apiKey only
    parameter: str | None = None  # apiKey only: the header, query parameter or cookie name


class KeySchemeAuth(httpx.Auth):
    """Applies the key schemes an operation's security asks for; delegates the rest to `inner`.

    Args:
        schemes: the spec's key schemes by name.
        security: operationId → its `Requirement`; operations not listed use `default`.
        default: the document's `security`.
        api_key: the key for every ``apiKey`` scheme, or None.
        username, password: HTTP basic credentials, or None.
        inner: the token auth (`TokenRefreshAuth`) for bearer and OAuth2 alternatives, or None.
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        schemes: Mapping[str, KeyScheme],
        security: Mapping[str, Requirement],
        default: Requirement,
        *,
        api_key: Secret | None = None,
        username: str | None = None,
        password: Secret | None = None,
        inner: httpx.Auth | None = None,
    ) -> None:
        self._schemes = dict(schemes)
        self._security = dict(security)
        self._default = default
        self._api_key = api_key
        self._basic = (username, password) if username is not None and password is not None else None
        self._inner = inner

    def _can_send(self, scheme: KeyScheme) -> bool:
        return self._api_key is not None if scheme.kind == "apiKey" else self._basic is not None

    def choose(self, request: httpx.Request) -> tuple[KeyScheme, ...] | None:
        """The key schemes to apply (``()``: send nothing), or None to leave the request to `inner`.

        Alternatives are taken in the spec's order: an empty one (``{}``) sends nothing, one of key schemes
        is taken when the client holds their credentials, and one naming another scheme (bearer, OAuth2)
        goes to `inner` when there is one, so a token configured for an earlier alternative wins.
        """
        if request.extensions.get(ANONYMOUS_EXTENSION):
            return ()
        operation_id = request.extensions.get("sdk.operation_id")
        requirement = self._default
        if isinstance(operation_id, str):
            requirement = self._security.get(operation_id, self._default)
        for alternative in requirement:
            if not alternative:
                return ()
            schemes = [self._schemes.get(name) for name in alternative]
            keys = [scheme for scheme in schemes if scheme is not None]
            if len(keys) == len(schemes):
                if all(self._can_send(scheme) for scheme in keys):
                    return tuple(keys)
            elif self._inner is not None:
                return None
        return None

    def _apply(self, request: httpx.Request, schemes: tuple[KeyScheme, ...]) -> None:
        cookies = []
        for scheme in schemes:
            if scheme.kind == "basic" and self._basic is not None:
                username, password = self._basic
                pair = f"{username}:{password.reveal()}".encode()
                set_header(request, "Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
            elif self._api_key is not None and scheme.parameter is not None:
                key = self._api_key.reveal()
                if scheme.location == "query":
                    request.url = request.url.copy_merge_params({scheme.parameter: key})
                elif scheme.location == "cookie":
                    cookies.append(f"{scheme.parameter}={key}")
                else:
                    set_header(request, scheme.parameter, key)
        if cookies:
            existing = request.headers.get("Cookie")
            request.headers["Cookie"] = "; ".join([existing, *cookies] if existing else cookies)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        schemes = self.choose(request)
        if schemes is None and self._inner is not None:
            yield from self._inner.sync_auth_flow(request)
            return
        self._apply(request, schemes or ())
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        schemes = self.choose(request)
        if schemes is None and self._inner is not None:
            flow = self._inner.async_auth_flow(request)
            step = await flow.__anext__()
            while True:
                response = yield step
                try:
                    step = await flow.asend(response)
                except StopAsyncIteration:
                    return
        self._apply(request, schemes or ())
        yield request

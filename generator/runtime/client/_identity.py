"""How a generated SDK describes itself to the runtime (`SdkIdentity`, `AuthSpec`), apart from the connection
that uses it: a generated client builds its identity when imported, and importing it should load no pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ..auth._key_auth import KeyScheme, Requirement

__all__ = ["AuthKind", "AuthSpec", "SdkIdentity"]

AuthKind = Literal["none", "bearer", "login", "client_credentials"]


@attrs.frozen(kw_only=True)
class AuthSpec:
    """How the spec says clients authenticate.

    `login_path`/`refresh_path` are the operations marked ``x-sdk-auth: login|refresh``; `token_url` is
    ``securitySchemes.*.flows.clientCredentials.tokenUrl``.
    """

    kind: AuthKind = "none"
    login_path: str | None = None
    refresh_path: str | None = None
    token_url: str | None = None
    scopes: tuple[str, ...] = ()
    token_root: str | None = None  # login/refresh answers wrap the token here (an envelope's data field)
    key_schemes: tuple[KeyScheme, ...] = ()  # apiKey and HTTP basic schemes (auth/_key_auth.py)
    security: Mapping[str, Requirement] = attrs.field(factory=dict)  # operationId -> its security
    default_security: Requirement = ()  # the document's security


@attrs.frozen(kw_only=True)
class SdkIdentity:
    """One generated SDK, as its clients describe themselves to the runtime."""

    package: str  # also the logger name
    env_prefix: str
    user_agent: str
    auth: AuthSpec
    health_path: str | None = None  # the operation marked x-sdk-health: the outbox probes it
    health_operation_id: str = "probe"
    defaults: Mapping[str, Any] = attrs.field(factory=dict)  # the spec's info.x-sdk-defaults
    api_versions: tuple[str, ...] = ()  # the versions the SDK's specs describe (empty: no check)
    secret_fields: tuple[str, ...] = ()  # fields the spec marks format: password or writeOnly: masked like tokens

"""Client settings: the `ClientSettings` value object and `load_settings`, which layers its sources.

Precedence, highest first: explicit arguments > environment (``<PREFIX>_*``) > TOML config file >
`defaults` (from the spec, via the generated code) > the runtime's defaults (`_defaults.py`).

=================  ========================  =====================================================
setting            environment               meaning
=================  ========================  =====================================================
base_url           ``<PREFIX>_BASE_URL``     http(s) URL the operation paths are joined to (required)
api_token          ``<PREFIX>_API_TOKEN``    bearer token (a `Secret`)
timeout_s          ``<PREFIX>_TIMEOUT_S``    seconds for every phase (``Timeouts.uniform``)
timeout            (TOML, explicit)          seconds for every phase, or a ``(connect, read)`` pair
api_version        ``<PREFIX>_API_VERSION``  the server's API version (one the SDK's specs describe)
max_retries        ``<PREFIX>_MAX_RETRIES``  retries after the first attempt; 0 switches retries off
log_level          ``<PREFIX>_LOG``          debug, info, warning, error, critical, or off (silenced)
client_id          ``<PREFIX>_CLIENT_ID``    OAuth2 client id
client_secret      ``<PREFIX>_CLIENT_SECRET``  OAuth2 client secret (a `Secret`)
api_key            ``<PREFIX>_API_KEY``      the key for the spec's ``apiKey`` schemes (a `Secret`)
username           ``<PREFIX>_USERNAME``     HTTP basic user name
password           ``<PREFIX>_PASSWORD``     HTTP basic password (a `Secret`)
verify             ``<PREFIX>_VERIFY``       true, false, or a CA bundle path
cache              ``<PREFIX>_CACHE``        true/false: the conditional-GET cache
validate_responses ``<PREFIX>_VALIDATE_RESPONSES``  true/false: check success bodies against the spec (default true)
user_agent         ``<PREFIX>_USER_AGENT``   the User-Agent header
deadline_s         ``<PREFIX>_DEADLINE_S``   total seconds per call, retries and sleeps included (None: none)
max_response_bytes ``<PREFIX>_MAX_RESPONSE_BYTES``  largest in-memory body, decompressed too (None: none)
headers            (TOML table, explicit)    default headers
credentials        (TOML table, explicit)    named secrets for login providers
timeouts, pool,    (explicit only)           `Timeouts`, `PoolLimits`, `RetryPolicy` | None,
retry, circuit                               `CircuitBreaker` | None
=================  ========================  =====================================================

The config file is `toml_path`, else ``<PREFIX>_CONFIG_FILE``; none is read otherwise. If it has a
``[<prefix in lower case>]`` table, only that table is read (the file may hold other tools' tables);
otherwise its top-level keys are. Keys are the setting names above; an unknown key is an error.

In `explicit`, a value of `UNSET` means "not given". None is a value: it switches off `retry` and
`circuit`, clears `api_token`, `client_id` and `client_secret`, and for `log_level` means "the SDK does
not configure logging" (the default: the application's logging setup applies, nothing is added).
A level name makes the factory configure the SDK's logger (level plus a stderr handler); ``off``
silences it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ..core._defaults import DEFAULT_DEADLINE_S, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT
from ..core._env import environment
from ..core._errors import ConfigurationError
from ..core._redaction import mask_userinfo
from ..core._secret import Secret
from ..policies._circuit_breaker import CircuitBreaker
from ..policies._rate_limit import RateLimit
from ..policies._retry_policy import RetryPolicy
from ._options import UNSET
from ._pool import PoolLimits
from ._setting_values import PARSERS, Given, check_base_url, check_log_level
from ._timeouts import Timeouts, positive_seconds

__all__ = ["ClientSettings", "load_settings"]

_ENV_SUFFIXES = {
    "BASE_URL": "base_url",
    "API_TOKEN": "api_token",
    "TIMEOUT_S": "timeout_s",
    "MAX_RETRIES": "max_retries",
    "LOG": "log_level",
    "CLIENT_ID": "client_id",
    "CLIENT_SECRET": "client_secret",
    "API_KEY": "api_key",
    "USERNAME": "username",
    "PASSWORD": "password",
    "VERIFY": "verify",
    "CACHE": "cache",
    "VALIDATE_RESPONSES": "validate_responses",
    "USER_AGENT": "user_agent",
    "API_VERSION": "api_version",
    "DEADLINE_S": "deadline_s",
    "MAX_RESPONSE_BYTES": "max_response_bytes",
}
_EXPLICIT_ONLY = frozenset({"timeouts", "pool", "retry", "circuit", "rate_limit"})


def _header_names(headers: Mapping[str, str]) -> str:
    """Header values may be credentials: repr shows the names only."""
    return "{" + ", ".join(f"{name!r}: ..." for name in headers) + "}"


def _masked_url(url: str) -> str:
    """A base URL may carry ``user:password@``: repr shows it masked."""
    return repr(mask_userinfo(url))


def _positive_bytes(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a whole number of bytes > 0, or None (no limit)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise ValueError(f"{attribute.name} must be a whole number of bytes > 0 or None, not {value!r}")


def _freeze(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class ClientSettings:
    """Everything one SDK client is built from. Secrets are `Secret`s, so they never show in repr."""

    base_url: str = attrs.field(validator=lambda _i, _a, value: check_base_url(value), repr=_masked_url)
    timeouts: Timeouts = attrs.Factory(Timeouts)
    pool: PoolLimits = attrs.Factory(PoolLimits)
    retry: RetryPolicy | None = attrs.Factory(RetryPolicy)
    circuit: CircuitBreaker | None = None
    rate_limit: RateLimit | None = None  # client-side token bucket (opt-in); None sends as fast as asked
    cache: bool = False
    validate_responses: bool = True  # success bodies are checked against the spec's schemas (_response_schemas.py)
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze, repr=_header_names)
    verify: bool | str = True
    user_agent: str = DEFAULT_USER_AGENT
    log_level: str | None = attrs.field(default=None, validator=lambda _i, _a, value: check_log_level(value))
    api_token: Secret | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    credentials: Mapping[str, Secret] = attrs.field(factory=dict, converter=_freeze)
    api_key: Secret | None = None  # apiKey schemes (header, query or cookie): _key_auth.py
    username: str | None = None  # HTTP basic
    password: Secret | None = None
    api_version: str | None = None  # the server's API version; None: the newest the SDK describes
    deadline_s: float | None = attrs.field(default=DEFAULT_DEADLINE_S, validator=positive_seconds)
    max_response_bytes: int | None = attrs.field(default=DEFAULT_MAX_RESPONSE_BYTES, validator=_positive_bytes)


def _toml_layer(path: Path, origin_hint: str, prefix: str) -> list[Given]:
    """The settings a TOML file gives: its ``[<prefix>]`` table, or its top-level keys."""
    origin = f"the config file {path}{origin_hint}"
    import tomllib  # only when a config file is given: most clients never read one

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"{origin} does not exist", setting="config_file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{origin} cannot be read as TOML: {exc}", setting="config_file") from exc
    table = data.get(prefix.lower())
    if isinstance(table, dict):
        data, origin = table, f"{origin} ([{prefix.lower()}] table)"
    given = []
    for key, value in data.items():
        if key not in PARSERS or key in _EXPLICIT_ONLY:
            known = ", ".join(sorted(set(PARSERS) - _EXPLICIT_ONLY))
            raise ConfigurationError(
                f"{origin} has an unknown setting {key!r}; known: {known}",
                setting=key,
            )
        given.append(Given(key=key, value=value, label=key, origin=origin))
    return given


def _env_layer(prefix: str, environ: Mapping[str, str]) -> list[Given]:
    """The settings the environment gives (empty variables count as unset)."""
    given = []
    for suffix, key in _ENV_SUFFIXES.items():
        name = f"{prefix}_{suffix}"
        value = environ.get(name)
        if value is not None and value.strip():
            given.append(Given(key=key, value=value, label=name, origin="the environment"))
    return given


def _explicit_layer(explicit: Mapping[str, object]) -> list[Given]:
    """The settings passed as arguments; UNSET means not given."""
    given = []
    for key, value in explicit.items():
        if key not in PARSERS:
            raise ConfigurationError(
                f"unknown setting {key!r}; known: {', '.join(sorted(PARSERS))}",
                setting=key,
            )
        if value is not UNSET:
            given.append(Given(key=key, value=value, label=key, origin="the arguments"))
    keys = {item.key for item in given}
    for group in (("timeouts", "timeout_s", "timeout"), ("retry", "max_retries")):
        both = [key for key in group if key in keys]
        if len(both) > 1:
            raise ConfigurationError(f"pass {' or '.join(both)}, not both", setting=both[0])
    return given


def load_settings(
    env_prefix: str,
    explicit: Mapping[str, object],
    *,
    toml_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    defaults: ClientSettings | Mapping[str, Any] | None = None,
) -> ClientSettings:
    """Build `ClientSettings` from explicit arguments, the environment, a TOML file and defaults.

    Args:
        env_prefix: upper-case prefix of the environment variables, e.g. ``ACME``.
        explicit: settings passed by the caller (see the module docstring for keys; UNSET = not given).
        toml_path: the config file; when None, ``<PREFIX>_CONFIG_FILE`` may name one.
        environ: the environment (default: the process environment, from `core/_env.py`).
        defaults: the SDK's defaults (a `ClientSettings`, or field values such as the spec's
            ``x-sdk-defaults`` retry policy and circuit breaker), below every other layer.

    Raises:
        ConfigurationError: a setting is missing or malformed; the message names the setting and where
            it came from, never a secret's value.
    """
    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", env_prefix):
        raise ConfigurationError(f"env_prefix {env_prefix!r} must be upper-case letters, digits and _")
    environ = environment() if environ is None else environ
    layers: list[list[Given]] = []
    if toml_path is not None:
        layers.append(_toml_layer(Path(toml_path), "", env_prefix))
    elif config_file := environ.get(f"{env_prefix}_CONFIG_FILE", "").strip():
        layers.append(_toml_layer(Path(config_file), f" (from {env_prefix}_CONFIG_FILE)", env_prefix))
    layers.append(_env_layer(env_prefix, environ))
    layers.append(_explicit_layer(explicit))

    if isinstance(defaults, ClientSettings):
        fields: dict[str, Any] = attrs.asdict(defaults, recurse=False)
    else:  # an SDK's own defaults (from its spec), as ClientSettings field values
        fields = dict(defaults or {})
    for layer in layers:  # lowest precedence first, so later layers overwrite
        for item in layer:
            field, parse = PARSERS[item.key]
            fields[field] = parse(item, fields.get(field))
    if "base_url" not in fields:
        raise ConfigurationError(
            f"base_url is not set: pass base_url=..., set {env_prefix}_BASE_URL, or put base_url in the config file.",
            setting="base_url",
        )
    return ClientSettings(**fields)

"""The real-time protocol as a value object: `RealtimeProtocol`, parsed from an AsyncAPI ``x-ws-protocol``.

The AsyncAPI document describes its WebSocket protocol with one extension under ``info`` (frames are
JSON objects whose `discriminator` field names their kind)::

    x-ws-protocol:
      discriminator: type
      channel_field: channel
      auth:        {send: auth, token_field: token, ok: auth_ok}
      subscribe:   {send: subscribe, ok: subscribed}
      unsubscribe: {send: unsubscribe, ok: unsubscribed}
      ping:        {send: ping, reply: pong, interval_s: 30, timeout_s: 10}
      error:       {kind: error, code_field: code, message_field: message, auth_failed_code: auth_failed}
      reconnect:   {initial_delay_s: 5, max_delay_s: 60, max_attempts: 10}

plus an optional ``ack: {kind: ack, id_field: id}`` (how the server acknowledges client messages) and
an optional ``payload_field: data``: frames then carry every field but the discriminator inside that
object (``{"event": "subscribe", "data": {"channel": "batches"}}``); without it they sit beside it.
A missing section takes the defaults shown; ``auth: null`` means no auth frame, ``ping: null`` no
heartbeat, ``max_attempts: null`` unlimited reconnection attempts. Unknown keys are ignored so a newer
document still loads. The reconnect waits come from the pure `reconnect_delay_s` / `backoff_delays`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import attrs

from ..core._defaults import (
    DEFAULT_HEARTBEAT_INTERVAL_S,
    DEFAULT_HEARTBEAT_TIMEOUT_S,
    DEFAULT_RECONNECT_INITIAL_DELAY_S,
    DEFAULT_RECONNECT_MAX_ATTEMPTS,
    DEFAULT_RECONNECT_MAX_DELAY_S,
    DEFAULT_RECONNECT_MAX_JITTER_S,
)
from ..core._errors import ConfigurationError

__all__ = [
    "DEFAULT_HEARTBEAT_INTERVAL_S",
    "DEFAULT_HEARTBEAT_TIMEOUT_S",
    "DEFAULT_RECONNECT_INITIAL_DELAY_S",
    "DEFAULT_RECONNECT_MAX_ATTEMPTS",
    "DEFAULT_RECONNECT_MAX_DELAY_S",
    "DEFAULT_RECONNECT_MAX_JITTER_S",
    "AckShape",
    "AuthExchange",
    "ErrorShape",
    "HeartbeatPolicy",
    "RealtimeProtocol",
    "ReconnectPolicy",
    "RequestExchange",
    "backoff_delays",
    "realtime_url",
    "reconnect_delay_s",
    "stream_url",
]

RECONNECT_BACKOFF_FACTOR: Final = 2.0

_SETTING = "x-ws-protocol"


def _name(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a message kind or field name is a non-empty string."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string, not {value!r}")


def _optional_name(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a non-empty string, or None (not used)."""
    if value is not None:
        _name(instance, attribute, value)


def _seconds(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a finite number of seconds >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a number of seconds >= 0, not {value!r}")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a finite number of seconds > 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{attribute.name} must be a number of seconds > 0, not {value!r}")


def _positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: seconds > 0, or None (switched off)."""
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0
    ):
        raise ValueError(f"{attribute.name} must be a number of seconds > 0 or None, not {value!r}")


def _attempts(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: an int >= 1, or None (unlimited)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{attribute.name} must be an int >= 1 or None (unlimited), not {value!r}")


@attrs.frozen(kw_only=True)
class AuthExchange:
    """The first frame after connecting: ``{discriminator: send, token_field: <token>}``, answered by `ok`."""

    send: str = attrs.field(default="auth", validator=_name)
    token_field: str = attrs.field(default="token", validator=_name)
    ok: str = attrs.field(default="auth_ok", validator=_name)


@attrs.frozen(kw_only=True)
class RequestExchange:
    """A request naming a channel (`send`) and the kind that acknowledges it (`ok`)."""

    send: str = attrs.field(validator=_name)
    ok: str = attrs.field(validator=_name)


@attrs.frozen(kw_only=True)
class ErrorShape:
    """How the server reports an error; `auth_failed_code` marks a refused token (fatal)."""

    kind: str = attrs.field(default="error", validator=_name)
    code_field: str = attrs.field(default="code", validator=_name)
    message_field: str = attrs.field(default="message", validator=_name)
    auth_failed_code: str = attrs.field(default="auth_failed", validator=_name)


@attrs.frozen(kw_only=True)
class AckShape:
    """How the server acknowledges a client message: ``{discriminator: kind, id_field: <the message's id>}``.

    Every client message carries a string `id_field` (a uuid4 when the caller gave none).
    """

    kind: str = attrs.field(default="ack", validator=_name)
    id_field: str = attrs.field(default="id", validator=_name)


@attrs.frozen(kw_only=True)
class HeartbeatPolicy:
    """A protocol ping every `interval_s`; no `reply` within `timeout_s` means the link is dead.

    Defaults: `DEFAULT_HEARTBEAT_INTERVAL_S`, `DEFAULT_HEARTBEAT_TIMEOUT_S`. The ping carries a numeric
    ``id`` that the reply echoes. Pass ``heartbeat=None`` to the client to switch pings off.
    """

    send: str = attrs.field(default="ping", validator=_name)
    reply: str = attrs.field(default="pong", validator=_name)
    interval_s: float = attrs.field(default=DEFAULT_HEARTBEAT_INTERVAL_S, validator=_positive)
    timeout_s: float = attrs.field(default=DEFAULT_HEARTBEAT_TIMEOUT_S, validator=_positive)


@attrs.frozen(kw_only=True)
class ReconnectPolicy:
    """How a lost or failed connection is tried again.

    Delay before attempt n after a failure (1-based): ``min(max_delay_s, initial_delay_s *
    RECONNECT_BACKOFF_FACTOR ** (n - 1)) + random() * max_jitter_s`` (no jitter when None); the sequence
    starts over after each connection that authenticated. After `max_attempts` failed connection
    attempts in a row (None: never) the client gives up with `RealtimeConnectionError`.
    Defaults: `DEFAULT_RECONNECT_INITIAL_DELAY_S`, `DEFAULT_RECONNECT_MAX_DELAY_S`,
    `DEFAULT_RECONNECT_MAX_ATTEMPTS`, `DEFAULT_RECONNECT_MAX_JITTER_S`.
    """

    initial_delay_s: float = attrs.field(default=DEFAULT_RECONNECT_INITIAL_DELAY_S, validator=_seconds)
    max_delay_s: float = attrs.field(default=DEFAULT_RECONNECT_MAX_DELAY_S, validator=_seconds)
    max_attempts: int | None = attrs.field(default=DEFAULT_RECONNECT_MAX_ATTEMPTS, validator=_attempts)
    max_jitter_s: float | None = attrs.field(default=DEFAULT_RECONNECT_MAX_JITTER_S, validator=_positive_or_none)


def reconnect_delay_s(policy: ReconnectPolicy, retry_number: int, jitter_fraction: float) -> float:
    """The wait before reconnect attempt `retry_number` (1 for the first); formula in `ReconnectPolicy`."""
    if retry_number < 1:
        raise ValueError("retry_number starts at 1")
    try:
        base = policy.initial_delay_s * RECONNECT_BACKOFF_FACTOR ** (retry_number - 1)
    except OverflowError:
        base = math.inf
    delay = min(policy.max_delay_s, base)
    if policy.max_jitter_s is not None:
        delay += min(max(jitter_fraction, 0.0), 1.0) * policy.max_jitter_s
    return delay


def backoff_delays(policy: ReconnectPolicy, *, jitter: Callable[[], float] = random.random) -> Iterator[float]:
    """The endless sequence of reconnect delays (`reconnect_delay_s` for 1, 2, 3, ...).

    The client takes a fresh iterator after every good connection, which is how the delays reset.
    `jitter` returns a fraction in [0, 1) (`random.random` by default; inject a constant in tests).
    """
    retry_number = 0
    while True:
        retry_number += 1
        yield reconnect_delay_s(policy, retry_number, jitter())


@attrs.frozen(kw_only=True)
class RealtimeProtocol:
    """Message kinds and field names of a WebSocket protocol (see the module docstring). Build it with
    `from_mapping` from the document's ``x-ws-protocol``; vary it with `attrs.evolve`.

    `auth` None: no auth frame is sent. `heartbeat` None: no protocol pings. `payload_field` None: a
    frame's fields sit beside the discriminator; a name: they sit in that object (see `frame`, `field`).
    """

    discriminator: str = attrs.field(default="type", validator=_name)
    channel_field: str = attrs.field(default="channel", validator=_name)
    payload_field: str | None = attrs.field(default=None, validator=_optional_name)
    auth: AuthExchange | None = AuthExchange()
    subscribe: RequestExchange = RequestExchange(send="subscribe", ok="subscribed")
    unsubscribe: RequestExchange = RequestExchange(send="unsubscribe", ok="unsubscribed")
    heartbeat: HeartbeatPolicy | None = HeartbeatPolicy()
    error: ErrorShape = ErrorShape()
    ack: AckShape = AckShape()
    reconnect: ReconnectPolicy = ReconnectPolicy()

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> RealtimeProtocol:
        """Parse an ``x-ws-protocol`` mapping.

        Raises:
            ConfigurationError: a value has the wrong type or is out of range; `setting` names it
                (e.g. ``x-ws-protocol.ping.interval_s``).
        """
        if not isinstance(mapping, Mapping):
            raise ConfigurationError(f"{_SETTING} must be a mapping, not {type(mapping).__name__}", setting=_SETTING)
        defaults = cls()
        top: RealtimeProtocol = _build(
            cls, _SETTING, _pick(mapping, ("discriminator", "channel_field", "payload_field"))
        )
        return attrs.evolve(
            top,
            auth=_section(mapping, "auth", AuthExchange, ("send", "token_field", "ok"), defaults.auth),
            subscribe=_section(mapping, "subscribe", RequestExchange, ("send", "ok"), defaults.subscribe),
            unsubscribe=_section(mapping, "unsubscribe", RequestExchange, ("send", "ok"), defaults.unsubscribe),
            heartbeat=_section(
                mapping, "ping", HeartbeatPolicy, ("send", "reply", "interval_s", "timeout_s"), defaults.heartbeat
            ),
            error=_required(
                _section(
                    mapping,
                    "error",
                    ErrorShape,
                    ("kind", "code_field", "message_field", "auth_failed_code"),
                    defaults.error,
                ),
                "error",
            ),
            ack=_required(_section(mapping, "ack", AckShape, ("kind", "id_field"), defaults.ack), "ack"),
            reconnect=_required(
                _section(
                    mapping,
                    "reconnect",
                    ReconnectPolicy,
                    ("initial_delay_s", "max_delay_s", "max_attempts", "max_jitter_s"),
                    defaults.reconnect,
                ),
                "reconnect",
            ),
        )

    def frame(self, kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A frame of `kind` carrying `fields` (in `payload_field` when the protocol nests them)."""
        if self.payload_field is None:
            return {self.discriminator: kind, **fields}
        return {self.discriminator: kind, self.payload_field: dict(fields)}

    def fields(self, frame: Mapping[str, Any]) -> Mapping[str, Any]:
        """The fields of a frame: the frame itself, or its `payload_field` object ({} when missing)."""
        if self.payload_field is None:
            return frame
        body = frame.get(self.payload_field)
        return body if isinstance(body, Mapping) else {}

    def field(self, frame: Mapping[str, Any], name: str) -> Any:
        """One field of a received frame (None when absent), wherever the protocol keeps it."""
        return self.fields(frame).get(name)

    def for_stream(self) -> RealtimeProtocol:
        """This protocol on a stream endpoint (an ``x-ws-stream`` channel): the client sends no frame at
        all, so no auth frame and no heartbeat; frames keep their shape."""
        return attrs.evolve(self, auth=None, heartbeat=None)

    @property
    def control_kinds(self) -> frozenset[str]:
        """Kinds the client consumes itself (auth, subscription and heartbeat answers, acks)."""
        kinds = {self.subscribe.ok, self.unsubscribe.ok, self.ack.kind}
        if self.auth is not None:
            kinds.add(self.auth.ok)
        if self.heartbeat is not None:
            kinds.add(self.heartbeat.reply)
        return frozenset(kinds)


def stream_url(url: str, path: str) -> str:
    """The URL of a stream: `url`'s scheme and host with the stream's `path` (query and fragment dropped).

    Raises:
        ConfigurationError: `url` is not a ws/wss URL with a host, or `path` does not start with '/'.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise ConfigurationError(f"a WebSocket URL is ws://host[:port]/... or wss://..., not {url!r}", setting="url")
    if not path.startswith("/"):
        raise ConfigurationError(f"a stream's path starts with '/', not {path!r}", setting="path")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


_WS_SCHEMES = {"http": "ws", "https": "wss"}


def realtime_url(base_url: str, servers: Sequence[str]) -> str:
    """The WebSocket URL that goes with a REST client's `base_url`, from the AsyncAPI document's `servers`.

    The server on the same host as `base_url` wins (the document may give it its own port, as a local
    mock does); otherwise the REST host itself, `http` becoming `ws` and `https` `wss`, with the path of
    the document's first server. So a client of production talks to production, never to a mock.

    Raises:
        ConfigurationError: `base_url` is not an http(s) URL with a host.
    """
    rest = urlsplit(base_url)
    scheme = _WS_SCHEMES.get(rest.scheme)
    if scheme is None or not rest.hostname:
        raise ConfigurationError(f"no WebSocket URL for base_url {base_url!r}: pass url=...", setting="url")
    for server in servers:
        if urlsplit(server).hostname == rest.hostname:
            return server
    path = urlsplit(servers[0]).path if servers else ""
    return urlunsplit((scheme, rest.netloc, path, "", ""))


def _pick(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The given keys that are present (the rest keep their defaults)."""
    return {key: mapping[key] for key in keys if key in mapping}


def _build(cls: Callable[..., Any], where: str, values: dict[str, Any]) -> Any:
    """Construct a value object, turning a validator's complaint into a ConfigurationError naming the key."""
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        field = next((key for key in values if str(exc).startswith(f"{key} ")), None)
        setting = f"{where}.{field}" if field is not None else where
        raise ConfigurationError(
            f"{setting} in the AsyncAPI document is invalid: {exc}. Fix the document and regenerate the SDK.",
            setting=setting,
        ) from exc


def _section(mapping: Mapping[str, Any], key: str, cls: type[Any], keys: tuple[str, ...], default: Any) -> Any:
    """One sub-mapping: absent keeps `default`, null switches it off, otherwise overrides field by field."""
    if key not in mapping:
        return default
    raw = mapping[key]
    if raw is None:
        return None
    where = f"{_SETTING}.{key}"
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a mapping, not {type(raw).__name__}", setting=where)
    base = attrs.asdict(default, recurse=False) if default is not None else {}
    return _build(cls, where, {**base, **_pick(raw, keys)})


def _required(value: Any, key: str) -> Any:
    """Sections the client cannot work without may not be null."""
    if value is None:
        where = f"{_SETTING}.{key}"
        raise ConfigurationError(f"{where} may be left out but not null", setting=where)
    return value

"""Read an AsyncAPI 3 document and its `info.x-ws-protocol` into what the WebSocket mock needs.

Nothing here knows an API: message kinds, fields, channels, examples and schemas all come from the
document. A message's kind is the `const` (or single `enum` value) of its payload's discriminator
property, else its `name`. Operations decide direction, from the client's point of view: messages of
`send` operations are what a client may send; messages of `receive` operations, and the replies of
`send` operations, are what the server sends. A channel's events are the messages of the `receive`
operations on it, and its address is the name clients subscribe with. A channel marked
`x-ws-stream: true` is a stream instead: its address is a URL path of its own on the server's host,
and every connection there gets the channel's events without sending anything (no auth, no subscribe).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from generator.spec_findings import SpecError
from generator.spec_walk import RefError, follow_ref, load, ws_protocol

STREAM_EXTENSION = "x-ws-stream"  # a channel whose address is a URL path of its own (see above)

# Used when `x-ws-protocol` names no `ack` entry: the kind of the acknowledgement and the field that
# carries a client message's id (also the id field of ping and pong).
DEFAULT_ACK_KIND = "ack"
DEFAULT_ID_FIELD = "id"

Validate = Callable[[object], list[str]]


class DocumentError(Exception):
    """The document cannot drive the mock; the message names the file and what is missing."""


@attrs.frozen(kw_only=True)
class Protocol:
    """The message kinds and field names of `info.x-ws-protocol` (see the AsyncAPI document)."""

    discriminator: str
    channel_field: str
    auth_kind: str
    token_field: str
    auth_ok_kind: str
    subscribe_kind: str
    subscribed_kind: str
    unsubscribe_kind: str
    unsubscribed_kind: str
    ping_kind: str
    pong_kind: str
    error_kind: str
    code_field: str
    message_field: str
    auth_failed_code: str
    ack_kind: str = DEFAULT_ACK_KIND
    id_field: str = DEFAULT_ID_FIELD
    payload_field: str | None = None  # set: every field but the discriminator sits in this object

    def frame(self, kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A server frame of `kind` carrying `fields`, shaped as the document's frames are."""
        if self.payload_field is None:
            return {self.discriminator: kind, **fields}
        return {self.discriminator: kind, self.payload_field: dict(fields)}

    def field(self, message: Mapping[str, Any], name: str) -> Any:
        """A field of a client frame (None when absent), beside the discriminator or in `payload_field`."""
        body = message if self.payload_field is None else message.get(self.payload_field)
        return body.get(name) if isinstance(body, Mapping) else None

    @property
    def control_kinds(self) -> frozenset[str]:
        """Kinds a client sends that the protocol itself answers (everything else gets an ack)."""
        return frozenset({self.auth_kind, self.subscribe_kind, self.unsubscribe_kind, self.ping_kind})


@attrs.frozen(kw_only=True)
class MessageSpec:
    """One message kind: its payload schema (refs inlined), example payloads and validator."""

    kind: str
    schema: Mapping[str, Any]
    examples: tuple[Mapping[str, Any], ...]
    validate: Validate = attrs.field(repr=False, eq=False)


@attrs.frozen(kw_only=True)
class AsyncApiDocument:
    """What the mock serves: the protocol, the path, the client kinds and each channel's events."""

    path: Path
    protocol: Protocol
    pathname: str
    server_port: int | None
    client_messages: Mapping[str, MessageSpec]
    server_messages: Mapping[str, MessageSpec]
    channels: Mapping[str, tuple[MessageSpec, ...]]
    streams: Mapping[str, tuple[MessageSpec, ...]] = attrs.field(factory=dict)  # URL path -> its events


def load_document(path: str | Path, *, server: str | None = None) -> AsyncApiDocument:
    """Parse `path` (AsyncAPI 3.x YAML or JSON). DocumentError says what is wrong.

    Args:
        path: the document.
        server: the `servers` entry whose `pathname` and port to use; default: the first `ws` one.
    """
    path = Path(path)
    try:
        raw = load(path)
    except SpecError as exc:
        raise DocumentError(str(exc)) from None  # names the file, and the line when there is one
    if not isinstance(raw, dict) or not str(raw.get("asyncapi", "")).startswith("3."):
        raise DocumentError(f"{path}: not an AsyncAPI 3.x document (no `asyncapi: 3.x.y` at the top)")
    protocol = _protocol(path, raw)
    pathname, port = _server(path, raw, server)
    client: dict[str, MessageSpec] = {}
    events: dict[str, dict[str, MessageSpec]] = {}
    streams = _stream_addresses(path, raw)
    server_side: dict[str, MessageSpec] = {}
    for name, operation in (raw.get("operations") or {}).items():
        where = f"{path}#/operations/{name}"
        operation = _deref(raw, operation, where)
        channel = _deref(raw, operation.get("channel"), f"{where}/channel")
        specs = [_message(raw, ref, protocol, f"{where}/messages") for ref in operation.get("messages") or []]
        if operation.get("action") == "send":
            client.update((spec.kind, spec) for spec in specs)
            reply = _deref(raw, operation.get("reply") or {}, f"{where}/reply")
            for ref in reply.get("messages") or []:
                spec = _message(raw, ref, protocol, f"{where}/reply/messages")
                server_side[spec.kind] = spec
        elif operation.get("action") == "receive":
            server_side.update((spec.kind, spec) for spec in specs)
            if channel.get("address") is not None:
                events.setdefault(str(channel["address"]), {}).update((spec.kind, spec) for spec in specs)
        else:
            raise DocumentError(f"{where}/action: must be `send` or `receive`")
    for channel in (raw.get("channels") or {}).values():  # channels without receive operations
        address = _deref(raw, channel, f"{path}#/channels").get("address")
        if address is not None:
            events.setdefault(str(address), {})
    stream_events = {address: tuple(events.pop(address).values()) for address in streams}
    _check_kinds(path, protocol, client, server_side)
    return AsyncApiDocument(
        path=path,
        protocol=protocol,
        pathname=pathname,
        server_port=port,
        client_messages=client,
        server_messages=server_side,
        channels={address: tuple(specs.values()) for address, specs in events.items()},
        streams=stream_events,
    )


def _stream_addresses(path: Path, raw: Mapping[str, Any]) -> list[str]:
    """The addresses of the channels marked as streams; each must be a URL path ('/...')."""
    addresses = []
    for name, channel in (raw.get("channels") or {}).items():
        channel = _deref(raw, channel, f"{path}#/channels/{name}")
        if channel.get(STREAM_EXTENSION) is not True:
            continue
        address = channel.get("address")
        if not isinstance(address, str) or not address.startswith("/"):
            raise DocumentError(
                f"{path}#/channels/{name}/address: a {STREAM_EXTENSION} channel's address is a URL path"
            )
        addresses.append(address)
    return addresses


def _protocol(path: Path, raw: Mapping[str, Any]) -> Protocol:
    ext = ws_protocol(raw)
    if ext is None:
        raise DocumentError(f"{path}#/info/x-ws-protocol: missing; the mock needs it to know the message kinds")

    def get(section: str, key: str, default: str | None = None) -> str:
        value = (ext.get(section) or {}).get(key, default)
        if not isinstance(value, str) or not value:
            raise DocumentError(f"{path}#/info/x-ws-protocol/{section}/{key}: missing or not a string")
        return value

    top = {k: ext.get(k) for k in ("discriminator", "channel_field")}
    for key, value in top.items():
        if not isinstance(value, str) or not value:
            raise DocumentError(f"{path}#/info/x-ws-protocol/{key}: missing or not a string")
    payload_field = ext.get("payload_field")
    if payload_field is not None and (not isinstance(payload_field, str) or not payload_field):
        raise DocumentError(f"{path}#/info/x-ws-protocol/payload_field: not a string (leave it out for flat frames)")
    return Protocol(
        discriminator=str(top["discriminator"]),
        channel_field=str(top["channel_field"]),
        auth_kind=get("auth", "send"),
        token_field=get("auth", "token_field"),
        auth_ok_kind=get("auth", "ok"),
        subscribe_kind=get("subscribe", "send"),
        subscribed_kind=get("subscribe", "ok"),
        unsubscribe_kind=get("unsubscribe", "send"),
        unsubscribed_kind=get("unsubscribe", "ok"),
        ping_kind=get("ping", "send"),
        pong_kind=get("ping", "reply"),
        error_kind=get("error", "kind"),
        code_field=get("error", "code_field"),
        message_field=get("error", "message_field"),
        auth_failed_code=get("error", "auth_failed_code"),
        ack_kind=get("ack", "kind", DEFAULT_ACK_KIND),
        id_field=get("ack", "id_field", DEFAULT_ID_FIELD),
        payload_field=payload_field,
    )


def _server(path: Path, raw: Mapping[str, Any], name: str | None) -> tuple[str, int | None]:
    servers = raw.get("servers") or {}
    if name is not None and name not in servers:
        raise DocumentError(f"{path}#/servers: no server {name!r}; there are {sorted(servers)}")
    chosen = servers.get(name) if name else next((s for s in servers.values() if s.get("protocol") == "ws"), None)
    if chosen is None:
        return "/", None
    host = str(chosen.get("host", ""))
    port = host.rsplit(":", 1)[1] if ":" in host else ""
    return "/" + str(chosen.get("pathname", "/")).lstrip("/"), int(port) if port.isdigit() else None


def _check_kinds(path: Path, protocol: Protocol, client: Mapping[str, object], server: Mapping[str, object]) -> None:
    """Every kind x-ws-protocol names must be declared, on the side that sends it."""
    missing = [k for k in sorted(protocol.control_kinds) if k not in client]
    replies = [protocol.auth_ok_kind, protocol.subscribed_kind, protocol.unsubscribed_kind, protocol.pong_kind]
    replies.append(protocol.error_kind)
    if set(client) - protocol.control_kinds:
        replies.append(protocol.ack_kind)
    missing += [k for k in replies if k not in server]
    if missing:
        raise DocumentError(
            f"{path}#/operations: x-ws-protocol names message kinds no operation declares "
            f"(client kinds need a `send` operation, server kinds a `receive` operation or reply): {missing}"
        )


def _message(raw: Mapping[str, Any], ref: object, protocol: Protocol, where: str) -> MessageSpec:
    message = _deref(raw, ref, where)
    schema = _inline(raw, message.get("payload") or {}, where)
    discriminator = (schema.get("properties") or {}).get(protocol.discriminator) or {}
    enum = discriminator.get("enum") or []
    kind = discriminator.get("const", enum[0] if len(enum) == 1 else message.get("name"))
    if not isinstance(kind, str):
        raise DocumentError(f"{where}: a message needs a `{protocol.discriminator}` const in its payload or a name")
    examples = tuple(e["payload"] for e in message.get("examples") or [] if isinstance(e, dict) and "payload" in e)
    return MessageSpec(kind=kind, schema=schema, examples=examples, validate=validator(schema))


def _deref(raw: Mapping[str, Any], node: object, where: str) -> dict[str, Any]:
    """Follow `$ref`s (local ones only) until a mapping that is not a reference."""
    target = _pointer(raw, node, where)
    if not isinstance(target, dict):
        raise DocumentError(f"{where}: expected an object or a $ref, got {target!r}")
    return target


def _pointer(raw: Mapping[str, Any], node: object, where: str) -> object:
    """`node`, or what its chain of local `$ref`s leads to; DocumentError naming `where` for a bad one."""
    try:
        return follow_ref(raw, node)
    except RefError as exc:
        raise DocumentError(f"{where}: {exc}") from None


def _inline(raw: Mapping[str, Any], node: object, where: str, seen: tuple[str, ...] = ()) -> Any:
    """A copy of `node` with every local $ref replaced by its target, so a schema stands alone."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in seen:
                raise DocumentError(f"{where}: recursive $ref {ref} is not supported by the mock")
            return _inline(raw, _pointer(raw, {"$ref": ref}, where), where, (*seen, ref))
        return {key: _inline(raw, value, where, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(raw, item, where, seen) for item in node]
    return copy.deepcopy(node)


def validator(schema: Mapping[str, Any]) -> Validate:
    """A function giving the schema violations of a payload (empty when valid).

    Uses jsonschema (draft 7, with its format checker) when importable, else `fallback_errors`.
    """
    try:
        import jsonschema  # type: ignore[import-untyped]  # no stubs are published for it
    except ImportError:  # pragma: no cover (jsonschema is in the dev environment)
        return lambda payload: fallback_errors(schema, payload)
    checker = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)

    def validate(payload: object) -> list[str]:
        errors = sorted(checker.iter_errors(payload), key=lambda e: list(e.absolute_path))
        return [f"{e.message} (at {_json_path(e.absolute_path)})" for e in errors]

    return validate


_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


def fallback_errors(schema: Mapping[str, Any], value: object, at: tuple[object, ...] = ()) -> list[str]:
    """Schema violations without jsonschema: type, const, enum, required, additionalProperties, items."""
    where = f" (at {_json_path(at)})"
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(name not in _TYPES or _TYPES[name](value) for name in names):
            return [f"{value!r} is not of type {' or '.join(names)}{where}"]
    if "const" in schema and value != schema["const"]:
        return [f"{schema['const']!r} was expected{where}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{value!r} is not one of {schema['enum']}{where}"]
    errors: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        errors += [
            f"{name!r} is a required property{where}" for name in schema.get("required", []) if name not in value
        ]
        for name, item in value.items():
            if name in properties:
                errors += fallback_errors(properties[name], item, (*at, name))
            elif schema.get("additionalProperties") is False:
                errors.append(f"additional property {name!r} is not allowed{where}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            errors += fallback_errors(schema["items"], item, (*at, index))
    return errors


def _json_path(path: Iterable[object]) -> str:
    return "/" + "/".join(str(part) for part in path)

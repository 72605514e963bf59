"""Typed real-time events from an AsyncAPI 3.0 document: `<package>/realtime/`.

The message payload schemas are handed to openapi-python-client as the components of a synthetic
OpenAPI document, so events get exactly the attrs models (and `from_dict` parsing) REST bodies get,
from the same generator. The realtime package then holds:

- `models/` and `types.py`: the event and control message models;
- `__init__.py` (our template): the protocol mapping (`x-ws-protocol`), a dispatch table from message
  kind (the discriminator's `const`) to model, the channels, and `connect()` wiring the runtime's
  WebSocket client to the SDK client's settings and token.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml
from openapi_python_client import strings
from openapi_python_client.config import ConfigFile
from openapi_python_client.parser.errors import GeneratorError

from generator.opc_adapter import make_config, project_for
from generator.spec_findings import SpecError
from generator.spec_walk import RefError, follow_ref, load, ws_protocol

STREAM_EXTENSION = "x-ws-stream"  # a channel marked so is a URL path whose connections just receive


class AsyncAPIError(Exception):
    """The AsyncAPI document cannot drive the generator; the message names the file and the place."""


@attrs.frozen(kw_only=True)
class EventMessage:
    """One message kind: its discriminator value, its model class, and who sends it."""

    kind: str
    model: str  # class name, exported by realtime/models
    sent_by_client: bool
    channel: str | None  # the channel address it belongs to (None for control messages)


@attrs.frozen(kw_only=True)
class RealtimeContext:
    title: str
    protocol: Mapping[str, Any]
    messages: tuple[EventMessage, ...]
    channels: Mapping[str, tuple[str, ...]]  # channel address -> message kinds the server pushes on it
    servers: tuple[str, ...]  # every ws/wss server's URL, in document order (realtime_url() picks one)
    streams: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)  # x-ws-stream URL path -> its kinds

    @property
    def events(self) -> tuple[EventMessage, ...]:
        return tuple(m for m in self.messages if m.channel is not None and not m.sent_by_client)


def _resolve(document: Mapping[str, Any], node: Any, where: str) -> Any:
    try:
        return follow_ref(document, node)
    except RefError as exc:
        raise AsyncAPIError(f"{where}: {exc}") from None


def load_asyncapi(path: Path) -> dict[str, Any]:
    try:
        document = load(path)
    except SpecError as exc:
        raise AsyncAPIError(str(exc)) from None  # names the file, and the line when there is one
    if not isinstance(document, dict) or not str(document.get("asyncapi", "")).startswith("3."):
        raise AsyncAPIError(f"{path.name}#/asyncapi: expected an AsyncAPI 3.x document")
    protocol = ws_protocol(document)
    if protocol is None or "discriminator" not in protocol:
        raise AsyncAPIError(f"{path.name}#/info/x-ws-protocol: missing (see README, Real-time)")
    return document


def _schema_name(message_key: str) -> str:
    return str(strings.ClassName(message_key, "")) + "Message"


def _model_name(message_key: str, message: Mapping[str, Any]) -> str:
    """The model class of a message: its referenced schema's class, or one made for an inline payload."""
    ref = str(((message or {}).get("payload") or {}).get("$ref", ""))
    if ref.startswith("#/components/schemas/"):
        return str(strings.ClassName(ref.rsplit("/", 1)[1], ""))
    return _schema_name(message_key)


def synthetic_openapi(document: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.1 document whose components are the AsyncAPI schemas plus one schema per message."""
    components = document.get("components") or {}
    schemas: dict[str, Any] = dict(components.get("schemas") or {})
    for key, message in sorted((components.get("messages") or {}).items()):
        payload = (message or {}).get("payload")
        if payload is None or str(payload.get("$ref", "")).startswith("#/components/schemas/"):
            continue  # a referenced schema is generated under its own name
        name = _schema_name(key)
        if name in schemas:
            raise AsyncAPIError(f"#/components/messages/{key}: its model name {name} clashes with a schema")
        schemas[name] = payload
    return {
        "openapi": "3.1.0",
        "info": {"title": str((document.get("info") or {}).get("title", "events")), "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def _message_kind(document: Mapping[str, Any], key: str, message: Mapping[str, Any], discriminator: str) -> str:
    where = f"#/components/messages/{key}"
    payload = _resolve(document, message.get("payload"), where)
    field = _resolve(document, ((payload or {}).get("properties") or {}).get(discriminator), where)
    if isinstance(field, Mapping):
        if "const" in field:
            return str(field["const"])
        if isinstance(field.get("enum"), list) and len(field["enum"]) == 1:
            return str(field["enum"][0])
    raise AsyncAPIError(f"{where}/payload: property {discriminator!r} needs a const naming the message kind")


def realtime_context(document: Mapping[str, Any]) -> RealtimeContext:
    protocol = dict(ws_protocol(document) or {})  # load_asyncapi checked it is there
    discriminator = str(protocol["discriminator"])
    messages_by_ref: dict[str, str] = {}
    components = (document.get("components") or {}).get("messages") or {}
    for key in components:
        messages_by_ref[f"#/components/messages/{key}"] = key
    sent_by_client: set[str] = set()
    channel_of: dict[str, str] = {}
    channels: dict[str, list[str]] = {}
    streams: dict[str, list[str]] = {}
    for channel_key, channel in sorted((document.get("channels") or {}).items()):
        address = channel.get("address")
        for message_ref in (channel.get("messages") or {}).values():
            key = messages_by_ref.get(str((message_ref or {}).get("$ref", "")))
            if key is None:
                raise AsyncAPIError(f"#/channels/{channel_key}/messages: messages must $ref components/messages")
            if channel.get(STREAM_EXTENSION) is True:  # a URL path of its own, not a subscription name
                if not str(address).startswith("/"):
                    raise AsyncAPIError(f"#/channels/{channel_key}/address: a {STREAM_EXTENSION} address is a URL path")
                kind = _message_kind(document, key, components[key], discriminator)
                streams.setdefault(str(address), []).append(kind)
            elif address is not None:
                channel_of[key] = str(address)
    for op_key, operation in sorted((document.get("operations") or {}).items()):
        if operation.get("action") != "send":
            continue
        refs = [str(m.get("$ref", "")) for m in operation.get("messages") or []]
        if not refs:
            channel = _resolve(document, operation.get("channel"), f"#/operations/{op_key}")
            refs = [str(m.get("$ref", "")) for m in (channel.get("messages") or {}).values()]
        for ref in refs:
            resolved = _resolve(document, {"$ref": ref}, f"#/operations/{op_key}")
            for key, message in components.items():
                if message is resolved or ref.endswith(f"/messages/{key}"):
                    sent_by_client.add(key)
    result: list[EventMessage] = []
    for key, message in sorted(components.items()):
        kind = _message_kind(document, key, message, discriminator)
        channel = channel_of.get(key)
        result.append(
            EventMessage(
                kind=kind,
                model=_model_name(key, message),
                sent_by_client=key in sent_by_client,
                channel=channel,
            )
        )
        if channel is not None and key not in sent_by_client:
            channels.setdefault(channel, []).append(kind)
    return RealtimeContext(
        title=str((document.get("info") or {}).get("title", "")),
        protocol=protocol,
        messages=tuple(result),
        channels={name: tuple(kinds) for name, kinds in sorted(channels.items())},
        servers=_servers(document),
        streams={path: tuple(kinds) for path, kinds in sorted(streams.items())},
    )


def _servers(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The URL of every ws/wss server of the document, in its order."""
    urls = []
    for server in (document.get("servers") or {}).values():
        protocol = str(server.get("protocol", "ws"))
        if protocol in ("ws", "wss") and server.get("host"):
            urls.append(f"{protocol}://{server['host']}{server.get('pathname', '')}")
    return tuple(urls)


def render_models(document: Mapping[str, Any], target: Path, templates: Path) -> None:
    """Generate the event models into `target` (`models/` and `types.py`) with openapi-python-client."""
    with tempfile.TemporaryDirectory(prefix="realtime-") as scratch:
        out = Path(scratch) / "events_pkg"
        config = make_config(
            ConfigFile(package_name_override="events_pkg", post_hooks=[]),
            output_path=out,
            document_source=Path("events.yaml"),
        )
        # keys sorted as openapi-python-client read them when this went through a YAML file: the same models
        synthetic = yaml.safe_load(yaml.safe_dump(synthetic_openapi(document), sort_keys=True))
        project = project_for(synthetic, config=config, templates=templates)
        if isinstance(project, GeneratorError):
            raise AsyncAPIError(f"event models: {project.header}: {project.detail or ''}")
        out.mkdir()
        project._build_models()  # only the models: the rest of a package is not wanted here
        target.mkdir(parents=True)
        shutil.copytree(out / "models", target / "models")
        types = project.env.get_template("types.py.jinja").render(runtime_module=".._runtime")  # one level down
        (target / "types.py").write_text(types, encoding="utf-8")

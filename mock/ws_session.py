"""What the WebSocket mock does with each client frame, per the document's x-ws-protocol.

The first frame must authenticate: any non-empty token is accepted unless refused (then error
`auth_failed` and close code `AUTH_FAILED_CLOSE_CODE`); other frames before it get `not_authenticated`.
Then clients subscribe to channels (the channel's example events at once, then every `interval_s`),
unsubscribe, ping (a pong with the same id), and send application messages, which are validated,
stored once per id and acknowledged (`duplicate: true` on a repeat). Every other rejected frame gets
an error message (`invalid_message`, `unknown_channel`) and the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from mock.ws_document import AsyncApiDocument, MessageSpec

AUTH_FAILED_CLOSE_CODE = 4401
NOT_AUTHENTICATED = "not_authenticated"
UNKNOWN_CHANNEL = "unknown_channel"
INVALID_MESSAGE = "invalid_message"


@attrs.define(kw_only=True, eq=False)
class ClientSession:
    """One client connection as the mock saw it (kept after the connection closes)."""

    number: int
    connection: ServerConnection = attrs.field(repr=False)
    token: str | None = attrs.field(default=None, repr=False)
    authenticated: bool = False
    subscriptions: dict[str, asyncio.Task[None] | None] = attrs.field(factory=dict, repr=False)
    received: list[dict[str, Any]] = attrs.field(factory=list)
    stream: str | None = None  # the stream's URL path, for a connection opened on one (see open_stream)

    @property
    def open(self) -> bool:
        """True until the closing handshake starts or the connection is lost."""
        return self.connection.state is State.OPEN

    @property
    def channels(self) -> frozenset[str]:
        """The channels this connection is subscribed to."""
        return frozenset(self.subscriptions)


@attrs.define(kw_only=True, eq=False)
class FrameHandler:
    """Answers client frames for one mock, and keeps what all its connections share."""

    document: AsyncApiDocument
    interval_s: float | None
    auth_refused: bool = False
    refuse_next_auth: bool = False  # refuse one `auth` frame, then accept again
    received: list[dict[str, Any]] = attrs.field(factory=list)
    duplicates: list[dict[str, Any]] = attrs.field(factory=list)
    seen_ids: set[str] = attrs.field(factory=set)

    async def handle(self, session: ClientSession, frame: str | bytes) -> None:
        """Answer one client frame (see the module docstring)."""
        p = self.document.protocol
        if isinstance(frame, bytes):
            return await self.error(session, INVALID_MESSAGE, "Frames are JSON text; got a binary frame.")
        try:
            message = json.loads(frame)
        except ValueError as exc:
            return await self.error(session, INVALID_MESSAGE, f"The frame is not JSON: {exc}.")
        if not isinstance(message, dict):
            return await self.error(session, INVALID_MESSAGE, "A frame must be a JSON object.")
        kind = message.get(p.discriminator)
        message_id = p.field(message, p.id_field)
        ref = {p.id_field: message_id} if isinstance(message_id, str | int) and not isinstance(message_id, bool) else {}
        if kind == p.auth_kind:
            return await self._authenticate(session, message)
        if not session.authenticated:
            text = f"Send `{p.auth_kind}` with a token first."
            return await self.error(session, NOT_AUTHENTICATED, text)  # no id: the client sends it again later
        spec = self.document.client_messages.get(kind) if isinstance(kind, str) else None
        if spec is None:
            known = ", ".join(sorted(self.document.client_messages))
            text = f"Unknown message kind {kind!r} in field {p.discriminator!r}; clients send {known}."
            return await self.error(session, INVALID_MESSAGE, text, **ref)
        problems = spec.validate(message)
        if problems:
            return await self.error(session, INVALID_MESSAGE, f"{kind}: {'; '.join(problems)}", **ref)
        if kind in (p.subscribe_kind, p.unsubscribe_kind):
            await self._subscription(session, message, subscribe=kind == p.subscribe_kind)
        elif kind == p.ping_kind:
            await send(session, p.frame(p.pong_kind, ref))
        else:
            await self._store(session, message, ref)

    async def _authenticate(self, session: ClientSession, message: dict[str, Any]) -> None:
        p = self.document.protocol
        token = p.field(message, p.token_field)
        reason = None
        if self.auth_refused:
            reason = "The token was refused (the mock is set to refuse every token)."
        elif self.refuse_next_auth:
            self.refuse_next_auth = False
            reason = "The token was refused (the mock was set to refuse the next connection's token)."
        elif not isinstance(token, str) or not token.strip():
            reason = f"Field {p.token_field!r} must carry a non-empty token."
        if reason is not None:
            await self.error(session, p.auth_failed_code, reason)
            await session.connection.close(AUTH_FAILED_CLOSE_CODE, p.auth_failed_code)
            return
        problems = self.document.client_messages[p.auth_kind].validate(message)
        if problems:
            return await self.error(session, INVALID_MESSAGE, f"{p.auth_kind}: {'; '.join(problems)}")
        session.token, session.authenticated = token, True
        await send(session, p.frame(p.auth_ok_kind, {}))

    async def _subscription(self, session: ClientSession, message: dict[str, Any], *, subscribe: bool) -> None:
        p = self.document.protocol
        channel = p.field(message, p.channel_field)
        if not isinstance(channel, str):  # only reachable when the document's schema does not require it
            return await self.error(session, INVALID_MESSAGE, f"Field {p.channel_field!r} must name a channel.")
        if channel not in self.document.channels:
            text = f"There is no channel {channel!r}; channels: {', '.join(sorted(self.document.channels))}."
            return await self.error(session, UNKNOWN_CHANNEL, text, **{p.channel_field: channel})
        if not subscribe:
            task = session.subscriptions.pop(channel, None)
            await _cancel(task)
            return await send(session, p.frame(p.unsubscribed_kind, {p.channel_field: channel}))
        await send(session, p.frame(p.subscribed_kind, {p.channel_field: channel}))
        if channel in session.subscriptions:
            return
        await self._start_events(session, channel, self.document.channels[channel])

    async def open_stream(self, session: ClientSession, address: str) -> None:
        """A connection on a stream's path: its events at once and every `interval_s`, nothing asked."""
        session.stream = address
        await self._start_events(session, address, self.document.streams[address])

    async def _start_events(self, session: ClientSession, key: str, specs: Sequence[MessageSpec]) -> None:
        session.subscriptions[key] = None
        for example in examples(specs):
            await send(session, example)
        if self.interval_s is not None:
            session.subscriptions[key] = asyncio.create_task(self._repeat(session, specs, self.interval_s))

    async def _repeat(self, session: ClientSession, specs: Sequence[MessageSpec], interval_s: float) -> None:
        """Send the examples of `specs` to one connection every `interval_s` until cancelled."""
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.sleep(interval_s)
                for example in examples(specs):
                    await send(session, example)

    async def _store(self, session: ClientSession, message: dict[str, Any], ref: dict[str, Any]) -> None:
        p = self.document.protocol
        message_id = p.field(message, p.id_field)
        if not isinstance(message_id, str) or not message_id:
            text = f"Client messages carry a non-empty string {p.id_field!r}."
            return await self.error(session, INVALID_MESSAGE, text, **ref)
        ack: dict[str, Any] = {p.id_field: message_id}
        if message_id in self.seen_ids:
            self.duplicates.append(message)
            ack["duplicate"] = True
        else:
            self.seen_ids.add(message_id)
            self.received.append(message)
            session.received.append(message)
        await send(session, p.frame(p.ack_kind, ack))

    async def error(self, session: ClientSession, code: str, text: str, **extra: Any) -> None:
        """Send the protocol's error message with `code`, `text` and any extra fields."""
        p = self.document.protocol
        await send(session, p.frame(p.error_kind, {p.code_field: code, p.message_field: text, **extra}))


def examples(specs: Sequence[MessageSpec]) -> list[Mapping[str, Any]]:
    """The example payloads of a channel's messages, in document order: what subscribers get."""
    return [example for spec in specs for example in spec.examples]


async def send(session: ClientSession, payload: Mapping[str, Any] | str) -> None:
    """Send one text frame; a connection that closed meanwhile is not an error of the mock."""
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    with contextlib.suppress(ConnectionClosed):
        await session.connection.send(text)


async def _cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel and await, so no repeat task outlives its subscription."""
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def cancel_all(session: ClientSession) -> None:
    """Stop every repeat task of a connection (it closed, or the mock stops)."""
    tasks = list(session.subscriptions.values())
    for task in tasks:
        await _cancel(task)

"""The WebSocket mock's optional HTTP control endpoint, for demos and frontend developers.

With `http_control=True` (the CLI's default) the mock also answers plain GET requests on its port:

    GET /_mock/state                     connections, switches, channels and what clients sent
    GET /_mock/push?channel=NAME         send the channel's examples to its subscribers (or a stream's path)
    GET /_mock/drop[?abort=1]            close every connection (code 1012), or abort it
    GET /_mock/refuse-auth?on=1|0        refuse (or accept again) every token
    GET /_mock/refuse-auth?once=1        refuse the next connection's token only
    GET /_mock/silence?on=1|0            stop (or resume) reading from clients, pings included

Answers are JSON. GET changes state here on purpose: `curl` or a browser's address bar is enough. The
mock binds 127.0.0.1 only, and the endpoint is off unless asked for.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Response

if TYPE_CHECKING:
    from mock.ws_server import WebSocketMock

PREFIX = "/_mock/"
ACTIONS = ("state", "push", "drop", "refuse-auth", "silence")


async def control_response(mock: WebSocketMock, connection: ServerConnection, target: str) -> Response | None:
    """The answer to a control request for `target` (path and query), or None if it is not one."""
    parts = urlsplit(target)
    if not parts.path.startswith(PREFIX):
        return None
    action = parts.path[len(PREFIX) :]
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if action == "state":
        return _json(connection, HTTPStatus.OK, state(mock))
    if action == "push":
        channel = query.get("channel", "")
        if channel not in mock.document.channels and channel not in mock.document.streams:
            body = {"error": f"no channel {channel!r}", "channels": sorted(mock.document.channels)}
            return _json(connection, HTTPStatus.NOT_FOUND, body)
        return _json(connection, HTTPStatus.OK, {"delivered": await mock.push(channel)})
    if action == "drop":
        return _json(connection, HTTPStatus.OK, {"dropped": await mock.drop_all(abort=_flag(query, "abort"))})
    if action == "refuse-auth":
        mock.refuse_auth(_flag(query, "on", default=True), once=_flag(query, "once"))
        refusal = {"auth_refused": mock.auth_refused, "refuse_next_auth": mock.refuse_next_auth}
        return _json(connection, HTTPStatus.OK, refusal)
    if action == "silence":
        mock.silence(_flag(query, "on", default=True))
        return _json(connection, HTTPStatus.OK, {"silent": mock.silent})
    body = {"error": f"no action {action!r}", "actions": [PREFIX + a for a in ACTIONS]}
    return _json(connection, HTTPStatus.NOT_FOUND, body)


def state(mock: WebSocketMock) -> dict[str, Any]:
    """A JSON-ready summary of the mock, as `GET /_mock/state` shows it."""
    return {
        "url": mock.url,
        "channels": sorted(mock.document.channels),
        "streams": sorted(mock.document.streams),
        "connections": mock.connections,
        "auth_refused": mock.auth_refused,
        "refuse_next_auth": mock.refuse_next_auth,
        "silent": mock.silent,
        "received": mock.received,
        "duplicates": mock.duplicates,
    }


def _flag(query: dict[str, str], name: str, *, default: bool = False) -> bool:
    value = query.get(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def _json(connection: ServerConnection, status: HTTPStatus, body: object) -> Response:
    response = connection.respond(status, json.dumps(body, indent=2) + "\n")
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    response.headers["Access-Control-Allow-Origin"] = "*"  # demo pages on another local port may read it
    response.headers["Cache-Control"] = "no-store"
    return response

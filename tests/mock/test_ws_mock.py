"""The WebSocket mock and the AsyncAPI document it serves.

Raw `websockets` clients talk to the mock on a free 127.0.0.1 port. Every frame a test receives is
checked against the document's schema for its kind, so the mock never answers outside its contract.
Timing is scaled down: repeats every few milliseconds, silences of a tenth of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as sync_connect
from websockets.typing import Subprotocol

from generator.registry import load_registry
from generator.spec_walk import RefError, load, ref_target, ws_protocol
from mock.prism import free_port
from mock.ws_document import DocumentError, fallback_errors, load_document, validator
from mock.ws_mock import ThreadedWebSocketMock, WebSocketMock

ROOT = Path(__file__).resolve().parents[2]
DOC_PATH = load_registry()["myrvm"].asyncapi
DOCUMENT = load_document(DOC_PATH)
RAW = load(DOC_PATH)
ASYNCAPI_SCHEMA = ROOT / "mock" / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0.json"
SPECTRAL = ROOT / "mock" / "node_modules" / ".bin" / "spectral"

CONTRACT_PROTOCOL = {
    "discriminator": "type",
    "channel_field": "channel",
    "auth": {"send": "auth", "token_field": "token", "ok": "auth_ok"},
    "subscribe": {"send": "subscribe", "ok": "subscribed"},
    "unsubscribe": {"send": "unsubscribe", "ok": "unsubscribed"},
    "ping": {"send": "ping", "reply": "pong", "interval_s": 30, "timeout_s": 10},
    "error": {"kind": "error", "code_field": "code", "message_field": "message", "auth_failed_code": "auth_failed"},
    "reconnect": {"initial_delay_s": 5, "max_delay_s": 60, "max_attempts": 10},
}
STATUS = {"type": "device_status", "rvm_id": "rvm-0042", "state": "online", "at": "2026-03-14T10:00:00Z"}
QUIET_S = 0.1


# --- helpers ----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test also fails if the websockets server logged an error (a crashed handler)."""
    caplog.set_level(logging.WARNING, logger="websockets")
    yield
    errors = [r.getMessage() for r in caplog.records if r.name.startswith("websockets") and r.levelno >= logging.ERROR]
    assert errors == []


@pytest.fixture
async def mock() -> AsyncIterator[WebSocketMock]:
    """The document's mock without repeats; stopped even when the test fails."""
    server = WebSocketMock(DOC_PATH, interval_s=None)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def client(url: str, *, token: str | None = "test-token", **kwargs: Any) -> AsyncIterator[ClientConnection]:
    """A raw client, authenticated unless `token` is None."""
    async with connect(url, close_timeout=1, **kwargs) as ws:
        if token is not None:
            await send(ws, {"type": "auth", "token": token})
            assert await recv(ws) == {"type": "auth_ok"}
        yield ws


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def recv(ws: ClientConnection, *, timeout_s: float = 1.0) -> dict[str, Any]:
    """The next frame, checked against the document's schema for its kind."""
    frame = await asyncio.wait_for(ws.recv(), timeout_s)
    assert isinstance(frame, str), "the mock sends text frames only"
    message: dict[str, Any] = json.loads(frame)
    spec = DOCUMENT.server_messages.get(str(message.get("type")))
    assert spec is not None, f"the mock sent a kind the document does not declare: {message}"
    assert spec.validate(message) == [], message
    return message


async def assert_quiet(ws: ClientConnection, seconds: float = QUIET_S) -> None:
    with pytest.raises(TimeoutError):
        frame = await asyncio.wait_for(ws.recv(), seconds)
        pytest.fail(f"expected no frame, got {frame!r}")


async def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 2)
    return ws.close_code


def examples(channel: str) -> list[dict[str, Any]]:
    return [dict(example) for spec in DOCUMENT.channels[channel] for example in spec.examples]


# --- authentication ---------------------------------------------------------------------------------


async def test_auth_with_any_token_is_accepted(mock: WebSocketMock) -> None:
    """Any non-empty token gets auth_ok, and the mock records it on the session."""
    async with client(mock.url, token="abc"):
        (session,) = mock.sessions
        assert session.authenticated and session.token == "abc"


@pytest.mark.parametrize("refuse", [True, False], ids=["refused", "empty-token"])
async def test_refused_auth_sends_auth_failed_and_closes_4401(mock: WebSocketMock, refuse: bool) -> None:
    """A refused (or empty) token gets error auth_failed, then close code 4401."""
    mock.refuse_auth(refuse)
    async with client(mock.url, token=None) as ws:
        await send(ws, {"type": "auth", "token": "abc" if refuse else ""})
        error = await recv(ws)
        assert (error["type"], error["code"]) == ("error", "auth_failed")
        assert await close_code(ws) == 4401
    mock.refuse_auth(False)
    async with client(mock.url):
        pass


async def test_refuse_auth_once_refuses_only_the_next_connection(mock: WebSocketMock) -> None:
    """`refuse_auth(once=True)` refuses the next auth (4401) and the reconnect after it gets in."""
    mock.refuse_auth(once=True)
    assert (mock.refuse_next_auth, mock.auth_refused) == (True, False)
    async with client(mock.url, token=None) as ws:
        await send(ws, {"type": "auth", "token": "abc"})
        assert (await recv(ws))["code"] == "auth_failed"
        assert await close_code(ws) == 4401
    assert not mock.refuse_next_auth
    async with client(mock.url, token="abc"):
        (session,) = [s for s in mock.sessions if s.open]
        assert session.authenticated


async def test_refuse_auth_off_cancels_a_pending_once(mock: WebSocketMock) -> None:
    """`refuse_auth(False)` also clears a `once` no connection has used yet."""
    mock.refuse_auth(once=True)
    mock.refuse_auth(False)
    async with client(mock.url, token="abc"):
        pass


async def test_frames_before_auth_are_rejected_and_the_connection_stays(mock: WebSocketMock) -> None:
    """Every frame but auth before auth_ok gets not_authenticated; auth still works afterwards."""
    async with client(mock.url, token=None) as ws:
        for frame in (
            {"type": "subscribe", "channel": "backup_progress"},
            {"type": "ping", "id": 1},
            {**STATUS, "id": "x"},
        ):
            await send(ws, frame)
            error = await recv(ws)
            assert error["code"] == "not_authenticated"
            assert "id" not in error, "not a final refusal: the client must send the message again"
        await send(ws, {"type": "auth", "token": "t"})
        assert await recv(ws) == {"type": "auth_ok"}
    assert mock.received == []


# --- channels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", sorted(c for c, specs in DOCUMENT.channels.items() if specs))
async def test_subscribe_sends_the_channels_examples_and_nothing_else(mock: WebSocketMock, channel: str) -> None:
    """subscribe → subscribed, then each example of the channel once, only of the channel's kinds."""
    async with client(mock.url) as ws:
        await send(ws, {"type": "subscribe", "channel": channel})
        assert await recv(ws) == {"type": "subscribed", "channel": channel}
        events = [await recv(ws) for _ in examples(channel)]
        assert events == examples(channel)
        assert {e["type"] for e in events} <= {spec.kind for spec in DOCUMENT.channels[channel]}
        await assert_quiet(ws)


async def test_unknown_channel_is_an_error_and_the_connection_stays(mock: WebSocketMock) -> None:
    """A channel the document lacks gets unknown_channel naming it; the connection stays usable."""
    async with client(mock.url) as ws:
        for kind in ("subscribe", "unsubscribe"):
            await send(ws, {"type": kind, "channel": "weather"})
            error = await recv(ws)
            assert (error["code"], error["channel"]) == ("unknown_channel", "weather")
        await send(ws, {"type": "ping", "id": 1})
        assert await recv(ws) == {"type": "pong", "id": 1}


async def test_events_repeat_every_interval_until_unsubscribe() -> None:
    """Examples repeat every interval_s; unsubscribe → unsubscribed and no more events."""
    async with WebSocketMock(DOC_PATH, interval_s=0.02) as server, client(server.url) as ws:
        await send(ws, {"type": "subscribe", "channel": "config_changed"})
        assert (await recv(ws))["type"] == "subscribed"
        for _ in range(3):
            assert await recv(ws) == examples("config_changed")[0]
        await send(ws, {"type": "unsubscribe", "channel": "config_changed"})
        while (message := await recv(ws))["type"] == "config_changed":
            pass
        assert message == {"type": "unsubscribed", "channel": "config_changed"}
        await assert_quiet(ws)


async def test_push_reaches_the_channels_subscribers_only(mock: WebSocketMock) -> None:
    """push(channel) sends the examples (or the given payload) to that channel's subscribers only."""
    async with client(mock.url) as backups, client(mock.url) as configs:
        for ws, channel in ((backups, "backup_progress"), (configs, "config_changed")):
            await send(ws, {"type": "subscribe", "channel": channel})
            for _ in range(1 + len(examples(channel))):
                await recv(ws)
        assert await mock.push("backup_progress") == 1
        assert await recv(backups) == examples("backup_progress")[0]
        custom = {**examples("backup_progress")[0], "state": "completed", "progress_percent": 100}
        assert await mock.push("backup_progress", custom) == 1
        assert await recv(backups) == custom
        await assert_quiet(configs)
        with pytest.raises(KeyError, match="backup_progress"):
            await mock.push("weather")


# --- heartbeat, validation, client messages ---------------------------------------------------------


async def test_ping_is_answered_with_a_pong_carrying_its_id(mock: WebSocketMock) -> None:
    """ping {id} → pong {id}, for integer and string ids, in order."""
    async with client(mock.url) as ws:
        for ping_id in (1, 2, "beat-3"):
            await send(ws, {"type": "ping", "id": ping_id})
        assert [await recv(ws) for _ in range(3)] == [{"type": "pong", "id": i} for i in (1, 2, "beat-3")]


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '{"no_type": 1}',
        '{"type": "launch"}',
        '{"type": "auth_ok"}',
        '{"type": "subscribe", "channel": "backup_progress", "extra": 1}',
        '{"type": "ping"}',
        json.dumps({**STATUS, "id": "s1", "state": "sleeping"}),
        json.dumps({**STATUS, "id": "s1", "at": "yesterday"}),
        json.dumps({k: v for k, v in STATUS.items() if k != "rvm_id"} | {"id": "s1"}),
        b"\x00\x01",
    ],
    ids=lambda f: f[:40] if isinstance(f, str) else "binary",
)
async def test_invalid_frames_get_invalid_message_and_the_connection_stays(
    mock: WebSocketMock, frame: str | bytes
) -> None:
    """Not JSON, not an object, an unknown or server-only kind, or a schema violation → invalid_message."""
    async with client(mock.url) as ws:
        await ws.send(frame)
        error = await recv(ws)
        assert (error["type"], error["code"]) == ("error", "invalid_message")
        if isinstance(frame, str) and '"id": "s1"' in frame:
            assert error["id"] == "s1", "the error names the rejected message's id"
        await send(ws, {"type": "ping", "id": 9})
        assert await recv(ws) == {"type": "pong", "id": 9}
    assert mock.received == []


async def test_client_messages_are_acked_with_their_id_and_recorded_in_order(mock: WebSocketMock) -> None:
    """Each client message → ack {id}; recorded per connection and globally in order; a repeat is flagged."""
    sent = [{**STATUS, "id": f"m{i}", "state": state} for i, state in enumerate(["online", "maintenance", "error"])]
    async with client(mock.url) as ws:
        for message in sent:
            await send(ws, message)
        assert [await recv(ws) for _ in sent] == [{"type": "ack", "id": m["id"]} for m in sent]
        await send(ws, sent[0])
        assert await recv(ws) == {"type": "ack", "id": "m0", "duplicate": True}
    assert mock.received == sent
    assert mock.sessions[0].received == sent
    assert mock.duplicates == [sent[0]]


# --- control: drop, silence -------------------------------------------------------------------------


@pytest.mark.parametrize(("abort", "code"), [(False, 1012), (True, 1006)])
async def test_drop_all_closes_every_client(mock: WebSocketMock, abort: bool, code: int) -> None:
    """drop_all closes every connection: code 1012 (service restart), or aborted (1006 for the client)."""
    async with client(mock.url) as first, client(mock.url) as second:
        assert mock.connections == 2
        assert await mock.drop_all(abort=abort) == 2
        assert [await close_code(first), await close_code(second)] == [code, code]
        assert mock.connections == 0
    async with client(mock.url):
        assert mock.connections == 1


async def test_silence_stops_pongs_until_lifted(mock: WebSocketMock) -> None:
    """While silent neither ping kind is answered; after silence(False) the waiting ping gets its pong."""
    async with client(mock.url) as ws:
        mock.silence(True)
        await send(ws, {"type": "ping", "id": 1})
        protocol_pong = await ws.ping()
        await assert_quiet(ws)
        assert not protocol_pong.done()  # type: ignore[attr-defined]
        mock.silence(False)
        assert await recv(ws) == {"type": "pong", "id": 1}
        await asyncio.wait_for(protocol_pong, 1)


async def test_silence_holds_new_connections_too(mock: WebSocketMock) -> None:
    """A connection opened while silent gets no answer to auth until silence(False)."""
    mock.silence(True)
    async with client(mock.url, token=None) as ws:
        await send(ws, {"type": "auth", "token": "t"})
        await assert_quiet(ws)
        mock.silence(False)
        assert await recv(ws) == {"type": "auth_ok"}


# --- server ---------------------------------------------------------------------------------------


async def test_mock_binds_loopback_only_on_the_documents_path(mock: WebSocketMock) -> None:
    """The mock listens on 127.0.0.1 only, at the server's pathname; other paths get 404."""
    assert mock.addresses == [("127.0.0.1", mock.port)]
    assert mock.url == f"ws://127.0.0.1:{mock.port}/ws"
    with pytest.raises(InvalidStatus, match="404"):
        async with connect(f"ws://127.0.0.1:{mock.port}/elsewhere"):
            pass


async def test_offered_subprotocol_is_accepted_and_none_is_needed(mock: WebSocketMock) -> None:
    """Browsers may offer a subprotocol (the mock echoes the first) or none at all."""
    async with client(mock.url, subprotocols=[Subprotocol("json")]) as ws:
        assert ws.subprotocol == "json"
    async with client(mock.url) as ws:
        assert ws.subprotocol is None


async def test_stop_closes_clients_and_leaves_no_tasks() -> None:
    """Leaving `async with`, even by an exception, closes clients (1001), the port and every task."""
    with pytest.raises(RuntimeError, match="test failed"):
        async with WebSocketMock(DOC_PATH, interval_s=0.01) as server:
            url = server.url
            ws = await connect(url, close_timeout=1)
            await send(ws, {"type": "auth", "token": "t"})
            await send(ws, {"type": "subscribe", "channel": "backup_progress"})
            await asyncio.sleep(0.03)
            raise RuntimeError("test failed")
    assert await close_code(ws) == 1001
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    with pytest.raises(OSError):
        async with connect(url, open_timeout=1):
            pass


def test_threaded_mock_serves_sync_clients_and_joins_its_thread() -> None:
    """ThreadedWebSocketMock runs in a thread; its control methods work from sync code; stop() joins it."""
    threads = threading.active_count()
    with ThreadedWebSocketMock(DOC_PATH, interval_s=None) as server, sync_connect(server.url) as ws:
        ws.send(json.dumps({"type": "auth", "token": "t"}))
        assert json.loads(ws.recv(1)) == {"type": "auth_ok"}
        ws.send(json.dumps({"type": "subscribe", "channel": "timezone_update"}))
        assert [json.loads(ws.recv(1))["type"] for _ in range(2)] == ["subscribed", "timezone_update"]
        assert server.push("timezone_update") == 1
        assert json.loads(ws.recv(1)) == examples("timezone_update")[0]
        ws.send(json.dumps({**STATUS, "id": "t1"}))
        assert json.loads(ws.recv(1)) == {"type": "ack", "id": "t1"}
        assert server.received == [{**STATUS, "id": "t1"}]
        server.wait_for(lambda: server.connections == 1)
        assert server.drop_all() == 1
        with pytest.raises(ConnectionClosed):
            ws.recv(1)
    assert threading.active_count() == threads


async def test_http_control_endpoint() -> None:
    """With http_control, GET /_mock/<action> shows state, pushes, refuses auth, silences and drops."""
    async with WebSocketMock(DOC_PATH, interval_s=None, http_control=True) as server:
        base = f"http://127.0.0.1:{server.port}/_mock"
        async with httpx.AsyncClient(timeout=2) as http, client(server.url) as ws:
            await send(ws, {"type": "subscribe", "channel": "config_changed"})
            await recv(ws), await recv(ws)
            assert (await http.get(f"{base}/push", params={"channel": "config_changed"})).json() == {"delivered": 1}
            assert await recv(ws) == examples("config_changed")[0]
            state = (await http.get(f"{base}/state")).json()
            assert (state["connections"], state["url"]) == (1, server.url)
            assert (await http.get(f"{base}/push", params={"channel": "weather"})).status_code == 404
            refused = (await http.get(f"{base}/refuse-auth", params={"on": "1"})).json()
            assert refused == {"auth_refused": True, "refuse_next_auth": False}
            once = (await http.get(f"{base}/refuse-auth", params={"on": "0", "once": "1"})).json()
            assert once == {"auth_refused": True, "refuse_next_auth": True}
            assert (await http.get(f"{base}/state")).json()["refuse_next_auth"] is True
            assert (await http.get(f"{base}/silence", params={"on": "0"})).json() == {"silent": False}
            assert (await http.get(f"{base}/drop")).json() == {"dropped": 1}
            assert await close_code(ws) == 1012
            assert (await http.get(f"{base}/nothing")).status_code == 404


def test_cli_prints_its_url_and_stops_on_sigint() -> None:
    """`python -m mock.ws_mock DOC --port N` prints the URL, serves it, and exits 0 on Ctrl-C."""
    port = free_port()
    command = [sys.executable, "-m", "mock.ws_mock", str(DOC_PATH), "--port", str(port), "--interval", "off"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"ws://127.0.0.1:{port}/ws" in first, first + process.stderr.read()  # type: ignore[union-attr]
        with sync_connect(f"ws://127.0.0.1:{port}/ws") as ws:
            ws.send(json.dumps({"type": "auth", "token": "t"}))
            assert json.loads(ws.recv(2)) == {"type": "auth_ok"}
        process.send_signal(signal.SIGINT)
        assert process.wait(5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


BROWSER_PROBE = """
const ws = new WebSocket(process.argv[2], ["json"]);
ws.onopen = () => ws.send(JSON.stringify({type: "auth", token: "browser"}));
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.type === "auth_ok") ws.send(JSON.stringify({type: "subscribe", channel: "timezone_update"}));
  if (message.type === "timezone_update") {
    console.log(JSON.stringify({protocol: ws.protocol, data: typeof event.data, event: message}));
    ws.close(1000);
  }
};
ws.onerror = () => process.exit(3);
"""


def test_a_browser_websocket_reads_the_mock(tmp_path: Path) -> None:
    """The WHATWG WebSocket API browsers have (Node's copy) connects, gets text frames and JSON events."""
    node = shutil.which("node")
    flags = [[], ["--experimental-websocket"]]
    probe = "process.exit(typeof WebSocket === 'function' ? 0 : 1)"
    usable = [f for f in flags if node and subprocess.run([node, *f, "-e", probe], check=False).returncode == 0]
    if not usable:
        pytest.skip("needs Node.js with a global WebSocket (Node 22+, or 20 with --experimental-websocket)")
    script = tmp_path / "probe.mjs"
    script.write_text(BROWSER_PROBE, encoding="utf-8")
    with ThreadedWebSocketMock(DOC_PATH, interval_s=None) as server:
        command = [str(node), *usable[0], str(script), server.url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"protocol": "json", "data": "string", "event": examples("timezone_update")[0]}


# --- the mock knows no API --------------------------------------------------------------------------


def test_mock_code_names_no_api() -> None:
    """Everything API-specific comes from the document: mock/ws_*.py never mention the API's names."""
    for path in sorted((ROOT / "mock").glob("ws_*.py")):
        hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if re.search("rvm|timezone", line, re.I)]
        assert hits == [], f"{path.name} lines {hits}"


def test_unreadable_document_names_its_file_and_line(tmp_path: Path) -> None:
    """A document that is not YAML, or a $ref that loops, is a DocumentError saying where, not a traceback."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("asyncapi: 3.0.0\ninfo: [oops\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"broken\.yaml#: \[yaml-syntax\] .*\(line \d+\)"):
        load_document(broken)
    looping = tmp_path / "looping.yaml"
    operations = {**RAW["operations"], "sendPing": {"$ref": "#/operations/sendPing"}}
    looping.write_text(yaml.safe_dump({**RAW, "operations": operations}), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"#/operations/sendPing: \$ref '#/operations/sendPing' refers to itself"):
        load_document(looping)


def test_document_without_protocol_or_kinds_is_refused(tmp_path: Path) -> None:
    """A document lacking x-ws-protocol, or an operation for a kind it names, is a DocumentError."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**RAW, "info": {"title": "x", "version": "1"}}))
    with pytest.raises(DocumentError, match="x-ws-protocol"):
        load_document(bad)
    operations = {k: v for k, v in RAW["operations"].items() if k != "sendPing"}
    bad.write_text(yaml.safe_dump({**RAW, "operations": operations}))
    with pytest.raises(DocumentError, match="'ping'"):
        load_document(bad)


@pytest.mark.parametrize(
    "payload",
    [
        {**STATUS, "id": "a"},
        {**STATUS, "id": "a", "state": "sleeping"},
        {**STATUS, "id": "a", "extra": True},
        {**STATUS, "id": 5},
        {k: v for k, v in STATUS.items() if k != "state"} | {"id": "a"},
        ["not", "an", "object"],
    ],
)
def test_fallback_validator_agrees_with_jsonschema(payload: object) -> None:
    """Without jsonschema the mock still checks type, enum, required and additionalProperties."""
    schema = DOCUMENT.client_messages["device_status"].schema
    assert bool(fallback_errors(schema, payload)) == bool(validator(schema)(payload))


# --- the AsyncAPI document --------------------------------------------------------------------------


def _refs(node: object, at: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield at, value
            else:
                yield from _refs(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{at}/{index}")


def _resolve(ref: str) -> Any:
    return ref_target(RAW, ref)


def _all_messages() -> Iterator[tuple[str, str, str]]:
    """(channel, message name, the $ref of the message object) for every message of every channel."""
    for channel_name, channel in RAW["channels"].items():
        for message_name, message in channel["messages"].items():
            yield channel_name, message_name, message["$ref"]


def test_document_keeps_the_contracts_protocol_extension() -> None:
    """info.x-ws-protocol is exactly the one of the protocol contract."""
    assert RAW["asyncapi"] == "3.0.0"
    assert ws_protocol(RAW) == CONTRACT_PROTOCOL


def test_every_ref_resolves() -> None:
    """Every $ref in the document points at something that exists."""
    refs = list(_refs(RAW))
    assert len(refs) > 50
    for at, ref in refs:
        assert ref.startswith("#/"), f"{at}: only local refs"
        try:
            _resolve(ref)
        except RefError:
            pytest.fail(f"{at}: $ref {ref} does not resolve")


def test_operations_reference_existing_channels_and_their_messages() -> None:
    """Each operation (and reply) names a channel of the document and only messages of that channel."""
    used = set()
    for name, operation in RAW["operations"].items():
        assert operation["action"] in ("send", "receive"), name
        for part in (operation, operation.get("reply")):
            if part is None:
                continue
            channel_ref = part["channel"]["$ref"]
            assert re.fullmatch(r"#/channels/\w+", channel_ref) and _resolve(channel_ref), name
            for message in part["messages"]:
                assert message["$ref"].startswith(channel_ref + "/messages/"), f"{name}: {message['$ref']}"
                used.add(message["$ref"])
    declared = {f"#/channels/{c}/messages/{m}" for c, m, _ in _all_messages()}
    assert declared == used, f"messages no operation uses: {sorted(declared - used)}"


@pytest.mark.parametrize(("channel", "name", "ref"), list(_all_messages()), ids=lambda v: str(v)[:24])
def test_every_message_has_examples_that_match_its_payload(channel: str, name: str, ref: str) -> None:
    """Each message has an example; each example's payload validates against the message's payload schema."""
    import jsonschema  # type: ignore[import-untyped]  # no stubs are published for it
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    registry = Registry().with_resource("urn:doc", Resource.from_contents(RAW, default_specification=DRAFT7))
    schema = {"$ref": f"urn:doc{ref}/payload"}
    check = jsonschema.Draft7Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    message = _resolve(ref)
    kind = registry.resolver("urn:doc").lookup(f"urn:doc{ref}/payload").contents
    assert message["examples"], f"{channel}/{name} has no example"
    for example in message["examples"]:
        problems = [e.message for e in check.iter_errors(example["payload"])]
        assert problems == [], f"{channel}/{name} example {example['name']}"
        assert example["payload"]["type"] == _resolve(kind["$ref"])["properties"]["type"]["const"]


def test_client_messages_are_closed() -> None:
    """Every message a client sends forbids unknown properties (additionalProperties: false)."""
    for kind, spec in DOCUMENT.client_messages.items():
        assert spec.schema.get("additionalProperties") is False, kind


def test_document_validates_against_the_asyncapi_3_schema() -> None:
    """The document is valid AsyncAPI 3.0.0 (the official JSON Schema shipped in mock/node_modules)."""
    if not ASYNCAPI_SCHEMA.exists():
        pytest.skip("run `make install` for @asyncapi/specs (installed with Spectral)")
    import jsonschema

    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    problems = [
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(RAW)
    ]
    assert problems == []


def test_document_passes_spectral_asyncapi_rules(tmp_path: Path) -> None:
    """Spectral's AsyncAPI ruleset finds no error or warning in the document."""
    if not SPECTRAL.exists() or shutil.which("node") is None:
        pytest.skip("run `make install` for the pinned Spectral")
    ruleset = tmp_path / "asyncapi-ruleset.yaml"
    ruleset.write_text("extends: ['spectral:asyncapi']\n", encoding="utf-8")
    command = [str(SPECTRAL), "lint", "--ruleset", str(ruleset), "--fail-severity=warn", "--quiet", str(DOC_PATH)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

"""RealtimeProtocol: parsing `x-ws-protocol`, its defaults and checks; the pure reconnect delays."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import pytest
from runtime.core._errors import ConfigurationError
from runtime.realtime._realtime_protocol import (
    DEFAULT_HEARTBEAT_INTERVAL_S,
    DEFAULT_RECONNECT_INITIAL_DELAY_S,
    DEFAULT_RECONNECT_MAX_ATTEMPTS,
    AckShape,
    AuthExchange,
    ErrorShape,
    HeartbeatPolicy,
    RealtimeProtocol,
    ReconnectPolicy,
    RequestExchange,
    backoff_delays,
    realtime_url,
    reconnect_delay_s,
    stream_url,
)

CONTRACT: dict[str, Any] = {
    "discriminator": "kind",
    "channel_field": "topic",
    "auth": {"send": "hello", "token_field": "bearer", "ok": "welcome"},
    "subscribe": {"send": "sub", "ok": "sub_ok"},
    "unsubscribe": {"send": "unsub", "ok": "unsub_ok"},
    "ping": {"send": "hb", "reply": "hb_ok", "interval_s": 15, "timeout_s": 5},
    "error": {"kind": "oops", "code_field": "c", "message_field": "m", "auth_failed_code": "denied"},
    "reconnect": {"initial_delay_s": 2, "max_delay_s": 30, "max_attempts": None},
    "x-future-extension": {"ignored": True},
}


def test_every_section_of_the_contract_is_read() -> None:
    """Each key of x-ws-protocol lands in its field; unknown keys are ignored."""
    protocol = RealtimeProtocol.from_mapping(CONTRACT)
    assert protocol == RealtimeProtocol(
        discriminator="kind",
        channel_field="topic",
        auth=AuthExchange(send="hello", token_field="bearer", ok="welcome"),
        subscribe=RequestExchange(send="sub", ok="sub_ok"),
        unsubscribe=RequestExchange(send="unsub", ok="unsub_ok"),
        heartbeat=HeartbeatPolicy(send="hb", reply="hb_ok", interval_s=15, timeout_s=5),
        error=ErrorShape(kind="oops", code_field="c", message_field="m", auth_failed_code="denied"),
        reconnect=ReconnectPolicy(initial_delay_s=2, max_delay_s=30, max_attempts=None),
    )
    assert protocol.control_kinds == frozenset({"welcome", "sub_ok", "unsub_ok", "hb_ok", "ack"})


def test_missing_sections_take_the_documented_defaults() -> None:
    """An almost empty mapping gives the contract's defaults (30 s pings, 5 s first delay, 10 attempts)."""
    protocol = RealtimeProtocol.from_mapping({"discriminator": "type"})
    assert protocol == RealtimeProtocol()
    assert protocol.heartbeat is not None and protocol.heartbeat.interval_s == DEFAULT_HEARTBEAT_INTERVAL_S == 30
    assert protocol.reconnect.initial_delay_s == DEFAULT_RECONNECT_INITIAL_DELAY_S == 5
    assert protocol.reconnect.max_attempts == DEFAULT_RECONNECT_MAX_ATTEMPTS == 10
    assert protocol.ack == AckShape(kind="ack", id_field="id")


def test_partial_sections_override_field_by_field() -> None:
    """A section with some keys keeps the defaults of the others."""
    protocol = RealtimeProtocol.from_mapping({"ping": {"interval_s": 1}, "ack": {"kind": "received"}})
    assert protocol.heartbeat == HeartbeatPolicy(interval_s=1)
    assert protocol.ack == AckShape(kind="received", id_field="id")


def test_null_switches_auth_and_ping_off() -> None:
    """auth: null means no auth frame; ping: null means no heartbeat."""
    protocol = RealtimeProtocol.from_mapping({"auth": None, "ping": None})
    assert protocol.auth is None and protocol.heartbeat is None
    assert protocol.control_kinds == frozenset({"subscribed", "unsubscribed", "ack"})


def test_flat_frames_keep_their_fields_beside_the_discriminator() -> None:
    """Without payload_field a frame is {discriminator: kind, **fields} and fields are read from its top."""
    protocol = RealtimeProtocol.from_mapping({"discriminator": "type"})
    assert protocol.payload_field is None
    assert protocol.frame("subscribe", {"channel": "a"}) == {"type": "subscribe", "channel": "a"}
    assert protocol.field({"type": "subscribed", "channel": "a"}, "channel") == "a"


def test_payload_field_nests_every_field_but_the_kind() -> None:
    """payload_field: data builds {event: kind, data: {...}} and reads fields inside data (None when absent)."""
    protocol = RealtimeProtocol.from_mapping({"discriminator": "event", "payload_field": "data"})
    assert protocol.payload_field == "data"
    assert protocol.frame("subscribe", {"channel": "batches"}) == {"event": "subscribe", "data": {"channel": "batches"}}
    assert protocol.frame("auth_ok", {}) == {"event": "auth_ok", "data": {}}
    assert protocol.field({"event": "error", "data": {"type": "auth"}}, "type") == "auth"
    assert protocol.field({"event": "error", "type": "auth"}, "type") is None
    assert protocol.field({"event": "pong", "data": "not an object"}, "id") is None


def test_a_stream_sends_no_auth_frame_and_no_ping_but_keeps_the_frame_shape() -> None:
    """for_stream() drops auth and heartbeat (the client sends nothing) and keeps kinds and fields."""
    protocol = RealtimeProtocol.from_mapping({"discriminator": "event", "payload_field": "data"})
    stream = protocol.for_stream()
    assert stream.auth is None and stream.heartbeat is None
    assert (stream.discriminator, stream.payload_field, stream.reconnect) == ("event", "data", protocol.reconnect)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ws://127.0.0.1:4011/ws", "ws://127.0.0.1:4011/ws/timezone"),
        ("wss://api.example/ws?x=1#f", "wss://api.example/ws/timezone"),
        ("ws://h", "ws://h/ws/timezone"),
    ],
)
def test_stream_url_keeps_scheme_and_host_and_takes_the_streams_path(url: str, expected: str) -> None:
    """The stream's path replaces the server URL's path; query and fragment are dropped."""
    assert stream_url(url, "/ws/timezone") == expected


@pytest.mark.parametrize(
    ("url", "path", "setting"),
    [("http://h/ws", "/s", "url"), ("ws:///ws", "/s", "url"), ("ws://h/ws", "s", "path")],
)
def test_stream_url_refuses_what_is_not_a_websocket_url_or_a_path(url: str, path: str, setting: str) -> None:
    """A non-ws URL, a URL without host or a relative path is a ConfigurationError naming the setting."""
    with pytest.raises(ConfigurationError) as caught:
        stream_url(url, path)
    assert caught.value.setting == setting


@pytest.mark.parametrize(
    ("mapping", "setting"),
    [
        ({"discriminator": ""}, "x-ws-protocol.discriminator"),
        ({"ping": {"interval_s": -1}}, "x-ws-protocol.ping.interval_s"),
        ({"ping": {"timeout_s": "soon"}}, "x-ws-protocol.ping.timeout_s"),
        ({"reconnect": {"max_attempts": 0}}, "x-ws-protocol.reconnect.max_attempts"),
        ({"reconnect": {"initial_delay_s": float("nan")}}, "x-ws-protocol.reconnect.initial_delay_s"),
        ({"auth": "yes"}, "x-ws-protocol.auth"),
        ({"error": None}, "x-ws-protocol.error"),
        ({"subscribe": {"send": 3}}, "x-ws-protocol.subscribe.send"),
        ({"payload_field": ""}, "x-ws-protocol.payload_field"),
    ],
)
def test_bad_values_raise_configuration_error_naming_the_key(mapping: dict[str, Any], setting: str) -> None:
    """A wrong type or range raises ConfigurationError whose `setting` is the dotted key."""
    with pytest.raises(ConfigurationError) as caught:
        RealtimeProtocol.from_mapping(mapping)
    assert caught.value.setting == setting


def test_the_value_objects_are_frozen_and_evolve() -> None:
    """Policies are immutable; variants come from attrs.evolve."""
    policy = ReconnectPolicy()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        policy.max_attempts = 3  # type: ignore[misc]
    assert attrs.evolve(policy, max_attempts=None).max_attempts is None


@pytest.mark.parametrize(
    ("retry_number", "jitter", "expected"),
    [(1, 0.0, 5.0), (2, 0.0, 10.0), (3, 0.0, 20.0), (4, 0.0, 40.0), (5, 0.0, 60.0), (50, 0.0, 60.0), (1, 0.5, 5.5)],
)
def test_reconnect_delay_formula(retry_number: int, jitter: float, expected: float) -> None:
    """delay = min(max_delay_s, initial_delay_s * 2**(n-1)) + jitter * max_jitter_s."""
    assert reconnect_delay_s(ReconnectPolicy(), retry_number, jitter) == pytest.approx(expected)


def test_reconnect_delay_needs_a_positive_retry_number() -> None:
    """Retry numbers start at 1."""
    with pytest.raises(ValueError, match="starts at 1"):
        reconnect_delay_s(ReconnectPolicy(), 0, 0.0)


def test_backoff_delays_is_an_endless_sequence_with_injected_jitter() -> None:
    """backoff_delays yields the formula for 1, 2, 3, ... with the injected random source; jitter None adds none."""
    draws = iter([0.0, 1.0, 0.5, 0.25])
    policy = ReconnectPolicy(initial_delay_s=1, max_delay_s=8, max_jitter_s=2)
    assert list(itertools.islice(backoff_delays(policy, jitter=lambda: next(draws)), 4)) == [1.0, 4.0, 5.0, 8.5]
    no_jitter = ReconnectPolicy(initial_delay_s=1, max_delay_s=4, max_jitter_s=None)
    assert list(itertools.islice(backoff_delays(no_jitter), 5)) == [1, 2, 4, 4, 4]


SERVERS = ("ws://127.0.0.1:4011/ws", "wss://api.example/ws")


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://127.0.0.1:4010", "ws://127.0.0.1:4011/ws"),  # the document's server on that host (a mock)
        ("https://api.example/api/v1", "wss://api.example/ws"),
        ("https://rvm.corp.example:8443/api", "wss://rvm.corp.example:8443/ws"),  # derived: host, port kept
        ("http://10.0.0.5", "ws://10.0.0.5/ws"),
    ],
)
def test_realtime_url_goes_with_the_rest_client(base_url: str, expected: str) -> None:
    """The server on the REST host wins; otherwise that host with ws/wss and the document's path."""
    assert realtime_url(base_url, SERVERS) == expected


def test_realtime_url_without_servers_keeps_the_host_only() -> None:
    """A document without ws servers still gives the REST host, as ws/wss, with no path."""
    assert realtime_url("https://h.example/v1", ()) == "wss://h.example"


def test_realtime_url_refuses_a_base_url_that_is_not_http() -> None:
    """A base_url that is not http(s) with a host is a ConfigurationError naming `url`."""
    with pytest.raises(ConfigurationError) as caught:
        realtime_url("ftp://h", SERVERS)
    assert caught.value.setting == "url"

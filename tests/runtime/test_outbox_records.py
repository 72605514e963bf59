"""How a call's kwargs become a credential-free row, what cannot be deferred, and how a row is replayed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from runtime import RETRY_DISABLED, ConfigurationError
from runtime.outbox._outbox_records import OutboxItem, QueuedRow, StoredRequest, replay_kwargs, serialize_request


def kwargs_for(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "method": "post",
        "url": "/api/v2/rvms/rvm-1/metrics",
        "json": {"cpu_percent": 37.5, "note": "héllo"},
        "headers": {"Content-Type": "application/json"},
        "extensions": {"sdk.operation_id": "submitMetrics"},
    }
    return base | extra


def row_for(stored: StoredRequest, outbox_id: int = 7) -> QueuedRow:
    item = OutboxItem(
        outbox_id=outbox_id,
        operation_id=stored.operation_id,
        idempotency_key=stored.idempotency_key,
        method=stored.method,
        url=stored.url,
        queued_at=0.0,
        attempts=0,
        last_error=None,
        size_bytes=stored.size_bytes,
    )
    return QueuedRow(item=item, request=stored)


def test_a_missing_idempotency_key_is_generated_before_the_first_attempt() -> None:
    """Without one, a fresh key goes into the kwargs sent now and into the stored row: the same key."""
    send, stored = serialize_request(kwargs_for(), operation_id="submitMetrics")
    assert send["headers"]["Idempotency-Key"] == stored.idempotency_key
    assert len(stored.idempotency_key) == 36


def test_the_callers_idempotency_key_is_kept_whatever_its_case() -> None:
    """A key already in the headers (any spelling) is the one sent and stored."""
    send, stored = serialize_request(kwargs_for(headers={"idempotency-key": "abc"}), operation_id="op")
    assert stored.idempotency_key == "abc" and send["headers"]["Idempotency-Key"] == "abc"


@pytest.mark.parametrize(
    "header",
    ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "X-Session-Token", "X-Client-Secret"],
)
def test_credential_headers_are_never_stored(header: str) -> None:
    """Auth, cookies and every header named like a credential are dropped from the row (not from the send)."""
    send, stored = serialize_request(kwargs_for(headers={header: "s3cr3t-value", "X-Trace": "t1"}), operation_id="op")
    assert send["headers"][header] == "s3cr3t-value"
    assert dict(stored.headers) == {"x-trace": "t1"}
    assert "s3cr3t" not in repr(stored)


def test_the_body_is_stored_as_httpx_would_send_it() -> None:
    """Method upper-cased, URL relative with its query, body bytes and content type exactly as httpx encodes them."""
    kwargs = kwargs_for(params={"limit": 5, "tag": ["a", "b"]})
    _, stored = serialize_request(kwargs, operation_id="submitMetrics")
    expected = httpx.Request("POST", "https://x/api/v2/rvms/rvm-1/metrics", json=kwargs["json"])
    assert stored.method == "POST"
    assert stored.url == "/api/v2/rvms/rvm-1/metrics?limit=5&tag=a&tag=b"
    assert stored.body == expected.content
    assert stored.content_type == "application/json"


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"cookies": {"sid": "1"}}, "cookies"),
        ({"auth": ("user", "pass")}, "auth"),
        ({"json": None, "content": iter([b"chunk"])}, "streaming"),
        ({"params": {"api_key": "k"}}, "credentials"),
        ({"stream": True}, "cannot be stored"),
    ],
    ids=["cookies", "auth", "stream", "secret-query", "unknown-kwarg"],
)
def test_what_cannot_be_replayed_is_refused_up_front(extra: dict[str, Any], why: str) -> None:
    """Such calls raise ConfigurationError (setting "deliver") before anything is sent or stored."""
    with pytest.raises(ConfigurationError, match=why) as caught:
        serialize_request(kwargs_for(**extra), operation_id="uploadBackup")
    assert "uploadBackup" in str(caught.value) and caught.value.setting == "deliver"


def test_a_multipart_upload_is_stored_as_the_bytes_it_sends() -> None:
    """files= is rendered once: the send and the row carry the same bytes and boundary, and a replay is equal."""
    upload = kwargs_for(
        json=None, headers={}, files={"archive": ("backup.tar.gz", b"\x1f\x8b-archive", "application/gzip")}
    )
    upload["data"] = {"kind": "full"}
    send, stored = serialize_request(upload, operation_id="uploadBackup")
    assert "files" not in send and send["content"] == stored.body
    assert send["headers"]["Content-Type"] == stored.content_type
    assert stored.content_type is not None and stored.content_type.startswith("multipart/form-data; boundary=")
    assert b"\x1f\x8b-archive" in stored.body and b'name="kind"' in stored.body
    replay = replay_kwargs(row_for(stored))
    with httpx.Client(base_url="https://api.example.com") as client:
        again = client.build_request(**replay)
        now = client.build_request(**send)
    assert again.content == now.content == stored.body
    assert again.headers["Content-Type"] == now.headers["Content-Type"] == stored.content_type


def test_a_replayed_row_is_the_same_request() -> None:
    """replay_kwargs rebuilds the request: same method, URL, body, content type, key, timeout and scalar sdk.*
    extensions (sdk.operation_id, sdk.anonymous) plus sdk.outbox_id; a per-call sdk.retry is not replayed."""
    kwargs = kwargs_for(
        params={"limit": 5},
        headers={"X-Trace": "t1", "Idempotency-Key": "k-1"},
        timeout=httpx.Timeout(3.0, read=9.0),
        extensions={"sdk.operation_id": "submitMetrics", "sdk.anonymous": True, "sdk.retry": RETRY_DISABLED},
    )
    _, stored = serialize_request(kwargs, operation_id="submitMetrics")
    replay = replay_kwargs(row_for(stored, outbox_id=7))
    with httpx.Client(base_url="https://api.example.com/base") as client:
        again = client.build_request(**replay)
        original = client.build_request(**{k: v for k, v in kwargs.items() if k != "timeout"})
    assert (again.method, again.url, again.content) == (original.method, original.url, original.content)
    assert again.headers["Idempotency-Key"] == "k-1" and again.headers["X-Trace"] == "t1"
    assert again.headers["Content-Type"] == "application/json"
    assert replay["timeout"] == httpx.Timeout(3.0, read=9.0)
    assert replay["extensions"] == {"sdk.operation_id": "submitMetrics", "sdk.anonymous": True, "sdk.outbox_id": 7}
    assert json.loads(again.content) == kwargs["json"]


def test_no_timeout_and_form_bodies_round_trip() -> None:
    """timeout=None (no timeout) stays None; a form body keeps its bytes and content type."""
    _, stored = serialize_request(
        {"method": "POST", "url": "/f", "data": {"a": "1"}, "timeout": None}, operation_id="form"
    )
    replay = replay_kwargs(row_for(stored))
    assert replay["timeout"] is None and replay["content"] == b"a=1"
    assert stored.content_type == "application/x-www-form-urlencoded"


def test_a_generator_body_is_never_consumed_by_the_check() -> None:
    """Refusing a streaming body must not have read it (the caller may still send it directly)."""
    consumed: list[bytes] = []

    def chunks() -> Iterator[bytes]:
        consumed.append(b"x")
        yield b"x"

    with pytest.raises(ConfigurationError):
        serialize_request({"method": "POST", "url": "/s", "content": chunks()}, operation_id="s")
    assert consumed == []

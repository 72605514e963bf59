"""Wire logging: the INFO line, DEBUG detail with redaction, env configuration, and no secret ever logged."""

from __future__ import annotations

import functools
import io
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from runtime.core._clock import FakeClock
from runtime.core._errors import APIStatusError, ConfigurationError, raise_for_status
from runtime.core._lazy_request import FixedHeaders, LazyURLRequest
from runtime.core._redaction import Redaction
from runtime.pipeline import _log_lines, _logging
from runtime.pipeline._lean_exchange import bodyless_request
from runtime.pipeline._log_output import BatchingStreamHandler
from runtime.pipeline._logging import (
    AsyncLoggingTransport,
    LoggingTransport,
    configure_logging,
    configure_logging_from_env,
)
from runtime.policies._settings import ClientSettings

BASE = "https://api.test"


class Capture(logging.Handler):
    """Keeps every record and its formatted line."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def lines(self) -> list[str]:
        return [self.format(record) for record in self.records]


_counter = 0


def make_logger(level: int) -> tuple[logging.Logger, Capture]:
    global _counter
    _counter += 1
    logger = logging.getLogger(f"sdk_test_logging_{_counter}")
    logger.setLevel(level)
    logger.propagate = False
    capture = Capture()
    logger.addHandler(capture)
    return logger, capture


def client_for(handler: object, logger: logging.Logger, clock: FakeClock) -> httpx.Client:
    transport = LoggingTransport(inner=httpx.MockTransport(handler), logger=logger, clock=clock)  # type: ignore[arg-type]
    return httpx.Client(base_url=BASE, transport=transport)


def test_info_line_format() -> None:
    """One INFO line: method, path with query values redacted, status, duration, attempt; a success's request id
    is on its record (`sdk_request_id`), not its line."""
    logger, capture = make_logger(logging.INFO)
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance(0.0123)
        return httpx.Response(201, headers={"X-Request-ID": "req-42"}, json={"access_token": "x"})

    with client_for(handler, logger, clock) as client:
        client.get(
            "/v1/pets",
            params={"limit": 10, "token": "t0ps3cret", "q": "john"},
            extensions={"sdk.attempt": 2, "sdk.operation_id": "list_pets"},
        )
    assert capture.lines == [
        f"INFO {logger.name} GET /v1/pets?limit=10&token=REDACTED&q=REDACTED -> 201 in 12.3 ms (attempt 2)"
    ]
    record = capture.records[0]
    assert (record.sdk_status, record.sdk_attempt, record.sdk_request_id, record.sdk_operation_id) == (  # type: ignore[attr-defined]
        201,
        2,
        "req-42",
        "list_pets",
    )
    assert record.sdk_duration_ms == pytest.approx(12.3)  # type: ignore[attr-defined]


def test_info_record_is_a_standard_record() -> None:
    """The INFO record carries the standard fields and every sdk_* attribute; its source is
    _log_lines.InfoLine.write."""
    logger, capture = make_logger(logging.INFO)
    with client_for(lambda r: httpx.Response(200, headers={"Request-Id": "r-7"}), logger, FakeClock()) as client:
        client.get("/v1/pets/7", extensions={"sdk.operation_id": "get_pet"})
    (record,) = capture.records
    code = _log_lines.InfoLine.write.__code__
    assert (record.pathname, record.lineno, record.funcName) == (code.co_filename, code.co_firstlineno, "write")
    assert (record.filename, record.module) == ("_log_lines.py", "_log_lines")
    assert record.getMessage() == "GET /v1/pets/7 -> 200 in 0.0 ms (attempt 1)"
    assert record.levelname == "INFO" and record.name == logger.name and record.created > 0
    assert record.thread == threading.get_ident() and record.process == os.getpid()
    assert {key: getattr(record, key) for key in vars(record) if key.startswith("sdk_")} == {
        "sdk_method": "GET",
        "sdk_target": "/v1/pets/7",
        "sdk_status": 200,
        "sdk_duration_ms": 0.0,
        "sdk_attempt": 1,
        "sdk_request_id": "r-7",
        "sdk_operation_id": "get_pet",
    }


def test_info_record_goes_through_filters_and_propagation() -> None:
    """The logger's filters and propagation to ancestors apply to the INFO record as with Logger.info."""
    parent, capture = make_logger(logging.INFO)
    child = logging.getLogger(f"{parent.name}.http")
    seen: list[str] = []

    def only_errors(record: logging.LogRecord) -> bool:
        seen.append(record.getMessage())
        return getattr(record, "sdk_status", 0) >= 400

    child.addFilter(only_errors)
    answers = iter([httpx.Response(200), httpx.Response(503)])
    with client_for(lambda r: next(answers), child, FakeClock()) as client:
        client.get("/a")
        client.get("/b")
    assert len(seen) == 2
    assert [r.getMessage() for r in capture.records] == ["GET /b -> 503 in 0.0 ms (attempt 1)"]
    child.propagate = False
    with client_for(lambda r: httpx.Response(503), child, FakeClock()) as client:
        client.get("/c")
    assert len(capture.records) == 1


@pytest.mark.parametrize("status", [400, 404, 503])
def test_an_error_answer_line_names_the_request_id(status: int) -> None:
    """From 400 on (`ERROR_STATUS`), the line names the server's request id: the one a support ticket quotes."""
    logger, capture = make_logger(logging.INFO)
    with client_for(lambda r: httpx.Response(status, headers={"X-Request-ID": "req-9"}), logger, FakeClock()) as client:
        client.get("/v1/pets")
    assert capture.lines == [f"INFO {logger.name} GET /v1/pets -> {status} in 0.0 ms (attempt 1, request id req-9)"]
    assert capture.records[0].sdk_request_id == "req-9"  # type: ignore[attr-defined]


def test_the_error_status_starts_at_400() -> None:
    """The line of a 399 answer (a redirect, a success) leaves the id out; 400 names it."""
    assert _log_lines.ERROR_STATUS == 400
    logger, capture = make_logger(logging.INFO)
    answers = iter([httpx.Response(399, headers={"Request-Id": "a"}), httpx.Response(400, headers={"Request-Id": "b"})])
    with client_for(lambda r: next(answers), logger, FakeClock()) as client:
        client.get("/x")
        client.get("/y")
    assert [line.rsplit("(", 1)[1] for line in capture.lines] == ["attempt 1)", "attempt 1, request id b)"]


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        ([], None),
        ([("Request-Id", "r1")], "r1"),
        ([("X-Correlation-ID", "c1"), ("X-Request-ID", "x1")], "x1"),  # the order of REQUEST_ID_HEADERS wins
        ([("X-Request-ID", ""), ("Request-Id", "r2")], "r2"),  # an empty value is skipped
        ([("X-Request-ID", "a"), ("X-Request-ID", "b")], "a, b"),  # repeated: joined, as Headers.get does
        ([("x-request-id", "caf\u00e9".encode())], "caf\u00e9"),
    ],
)
def test_request_id_header(headers: list[tuple[str, str | bytes]], shown: str | None) -> None:
    """The request id is the first of REQUEST_ID_HEADERS with a value, decoded as httpx decodes headers."""
    logger, capture = make_logger(logging.INFO)
    with client_for(lambda r: httpx.Response(500, headers=headers), logger, FakeClock()) as client:
        client.get("/v1/pets")
    with client_for(lambda r: httpx.Response(200, headers=headers), logger, FakeClock()) as client:
        client.get("/v1/pets")
    assert [record.sdk_request_id for record in capture.records] == [shown, shown]  # type: ignore[attr-defined]
    assert capture.lines[0].endswith(f"(attempt 1, request id {shown})" if shown else "(attempt 1)")
    assert capture.lines[1].endswith("(attempt 1)")


def our_handler_only(stream: io.StringIO) -> tuple[logging.Logger, BatchingStreamHandler]:
    """A logger whose only handler is the runtime's own (writing to `stream`), so lines skip the record."""
    logger, capture = make_logger(logging.INFO)
    logger.removeHandler(capture)
    handler = BatchingStreamHandler(stream)  # type: ignore[arg-type]
    logger.addHandler(handler)
    return logger, handler


def test_line_without_record_matches_the_record_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """With only our handler, no record is built, and the line written is the one the record would give."""
    stream = io.StringIO()
    logger, ours = our_handler_only(stream)
    request = {"params": {"limit": 3, "token": "t0ps3cret"}, "extensions": {"sdk.attempt": 2}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, headers={"X-Request-ID": "req-1"})

    monkeypatch.setattr(logger, "makeRecord", None)  # would fail if a record were made
    with client_for(handler, logger, FakeClock()) as client:
        client.get("/v1/pets", **request)  # type: ignore[arg-type]
    monkeypatch.undo()
    logger.addHandler(Capture())  # someone else listens: records again, through our formatter too
    with client_for(handler, logger, FakeClock()) as client:
        client.get("/v1/pets", **request)  # type: ignore[arg-type]
    ours.close()  # writes the queue (and ends the flusher thread)
    direct, via_record = stream.getvalue().splitlines()
    expected = (
        f" INFO {logger.name}: GET /v1/pets?limit=3&token=REDACTED -> 502 in 0.0 ms (attempt 2, request id req-1)"
    )
    assert direct[23:] == via_record[23:] == expected  # after the timestamp


@pytest.mark.parametrize("kept", [2000, 2])  # the texts kept for next time, and a full cache
def test_lines_without_record_say_what_records_say_for_any_answer(kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The looked-up texts of a line made without a record (`_LineTexts`) give the record's message for each
    status, duration and attempt, met once or again, whatever the attempt is, and once the cache is full."""
    monkeypatch.setattr(_log_lines, "_KEPT_OUTCOMES", kept)
    monkeypatch.setattr(_log_lines, "_line_texts", functools.cache(_log_lines._LineTexts))  # empty, this test's
    stream = io.StringIO()
    direct_logger, ours = our_handler_only(stream)
    record_logger, capture = make_logger(logging.INFO)
    answers: list[tuple[int, float, object]] = [
        (200, 0.0123, 1),
        (200, 0.0123, 1),  # met again: looked up
        (503, 0.00449, 2),
        (200, 0.00005, 1),  # half a tenth: rounded up
        (404, 1.5, 3),
        (200, 0.0123, "2"),  # not a number: made, not kept
        (200, 0.0123, 2),
        (200, 0.0123, True),
        (200, 0.0123, 1),
        (999, 0.0, 0),
    ]
    for status, seconds, attempt in answers:
        request = httpx.Request("GET", f"{BASE}/v1/pets", extensions={"sdk.attempt": attempt})
        for logger in (direct_logger, record_logger):
            _log_lines.InfoLine(logger, Redaction()).write(request, httpx.Response(status), 10.0, 10.0 + seconds)
    ours.close()
    direct = [line[23:].removeprefix(f" INFO {direct_logger.name}: ") for line in stream.getvalue().splitlines()]
    assert direct == [record.getMessage() for record in capture.records]
    assert direct[5:8] == [
        "GET /v1/pets -> 200 in 12.3 ms (attempt 2)",
        "GET /v1/pets -> 200 in 12.3 ms (attempt 2)",
        "GET /v1/pets -> 200 in 12.3 ms (attempt True)",
    ]


def test_a_lazy_request_logs_the_target_it_sends() -> None:
    """The lean client's requests (`LazyURLRequest`) are logged from the raw path they send, without parsing
    their URL, as the parsed request is; one whose URL was replaced (an auth adding a query key) is read from
    its URL, with the query's values redacted."""
    logger, capture = make_logger(logging.INFO)
    base = httpx.URL(f"{BASE}/v1")
    headers = FixedHeaders(httpx.Headers({"Host": "api.test"}))

    def lazy() -> httpx.Request:
        request = bodyless_request("GET", f"{BASE}/v1/pets/7", headers, None, {}, base=base, path="/pets/7")
        assert type(request) is LazyURLRequest and request.path_bytes == b"/v1/pets/7"
        return request

    replaced = lazy()
    replaced.url = httpx.URL(f"{BASE}/v1/pets/7?token=t0ps3cret")
    clock = FakeClock()
    transport = LoggingTransport(inner=httpx.MockTransport(lambda r: httpx.Response(200)), logger=logger, clock=clock)
    for request in (lazy(), replaced, httpx.Request("GET", f"{BASE}/v1/pets/7")):
        transport.handle_request(request)
    assert [record.getMessage() for record in capture.records] == [
        "GET /v1/pets/7 -> 200 in 0.0 ms (attempt 1)",
        "GET /v1/pets/7?token=REDACTED -> 200 in 0.0 ms (attempt 1)",
        "GET /v1/pets/7 -> 200 in 0.0 ms (attempt 1)",
    ]


def test_attempt_defaults_to_one_and_no_request_id() -> None:
    """Without a retry transport the attempt is 1; without a request id header it is left out."""
    logger, capture = make_logger(logging.INFO)
    with client_for(lambda r: httpx.Response(204), logger, FakeClock()) as client:
        client.delete("/v1/pets/1")
    assert capture.lines == [f"INFO {logger.name} DELETE /v1/pets/1 -> 204 in 0.0 ms (attempt 1)"]


def test_nothing_is_built_when_logging_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below WARNING-enabled, the transport only checks isEnabledFor: no exchange object, no records."""
    logger, capture = make_logger(logging.ERROR)

    def explode(*args: object, **kwargs: object) -> None:
        raise AssertionError("built an exchange while logging is off")

    monkeypatch.setattr(_logging, "Exchange", explode)
    with client_for(lambda r: httpx.Response(200), logger, FakeClock()) as client:
        assert client.get("/v1/pets").status_code == 200
    assert capture.records == []


def test_debug_shows_redacted_headers_and_bodies() -> None:
    """At DEBUG the headers (allowlist) and bodies (secret fields masked) of both sides are logged."""
    logger, capture = make_logger(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Set-Cookie": "sid=abc", "X-Internal": "v", "Content-Type": "application/json"},
            json={"access_token": "resp-secret", "name": "Rex"},
        )

    with client_for(handler, logger, FakeClock()) as client:
        client.post(
            "/v1/login",
            headers={"Authorization": "Bearer hdr-secret", "X-Trace-Thing": "t"},
            json={"user": "ann", "password": "pw-secret", "nested": [{"client_secret": "cs-secret"}]},
        )
    text = "\n".join(capture.lines)
    for secret in ("resp-secret", "hdr-secret", "pw-secret", "cs-secret", "sid=abc"):
        assert secret not in text
    assert "'authorization': 'REDACTED'" in text and "'x-trace-thing': 'REDACTED'" in text
    assert "'content-type': 'application/json'" in text and "'x-internal': 'REDACTED'" in text
    assert '"user": "ann"' in text and '"password": "REDACTED"' in text and '"name": "Rex"' in text
    assert sum(r.levelno == logging.INFO for r in capture.records) == 1


class ChunkStream(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


def test_streamed_response_body_is_logged_once_read_and_stays_streamable() -> None:
    """A streamed body is logged when the caller finishes reading it; the caller still gets every byte."""
    logger, capture = make_logger(logging.DEBUG)
    chunks = [b'{"token": "stream-secret", ', b'"n": 1}']

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=ChunkStream(chunks))

    with client_for(handler, logger, FakeClock()) as client, client.stream("GET", "/v1/pets") as response:
        assert not any("response body" in line for line in capture.lines)
        assert b"".join(response.iter_raw()) == b"".join(chunks)
    bodies = [line for line in capture.lines if "response body" in line]
    assert len(bodies) == 1 and '{"token": "REDACTED", "n": 1}' in bodies[0]


def test_unread_stream_is_noted_not_dumped() -> None:
    """A stream closed before its end logs a note, not a partial body."""
    logger, capture = make_logger(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=ChunkStream([b"abc"]))

    with client_for(handler, logger, FakeClock()) as client, client.stream("GET", "/v1/file"):
        pass
    assert any("not read to the end" in line for line in capture.lines)


def test_non_json_bodies_are_truncated() -> None:
    """Long text bodies are cut at the policy's limit."""
    logger, capture = make_logger(logging.DEBUG)
    with client_for(lambda r: httpx.Response(200, text="x" * 5000), logger, FakeClock()) as client:
        client.get("/v1/text")
    body_line = next(line for line in capture.lines if "response body" in line)
    assert "(3000 more chars)" in body_line and len(body_line) < 2200


def test_connect_errors_are_logged_at_warning_and_reraised() -> None:
    """A failure without an answer is logged at WARNING with the redacted target, then propagates."""
    logger, capture = make_logger(logging.INFO)

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused to token=abc12345678", request=request)

    with client_for(handler, logger, FakeClock()) as client, pytest.raises(httpx.ConnectError):
        client.get("/v1/pets", params={"token": "abc12345678"})
    assert capture.lines == [
        f"WARNING {logger.name} GET /v1/pets?token=REDACTED -> ConnectError after 0.0 ms (attempt 1): "
        "connection refused to token=REDACTED"
    ]


async def test_async_transport_logs_the_same_line() -> None:
    """The async twin writes the same INFO line and watches async streams at DEBUG."""
    logger, capture = make_logger(logging.DEBUG)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"X-Request-ID": "r1"}, json={"secret": "async-secret"})

    transport = AsyncLoggingTransport(inner=httpx.MockTransport(handler), logger=logger, clock=FakeClock())
    async with httpx.AsyncClient(base_url=BASE, transport=transport) as client:
        await client.get("/v1/pets", params={"limit": 5})
    assert f"INFO {logger.name} GET /v1/pets?limit=5 -> 200 in 0.0 ms (attempt 1)" in capture.lines
    assert "async-secret" not in "\n".join(capture.lines)


# -- configuration -------------------------------------------------------------------------------------


def _ours(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if getattr(h, "_sdk_runtime_handler", False)]


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("debug", logging.DEBUG),
        ("INFO", logging.INFO),
        (" warning ", logging.WARNING),
        ("off", logging.CRITICAL + 1),
    ],
)
def test_env_sets_the_level_and_one_stderr_handler(value: str, level: int) -> None:
    """<PREFIX>_LOG sets the level; the stderr handler is attached once however often it is applied."""
    name = f"sdk_env_{value.strip().lower()}"
    for _ in range(3):
        logger = configure_logging_from_env("ACME", name, environ={"ACME_LOG": value})
    assert logger is not None and logger.level == level
    expected = 0 if value == "off" else 1
    assert len(_ours(logger)) == expected
    if expected:
        handler = _ours(logger)[0]
        assert isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr


def test_env_unset_or_empty_leaves_logging_alone() -> None:
    """No variable (or an empty one) changes nothing and returns None."""
    assert configure_logging_from_env("ACME", "sdk_env_unset", environ={}) is None
    assert configure_logging_from_env("ACME_", "sdk_env_unset", environ={"ACME_LOG": ""}) is None
    assert logging.getLogger("sdk_env_unset").level == logging.NOTSET


def test_env_invalid_value_names_the_variable() -> None:
    """An invalid value raises ConfigurationError naming the variable and the valid values."""
    with pytest.raises(ConfigurationError) as info:
        configure_logging_from_env("ACME", "sdk_env_bad", environ={"ACME_LOG": "verbose"})
    assert info.value.setting == "ACME_LOG"
    assert "ACME_LOG='verbose'" in str(info.value)
    assert "debug, info, warning, error, critical, off" in str(info.value)


def test_configure_logging_off_then_on() -> None:
    """configure_logging(name, None) silences the logger; a level afterwards turns it back on."""
    logger = configure_logging("sdk_cfg_toggle", None)
    assert not logger.isEnabledFor(logging.CRITICAL)
    configure_logging("sdk_cfg_toggle", logging.INFO)
    assert logger.isEnabledFor(logging.INFO) and not logger.isEnabledFor(logging.DEBUG)


# -- the property: no secret reaches any log line ---------------------------------------------------------

SECRETS = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=40)


SPEC_SECRET_FIELDS = frozenset({"hardware_fingerprint"})  # as a spec's format: password / writeOnly field


def _exchange_logs(secret: str) -> list[str]:
    """Log one DEBUG exchange carrying `secret` everywhere a credential goes (the server echoing it in its
    error body, a spec password field among them) and return the lines, the error's message, and the
    repr of settings whose base URL holds it as the password."""
    logger, capture = make_logger(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        problem = {
            "type": "about:blank",
            "title": "Unauthorized",
            "detail": f"token {secret} is not valid",
            "access_token": secret,
            "errors": [{"field": "password", "apiKey": secret}, {"password": secret}],
            "hardware_fingerprint": secret,
        }
        return httpx.Response(
            401,
            headers={
                "Set-Cookie": f"sid={secret}; HttpOnly",
                "Content-Type": "application/problem+json",
                "X-Debug-Info": secret,
            },
            content=json.dumps(problem).encode(),
        )

    redaction = Redaction(secret_fields=SPEC_SECRET_FIELDS)
    transport = LoggingTransport(
        inner=httpx.MockTransport(handler), logger=logger, clock=FakeClock(), redaction=redaction
    )
    with httpx.Client(base_url=BASE, transport=transport) as client:
        response = client.post(
            "/v1/login",
            params={"token": secret, "api_key": secret, "limit": 5},
            headers={
                "Authorization": f"Bearer {secret}",
                "Cookie": f"session={secret}; theme=dark",
                "X-Client-Data": secret,
            },
            json={
                "user": "ann",
                "password": secret,
                "client_secret": secret,
                "nested": {"tokens": [secret]},
                "hardware_fingerprint": secret,
            },
        )
    with pytest.raises(APIStatusError) as caught:
        raise_for_status(response)
    settings = ClientSettings(base_url=f"https://ann:{quote(secret, safe='')}@api.test/v1")
    return [*capture.lines, str(caught.value), repr(caught.value), repr(settings)]


BASELINE = "\n".join(_exchange_logs("PLACEHOLDER-SECRET"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(secret=SECRETS)
def test_no_secret_reaches_any_log_line(secret: str) -> None:
    """Whatever the secret, it never appears (raw, JSON-escaped or URL-encoded) in a DEBUG log line, in the
    message of the error its response raises, or in the repr of settings whose base URL carries it."""
    assume(secret not in BASELINE)
    forms = {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}
    lines = _exchange_logs(secret)
    assert len(lines) >= 5
    for line in lines:
        for form in forms:
            assert form not in line, (form, line)


@settings(max_examples=100, deadline=None)
@given(secret=SECRETS)
def test_no_secret_reaches_a_line_without_record(secret: str) -> None:
    """The line queued without a record is redacted exactly like the record's message."""
    assume(secret not in "GET /v1/login?token=REDACTED&api_key=REDACTED&limit=5 -> 401 in 0.0 ms (attempt 1)")
    stream = io.StringIO()
    logger, ours = our_handler_only(stream)
    with client_for(lambda r: httpx.Response(401), logger, FakeClock()) as client:
        client.get("/v1/login", params={"token": secret, "api_key": secret, "limit": 5})
    ours.close()
    line = stream.getvalue()
    assert line.count("\n") == 1
    for form in {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}:
        assert form not in line.split(": ", 1)[1]


_UNCONFIGURED_APP = """
import socket, sys
sys.path.insert(0, {generator!r})
from runtime import ConnectError, FakeClock, Hooks, RetryPolicy, build_sync_client, load_settings
from runtime import translate_transport_errors
with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
settings = load_settings("QUIET", {{"base_url": f"http://127.0.0.1:{{port}}", "retry": RetryPolicy(max_attempts=2)}})
client = build_sync_client(settings, auth=None, hooks=Hooks(), logger_name="quiet_sdk", clock=FakeClock())
try:
    with translate_transport_errors():
        client.get("/down")
except ConnectError:
    print("raised")
"""


@pytest.mark.parametrize(("env", "stderr_has_lines"), [({}, False), ({"QUIET_LOG": "warning"}, True)])
def test_nothing_reaches_stderr_unless_logging_was_asked_for(env: dict[str, str], stderr_has_lines: bool) -> None:
    """An application without logging setup sees no SDK line on stderr (no `logging.lastResort`), even for
    failed attempts; ``<PREFIX>_LOG`` still writes them there."""
    generator = str(Path(__file__).resolve().parents[2] / "generator")
    environ = {name: value for name, value in os.environ.items() if not name.startswith("QUIET_")}
    run = subprocess.run(
        [sys.executable, "-c", _UNCONFIGURED_APP.format(generator=generator)],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert run.stdout.strip() == "raised"
    if stderr_has_lines:
        assert run.stderr.count("ConnectError") == 2  # one WARNING line per attempt
    else:
        assert run.stderr == ""

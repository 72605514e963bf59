"""The error tree: status mapping, problem details, request ids, safe messages, transport translation."""

from __future__ import annotations

import email.utils
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from runtime import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CircuitOpenError,
    ConfigurationError,
    ConflictError,
    ConnectError,
    HookError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    RequestTimeout,
    ResponseValidationError,
    SDKError,
    ServerError,
    ServiceUnavailableError,
    TokenRefreshError,
    TransportError,
    UnprocessableEntityError,
    araise_for_status,
    raise_for_status,
    redact_url,
    translate_transport_errors,
)
from runtime.core._defaults import REDACTION_EXTENSION
from runtime.core._redaction import Redaction

SECRET_TOKEN = "sk-live-very-secret"
URL = f"https://api.example.com/v1/pets?api_key={SECRET_TOKEN}&limit=5"


def response(status: int, *, headers: dict[str, str] | None = None, **kwargs: object) -> httpx.Response:
    request = httpx.Request("GET", URL, headers={"Authorization": f"Bearer {SECRET_TOKEN}"})
    return httpx.Response(status, headers=headers, request=request, **kwargs)  # type: ignore[arg-type]


def raised(resp: httpx.Response) -> APIStatusError:
    with pytest.raises(APIStatusError) as caught:
        raise_for_status(resp)
    return caught.value


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (412, PreconditionFailedError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServiceUnavailableError),
        (504, ServerError),
        (501, ServerError),
        (418, APIStatusError),
        (410, APIStatusError),
    ],
)
def test_status_maps_to_the_most_specific_class(status: int, cls: type[APIStatusError]) -> None:
    """Each status raises exactly its class; unlisted 4xx fall back to APIStatusError itself."""
    error = raised(response(status))
    assert type(error) is cls
    assert error.status_code == status
    assert isinstance(error, SDKError)


@pytest.mark.parametrize("status", [200, 201, 204, 301, 304])
def test_success_and_redirects_do_not_raise(status: int) -> None:
    """raise_for_status is a no-op below 400, 304 Not Modified included."""
    raise_for_status(response(status))


@pytest.mark.parametrize(("status", "transient"), [(500, True), (502, True), (503, True), (504, True), (501, False)])
def test_server_error_is_transient(status: int, transient: bool) -> None:
    """ServerError.is_transient is true for 500/502/503/504 only."""
    error = raised(response(status))
    assert isinstance(error, ServerError)
    assert error.is_transient is transient


@pytest.mark.parametrize("header", ["X-Request-ID", "Request-Id", "X-Correlation-ID"])
def test_request_id_is_read_from_known_headers(header: str) -> None:
    """The request id comes from X-Request-ID, Request-Id or X-Correlation-ID and appears in the message."""
    error = raised(response(500, headers={header: "req-42"}))
    assert error.request_id == "req-42"
    assert "req-42" in str(error)


def test_problem_details_are_parsed() -> None:
    """A problem+json body is parsed: .body is the dict, .problem exposes title/detail/type/code/errors."""
    body = {
        "type": "https://example.com/probs/invalid",
        "title": "Invalid pet",
        "detail": "name is required",
        "code": "E_INVALID",
        "errors": [{"field": "name", "message": "required"}],
    }
    error = raised(response(422, json=body, headers={"Content-Type": "application/problem+json"}))
    assert error.body == body
    assert error.problem is not None
    assert error.problem.title == "Invalid pet"
    assert error.problem.detail == "name is required"
    assert error.problem.type == "https://example.com/probs/invalid"
    assert error.problem.code == "E_INVALID"
    assert error.problem.errors == [{"field": "name", "message": "required"}]
    assert "Invalid pet: name is required" in str(error)


def test_text_body_and_empty_body() -> None:
    """A non-JSON body is kept as text with no problem; an empty body is None."""
    error = raised(response(502, text="<html>Bad gateway</html>"))
    assert error.body == "<html>Bad gateway</html>"
    assert error.problem is None
    assert raised(response(404)).body is None


def test_message_names_method_and_redacted_url_and_never_secrets() -> None:
    """The message shows method + URL with query values REDACTED; no Authorization value, no query secret."""
    error = raised(response(401, json={"title": "Unauthorized"}))
    message = str(error)
    assert "GET https://api.example.com/v1/pets?api_key=REDACTED&limit=REDACTED" in message
    assert SECRET_TOKEN not in message
    assert SECRET_TOKEN not in repr(error)
    assert "Authorization" not in message
    assert "credentials" in message  # says what to do next
    assert error.method == "GET"
    assert error.url == "https://api.example.com/v1/pets?api_key=REDACTED&limit=REDACTED"


def test_long_bodies_are_truncated_in_the_message() -> None:
    """At most about 500 characters of the body appear in the message; .body keeps it all."""
    error = raised(response(500, text="x" * 5000))
    assert "x" * 500 in str(error)
    assert "x" * 501 not in str(error)
    assert "4500 more chars" in str(error)
    assert error.body == "x" * 5000


def test_rate_limit_error_carries_retry_after() -> None:
    """RateLimitError.retry_after_s reads Retry-After seconds or an HTTP-date against `now`."""
    assert raised(response(429, headers={"Retry-After": "12"})).retry_after_s == 12.0
    date = email.utils.formatdate(1_000_030, usegmt=True)
    with pytest.raises(RateLimitError) as caught:
        raise_for_status(response(429, headers={"Retry-After": date}), now=1_000_000)
    assert caught.value.retry_after_s == 30.0
    assert raised(response(429)).retry_after_s is None


def test_redact_url_drops_userinfo_and_fragment() -> None:
    """redact_url keeps scheme, host, port and path only, query values REDACTED."""
    assert redact_url("https://u:pw@h.example:8443/a?t=1#frag") == "https://h.example:8443/a?t=REDACTED"
    assert redact_url("http://h.example/a") == "http://h.example/a"
    assert redact_url("http://h.example/a/x%0Ay") == "http://h.example/a/x%0Ay"  # no newline in a message


async def test_araise_for_status_reads_an_async_stream() -> None:
    """araise_for_status reads a not-yet-read async body before mapping it."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"title": "Gone"}'

    resp = httpx.Response(
        404,
        content=chunks(),
        headers={"content-type": "application/json"},
        request=httpx.Request("GET", "https://api.example.com/x"),
    )
    with pytest.raises(NotFoundError) as caught:
        await araise_for_status(resp)
    assert caught.value.body == {"title": "Gone"}


def test_response_validation_error_names_the_field() -> None:
    """A KeyError while parsing Pet names Pet.<field>; status, request id and body are kept."""
    resp = response(200, json={"id": 1}, headers={"X-Request-ID": "r-1"})
    error = ResponseValidationError.from_exception(resp, KeyError("name"), schema="Pet")
    assert error.path == "Pet.name"
    assert error.status_code == 200
    assert error.request_id == "r-1"
    assert error.body == {"id": 1}
    assert "Pet.name" in str(error)
    assert SECRET_TOKEN not in str(error)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), ConnectError),
        (httpx.ConnectTimeout("slow"), RequestTimeout),
        (httpx.ReadTimeout("slow"), RequestTimeout),
        (httpx.PoolTimeout("busy"), RequestTimeout),
        (httpx.RemoteProtocolError("closed"), TransportError),
        (httpx.ReadError("reset"), TransportError),
        (httpx.DecodingError("not gzip"), TransportError),  # not a transport error in httpx, but no answer either
    ],
)
def test_translate_transport_errors(exc: httpx.TransportError | httpx.DecodingError, cls: type[TransportError]) -> None:
    """httpx transport errors (and a body httpx could not decode) become ours, chained with `from`, naming the
    redacted URL."""
    exc.request = httpx.Request("POST", URL)
    with pytest.raises(cls) as caught, translate_transport_errors():
        raise exc
    assert type(caught.value) is cls
    assert caught.value.__cause__ is exc
    assert caught.value.method == "POST"
    assert caught.value.url is not None and SECRET_TOKEN not in caught.value.url
    assert SECRET_TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.RemoteProtocolError("malformed HTTP response: Invalid character in chunk size"),
        httpx.RemoteProtocolError("Invalid URL in location header"),
        httpx.ReadError("reset"),
    ],
)
def test_a_broken_answer_is_not_said_to_have_never_arrived(exc: httpx.TransportError) -> None:
    """A protocol or read error may come after the status line and headers (a malformed chunk, a bad
    Location): the message does not claim that no answer arrived (it once said "before an HTTP answer
    arrived" for all of them)."""
    exc.request = httpx.Request("GET", URL)
    with pytest.raises(TransportError) as caught, translate_transport_errors():
        raise exc
    assert "failed before a whole, well-formed HTTP answer arrived" in str(caught.value)


def test_translate_lets_sdk_errors_and_others_pass() -> None:
    """SDKErrors (e.g. CircuitOpenError) and non-httpx exceptions pass through unchanged."""
    circuit = CircuitOpenError("api.example.com", retry_in_s=4.0)
    with pytest.raises(CircuitOpenError) as caught, translate_transport_errors():
        raise circuit
    assert caught.value is circuit
    with pytest.raises(KeyError), translate_transport_errors():
        raise KeyError("x")
    with translate_transport_errors():
        pass


async def test_translate_works_in_async_code() -> None:
    """Both `with` and `async with` translate errors raised across an await."""

    async def fail() -> None:
        raise httpx.ConnectError("refused")

    with pytest.raises(ConnectError), translate_transport_errors():
        await fail()
    with pytest.raises(ConnectError):
        async with translate_transport_errors():
            await fail()


def test_tree_shape() -> None:
    """Every error is an SDKError; the transport, status and other branches are as documented."""
    transport_errors: list[type[Exception]] = [ConnectError, RequestTimeout, CircuitOpenError]
    assert all(issubclass(cls, TransportError) for cls in transport_errors)
    others: list[type[Exception]] = [
        ResponseValidationError,
        TokenRefreshError,
        ConfigurationError,
        HookError,
        APIStatusError,
        TransportError,
    ]
    assert all(issubclass(cls, SDKError) for cls in others)
    assert ConfigurationError("bad", setting="timeout_s").setting == "timeout_s"
    error = CircuitOpenError("h.example", retry_in_s=2.5)
    assert (error.host, error.retry_in_s) == ("h.example", 2.5)
    assert "try again in 2.5 s" in str(error)


def test_secrets_echoed_by_the_server_are_cut_from_the_message() -> None:
    """A body that echoes the request's token (header or query) shows REDACTED in the message."""
    body = {"title": "Bad token", "detail": f"token {SECRET_TOKEN} is revoked"}
    error = raised(response(401, json=body))
    assert SECRET_TOKEN not in str(error)
    assert "token REDACTED is revoked" in str(error)
    assert error.body == body  # the attribute keeps what the server sent


@pytest.mark.parametrize("status", [400, 422])
def test_400_and_422_are_both_invalid_request_errors(status: int) -> None:
    """A refused request is an InvalidRequestError whichever of the two statuses the API uses for it."""
    assert isinstance(raised(response(status)), InvalidRequestError)


def test_503_is_a_transient_server_error() -> None:
    """ServiceUnavailableError (503) is caught by `except ServerError` and is transient."""
    error = raised(response(503, headers={"Retry-After": "7"}))
    assert isinstance(error, ServerError) and error.is_transient
    assert error.retry_after_s == 7


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (404, None, "not_found"),
        (429, None, "rate_limited"),
        (400, {"code": "E_NAME"}, "E_NAME"),
        (418, None, "api_error"),
    ],
)
def test_code_is_the_bodys_code_or_the_classs(status: int, body: object, code: str) -> None:
    """`code` is the body's own code member when present, else a stable name per class."""
    assert raised(response(status, json=body)).code == code


def test_context_carries_the_request_id_and_the_call() -> None:
    """`context` names the request id (always a key), status, method and redacted URL; never a secret."""
    error = raised(response(404, headers={"X-Request-ID": "req-9"}))
    assert error.context["request_id"] == "req-9"
    assert error.context["status_code"] == 404 and error.context["method"] == "GET"
    assert SECRET_TOKEN not in repr(error.context)
    transport = ConnectError("no route", method="GET", url="https://api.example.com/x")
    assert transport.context == {"request_id": None, "method": "GET", "url": "https://api.example.com/x"}


@pytest.mark.parametrize(
    "error",
    [
        ConfigurationError("bad", setting="timeout"),
        TokenRefreshError("refused"),
        ConnectError("down"),
        HookError("raised"),
    ],
)
def test_every_error_has_a_troubleshooting_hint_and_a_code(error: SDKError) -> None:
    """get_troubleshooting_hint() and code work on every error, not only on HTTP errors."""
    assert error.get_troubleshooting_hint().endswith(".")
    assert error.code and error.code != SDKError.default_code


def test_reauth_and_retry_after_read_as_client_designs_name_them() -> None:
    """AuthenticationError.requires_reauth is true (the SDK already renewed once); RateLimitError.retry_after
    is retry_after_s; TokenRefreshError also requires a new login."""
    auth = raised(response(401))
    assert isinstance(auth, AuthenticationError) and auth.requires_reauth
    limited = raised(response(429, headers={"Retry-After": "12"}))
    assert isinstance(limited, RateLimitError) and limited.retry_after == 12
    assert TokenRefreshError("x").requires_reauth


SERVER_SIDE_SECRET = "pw-the-server-echoed-0042"


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/json", json.dumps({"title": "Bad login", "user": "ann", "password": SERVER_SIDE_SECRET})),
        ("application/problem+json", json.dumps({"title": "x", "errors": [{"client_secret": SERVER_SIDE_SECRET}]})),
        ("text/plain", f"login failed: password={SERVER_SIDE_SECRET} user=ann"),
        ("application/x-www-form-urlencoded", f"user=ann&api_key={SERVER_SIDE_SECRET}"),
    ],
)
def test_secret_fields_of_an_error_body_are_masked_as_in_the_debug_log(content_type: str, content: str) -> None:
    """A secret the error body carries in a secret field (even one the request never sent) does not show
    in str(error): the message renders the body exactly as the DEBUG log line does."""
    error = raised(response(400, content=content.encode(), headers={"Content-Type": content_type}))
    assert SERVER_SIDE_SECRET not in str(error) and SERVER_SIDE_SECRET not in repr(error)
    logged = Redaction().body(content.encode(), content_type)
    assert str(error).endswith(f"Body: {logged}")


def test_the_clients_redaction_policy_masks_its_spec_fields_in_error_messages() -> None:
    """Fields the spec marks as credentials (the policy's secret_fields, lent to the request by the logging
    transport) are masked in the message, and their request values are cut from echoed text."""
    fingerprint = "8c76b3175e2eb32d597e8cd41b5e2abdbdbd17aa"
    request = httpx.Request(
        "POST",
        "https://api.example.com/v1/login",
        json={"user": "ann", "hardware_fingerprint": fingerprint},
        extensions={REDACTION_EXTENSION: Redaction(secret_fields=frozenset({"hardware_fingerprint"}))},
    )
    body = {"title": "Mismatch", "detail": f"machine {fingerprint} is not bound", "hardwareFingerprint": fingerprint}
    with pytest.raises(APIStatusError) as caught:
        raise_for_status(httpx.Response(403, json=body, request=request))
    assert fingerprint not in str(caught.value)
    assert "machine REDACTED is not bound" in str(caught.value)
    request.extensions.pop(REDACTION_EXTENSION)  # without the policy the field name alone says nothing
    with pytest.raises(APIStatusError) as unmasked:
        raise_for_status(httpx.Response(403, json=body, request=request))
    assert fingerprint in str(unmasked.value)


def test_timeout_and_too_large_errors_have_their_own_codes() -> None:
    """RequestTimeout's code is "timeout"; ResponseTooLargeError keeps "response_too_large" (the two were swapped)."""
    from runtime.core._errors import RequestTimeout, ResponseTooLargeError

    assert RequestTimeout("slow").code == "timeout"
    assert ResponseTooLargeError("big", limit_bytes=1, method="GET", url="u").code == "response_too_large"

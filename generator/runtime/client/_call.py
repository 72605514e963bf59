"""One call of any operation: an `Operation` descriptor, the call's arguments, the client; sync and async alike.

What every generated operation did in its own module, done once: check the arguments' types (a
`TypeError` naming the parameter) and the spec's constraints, take bound path parameters from the client,
write the request (`_encode.py`), fold in the per-call options, send it through the client's pooled httpx
client (or the outbox, for a queued deferrable write), then read the answer: a documented success is
checked against its schema and parsed, anything else raises the error class of its status. The plain
call raises `NotModifiedError` for a body-less 3xx and returns the envelope's data; raw access
(`RawResponse`) keeps both. `on_call_error` hooks hear every failure (`report_call_errors`).

`call_operation` and `acall_operation` are the only two shells; everything else is shared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Protocol, TypeVar, cast

from ..core import httpx
from ..core._errors import (
    TRANSLATED_HTTPX_ERRORS,
    NotModifiedError,
    ResponseValidationError,
    raise_for_status,
    transport_error,
)
from ..core._exchange import redact_url
from ..pipeline._call_failures import report_call_errors
from ..pipeline._hooks import Hooks
from ..pipeline._lean_client import AsyncLeanClient, LeanClient
from ..policies._options import UNSET, RequestOptions, apply_request_options, merge_options
from ..shapes._argument_types import BodyShapes, check_arguments
from ..shapes._path_defaults import PathDefaults
from ..shapes._request_checks import check_request
from ..shapes._versions import strip_legacy_fields
from ._encode import encode_request
from ._model_ref import classes_of
from ._operation import Operation
from ._raw_response import RawResponse
from ._readers import READ_ERRORS, FileOf, Success
from ._streamed_call import asend_streamed, send_streamed, streams

__all__ = ["CALL_OPTIONS", "OperationClient", "acall_operation", "call_operation", "call_option_names"]

T = TypeVar("T")

CALL_OPTIONS = ("timeout", "extra_headers", "idempotency_key")
"""The per-call keyword options beside ``request_options`` (each offered unless a parameter has its name)."""


def call_option_names(parameter_names: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The per-call options an operation with these Python parameter names offers (the generator asks too)."""
    return tuple(name for name in CALL_OPTIONS if name not in parameter_names)


class _Deferring(Protocol):
    def queues(self, deliver: Any) -> bool: ...
    def send_or_queue(self, http: httpx.Client, request_kwargs: dict[str, Any], *, operation_id: str) -> Any: ...
    async def asend_or_queue(
        self, http: httpx.AsyncClient, request_kwargs: dict[str, Any], *, operation_id: str
    ) -> Any: ...


class OperationClient(Protocol):
    """What a call needs of the generated low-level `Client` (the runtime never imports the generated package)."""

    hooks: Hooks | None
    validate_responses: bool
    check_requests: bool
    path_defaults: PathDefaults
    api_version: str | None  # x-sdk-since: the server's version (None: the newest)
    missing_operations: set[str]  # operations an older server turned out not to have (their fallback serves)

    def request_options(self, options: RequestOptions | None) -> RequestOptions | None: ...
    def get_httpx_client(self) -> httpx.Client: ...
    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


class _Plan:
    """What one operation's calls derive from its descriptor, computed on its first call."""

    __slots__ = ("as_is", "bound", "checked", "dict_body", "expected", "extra_headers", "key", "streams", "timeout")

    def __init__(self, operation: Operation[Any, Any]) -> None:
        parameters = operation.parameters
        self.expected: dict[str, tuple[type, ...]] = {p.python_name: classes_of(p.types) for p in parameters if p.types}
        body_types = tuple(t for body in operation.bodies for t in body.types)
        if body_types and all(body.types for body in operation.bodies):
            unset = () if operation.body_required else (type(UNSET),)
            self.expected["body"] = tuple(dict.fromkeys(classes_of(body_types) + unset))
        self.bound = tuple(p for p in parameters if p.bound is not None)
        self.dict_body: BodyShapes[Any] | None = None
        self.as_is: tuple[type, ...] = ()  # a body of another media type beside the dict form (a File beside JSON)
        if operation.dict_bodies:
            shapes = tuple(tuple(classes_of(pair)) for pair in operation.dict_bodies)
            self.dict_body = BodyShapes(operation.operation_id, *(cast(tuple[type, type], pair) for pair in shapes))
            models = {pair[0] for pair in shapes}
            self.as_is = tuple(cls for cls in classes_of(body_types) if cls not in models and cls is not dict)
        self.checked = tuple(p for p in parameters if p.checked)
        # a file success streamed to the caller (`send_streamed`): fixed per operation
        self.streams = streams(operation)
        options = call_option_names(frozenset(p.python_name for p in parameters))
        self.timeout = "timeout" in options
        self.extra_headers = "extra_headers" in options
        self.key = "idempotency_key" in options


def _plan(operation: Operation[Any, Any]) -> _Plan:
    derived = operation.derived
    if not derived:
        derived.append(_Plan(operation))
    plan: _Plan = derived[0]
    return plan


def _options(arguments: Mapping[str, Any], plan: _Plan) -> RequestOptions | None:
    """``request_options`` with the call's ``timeout=``, ``extra_headers=``, ``idempotency_key=`` over it."""
    options = arguments.get("request_options")
    if options is not None and not isinstance(options, RequestOptions):
        raise TypeError(f"request_options must be a RequestOptions or None, not {type(options).__name__}")
    timeout = arguments.get("timeout", UNSET) if plan.timeout else UNSET
    extra = arguments.get("extra_headers") if plan.extra_headers else None
    key = arguments.get("idempotency_key") if plan.key else None
    if timeout is UNSET and extra is None and key is None:
        return options
    return merge_options(options, RequestOptions(timeout=timeout, headers=extra or {}, idempotency_key=key))


def _request(client: OperationClient, operation: Operation[Any, Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The checked, encoded request with its options: keyword arguments for ``httpx.Client.request``."""
    plan = _plan(operation)
    if plan.dict_body is not None and "body" in arguments and not isinstance(arguments["body"], plan.as_is):
        # a dict body becomes its model first (a TypeError naming `body` when it fits none); a model passes as is
        body = plan.dict_body.convert(arguments["body"])
        if body is not arguments["body"]:
            arguments = {**arguments, "body": body}
    if plan.bound:
        arguments = dict(arguments)
        for parameter in plan.bound:
            arguments[parameter.python_name] = client.path_defaults.resolve(
                parameter.bound or "",
                arguments.get(parameter.python_name),
                parameter=parameter.python_name,
                operation_id=operation.operation_id,
            )
    if plan.expected:
        check_arguments(operation.operation_id, plan.expected, arguments)
    if operation.constraints and client.check_requests:
        check_request(
            operation.constraints,
            operation_id=operation.operation_id,
            body=arguments.get("body") if operation.bodies else None,
            parameters={p.name: arguments.get(p.python_name, UNSET) for p in plan.checked} or None,
        )
    return apply_request_options(
        encode_request(operation, arguments),
        operation_id=operation.operation_id,
        options=client.request_options(_options(arguments, plan)),
        sends_idempotency_key=operation.sends_idempotency_key,
        requires_auth=operation.requires_auth,
    )


_decode_json: Final = json.JSONDecoder().decode  # what `json.loads` uses when given no keyword arguments
_PLAIN_FIRST: Final = frozenset(range(1, 128))  # a first byte that is neither NUL nor the start of a BOM


def json_of(content: bytes) -> Any:
    """`json.loads(content)` (httpx's `json()`), without its check for UTF-16/32 and BOMs when the first two
    bytes rule them out: UTF-8 then, as `json.detect_encoding` would say."""
    if len(content) >= 2 and content[0] in _PLAIN_FIRST and content[1]:
        return _decode_json(content.decode("utf-8", "surrogatepass"))
    return json.loads(content)


def _read(success: Success, response: httpx.Response, validate: bool, content: bytes | None) -> Any:
    body = success.body
    if body == "none":
        return None
    try:
        if body == "json":
            try:
                data = response.json() if content is None else json_of(content)  # what httpx's json() does
            except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError: not JSON at all
                if content is not None:
                    response.read()  # the error describes the body (`answer` reads it for any other error)
                raise ResponseValidationError.not_json(response, exc) from exc
            if validate and success.check is not None:
                success.check(response, data)
            return success.reader.read(data)
        if body == "binary":
            if isinstance(success.reader, FileOf) and success.reader.streams:
                return success.reader.open(response)  # streamed (_streamed_call.py), or over what was read already
            return success.reader.read(response.content)
        return response.text
    except READ_ERRORS as exc:
        raise ResponseValidationError.from_exception(response, exc, schema=success.reader.describe()) from exc


def _undocumented(operation: Operation[Any, Any], response: httpx.Response) -> str:
    """Why a status no range of the operation's covers is refused; a redirect says where it pointed, since
    one usually means a wrong base URL (http:// for https://, a missing path prefix), not a changed API."""
    reason = f"status {response.status_code} is not documented for {operation.operation_id}"
    location = response.headers.get("location") if 300 <= response.status_code < 400 else None
    if location is None:
        return reason
    try:
        target = redact_url(response.request.url.join(location))  # no query values, no user info
    except (httpx.InvalidURL, ValueError):  # httpx refuses one itself on 301-308; a 300 with one gets here
        target = "a Location that is not a URL"
    return f"{reason} (a redirect to {target}, not followed: check the base URL)"


def answer(
    operation: Operation[Any, Any],
    response: httpx.Response,
    *,
    validate: bool,
    raw: bool,
    content: bytes | None = None,
) -> Any:
    """The call's result from the response: the value (plain) or a `RawResponse` (raw); errors raised.

    `content` is the body of a response the lean client left unread (`LeanClient.request_unread`): a JSON
    success is parsed from it; anything else, and any error raised, reads the response first, so every
    response that leaves here (in an error, to a hook) is read as httpx would have left it.
    """
    status = response.status_code
    for success in operation.responses:
        if success.low <= status <= success.high:
            break
    else:
        if content is not None:
            response.read()
        raise_for_status(response)
        raise ResponseValidationError(path="status", reason=_undocumented(operation, response), response=response)
    if content is not None and success.body not in ("json", "none"):
        response.read()
        content = None
    try:
        parsed = _read(success, response, validate, content)
    except BaseException:
        if content is not None:
            response.read()  # the error may hold the response
        raise
    if operation.legacy_fields and parsed is not None:
        parsed = strip_legacy_fields(parsed, operation.legacy_fields, items=operation.legacy_items)
    if raw:
        if content is None:  # a streamed file: read from parse()
            content = response.content if response.is_stream_consumed else b""
        return RawResponse(status, response.headers, content, parsed)
    if success.not_modified:
        raise NotModifiedError(
            status_code=status, etag=response.headers.get("ETag"), operation_id=operation.operation_id
        )
    if operation.unwrap is not None and parsed is not None:
        return getattr(parsed, operation.unwrap)
    return parsed


def _hooks_keep(client: OperationClient) -> bool:
    """Whether an ``after_response`` hook sees this call's responses (and may keep one): then httpx reads
    every body, as it always did, instead of the call reading it (`answer`'s `content`)."""
    hooks = client.hooks
    return hooks is not None and hooks.has("after_response")


def _send(client: OperationClient, http: httpx.Client, kwargs: dict[str, Any]) -> tuple[httpx.Response, bytes | None]:
    """The response to a plain call, and its body when the lean client left it for `answer` to read."""
    if isinstance(http, LeanClient) and not _hooks_keep(client):
        return http.request_unread(**kwargs)
    return http.request(**kwargs), None


def _queueing(client: OperationClient, deliver: Any) -> _Deferring | None:
    """The client's deferral when this call of a deferrable write goes through the outbox (``deliver="queued"``)."""
    deferral: _Deferring | None = getattr(client, "deferral", None)
    return deferral if deferral is not None and deferral.queues(deliver) else None


def call_operation(
    client: OperationClient,
    operation: Operation[T, Any],
    arguments: Mapping[str, Any],
    *,
    raw: bool = False,
    deliver: Any = None,
) -> T:
    """Send one call of `operation` and return its value (a `RawResponse` when `raw`; a receipt when queued).

    Args:
        client: the generated low-level client (its pooled httpx client, hooks, settings).
        operation: the descriptor the generator wrote.
        arguments: the call's arguments by Python name (the resource method's ``locals()``).
        raw: return the `RawResponse` (status, headers, request id, ``parse()``) instead of the value.
        deliver: a deferrable write's ``deliver=``: "queued" may keep it in the client's outbox.

    Raises:
        TypeError: an argument is not of its type (the message names it); nothing was sent.
        RequestValidationError: a value breaks the spec's constraints; nothing was sent.
        APIStatusError: the server answered with an error status (a subclass per status).
        ResponseValidationError: a success did not match the spec, or its status is not documented.
        NotModifiedError: a body-less 3xx (304) to the plain call.
        TransportError: the request got no answer.
    """
    hooks = client.hooks
    try:  # `with report_call_errors(...)`, whose exit matters only on failure (as in `acall_operation`)
        kwargs = _request(client, operation, arguments)
        http = client.get_httpx_client()
        deferral = _queueing(client, deliver) if operation.deferrable else None
        if deferral is not None:
            sent = deferral.send_or_queue(http, kwargs, operation_id=operation.operation_id)
            if not isinstance(sent, httpx.Response):
                return sent  # type: ignore[no-any-return]  # a QueuedReceipt: the outbox delivers it later
            response = sent
        elif _plan(operation).streams:
            response = send_streamed(http, operation, kwargs)
        else:
            try:  # `with translate_transport_errors()`, spelt out
                response, content = _send(client, http, kwargs)
            except TRANSLATED_HTTPX_ERRORS as exc:
                raise transport_error(exc) from exc
            return answer(operation, response, validate=client.validate_responses, raw=raw, content=content)  # type: ignore[no-any-return]
        return answer(operation, response, validate=client.validate_responses, raw=raw)  # type: ignore[no-any-return]
    except BaseException as exc:
        report_call_errors(hooks, operation.operation_id).__exit__(type(exc), exc, exc.__traceback__)
        raise


async def acall_operation(
    client: OperationClient,
    operation: Operation[T, Any],
    arguments: Mapping[str, Any],
    *,
    raw: bool = False,
    deliver: Any = None,
) -> T:
    """The async form of `call_operation` (same arguments, same errors)."""
    hooks = client.hooks
    try:  # `async with report_call_errors(...)`, whose exit matters only on failure: no two coroutines per call
        kwargs = _request(client, operation, arguments)
        http = client.get_async_httpx_client()
        deferral = _queueing(client, deliver) if operation.deferrable else None
        if deferral is not None:
            sent = await deferral.asend_or_queue(http, kwargs, operation_id=operation.operation_id)
            if not isinstance(sent, httpx.Response):
                return sent  # type: ignore[no-any-return]  # a QueuedReceipt: the outbox delivers it later
            response = sent
        elif _plan(operation).streams:
            response = await asend_streamed(http, operation, kwargs)
        else:
            try:  # `with translate_transport_errors()`, spelt out (its enter is a Python call per request)
                if isinstance(http, AsyncLeanClient) and not _hooks_keep(client):
                    response, content = await http.request_unread(**kwargs)
                else:
                    response, content = await http.request(**kwargs), None
            except TRANSLATED_HTTPX_ERRORS as exc:
                raise transport_error(exc) from exc
            return answer(operation, response, validate=client.validate_responses, raw=raw, content=content)  # type: ignore[no-any-return]
        return answer(operation, response, validate=client.validate_responses, raw=raw)  # type: ignore[no-any-return]
    except BaseException as exc:
        await report_call_errors(hooks, operation.operation_id).__aexit__(type(exc), exc, exc.__traceback__)
        raise

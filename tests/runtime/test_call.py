"""call_operation / acall_operation: one descriptor-driven call does what each generated operation module did."""

from __future__ import annotations

import asyncio
import datetime
import enum
import json
import sys
import types
import uuid
import warnings
from collections.abc import Callable
from typing import Any, TypedDict

import attrs
import httpx
import pytest
from runtime.client._call import acall_operation, call_operation, call_option_names
from runtime.client._model_ref import ModelRef
from runtime.client._operation import Body, Operation, Parameter
from runtime.client._readers import ListOf, ModelOf, Success
from runtime.client._resource import AsyncResource, Resource
from runtime.core._errors import NotFoundError, NotModifiedError, ResponseValidationError, TransportError
from runtime.pipeline._hooks import CallErrorEvent, Hooks
from runtime.policies._options import UNSET, RequestOptions, Unset
from runtime.policies._timeouts import Timeouts
from runtime.shapes._path_defaults import PathDefaults


class Color(str, enum.Enum):  # noqa: UP042  # the shape openapi-python-client generates
    RED = "red"


@attrs.define
class Pet:
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pet:
        return cls(name=data["name"])


_MODELS = types.ModuleType("ops_call_test_models")
_MODELS.Pet = Pet  # type: ignore[attr-defined]
sys.modules[_MODELS.__name__] = _MODELS
PET = ModelRef(_MODELS.__name__, "Pet")

GET_PET: Operation[Pet, Pet | None] = Operation(
    operation_id="getPet",
    method="GET",
    path="/pets/{pet_id}",
    parameters=(
        Parameter("pet_id", "pet_id", "path", types=(str,)),
        Parameter("If-None-Match", "if_none_match", "header", types=(str, Unset)),
        Parameter("color", "color", "query", types=(Color, Unset)),
        Parameter("since", "since", "query", types=(datetime.date, Unset, type(None))),
        Parameter("tags", "tags", "query", types=(list, Unset)),
        Parameter("ids", "ids", "query", types=(list, Unset), explode=False),
        Parameter("trace", "trace", "header", types=(bool, Unset)),
        Parameter("session", "session", "cookie", types=(uuid.UUID, Unset)),
    ),
    accept="application/json",
    responses=(
        Success(200, reader=ModelOf(_MODELS.__name__, "Pet")),
        Success(304, body="none", not_modified=True),
    ),
)

CREATE_PETS: Operation[list[Pet], list[Pet]] = Operation(
    operation_id="createPets",
    method="POST",
    path="/pets",
    bodies=(Body("json", "application/json", types=(PET,)),),
    responses=(Success(201, reader=ListOf(ModelOf(_MODELS.__name__, "Pet"))),),
    sends_idempotency_key=True,
)


@attrs.define
class LowLevel:
    """Shaped like the generated low-level `Client`."""

    http: httpx.Client | None = None
    ahttp: httpx.AsyncClient | None = None
    hooks: Hooks | None = None
    validate_responses: bool = True
    check_requests: bool = True
    path_defaults: PathDefaults = attrs.field(factory=PathDefaults)
    default_options: RequestOptions | None = None
    api_version: str | None = None
    missing_operations: set[str] = attrs.field(factory=set)

    def request_options(self, options: RequestOptions | None) -> RequestOptions | None:
        return options or self.default_options

    def get_httpx_client(self) -> httpx.Client:
        assert self.http is not None
        return self.http

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        assert self.ahttp is not None
        return self.ahttp


Handler = Callable[[httpx.Request], httpx.Response]


def recording(answer: httpx.Response) -> tuple[list[httpx.Request], Handler]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return seen, handle


def client_for(handler: Handler, **kwargs: Any) -> LowLevel:
    transport = httpx.MockTransport(handler)
    return LowLevel(
        http=httpx.Client(base_url="https://api.test", transport=transport),
        ahttp=httpx.AsyncClient(base_url="https://api.test", transport=transport),
        **kwargs,
    )


def pet_args(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "pet_id": "a b/c",
        "if_none_match": UNSET,
        "color": UNSET,
        "since": UNSET,
        "tags": UNSET,
        "ids": UNSET,
        "trace": UNSET,
        "session": UNSET,
        "request_options": None,
    }
    return {**arguments, **overrides}


def test_parameters_are_written_by_type_and_style() -> None:
    """Enums by value, dates in ISO 8601, bools as true/false, UUIDs as text; form lists repeat the key
    (explode) or join with commas; path values are percent-encoded; the Accept header is the operation's."""
    seen, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    session = uuid.UUID(int=1)
    pet = call_operation(
        client_for(handle),
        GET_PET,
        pet_args(
            color=Color.RED,
            since=datetime.date(2025, 1, 2),
            tags=["a", "b"],
            ids=[1, 2],
            trace=True,
            session=session,
        ),
    )
    assert pet == Pet("Rex")
    request = seen[0]
    assert request.url.path == "/pets/a%20b%2Fc" or request.url.raw_path.startswith(b"/pets/a%20b%2Fc")
    assert request.url.params.multi_items() == [
        ("color", "red"),
        ("since", "2025-01-02"),
        ("tags", "a"),
        ("tags", "b"),
        ("ids", "1,2"),
    ]
    assert (request.headers["trace"], request.headers["accept"]) == ("true", "application/json")
    assert request.headers["cookie"] == f"session={session}"
    assert request.extensions["sdk.operation_id"] == "getPet"


def test_a_wrong_argument_type_is_a_type_error_naming_it_before_sending() -> None:
    """A None for a required path parameter or a dict for a model body: TypeError naming the argument."""
    seen, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    with pytest.raises(TypeError, match="'pet_id'"):
        call_operation(client_for(handle), GET_PET, pet_args(pet_id=None))
    with pytest.raises(TypeError, match="'body'"):
        call_operation(client_for(handle), CREATE_PETS, {"body": {"name": "Rex"}})
    assert seen == []


def test_a_json_body_is_sent_with_its_content_type_and_a_fresh_idempotency_key() -> None:
    """A model body is sent as its to_dict(); an idempotent operation gets an Idempotency-Key; a list of
    models is read item by item."""
    seen, handle = recording(httpx.Response(201, json=[{"name": "Rex"}, {"name": "Tom"}]))
    pets = call_operation(client_for(handle), CREATE_PETS, {"body": Pet("Rex"), "request_options": None})
    assert pets == [Pet("Rex"), Pet("Tom")]
    assert json.loads(seen[0].content) == {"name": "Rex"}
    assert seen[0].headers["content-type"] == "application/json"
    assert seen[0].headers["idempotency-key"]


def test_per_call_keyword_options_win_over_request_options() -> None:
    """timeout=, extra_headers= and idempotency_key= apply to the call, over request_options'."""
    seen, handle = recording(httpx.Response(201, json=[]))
    call_operation(
        client_for(handle),
        CREATE_PETS,
        {
            "body": Pet("Rex"),
            "request_options": RequestOptions(headers={"X-A": "1", "X-B": "1"}, idempotency_key="from-options"),
            "timeout": 2.5,
            "extra_headers": {"X-B": "2"},
            "idempotency_key": "mine",
        },
    )
    headers = seen[0].headers
    assert (headers["x-a"], headers["x-b"], headers["idempotency-key"]) == ("1", "2", "mine")
    assert seen[0].extensions["timeout"] == Timeouts.uniform(2.5).to_httpx().as_dict()


def test_a_parameter_named_like_a_call_option_keeps_its_name() -> None:
    """An operation with its own `idempotency_key` parameter offers only the other per-call options."""
    assert call_option_names(frozenset({"idempotency_key", "body"})) == ("timeout", "extra_headers")


def test_a_304_raises_not_modified_but_raw_access_returns_it() -> None:
    """The plain call never returns None for a 304: NotModifiedError; raw access gives the 304 itself."""
    _, handle = recording(httpx.Response(304, headers={"ETag": '"v1"', "X-Request-ID": "r-1"}))
    client = client_for(handle)
    with pytest.raises(NotModifiedError):
        call_operation(client, GET_PET, pet_args(if_none_match='"v1"'))
    raw = call_operation(client, GET_PET, pet_args(if_none_match='"v1"'), raw=True)
    assert (raw.status_code, raw.parse(), raw.request_id) == (304, None, "r-1")  # type: ignore[attr-defined]


def test_errors_are_typed_and_reported_to_call_error_hooks() -> None:
    """A 404 raises NotFoundError and on_call_error hears it once, with the operation id."""
    _, handle = recording(httpx.Response(404, json={"detail": "no such pet"}))
    hooks = Hooks()
    heard: list[CallErrorEvent] = []
    hooks.on_call_error(heard.append)
    with pytest.raises(NotFoundError):
        call_operation(client_for(handle, hooks=hooks), GET_PET, pet_args())
    assert [event.operation_id for event in heard] == ["getPet"]


def test_a_body_that_does_not_read_is_a_response_validation_error() -> None:
    """A success body that is not the model: ResponseValidationError naming the missing field."""
    _, handle = recording(httpx.Response(200, json={"nom": "Rex"}))
    with pytest.raises(ResponseValidationError, match=r"Pet\.name"):
        call_operation(client_for(handle), GET_PET, pet_args())


def test_an_undocumented_success_status_is_a_response_validation_error() -> None:
    """A 2xx the spec does not document is not silently returned."""
    _, handle = recording(httpx.Response(202, json={}))
    with pytest.raises(ResponseValidationError, match="not documented for getPet"):
        call_operation(client_for(handle), GET_PET, pet_args())


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "httpx"])
@pytest.mark.parametrize(
    ("content", "headers", "actual"),
    [
        (b"<html>down for maintenance</html>", {"Content-Type": "text/html"}, "a text/html body that is not JSON"),
        (b"", {"Content-Type": "application/json"}, "an empty body"),
        (b'{"name": "R\xffx"}', {"Content-Type": "application/json"}, "application/json body that is not JSON"),
        (b"{not json", {}, "a body without a Content-Type that is not JSON"),
    ],
    ids=["html-page", "empty", "not-utf8", "no-content-type"],
)
def test_a_success_body_that_is_not_json_says_so_at_the_top_level(
    lean: bool, content: bytes, headers: dict[str, str], actual: str
) -> None:
    """A proxy's HTML page, an empty body or bytes that are not UTF-8, where the spec documents JSON: the
    error's pointer is the whole body (""), `expected` a JSON document, `actual` what came (it once named a
    model and printed the decoder's message alone)."""
    handler = answering(200, content, **headers)
    client = lean_client_for(handler) if lean else client_for(handler)
    with pytest.raises(ResponseValidationError) as raised:
        call_operation(client, GET_PET, pet_args())
    error = raised.value
    assert (error.pointer, error.expected) == ("", "a JSON document")
    assert error.actual is not None and actual in error.actual
    assert f"at the top level: expected a JSON document, got {error.actual[:60]}" in str(error)


@pytest.mark.parametrize(
    ("location", "target"),
    [
        ("https://api.test/v2/pets/p1?sig=secret", "a redirect to https://api.test/v2/pets/p1?sig=REDACTED"),
        ("/v2/pets/p1", "a redirect to https://api.test/v2/pets/p1"),
    ],
    ids=["absolute", "relative"],
)
def test_an_undocumented_redirect_says_where_it_pointed(location: str, target: str) -> None:
    """A 3xx that no response of the operation documents names its target (query values redacted), since it
    usually means a wrong base URL rather than a changed API."""
    _, handle = recording(httpx.Response(301, headers={"Location": location}))
    with pytest.raises(ResponseValidationError) as raised:
        call_operation(client_for(handle), GET_PET, pet_args())
    message = str(raised.value)
    assert f"not documented for getPet ({target}, not followed: check the base URL)" in message
    assert "secret" not in message


def test_a_multiple_choices_answer_with_an_unreadable_location_still_says_it_was_a_redirect() -> None:
    """httpx refuses a Location it cannot parse on 301-308 (a TransportError), not on a 300: the SDK's error
    then says the redirect's target is not a URL instead of failing while describing it."""
    _, handle = recording(httpx.Response(300, headers={"Location": "http://[::1"}))
    with pytest.raises(ResponseValidationError, match=r"\(a redirect to a Location that is not a URL, not followed"):
        call_operation(client_for(handle), GET_PET, pet_args())


def test_bound_path_parameters_come_from_the_client() -> None:
    """x-sdk-bind: a None path argument takes the client's value."""
    bound = attrs.evolve(GET_PET, parameters=(Parameter("pet_id", "pet_id", "path", types=(str,), bound="pet"),))
    seen, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    call_operation(client_for(handle, path_defaults=PathDefaults({"pet": "p1"})), bound, {"pet_id": None})
    assert seen[0].url.path == "/pets/p1"


def test_the_envelope_data_is_returned_by_the_plain_call_only() -> None:
    """x-sdk-envelope: the plain call returns the data field, raw access keeps the envelope."""

    @attrs.define
    class Envelope:
        data: str

    _, handle = recording(httpx.Response(201, json={"data": "x"}))
    reader = attrs.evolve(
        CREATE_PETS,
        unwrap="data",
        responses=(Success(201, reader=_Reader(lambda data: Envelope(**data))),),
    )
    assert call_operation(client_for(handle), reader, {"body": Pet("Rex")}) == "x"
    raw = call_operation(client_for(handle), reader, {"body": Pet("Rex")}, raw=True)
    assert raw.parse() == Envelope("x")  # type: ignore[attr-defined]


@attrs.frozen
class _Reader:
    function: Callable[[Any], Any]

    def read(self, data: Any) -> Any:
        return self.function(data)

    def describe(self) -> str:
        return "Envelope"


def test_async_mirrors_sync() -> None:
    """acall_operation sends the same request and returns the same value."""
    seen, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    pet = asyncio.run(acall_operation(client_for(handle), GET_PET, pet_args(color=Color.RED)))
    assert pet == Pet("Rex")
    assert seen[0].url.params["color"] == "red"


GET_ONE = attrs.evolve(GET_PET, parameters=GET_PET.parameters[:1])


class Pets(Resource):
    def get(self, pet_id: str, *, request_options: RequestOptions | None = None) -> Pet:
        return self._call(GET_ONE, locals())


class AsyncPets(AsyncResource):
    async def get(self, pet_id: str, *, request_options: RequestOptions | None = None) -> Pet:
        return await self._call(GET_ONE, locals())


def test_resource_detailed_is_a_deprecated_alias_of_raw_access() -> None:
    """`<method>_detailed` still answers (a RawResponse with .parsed) but warns and names the replacement;
    an unknown attribute is still an AttributeError."""
    _, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    pets = Pets(client_for(handle))  # type: ignore[arg-type]
    assert pets.get("p1") == Pet("Rex")
    with pytest.warns(DeprecationWarning, match=r"with_raw_response\.<resource>\.get"):
        detailed = pets.get_detailed("p1")  # type: ignore[attr-defined]
    assert (detailed.status_code, detailed.parsed) == (200, Pet("Rex"))
    with pytest.raises(AttributeError):
        pets.nothing_detailed  # type: ignore[attr-defined]  # noqa: B018
    raw = pets.with_raw().get("p1")
    assert raw.parse() == Pet("Rex")


def test_async_resource_detailed_warns_too() -> None:
    """The async resource mirrors the sync one."""
    _, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    pets = AsyncPets(client_for(handle))  # type: ignore[arg-type]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = asyncio.run(pets.get_detailed("p1"))  # type: ignore[attr-defined]
    assert raw.parse() == Pet("Rex")
    assert [w.category for w in caught] == [DeprecationWarning]


def test_a_deprecated_operation_warns_at_the_caller() -> None:
    """An operation the spec marks deprecated warns on each call, pointing at the caller's line."""
    old = attrs.evolve(GET_ONE, deprecated=True)

    class Old(Resource):
        def get(self, pet_id: str) -> Pet:
            return self._call(old, locals())

    _, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    with pytest.warns(DeprecationWarning, match="getPet is deprecated") as caught:
        Old(client_for(handle)).get("p1")  # type: ignore[arg-type]
    assert caught[0].filename == __file__


def test_each_descriptor_keeps_what_its_calls_derive() -> None:
    """What a call derives from a descriptor (checks, bound parameters) stays with that descriptor: a copy with
    other parameters is planned anew, never given a plan of another (a recycled id() once did)."""
    _, handle = recording(httpx.Response(200, json={"name": "Rex"}))
    client = client_for(handle)
    call_operation(client, GET_ONE, {"pet_id": "p1"})
    other = attrs.evolve(GET_ONE, parameters=(Parameter("pet_id", "pet_id", "path", types=(int,)),))
    assert other.derived == [] and GET_ONE.derived
    with pytest.raises(TypeError, match="'pet_id' must be int"):
        call_operation(client, other, {"pet_id": "p1"})


class PetDict(TypedDict):
    name: str


@attrs.define
class Upload:
    """Shaped like the generated `types.File`."""

    payload: bytes


_MODELS.PetDict = PetDict  # type: ignore[attr-defined]
PUT_PET: Operation[None, None] = Operation(
    operation_id="putPet",
    method="PUT",
    path="/pets/1",
    bodies=(
        Body("json", "application/json", types=(PET,)),
        Body("binary", "application/octet-stream", types=(Upload,)),
    ),
    dict_bodies=((PET, ModelRef(_MODELS.__name__, "PetDict")),),
    responses=(Success(204, body="none"),),
)


@pytest.mark.parametrize(
    ("body", "sent"),
    [
        (Upload(payload=b"\x01raw"), ("application/octet-stream", b"\x01raw")),
        ({"name": "Rex"}, ("application/json", b'{"name":"Rex"}')),
        (Pet(name="Rex"), ("application/json", b'{"name":"Rex"}')),
    ],
)
def test_file_body_beside_a_json_body_with_a_dict_form_is_sent_as_bytes(body: Any, sent: tuple[str, bytes]) -> None:
    """A File passes the dict-body conversion untouched and goes out as its bytes with its own Content-Type;
    a dict or a model goes out as JSON."""
    seen, handle = recording(httpx.Response(204))
    call_operation(client_for(handle), PUT_PET, {"body": body})
    assert (seen[0].headers["Content-Type"], seen[0].content) == sent


def test_a_body_of_none_of_the_forms_is_still_refused() -> None:
    """Anything else (an int) is a TypeError naming the argument, as before; nothing is sent."""
    seen, handle = recording(httpx.Response(204))
    with pytest.raises(TypeError, match="argument 'body'"):
        call_operation(client_for(handle), PUT_PET, {"body": 7})
    assert seen == []


def lean_client_for(handler: Handler, hooks: Hooks | None = None) -> LowLevel:
    """`client_for` over the SDK's own lean clients, with the hooks transport in their stack when given."""
    from runtime.pipeline._hooks import AsyncHooksTransport, HooksTransport
    from runtime.pipeline._lean_client import AsyncLeanClient, LeanClient

    sync: httpx.BaseTransport = httpx.MockTransport(handler)
    async_: httpx.AsyncBaseTransport = httpx.MockTransport(handler)
    if hooks is not None:
        sync, async_ = HooksTransport(hooks, inner=sync), AsyncHooksTransport(hooks, inner=async_)
    return LowLevel(
        http=LeanClient(base_url="https://api.test", transport=sync),
        ahttp=AsyncLeanClient(base_url="https://api.test", transport=async_),
        hooks=hooks,
    )


def run_call(client: LowLevel, mode: str, arguments: dict[str, Any], *, raw: bool = False) -> Any:
    if mode == "sync":
        return call_operation(client, GET_PET, arguments, raw=raw)
    return asyncio.run(acall_operation(client, GET_PET, arguments, raw=raw))


def answering(status: int, body: bytes, **headers: str) -> Handler:
    """A handler answering every request with a fresh response of these bytes (not read by anyone yet)."""
    return lambda request: httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_lean_call_parses_the_body_httpx_did_not_read(mode: str) -> None:
    """The lean client hands a JSON success's bytes to the call unread: same value, same raw content."""
    client = lean_client_for(answering(200, b'{"name": "Rex"}', **{"Content-Type": "application/json"}))
    assert run_call(client, mode, pet_args()) == Pet("Rex")
    raw = run_call(client, mode, pet_args(), raw=True)
    assert (raw.status_code, raw.content, raw.parse()) == (200, b'{"name": "Rex"}', Pet("Rex"))


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_lean_call_error_holds_a_read_response(mode: str) -> None:
    """Every response that leaves a call in an error, or reaches on_call_error, is read as httpx leaves it."""
    hooks = Hooks()
    heard: list[CallErrorEvent] = []
    hooks.on_call_error(heard.append)
    for status, body, error in [
        (404, b'{"detail": "no such pet"}', NotFoundError),
        (200, b'{"nom": "Rex"}', ResponseValidationError),  # the model's field is missing
        (200, b"not json", ResponseValidationError),
        (202, b"{}", ResponseValidationError),  # undocumented
    ]:
        client = lean_client_for(answering(status, body), hooks=hooks)
        with pytest.raises(error) as raised:
            run_call(client, mode, pet_args())
        response = raised.value.response  # type: ignore[attr-defined]
        assert (response.is_stream_consumed, response.content) == (True, body)
        assert heard.pop().response.content == body


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_response_an_after_response_hook_keeps_is_read(mode: str) -> None:
    """With an after_response hook, httpx reads every body as it always did: a kept response is whole."""
    hooks = Hooks()
    kept: list[httpx.Response] = []
    hooks.after_response(lambda event: kept.append(event.response))
    client = lean_client_for(answering(200, b'{"name": "Rex"}'), hooks=hooks)
    assert run_call(client, mode, pet_args()) == Pet("Rex")
    assert kept[0].json() == {"name": "Rex"}


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_encoded_body_is_decoded_by_httpx_on_the_lean_path(mode: str) -> None:
    """A Content-Encoding body is never parsed from its wire bytes: httpx reads and decodes it."""
    import gzip

    client = lean_client_for(answering(200, gzip.compress(b'{"name": "Rex"}'), **{"Content-Encoding": "gzip"}))
    assert run_call(client, mode, pet_args()) == Pet("Rex")
    assert run_call(client, mode, pet_args(), raw=True).content == b'{"name": "Rex"}'


@pytest.mark.parametrize(
    "content",
    [
        b'{"id": 1, "name": "caf\\u00e9"}',
        '{"name": "café"}'.encode(),
        b"[1, 2]",
        b"12",
        b"7",
        b" \\n{}",
        '{"a": 1}'.encode("utf-16"),
        '{"a": 1}'.encode("utf-16-le"),
        '{"a": 1}'.encode("utf-32"),
        '{"a": 1}'.encode("utf-8-sig"),
        b'"\\ud800"',
        b"{not json",
        b"",
        b"\xff\xfe",
    ],
)
def test_json_of_reads_bytes_as_json_loads_does(content: bytes) -> None:
    """The shortcut for plain UTF-8 gives what `json.loads` gives, value or error, for any encoding."""
    from runtime.client._call import json_of

    def outcome(parse: Callable[[bytes], object]) -> object:
        try:
            return ("ok", parse(content))
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both
            return (type(exc).__name__, str(exc))

    assert outcome(json_of) == outcome(json.loads)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("lean", [True, False], ids=["lean", "httpx"])
@pytest.mark.parametrize("status", [200, 404])
def test_a_body_that_does_not_decode_as_its_content_encoding_says_is_a_typed_error(
    mode: str, lean: bool, status: int
) -> None:
    """A body labelled gzip that is not gzip (a proxy's or server's mislabelling) fails when httpx reads it:
    the call raises the SDK's TransportError naming the call, never httpx's DecodingError."""
    handler = answering(status, b'{"name": "Rex"}', **{"Content-Type": "application/json", "Content-Encoding": "gzip"})
    client = lean_client_for(handler) if lean else client_for(handler)
    with pytest.raises(TransportError, match=r"GET https://api\.test/pets/.* could not be decoded") as raised:
        run_call(client, mode, pet_args())
    assert isinstance(raised.value.__cause__, httpx.DecodingError)


DEEP = b"[" * 100_000  # deeper than Python's recursion limit: `json.loads` raises RecursionError


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("lean", [True, False], ids=["lean", "httpx"])
def test_a_body_nested_deeper_than_python_reads_is_a_typed_error(mode: str, lean: bool) -> None:
    """A JSON body nested past Python's recursion limit (a broken or hostile server) raises the SDK's errors, as
    any unreadable body does: ResponseValidationError for a success, the status error for an error answer
    (its body kept as text), never a RecursionError out of the call."""
    for status, error in [(200, ResponseValidationError), (404, NotFoundError)]:
        handler = answering(status, DEEP, **{"Content-Type": "application/json"})
        client = lean_client_for(handler) if lean else client_for(handler)
        with pytest.raises(error) as raised:
            run_call(client, mode, pet_args())
        if status == 200:
            assert "nested too deeply" in str(raised.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_redirect_loop_followed_by_the_client_is_a_typed_error(mode: str) -> None:
    """With ``follow_redirects`` on (the caller's choice), a server sending the call round in circles ends in
    the SDK's TransportError naming the call and the loop, not httpx's TooManyRedirects (no transport error)."""
    loop = answering(302, b"", Location="/pets/elsewhere")
    transport = httpx.MockTransport(loop)
    client = LowLevel(
        http=httpx.Client(base_url="https://api.test", transport=transport, follow_redirects=True, max_redirects=3),
        ahttp=httpx.AsyncClient(
            base_url="https://api.test", transport=transport, follow_redirects=True, max_redirects=3
        ),
    )
    with pytest.raises(TransportError, match=r"GET https://api\.test/pets/.* was redirected more times") as raised:
        run_call(client, mode, pet_args())
    assert isinstance(raised.value.__cause__, httpx.TooManyRedirects)

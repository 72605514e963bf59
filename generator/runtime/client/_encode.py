"""The request of one call: an `Operation` and the call's arguments as keyword arguments for ``httpx.request``.

Pure (no I/O). Values are written by their type: an enum as its value, a date or date-time in ISO 8601, a
UUID as text, a bool as ``true``/``false``, a model as its ``to_dict()``; lists and objects by the
parameter's OpenAPI `style` and `explode` (query defaults: ``form``, exploded, as httpx repeats a key).
UNSET arguments are left out, and so is None for a query parameter.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..policies._options import UNSET
from ._model_ref import classes_of
from ._operation import Body, Operation, Parameter

__all__ = ["encode_request", "jsonable", "text_of"]

_DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def jsonable(value: Any) -> Any:
    """`value` as JSON data: models by ``to_dict()``, enums by value, dates in ISO 8601, UUIDs as text."""
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value.value if isinstance(value, enum.Enum) else value
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {key: jsonable(item) for key, item in value.items() if item is not UNSET}
    return value


_PLAIN = frozenset({str, int, float})  # written as str() gives them: the common case, tested first


def text_of(value: Any) -> str:
    """One scalar as it appears in a URL or header: ``true``/``false``, an enum's value, ISO 8601 dates."""
    if type(value) in _PLAIN:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.value if isinstance(value, enum.Enum) else value
    plain = jsonable(value)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def _path_value(parameter: Parameter, value: Any) -> str:
    if type(value) is int:
        return str(value)  # digits and "-": nothing for quote() to encode (the commonest path parameter, an id)
    if type(value) in _PLAIN:
        return quote(str(value), safe="")
    plain = jsonable(value)
    if isinstance(plain, list):
        return ",".join(quote(text_of(item), safe="") for item in plain)
    if isinstance(plain, dict):
        pairs = plain.items()
        joined = ",".join(f"{k}={text_of(v)}" if parameter.effective_explode else f"{k},{text_of(v)}" for k, v in pairs)
        return quote(joined, safe=",=")
    return quote(text_of(plain), safe="")


def _query(parameter: Parameter, value: Any, params: list[tuple[str, str]]) -> None:
    if type(value) in _PLAIN:
        params.append((parameter.name, str(value)))
        return
    plain = jsonable(value)
    style = parameter.effective_style
    if isinstance(plain, dict):
        if style == "deepObject":
            params.extend((f"{parameter.name}[{k}]", text_of(v)) for k, v in plain.items() if v is not None)
        elif parameter.effective_explode:
            params.extend((k, text_of(v)) for k, v in plain.items() if v is not None)
        else:
            params.append((parameter.name, ",".join(f"{k},{text_of(v)}" for k, v in plain.items() if v is not None)))
    elif isinstance(plain, list):
        if parameter.effective_explode and style == "form":
            params.extend((parameter.name, text_of(item)) for item in plain)
        else:
            params.append((parameter.name, _DELIMITERS.get(style, ",").join(text_of(item) for item in plain)))
    else:
        params.append((parameter.name, text_of(plain)))


def _header_value(value: Any) -> str:
    plain = jsonable(value)
    if isinstance(plain, list):
        return ",".join(text_of(item) for item in plain)
    if isinstance(plain, dict):
        return ",".join(f"{k},{text_of(v)}" for k, v in plain.items())
    return text_of(plain)


def _body(body: Body, value: Any, kwargs: dict[str, Any], headers: dict[str, str]) -> None:
    encoding = body.encoding
    if encoding == "json":
        kwargs["json"] = jsonable(value)
    elif encoding == "multipart":
        kwargs["files"] = value.to_multipart()  # httpx writes the boundary into the Content-Type itself
        return
    elif encoding == "form":
        kwargs["data"] = jsonable(value)
    elif encoding == "binary":
        kwargs["content"] = value.payload if hasattr(value, "payload") else value
    else:
        kwargs["content"] = value.encode() if isinstance(value, str) else value
    headers["Content-Type"] = body.content_type


def _select_body(operation: Operation[Any, Any], value: Any) -> Body:
    """The media type whose classes `value` is (the first when they are not told apart)."""
    bodies = operation.bodies
    if len(bodies) > 1:
        for body in bodies:
            if body.types and isinstance(value, classes_of(body.types)):
                return body
    return bodies[0]


def encode_request(operation: Operation[Any, Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The ``method``, ``url``, ``params``, ``headers``, ``cookies`` and body of one call (no options yet)."""
    url = operation.path
    params: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: dict[str, str] | None = None
    for parameter in operation.parameters:
        value = arguments.get(parameter.python_name, UNSET)
        if value is UNSET:
            continue
        location = parameter.location
        if location == "path":
            url = url.replace("{" + parameter.name + "}", _path_value(parameter, value))
        elif value is None:
            continue
        elif location == "query":
            _query(parameter, value, params)
        elif location == "header":
            headers[parameter.name] = _header_value(value)
        else:
            if cookies is None:
                cookies = {}
            cookies[parameter.name] = text_of(jsonable(value))
    kwargs: dict[str, Any] = {"method": operation.method, "url": url}
    if params:
        kwargs["params"] = params
    if cookies:  # as a header: httpx deprecates per-request cookies=
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if operation.bodies:
        value = arguments.get("body", UNSET)
        if value is not UNSET:
            _body(_select_body(operation, value), value, kwargs, headers)
    if operation.accept is not None:
        headers.setdefault("Accept", operation.accept)
    if headers:
        kwargs["headers"] = headers
    return kwargs

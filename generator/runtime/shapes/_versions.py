"""One client for several API versions: what an older server lacks, and how the SDK makes up for it.

A spec for the newest version marks (see the spec's info.description):

- ``x-sdk-since: "1.1.0"`` on an operation older servers do not have;
- ``x-sdk-fallback: {via: <operationId of a paginated list>, match: <field>}`` on such an operation: an
  older server is served by walking ``via``'s pages for the item whose ``match`` field equals the call's
  path parameter of that name (`find_item`);
- ``x-sdk-legacy-fields: {"1.0": [field, ...]}`` on a schema: fields servers up to that version still
  send; `strip_legacy_fields` removes them so every version parses to the same model.

A client is told its server's version (``api_version="1.0"``); `VersionedOperation.plan` says per call
whether to call the operation, use its fallback, or refuse (`UnsupportedOperationError`). A client that is
not told (or told a version that its server does not actually run) finds out: `call_or_fallback` calls the
operation, and when the server answers 405 or 501 (`MISSING_OPERATION_STATUSES`: it has the path but not
the operation) serves this call and every later one from the fallback instead of failing. Versions compare
numerically by dotted parts, missing parts counting as 0 (``1.0 == 1.0.0 < 1.1.0``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, MutableSet
from typing import Any, Final, Literal, TypeVar

import attrs

from ..core import httpx
from ..core._errors import APIStatusError, SDKError, raise_for_status
from ..pipeline._call_failures import report_call_errors, retrying_elsewhere
from ..pipeline._hooks import Hooks
from ._model_fields import NO_NAMES, FieldNames, read_field
from ._pagination import PageArgs, Pagination, aiterate_items, iterate_items

__all__ = [
    "MISSING_OPERATION_STATUSES",
    "Fallback",
    "UnsupportedOperationError",
    "VersionedOperation",
    "afind_item",
    "find_item",
    "legacy_fields_for",
    "parse_version",
    "strip_legacy_fields",
    "version_at_least",
]

_VERSION = re.compile(r"^\d+(\.\d+)*$")
_T = TypeVar("_T")

MISSING_OPERATION_STATUSES: Final = frozenset({405, 501})
"""Answers that say the server lacks the operation itself (Method Not Allowed, Not Implemented), not the item."""


class UnsupportedOperationError(SDKError):
    """The operation is newer than the server the client talks to, and the spec gives no fallback."""


def parse_version(text: str) -> tuple[int, ...]:
    """``"1.1.0"`` -> ``(1, 1, 0)``; trailing zero parts are dropped so ``1.0`` equals ``1.0.0``.

    Raises:
        ValueError: not dotted decimal numbers.
    """
    if not isinstance(text, str) or not _VERSION.match(text.strip()):
        raise ValueError(f"an API version is dotted numbers such as 1.1.0, not {text!r}")
    parts = [int(part) for part in text.strip().split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def version_at_least(version: str, since: str) -> bool:
    """Whether a server at `version` has what appeared in `since`."""
    return parse_version(version) >= parse_version(since)


@attrs.frozen(kw_only=True)
class Fallback:
    """``x-sdk-fallback``: serve a lookup from the list operation `via` by comparing the `match` field."""

    via: str
    match: str = "id"

    @classmethod
    def from_extension(cls, mapping: Mapping[str, object]) -> Fallback:
        """Read an ``x-sdk-fallback`` mapping.

        Raises:
            ValueError: unknown keys, or `via` / `match` that are not non-empty strings.
        """
        unknown = sorted(set(mapping) - {"via", "match"})
        if unknown:
            raise ValueError(f"x-sdk-fallback has unknown keys {unknown}; known: ['match', 'via']")
        via, match = mapping.get("via"), mapping.get("match", "id")
        for key, value in (("via", via), ("match", match)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"x-sdk-fallback.{key} must be a non-empty string, not {value!r}")
        return cls(via=str(via), match=str(match))


Plan = Literal["call", "fallback"]


@attrs.frozen(kw_only=True)
class VersionedOperation:
    """An operation's ``x-sdk-since`` and ``x-sdk-fallback``, as the generated code passes them."""

    operation_id: str
    since: str | None = None
    fallback: Fallback | None = None

    def __attrs_post_init__(self) -> None:
        if self.since is not None:
            parse_version(self.since)
        if self.fallback is not None and self.since is None:
            raise ValueError(f"{self.operation_id}: x-sdk-fallback needs x-sdk-since")

    def plan(self, api_version: str | None) -> Plan:
        """``"call"`` the operation, or serve it by its ``"fallback"``; None means the newest version.

        Raises:
            UnsupportedOperationError: the server is older than `since` and there is no fallback.
        """
        if api_version is None or self.since is None or version_at_least(api_version, self.since):
            return "call"
        if self.fallback is None:
            raise UnsupportedOperationError(
                f"{self.operation_id} needs API version {self.since} or later, but this client talks to version "
                f"{api_version}. Upgrade the server or use a client for its version."
            )
        return "fallback"

    def _lacking(self, api_version: str | None, missing: MutableSet[str]) -> bool:
        return self.plan(api_version) == "fallback" or self.operation_id in missing

    def _is_missing(self, exc: APIStatusError) -> bool:
        """Whether a failed direct call says the server lacks the operation (and a fallback can serve it)."""
        return self.fallback is not None and exc.status_code in MISSING_OPERATION_STATUSES

    def call_or_fallback(
        self,
        api_version: str | None,
        missing: MutableSet[str],
        call: Callable[[], _T],
        fallback: Callable[[], _T],
        *,
        hooks: Hooks | None = None,
    ) -> _T:
        """`call()` the operation, or `fallback()` when the server predates it: by `api_version`, by an earlier
        call's finding (`missing`, the client's set of operation ids), or by this call's 405/501.

        Raises:
            UnsupportedOperationError: the server is older than `since` and there is no fallback.
            APIStatusError: the direct call failed for another reason (reported to `on_call_error` as usual).
        """
        with report_call_errors(hooks, self.operation_id):  # the fallback's own 404 is a failed call too
            if self._lacking(api_version, missing):
                return fallback()
            try:
                with retrying_elsewhere():  # a 405 here is not the call's outcome: the fallback's is
                    return call()
            except APIStatusError as exc:
                if not self._is_missing(exc):
                    raise  # a real failure: reported on its way out
            missing.add(self.operation_id)
            return fallback()

    async def acall_or_fallback(
        self,
        api_version: str | None,
        missing: MutableSet[str],
        call: Callable[[], Awaitable[_T]],
        fallback: Callable[[], Awaitable[_T]],
        *,
        hooks: Hooks | None = None,
    ) -> _T:
        """The async twin of `call_or_fallback`."""
        async with report_call_errors(hooks, self.operation_id):
            if self._lacking(api_version, missing):
                return await fallback()
            try:
                with retrying_elsewhere():
                    return await call()
            except APIStatusError as exc:
                if not self._is_missing(exc):
                    raise
            missing.add(self.operation_id)
            return await fallback()


def _not_found(url: str, match: str, value: object, listed: int, via: str) -> SDKError:
    """The `NotFoundError` a server with the operation would raise: a 404 problem made from the walk."""
    detail = f"No item has {match} {value} among the {listed} items listed by {via}."
    problem = {"type": "about:blank", "title": "Not Found", "status": 404, "detail": detail}
    response = httpx.Response(404, json=problem, request=httpx.Request("GET", url))
    try:
        raise_for_status(response)
    except SDKError as exc:
        return exc
    raise AssertionError("raise_for_status accepted a 404")  # pragma: no cover


def find_item(
    fetch_page: Callable[[PageArgs], Any],
    pagination: Pagination,
    *,
    match: str,
    value: object,
    url: str,
    via: str,
    page_size: int | None = None,
    names: FieldNames = NO_NAMES,
) -> Any:
    """The first item whose `match` field equals `value`, walking the pages only as far as needed.

    Args:
        fetch_page, pagination, page_size: as for `iterate_items` (the `via` list operation).
        match: the field to compare (a JSON name, see `read_field`); values compare as strings.
        names: the item model's attribute for `match` when it differs (the generator writes it).
        value: the caller's path parameter.
        url: the path the missing operation would have had, for the error.
        via: the list operation's id, for the error.

    Raises:
        NotFoundError: no item matches (a 404 built from the walk, so callers see the usual error).
    """
    listed = 0
    for item in iterate_items(fetch_page, pagination, page_size=page_size):
        listed += 1
        if str(read_field(item, match, names)) == str(value):
            return item
    raise _not_found(url, match, value, listed, via)


async def afind_item(
    fetch_page: Callable[[PageArgs], Awaitable[Any]],
    pagination: Pagination,
    *,
    match: str,
    value: object,
    url: str,
    via: str,
    page_size: int | None = None,
    names: FieldNames = NO_NAMES,
) -> Any:
    """The async twin of `find_item`."""
    listed = 0
    async for item in aiterate_items(fetch_page, pagination, page_size=page_size):
        listed += 1
        if str(read_field(item, match, names)) == str(value):
            return item
    raise _not_found(url, match, value, listed, via)


def legacy_fields_for(extension: Mapping[str, list[str]] | None, api_version: str | None) -> frozenset[str]:
    """The fields of ``x-sdk-legacy-fields`` a server at `api_version` still sends (none for the newest)."""
    if not extension or api_version is None:
        return frozenset()
    return frozenset(
        field for until, fields in extension.items() if version_at_least(until, api_version) for field in fields
    )


def strip_legacy_fields(payload: Any, fields: frozenset[str], *, items: tuple[str, str] | None = None) -> Any:
    """`payload` without `fields`, so an older server's answer reads like the newest version's.

    A JSON object (or a list of them) is returned as a copy without the fields; a generated model (or a
    list of them), freshly parsed, loses them from its unknown fields (`additional_properties`) in place.
    With `items` (a page's item field as its JSON name and its model attribute, e.g. ``("content", "content")``,
    which the generator writes), the items of that field are stripped instead.
    Anything else is returned unchanged.
    """
    if not fields:
        return payload
    if items is not None:
        json_name, attribute = items
        if isinstance(payload, dict) and json_name in payload:
            return {**payload, json_name: strip_legacy_fields(payload[json_name], fields)}
        strip_legacy_fields(read_field(payload, json_name, FieldNames({json_name: attribute})), fields)  # in place
        return payload
    if isinstance(payload, list):
        return [strip_legacy_fields(item, fields) for item in payload]
    if isinstance(payload, dict):
        return {key: value for key, value in payload.items() if key not in fields}
    extras = getattr(payload, "additional_properties", None)
    if isinstance(extras, dict):
        for field in fields & extras.keys():
            del extras[field]
    return payload

"""The living mock's answers: one OpenAPI document's resources kept in memory, changed by requests.

`LivingApi(document).answer(request)` is pure Python (no I/O): it finds the operation
(mock/state_spec.py), acts on its resource's records (mock/state_resources.py, mock/state_records.py;
lists through mock/state_pages.py) and builds the response from the operation's documented example, with
the record put where the example has it. Operations on no resource answer their success example, as
Prism would. `Prefer: code=N` picks a documented answer, as with Prism. Every successful write (and
every write on no resource) is handed to `on_change` (the events' hook, mock/living_events.py).
"""

from __future__ import annotations

import copy
import datetime
import json
import random
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from mock.state_fit import AnswerFit
from mock.state_pages import filtered, paged
from mock.state_records import Key, etag_matches, merge, substitute
from mock.state_resources import ApiShape, Resource, infer_resources
from mock.state_spec import PARAM, Answer, Operation, base_paths, header_example, operations, walk

TOUCHED = ("updated_at", "updatedAt", "modified_at", "modifiedAt")  # set to now by every write
CREATED = ("created_at", "createdAt")  # set to now by a create
WRITES = frozenset({"create", "replace", "update", "delete"})
DATA_KINDS = WRITES | {"read", "list"}


@attrs.frozen(kw_only=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str] = attrs.field(factory=dict)
    headers: Mapping[str, str] = attrs.field(factory=dict)  # lower-case names
    body: bytes = b""


@attrs.frozen(kw_only=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes


@attrs.frozen(kw_only=True)
class Change:
    """A successful write: which operation, on which resource, and the record after it (None: removed)."""

    operation_id: str
    kind: str  # create | replace | update | delete, or `action` for a write on no resource
    resource: str | None
    path_params: Mapping[str, str]
    record: Mapping[str, Any] | None
    previous: Mapping[str, Any] | None = None  # the record before the write
    etag: str | None = None  # the record's ETag after the write
    replacements: Mapping[str, str] = attrs.field(factory=dict)  # example ids -> this change's ids


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class LivingApi:
    """The state of one API, seeded from `document`'s examples; `answer()` serves one request."""

    def __init__(
        self, document: Mapping[str, Any], *, seed: int = 0, now: Callable[[], datetime.datetime] = _utc_now
    ) -> None:
        self.document = document
        self.now = now
        self.operations = operations(document)
        self.bases = base_paths(document)
        self.shape = ApiShape(document, self.operations)
        self._answer_fit = AnswerFit(document)
        self.resources = infer_resources(self.shape)
        # Each collection's item path (`/batches/{id}`), for the operations nested under its records.
        self.items = {
            op.template: self.resources[op.resource]
            for op in self.operations
            if op.kind == "read" and op.resource is not None and not self.resources[op.resource].singleton
        }
        self.on_change: Callable[[Change], None] | None = None
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        """Every resource back to the spec's examples; the id and ETag sources start over."""
        with self._lock:
            self._rng = random.Random(self._seed)
            for resource in self.resources.values():
                resource.records.reset()

    def state(self) -> dict[str, Any]:
        """A JSON-ready dump: each resource's records by their path parameters."""
        with self._lock:
            return {
                template: {"/".join(key): record for key, record in resource.records.current.items()}
                for template, resource in self.resources.items()
            }

    # -- answering ------------------------------------------------------------------------------------

    def route(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        candidates = [path, *(path[len(b) :] for b in self.bases if path.startswith(b + "/"))]
        for op in self.operations:
            if op.method != method:
                continue
            for candidate in candidates:
                match = op.pattern.match(candidate)
                if match:
                    ordered = sorted(match.groupdict().items(), key=lambda kv: int(kv[0][1:]))
                    values = [value for _, value in ordered]
                    return op, dict(zip(op.path_params, values, strict=False))
        return None

    def answer(self, request: Request) -> Reply:
        """The reply to `request`; a 404 in the mock's own words for a path the spec does not have."""
        routed = self.route(request.method.upper(), request.path)
        if routed is None:
            return _json_reply(404, {"error": f"no operation {request.method} {request.path} in the spec"})
        op, params = routed
        preferred = _preferred_code(request.headers.get("prefer"))
        if preferred is not None and op.answer(preferred) is not None:
            return self._canned(op, op.answers[preferred], params)
        with self._lock:
            if op.resource is None or op.kind not in DATA_KINDS:
                return self._action(op, params, request)
            return self._stateful(op, params, request)

    def _action(self, op: Operation, params: dict[str, str], request: Request) -> Reply:
        """An operation on no resource: its example; a write is still announced (with its request body).

        Under a record of a collection (`/batches/{id}/quality`) it answers the documented 404 while that
        record does not exist: a removed batch has no quality checks either.
        """
        success = op.success
        if success is None:
            return _json_reply(500, {"error": f"{op.operation_id} documents no 2xx answer"})
        for item_template, resource in self.items.items():
            names = PARAM.findall(item_template)
            nested = op.template.startswith(item_template + "/") and all(n in params for n in names)
            if nested and op.answer(404) and resource.records.get(tuple(params[n] for n in names)) is None:
                return self._missing(op, params)
        if op.method != "GET":
            answered = walk(success.example, self.shape.record_at(success))
            # The record as the answer shows it: the example's ids are this request's (rvm-0042 -> the path's).
            shown = substitute(copy.deepcopy(answered), _replacements(op, params))
            record = {**(shown if isinstance(shown, Mapping) else {}), **_json_object(request.body)}
            self._changed(op, None, params, record)
        return self._canned(op, success, params)

    def _canned(self, op: Operation, answer: Answer, params: Mapping[str, str], body: Any = None) -> Reply:
        example = answer.example if body is None else body
        replacements = _replacements(op, params)
        filled = substitute(copy.deepcopy(example), replacements)
        if replacements and not self._answer_fit.fits(answer.schema, filled):
            # a path value the answer cannot hold (an id longer than the answer's id may be): the example as it is
            filled = copy.deepcopy(example)
        return self._reply(answer, filled)

    def _reply(self, answer: Answer, body: Any, *, tag: str | None = None) -> Reply:
        headers: dict[str, str] = {}
        for name, header in answer.headers.items():
            value = header_example(header)
            if value is not None and name.lower() not in ("etag", "content-length", "content-type"):
                headers[name] = value
        if tag is not None:
            headers["ETag"] = tag
        if body is None or answer.media_type is None or answer.status in (204, 304):
            return Reply(status=answer.status, headers=headers, body=b"")
        headers["Content-Type"] = answer.media_type
        return Reply(status=answer.status, headers=headers, body=json.dumps(body).encode())

    def _error(self, op: Operation, status: int, params: Mapping[str, str]) -> Reply | None:
        answer = op.answer(status)
        return self._canned(op, answer, params) if answer is not None else None

    def _stateful(self, op: Operation, params: dict[str, str], request: Request) -> Reply:
        resource = self.resources[op.resource or ""]
        success = op.success
        assert success is not None  # DATA_KINDS operations were inferred from a documented answer
        key: Key = tuple(params[p] for p in op.path_params)
        if op.kind == "list":
            return self._list(op, resource, key, request)
        if op.kind == "create":
            return self._create(op, resource, key, request, params)
        record = self._synced(resource, key)
        current = resource.records.tag(key)
        if_match = request.headers.get("if-match")
        if op.kind != "read" and if_match is not None and not etag_matches(if_match, current):
            return self._error(op, 412, params) or self._missing(op, params)
        if op.kind in ("read", "delete") and record is None:
            return self._missing(op, params)
        if op.kind == "read":
            assert record is not None and current is not None
            if etag_matches(request.headers.get("if-none-match"), current) and op.answer(304) is not None:
                return self._reply(op.answers[304], None, tag=current)
            return self._record_reply(success, resource, key, record)
        if op.kind == "delete":
            resource.records.remove(key)
            self._changed(op, resource, params, None, previous=record)
            return self._canned(op, success, params)
        changes = _json_object(request.body)
        if record is None:
            if op.answer(404) is not None and not resource.singleton:
                return self._missing(op, params)
            record = self._blank(resource, key)
        # A PUT keeps the fields it does not send: the answer's schema still requires them.
        kept = {k: v for k, v in changes.items() if k != resource.id_field}  # a record's id is its path's
        previous = record
        record = self._touched(resource, _written(resource, record, kept, deep=op.kind == "update"), TOUCHED)
        resource.records.put(key, record)
        self._share_up(resource, key, record)
        self._changed(op, resource, params, record, previous=previous, key=key)
        return self._record_reply(success, resource, key, record)

    def _synced(self, resource: Resource, key: Key) -> dict[str, Any] | None:
        """The record, with the fields it shares with its enclosing singleton's record taken from there."""
        record = resource.records.get(key)
        parent = resource.parent
        upper = parent.records.get(key[: len(parent.blank_key)]) if parent is not None else None
        if upper is None:
            return record
        base = record if record is not None else self._blank(resource, key)
        synced = base | {k: copy.deepcopy(upper[k]) for k in base if k in upper}
        if synced != record:
            resource.records.put(key, synced)
        return synced

    def _share_up(self, resource: Resource, key: Key, record: Mapping[str, Any]) -> None:
        """A write to `/x/config/threshold` is a write to the fields `/x/config` shares with it."""
        parent = resource.parent
        if parent is None:
            return
        parent_key = key[: len(parent.blank_key)]
        upper = parent.records.get(parent_key) or self._blank(parent, parent_key)
        parent.records.put(parent_key, upper | {k: copy.deepcopy(v) for k, v in record.items() if k in upper})

    def _blank(self, resource: Resource, key: Key) -> dict[str, Any]:
        replacements = {old: new for old, new in zip(resource.blank_key, key, strict=False) if old and old != new}
        blank: dict[str, Any] = substitute(copy.deepcopy(resource.blank), replacements)
        return blank

    def _missing(self, op: Operation, params: Mapping[str, str]) -> Reply:
        return self._error(op, 404, params) or _json_reply(404, {"error": "not found"})

    def _record_reply(self, answer: Answer, resource: Resource, key: Key, record: dict[str, Any]) -> Reply:
        body = copy.deepcopy(answer.example)
        at = self.shape.record_at(answer)
        if at:
            body[at[0]] = record
        else:
            body = record
        return self._reply(answer, body, tag=resource.records.tag(key))

    def _create(
        self, op: Operation, resource: Resource, key: Key, request: Request, params: Mapping[str, str]
    ) -> Reply:
        success = op.success
        assert success is not None
        field = resource.id_field
        changes = _json_object(request.body)
        # Every id this resource ever had, removed ones too: new ids keep the examples' style even when the
        # collection was emptied, and a removed record's id is never handed out again.
        new_id = resource.records.ids.issue(self._rng)
        template = walk(success.example, self.shape.record_at(success))
        base = {**resource.blank, **(template if isinstance(template, Mapping) else {})}
        # The example's lists (a network's routes) belong to the example's record: a new one starts empty
        # unless the request gave them (and the schema allows an empty list).
        fits_empty = [
            k
            for k, v in base.items()
            if isinstance(v, list) and v and (resource.fit is None or resource.fit.fits(k, []))
        ]
        base |= {key: [] for key in fits_empty}
        record = self._touched(resource, _written(resource, base, changes, deep=False), TOUCHED + CREATED)
        if field:
            record[field] = new_id
        resource.records.put((*key, str(new_id)), record)
        self._changed(op, resource, params, record, key=(*key, str(new_id)))
        return self._record_reply(success, resource, (*key, str(new_id)), record)

    def _list(self, op: Operation, resource: Resource, parent: Key, request: Request) -> Reply:
        success = op.success
        assert success is not None
        body = copy.deepcopy(success.example)
        at = self.shape.list_at(op, body)
        if at is None:
            return self._canned(op, success, dict(zip(op.path_params, parent, strict=False)))
        records = filtered(resource.records.under(parent), request.query, op.query_params)
        paging = self.shape.pagination.get(op.template) or {}
        pageable = paging.get("page_param", "page") in op.query_params
        return self._reply(success, paged(body, at, records, request.query, paging=paging, pageable=pageable))

    def _touched(self, resource: Resource, record: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        """`record` with its timestamps of these names (where it has them as text) set to now."""
        stamp = self.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for name in names:
            if isinstance(record.get(name), str) and (resource.fit is None or resource.fit.fits(name, stamp)):
                record[name] = stamp
        return record

    def _changed(
        self,
        op: Operation,
        resource: Resource | None,
        params: Mapping[str, str],
        record: Any,
        *,
        previous: Any = None,
        key: Key | None = None,
    ) -> None:
        if self.on_change is None:
            return
        replacements = _replacements(op, params)
        if resource is not None and resource.id_field and isinstance(record or previous, Mapping):
            own_id = str((record or previous)[resource.id_field])
            replacements |= {str(seed_id): own_id for seed_id in resource.records.seed_ids}
        change = Change(
            operation_id=op.operation_id,
            kind=op.kind if resource is not None else "action",
            resource=resource.template if resource is not None else None,
            path_params=dict(params),
            record=copy.deepcopy(record),
            previous=copy.deepcopy(previous),
            etag=resource.records.tag(key) if resource is not None and key is not None else None,
            replacements=replacements,
        )
        self.on_change(change)


def _replacements(op: Operation, params: Mapping[str, str]) -> dict[str, str]:
    """The path parameters' example values -> this request's values (an example's `rvm-0042` -> `rvm-0007`)."""
    return {str(op.param_examples[p]): v for p, v in params.items() if p in op.param_examples}


def _written(resource: Resource, record: dict[str, Any], changes: Mapping[str, Any], *, deep: bool) -> dict[str, Any]:
    """`record` with each change that fits the answer's schema (merged into nested objects when `deep`)."""
    written = copy.deepcopy(record)
    for key, value in changes.items():
        old = written.get(key)
        nested = deep and isinstance(old, dict) and isinstance(value, Mapping)
        candidate = merge(old, value, deep=True) if nested else value  # type: ignore[arg-type]
        if resource.fit is None or resource.fit.fits(key, candidate):
            written[key] = copy.deepcopy(candidate)
    return written


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _json_reply(status: int, body: object) -> Reply:
    return Reply(status=status, headers={"Content-Type": "application/json"}, body=json.dumps(body).encode())


def _preferred_code(prefer: str | None) -> int | None:
    for part in (prefer or "").split(","):
        for item in part.split(";"):
            name, _, value = item.strip().partition("=")
            if name.strip().lower() == "code" and value.strip().isdigit():
                return int(value.strip())
    return None

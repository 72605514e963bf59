"""The resources of one API, inferred from its operations and seeded from their examples.

`ApiShape` knows where records sit in answers (inside `info.x-sdk-envelope`'s data field, and in a list
answer at `x-sdk-pagination.items` or the example's first array of objects); `infer_resources()` builds
each collection and singleton (mock/state_spec.py says which paths are which): the record a new one
starts from (the read example's), its id field (the item path's parameter, else `id`), the schema a
written field must fit, and the seed records (list and read examples; a singleton's under its path
parameters' examples, with the ETag its example documents). A singleton inside another one's path
(`/rvms/{id}/config/confidence-threshold` in `/rvms/{id}/config`) shares the fields both records have:
reading it takes them from the enclosing record, writing it writes them there too.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import attrs

from mock.state_fit import FieldFit
from mock.state_records import Key, Records
from mock.state_spec import (
    Answer,
    Location,
    Operation,
    array_location,
    envelope_field,
    header_example,
    schema_at,
    walk,
)


@attrs.define
class Resource:
    """A collection or singleton: where its records sit in answers, and the records themselves."""

    template: str
    singleton: bool
    id_field: str | None = None
    record_at: Location = ()
    fit: FieldFit | None = None  # which written fields the answer's record schema takes
    blank: dict[str, Any] = attrs.field(factory=dict)  # what a new record starts from
    blank_key: Key = ()  # the path parameters `blank` was written for
    records: Records = attrs.field(factory=Records)
    parent: Resource | None = None  # the singleton whose path encloses this singleton's (it shares fields)


class ApiShape:
    """Where one API's answers put records: its envelope and each list operation's pagination."""

    def __init__(self, document: Mapping[str, Any], operations: list[Operation]) -> None:
        self.document = document
        self.operations = operations
        self.envelope = envelope_field(document)
        self.pagination: dict[str, Mapping[str, Any]] = {
            op.template: (document["paths"][op.template]["get"].get("x-sdk-pagination") or {})
            for op in operations
            if op.kind == "list"
        }

    def record_at(self, answer: Answer | None) -> Location:
        """Where the record is in `answer`'s body: the envelope's data field, or the body itself."""
        body = answer.example if answer is not None else None
        if self.envelope and isinstance(body, Mapping) and isinstance(body.get(self.envelope), Mapping):
            return (self.envelope,)
        return ()

    def list_at(self, op: Operation, body: Any) -> Location | None:
        """Where the records are in a list answer's `body`."""
        return array_location(body, self.pagination.get(op.template, {}).get("items"))


def infer_resources(shape: ApiShape) -> dict[str, Resource]:
    """Every resource the operations act on, by its path template, with its seed records."""
    templates = dict.fromkeys(op.resource for op in shape.operations if op.resource is not None)
    resources = {template: _infer(shape, template) for template in templates if template is not None}
    singletons = sorted((r for r in resources.values() if r.singleton), key=lambda r: len(r.template))
    for resource in singletons:
        enclosing = [r for r in singletons if resource.template.startswith(r.template + "/")]
        if enclosing and set(resource.blank) & set(enclosing[-1].blank):
            resource.parent = enclosing[-1]
    return resources


def _infer(shape: ApiShape, template: str) -> Resource:
    ops = [op for op in shape.operations if op.resource == template]
    reads = [op for op in ops if op.kind in ("read", "replace", "update", "create") and op.success]
    singleton = all(op.template == template for op in ops) and not any(op.kind == "create" for op in ops)
    source = next((op for op in reads if op.kind == "read"), reads[0] if reads else None)
    success = source.success if source is not None else None
    record_at = shape.record_at(success)
    resource = Resource(template=template, singleton=singleton, record_at=record_at)
    if success is not None and source is not None:
        blank = walk(success.example, record_at)
        resource.blank = copy.deepcopy(blank) if isinstance(blank, dict) else {}
        resource.blank_key = tuple(str(source.param_examples.get(p, "")) for p in source.path_params)
        resource.fit = FieldFit(shape.document, schema_at(shape.document, success.schema, record_at))
        if not singleton:
            id_param = source.path_params[-1] if source.path_params else "id"
            keys = resource.blank.keys()
            resource.id_field = id_param if id_param in keys else ("id" if "id" in keys else None)
    example_tag = _etag_example(success) if success is not None else None
    if not singleton:
        _seed_collection(shape, resource, ops)
    elif resource.blank and all(resource.blank_key):
        resource.records.add_seed(resource.blank_key, copy.deepcopy(resource.blank), tag=example_tag)
    return resource


def _seed_collection(shape: ApiShape, resource: Resource, ops: list[Operation]) -> None:
    field = resource.id_field
    if field is None:
        return
    found: list[dict[str, Any]] = []
    for op in ops:
        success = op.success
        if success is None or op.kind not in ("list", "read"):
            continue
        if op.kind == "list":
            at = shape.list_at(op, success.example)
            items = walk(success.example, at) if at is not None else None
            found += [dict(item) for item in items or () if isinstance(item, Mapping)]
        elif isinstance(walk(success.example, resource.record_at), Mapping):
            found.append(dict(walk(success.example, resource.record_at)))
    for record in found:
        if field in record:
            key = (*resource.blank_key[:-1], str(record[field]))
            resource.records.seed_ids.append(record[field])
            full = {**resource.blank, **record} if resource.blank else record
            resource.records.add_seed(key, full)


def _etag_example(answer: Answer) -> str | None:
    """The spec's example `ETag` of an answer, when it documents one."""
    header = next((h for name, h in answer.headers.items() if name.lower() == "etag"), None)
    return header_example(header) if header is not None else None

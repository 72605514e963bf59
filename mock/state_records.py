"""Records of one resource of the living mock: seeded from the spec's examples, changed by requests.

A resource is a collection (records keyed by their path parameters, the last one being the record's
id) or a singleton (one record per concrete path). Each record is a plain JSON object; its ETag is a
digest of its JSON, so it changes exactly when the record does.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

Key = tuple[str, ...]
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")


def etag(record: Any) -> str:
    """A strong ETag of `record`: the digest of its canonical JSON."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:20] + '"'


def etag_matches(header: str | None, current: str | None) -> bool:
    """True when an If-Match / If-None-Match value names `current` (or is `*` and a record exists)."""
    if header is None or current is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or current in tags


def merge(record: dict[str, Any], changes: Mapping[str, Any], *, deep: bool) -> dict[str, Any]:
    """`record` with `changes` applied; nested objects merged field by field when `deep` (a PATCH)."""
    merged = copy.deepcopy(record)
    for key, value in changes.items():
        if deep and isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value, deep=True)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def substitute(value: Any, replacements: Mapping[str, str]) -> Any:
    """`value` with every string equal to a key of `replacements` replaced (an example's id by the real one)."""
    if not replacements:
        return value
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, list):
        return [substitute(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, replacements) for key, item in value.items()}
    return value


def next_id(existing: list[Any], rng: random.Random) -> Any:
    """A new id in the style of `existing`: the next integer, a UUID, or the last id's number plus one."""
    return IdSource(existing).issue(rng)


class IdSource:
    """The ids a resource has held since its last reset, and the next one in their style.

    What the style needs (all integers? any UUID? the highest id) is kept up to date as ids are issued,
    so a create costs the same with 10 or 10,000 records (it used to rescan them all).
    """

    def __init__(self, existing: list[Any]) -> None:
        self._texts: set[str] = set()
        self._all_int = True
        self._any_uuid = False
        self._max_int: int | None = None
        self._highest: str | None = None  # the highest by (length, text): BAT-2026-0142 over BAT-2026-99
        for value in existing:
            self._add(value)

    def issue(self, rng: random.Random) -> Any:
        """A new id, remembered as issued: never handed out again until the next reset."""
        value = self._next(rng)
        self._add(value)
        return value

    def _next(self, rng: random.Random) -> Any:
        if self._texts and self._all_int and self._max_int is not None:
            return self._max_int + 1
        if self._highest is None or self._any_uuid:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        match = TRAILING_DIGITS.match(self._highest)
        if match is None:
            return f"{self._highest}-{len(self._texts) + 1}"
        prefix, digits = match.groups()
        candidate = int(digits) + 1
        while f"{prefix}{candidate:0{len(digits)}d}" in self._texts:
            candidate += 1
        return f"{prefix}{candidate:0{len(digits)}d}"

    def _add(self, value: Any) -> None:
        text = str(value)
        self._texts.add(text)
        if isinstance(value, int) and not isinstance(value, bool):
            self._max_int = value if self._max_int is None else max(self._max_int, value)
        else:
            self._all_int = False
        self._any_uuid = self._any_uuid or UUID_TEXT.match(text) is not None
        if self._highest is None or (len(text), text) > (len(self._highest), self._highest):
            self._highest = text


@attrs.define
class Records:
    """The records of one resource, in insertion order, with the seed to go back to."""

    seed: dict[Key, dict[str, Any]] = attrs.field(factory=dict)
    current: dict[Key, dict[str, Any]] = attrs.field(factory=dict)
    seed_tags: dict[Key, str] = attrs.field(factory=dict)  # the spec's example ETag of a seeded record
    tags: dict[Key, str] = attrs.field(factory=dict)
    seed_ids: list[Any] = attrs.field(factory=list)  # the examples' record ids, the style of new ones
    ids: IdSource = attrs.field(factory=lambda: IdSource([]))  # every id held since the last reset, removed too

    def add_seed(self, key: Key, record: dict[str, Any], *, tag: str | None = None) -> None:
        """A record from the examples; `tag` is the ETag the spec shows for it (else its digest)."""
        if key not in self.seed:
            self.seed[key] = record
            self.seed_tags[key] = tag or etag(record)

    def reset(self) -> None:
        self.current = copy.deepcopy(self.seed)
        self.tags = dict(self.seed_tags)
        self.ids = IdSource(self.seed_ids)

    def get(self, key: Key) -> dict[str, Any] | None:
        return self.current.get(key)

    def tag(self, key: Key) -> str | None:
        """The record's ETag: the example's until it is first written, then the digest of its JSON."""
        return self.tags.get(key) if key in self.current else None

    def put(self, key: Key, record: dict[str, Any]) -> None:
        self.current[key] = record
        self.tags[key] = etag(record)

    def remove(self, key: Key) -> bool:
        self.tags.pop(key, None)
        return self.current.pop(key, None) is not None

    def under(self, parent: Key) -> list[dict[str, Any]]:
        """Records whose key starts with `parent` (a nested collection's records under one parent)."""
        if not parent:
            return list(self.current.values())
        return [record for key, record in self.current.items() if key[: len(parent)] == parent]

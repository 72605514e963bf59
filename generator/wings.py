"""Which of the runtime's optional wings an SDK carries, decided from its documents.

Every SDK carries the base wings (`core` to `client`). The optional ones come only with a reason in the SDK's
own documents, so a package holds no code its API cannot use (issue #15): `realtime` with an AsyncAPI
document, `outbox` with an `x-sdk-deferrable` operation, `download` with a binary response
(`application/octet-stream`, or a media type normalisation reads as it: `image/png`, `application/pdf`...;
its answer is a `StreamedFile`, which the download wing implements). `fast` is carried by every SDK: its
httptools transport is the async client's default (pipeline/_default_transport.py); only its aiohttp
transport needs the `fast` extra, and imports aiohttp when chosen. The build copies these wings, the facade
offers their names and the templates print their methods only when present (`Wings` flags); nothing else
decides it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from generator.media_types import BINARY, essence, response_is_native
from generator.registry import SdkEntry
from generator.spec_context import SpecContext
from generator.spec_walk import follow_ref_or, operations

BASE_WINGS = ("core", "policies", "pipeline", "auth", "shapes", "client")
"""The wings every SDK carries, bottom first (the order `make lint` checks)."""

OPTIONAL_WINGS = ("fast", "outbox", "download", "realtime")


@attrs.frozen(kw_only=True)
class Wings:
    """The optional wings one SDK carries (True: present)."""

    fast: bool
    outbox: bool
    download: bool
    realtime: bool

    @property
    def names(self) -> frozenset[str]:
        """Every wing the SDK carries, base wings included (the runtime's sub-package names)."""
        optional = {name for name in OPTIONAL_WINGS if getattr(self, name)}
        return frozenset(BASE_WINGS) | optional


def _response_media_types(document: Mapping[str, Any]) -> Iterator[str]:
    for found in operations(document):
        for response in (found.operation.get("responses") or {}).values():
            response = follow_ref_or(document, response, {})  # a response may be a components $ref
            if isinstance(response, Mapping):
                yield from response.get("content") or {}


def has_binary_response(document: Mapping[str, Any]) -> bool:
    """True when an operation of the (normalised) document answers with bytes: `application/octet-stream`, or a
    media type openapi-python-client reads as it (media_types.py keeps the spec's name, with an override)."""
    return any(
        essence(media_type) == BINARY or not response_is_native(media_type)
        for media_type in _response_media_types(document)
    )


def wings_for(entry: SdkEntry, context: SpecContext, document: Mapping[str, Any]) -> Wings:
    """The optional wings `entry`'s SDK needs, from its registry entry, spec context and normalised document."""
    return Wings(
        fast=True,  # the default async transport (httptools) lives in this wing
        outbox=any(operation.deferrable for operation in context.operations.values()),
        download=has_binary_response(document),
        realtime=entry.asyncapi is not None,
    )

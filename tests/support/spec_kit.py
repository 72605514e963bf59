"""A registered SDK's spec as its tests read it: operations, resolved responses, examples, documented errors.

One kit for every SDK, parametrised by generator/sdks.toml: `spec_kit("myrvm")` is the spec of that entry,
`spec_kits("cloudconnexa")` that one and then each of its `other_versions`. Everything is read through the
generator's own reader (`generator.spec_walk`), so a test follows a `$ref` or counts an error response
exactly as the generator and the mocks do. Documents are parsed once per session: treat them as read-only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from generator.registry import load_registry
from generator.spec_walk import documented_errors, follow_ref, load, operations


@attrs.frozen
class DocumentedError:
    """What the spec's example says one error response carries: its body and its headers' examples."""

    body: Any
    headers: Mapping[str, Any]  # lower-cased header name -> the header's example (None without one)

    @property
    def request_id(self) -> str | None:
        value = self.headers.get("x-request-id")
        return None if value is None else str(value)

    @property
    def retry_after_s(self) -> float | None:
        value = self.headers.get("retry-after")
        return None if value is None else float(value)


def first_example(media: Mapping[str, Any]) -> Any:
    """A media type's `example`, or the first of its `examples` (what Prism serves by default)."""
    if "example" in media:
        return media["example"]
    return next(iter(media["examples"].values()))["value"]


@attrs.frozen
class SpecKit:
    """One OpenAPI document and the questions the SDK tests ask of it."""

    path: Path
    document: dict[str, Any] = attrs.field(eq=False, repr=False)

    def resolve(self, node: Any) -> Any:
        """`node` with its local `$ref` chain followed."""
        return follow_ref(self.document, node)

    def operation_ids(self) -> list[str]:
        """Every operationId, in document order."""
        return [str(found.operation_id) for found in operations(self.document)]

    def endpoints(self) -> set[str]:
        """Every operation as ``METHOD /path``."""
        return {found.key for found in operations(self.document)}

    def operation(self, operation_id: str) -> Mapping[str, Any]:
        """The Operation Object with that operationId (KeyError when there is none)."""
        for found in operations(self.document):
            if found.operation_id == operation_id:
                return found.operation
        raise KeyError(operation_id)

    def responses(self, operation_id: str) -> dict[str, Mapping[str, Any]]:
        """The operation's responses by status, each resolved."""
        return {str(status): self.resolve(raw) for status, raw in self.operation(operation_id)["responses"].items()}

    def request_example(self, operation_id: str) -> Any:
        """The example of the operation's request body (its first media type)."""
        body = self.resolve(self.operation(operation_id)["requestBody"])
        return first_example(next(iter(body["content"].values())))

    def success(self, operation_id: str) -> tuple[int, Mapping[str, Any] | None]:
        """The documented success status and its (first) media type object; None for an empty 2xx."""
        for status, response in self.responses(operation_id).items():
            if status.startswith("2"):
                content = response.get("content")
                return int(status), None if not content else next(iter(content.values()))
        raise AssertionError(f"{operation_id} documents no success")

    def success_example(self, operation_id: str) -> Any:
        """The example body of the operation's success response (None when it has no body)."""
        _, media = self.success(operation_id)
        return None if media is None else first_example(media)

    def documented_errors(self) -> list[tuple[str, int]]:
        """Every (operationId, status) pair the spec documents with a 4xx or 5xx response."""
        return [(str(found.operation_id), status) for found, status in documented_errors(self.document)]

    def documented_error(self, operation_id: str, status: int) -> DocumentedError:
        """The example body and header values of one documented error response."""
        response = self.responses(operation_id)[str(status)]
        headers = {
            str(name).lower(): self.resolve(header).get("example")
            for name, header in (response.get("headers") or {}).items()
        }
        return DocumentedError(body=first_example(next(iter(response["content"].values()))), headers=headers)

    def named_examples(self) -> list[tuple[str, int, str]]:
        """Every (operationId, status, example name) of responses that offer named examples."""
        return [
            (operation_id, int(status), name)
            for operation_id in self.operation_ids()
            for status, response in self.responses(operation_id).items()
            for media in (response.get("content") or {}).values()
            for name in media.get("examples") or {}
        ]

    def named_example(self, operation_id: str, status: int, name: str) -> Any:
        media = next(iter(self.responses(operation_id)[str(status)]["content"].values()))
        return media["examples"][name]["value"]


@functools.cache
def spec_kit_at(path: Path) -> SpecKit:
    """The kit of the document at `path`, parsed once."""
    document: dict[str, Any] = load(path)
    return SpecKit(path, document)


def spec_kit(name: str) -> SpecKit:
    """The kit of the spec of SDK `name` in generator/sdks.toml."""
    return spec_kit_at(load_registry()[name].spec)


def spec_kits(name: str) -> tuple[SpecKit, ...]:
    """The kits of SDK `name`'s spec, then of each of its `other_versions`, in sdks.toml order."""
    entry = load_registry()[name]
    return tuple(spec_kit_at(path) for path in (entry.spec, *(spec for spec, _ in entry.other_versions)))

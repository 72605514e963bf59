"""The two CloudConnexa documents as the tests see them: their operations, calls built from their examples,
the SDKs generated from them, and the `info.x-sdk-defaults` they propose, turned into runtime settings.

Each call is derived from the spec alone: the resource is the operation's tag, the method its
``x-sdk-method``, path and required query parameters take their examples, and a body is the generated
request model built from the request example. So a new operation is tested without touching this file.
"""

from __future__ import annotations

import copy
import importlib
import sys
import typing
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
from openapi_python_client.strings import PythonIdentifier

from generator.build import build_into
from generator.registry import SdkEntry, load_registry
from generator.spec_context import resource_attribute
from generator.spec_walk import error_statuses
from generator.spec_walk import operations as spec_operations
from tests.support.spec_kit import SpecKit, spec_kits


@attrs.frozen
class Version:
    """One API version: its document (sdks.toml's cloudconnexa spec, or one of its other_versions) and the
    package the tests generate from it."""

    name: str
    kit: SpecKit
    package: str

    @property
    def spec(self) -> Path:
        return self.kit.path

    def document(self) -> dict[str, Any]:
        """The parsed document, parsed once: treat it as read-only."""
        return self.kit.document


_CURRENT, _OLDER = spec_kits("cloudconnexa")
V1_1 = Version("1.1.0", _CURRENT, "ccx_test_v1_1_sdk")
V1_0 = Version("1.0", _OLDER, "ccx_test_v1_0_sdk")
VERSIONS = (V1_1, V1_0)


@attrs.frozen
class Operation:
    """One operation of a document, with what the tests need to call it and check the answer."""

    operation_id: str
    method: str
    path: str
    tag: str
    sdk_method: str
    spec: Mapping[str, Any] = attrs.field(repr=False, eq=False)
    kit: SpecKit = attrs.field(repr=False, eq=False)

    @property
    def success(self) -> tuple[int, Any]:
        """The documented success status and its (first) example body, None for no body."""
        return self.kit.success(self.operation_id)[0], self.kit.success_example(self.operation_id)

    def errors(self) -> list[int]:
        return sorted(error_statuses(self.spec))


def operations(version: Version) -> list[Operation]:
    return [
        Operation(
            str(found.operation_id),
            found.method,
            found.path,
            found.operation["tags"][0],
            found.operation["x-sdk-method"],
            found.operation,
            version.kit,
        )
        for found in spec_operations(version.document())
    ]


def call(client: Any, operation: Operation, **options: Any) -> Any:
    """Call `operation` through the generated resource client (sync result, or a coroutine for async)."""
    method = getattr(getattr(client, resource_attribute(operation.tag)), operation.sdk_method)
    args: list[Any] = []
    kwargs: dict[str, Any] = dict(options)
    for parameter in operation.spec.get("parameters", []):
        parameter = operation.kit.resolve(parameter)
        if parameter["in"] == "path":
            args.append(parameter["example"])
        elif parameter.get("required"):
            # the argument name openapi-python-client gives the parameter
            kwargs[str(PythonIdentifier(parameter["name"], prefix="field"))] = parameter["example"]
    body = operation.spec.get("requestBody")
    if body is not None:
        hints = typing.get_type_hints(method)
        # `body: Model | ModelDict`: the model is the member with `from_dict` (the TypedDict has none)
        model = next(t for t in typing.get_args(hints["body"]) or (hints["body"],) if hasattr(t, "from_dict"))
        kwargs["body"] = model.from_dict(copy.deepcopy(operation.kit.request_example(operation.operation_id)))
    return method(*args, **kwargs)


def plain(value: Any) -> Any:
    """A parsed answer as JSON-like data, to compare with the spec's example."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


# --- generated SDKs -----------------------------------------------------------------------------------------


def generate(version: Version, out: Path) -> ModuleType:
    """Generate the SDK for `version` into `out` (no warnings allowed) and import it."""
    entry = SdkEntry(
        name=version.package,
        spec=version.spec,
        distribution=version.package.replace("_", "-"),
        package=version.package,
        client_class="CloudConnexa",
        env_prefix="CLOUDCONNEXA",
        mock_port=load_registry()["cloudconnexa"].mock_port,  # not read by the generator: tests pass the mock's URL
        asyncapi=None,
    )
    target = out / version.package
    build_into(entry, target)  # raises SpecRejected, naming each pointer, on any generator warning
    sys.path.insert(0, str(target))
    return importlib.import_module(version.package)


# --- the proposed info.x-sdk-defaults, as runtime settings --------------------------------------------------


def sdk_defaults(document: dict[str, Any], runtime: ModuleType) -> dict[str, Any]:
    """``info.x-sdk-defaults`` as client options: `retry` (a RetryPolicy) and `circuit` (a CircuitBreaker).

    `backoff_factor` is the first delay in seconds, doubling after each retry (urllib3's meaning), so it
    maps to ``initial_delay_s`` with ``backoff_factor=2``; ``jitter: true`` keeps the runtime's jitter.
    """
    defaults = document["info"]["x-sdk-defaults"]
    retry, circuit = defaults["retry"], defaults["circuit"]
    policy = runtime.RetryPolicy(
        max_attempts=retry["max_retries"] + 1,
        initial_delay_s=float(retry["backoff_factor"]),
        backoff_factor=2.0,
        max_delay_s=float(retry["max_backoff_s"]),
        retry_statuses=frozenset(retry["statuses"]),
        **({} if retry["jitter"] else {"max_jitter_s": None}),
    )
    breaker = runtime.CircuitBreaker(
        failure_threshold=circuit["failure_threshold"], recovery_timeout_s=float(circuit["recovery_timeout_s"])
    )
    return {"retry": policy, "circuit": breaker}


# --- the documented difference between the two documents ----------------------------------------------------

NEW_IN_1_1 = (("/api/v1/dns-records/{id}", "get"), ("/api/v1/user-groups/{id}", "get"))
LEGACY_FIELDS = ("type", "routes")


def _strip_fields(node: Any, fields: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_strip_fields(item, fields) for item in node]
    if isinstance(node, dict):
        return {key: _strip_fields(value, fields) for key, value in node.items() if key not in fields}
    return node


def without_version_deltas(document: dict[str, Any]) -> dict[str, Any]:
    """The document less the three documented v1.0 / v1.1.0 differences and its own identity.

    Removed: info and servers; the two single lookups new in v1.1.0; the IP service's routing (`type`,
    `routes`, the `IpRoute` schema, the schema's description and `x-sdk-legacy-fields`) in the schema and
    in the IP-service examples.
    """
    document = copy.deepcopy(document)
    document.pop("info")
    document.pop("servers")
    for path, method in NEW_IN_1_1:
        document["paths"][path].pop(method, None)
    schemas = document["components"]["schemas"]
    schemas.pop("IpRoute", None)
    service = schemas["IpService"]
    for key in ("description", "x-sdk-legacy-fields"):
        service.pop(key, None)
    for field in LEGACY_FIELDS:
        service["properties"].pop(field, None)
    for path, item in document["paths"].items():
        if path.startswith("/api/v1/hosts/ip-services"):
            document["paths"][path] = _strip_fields(item, LEGACY_FIELDS)
    return document

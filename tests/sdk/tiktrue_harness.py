"""The TikTrue SDK as its Prism tests see it: generated into a scratch folder, the spec read as a reader would.

Not a test module: tests/sdk/test_tiktrue_prism.py imports it as ``tests.sdk.tiktrue_harness``. The SDK is
generated afresh for the tests: `build_sdk()` runs `build_into` into a scratch folder and imports it from
there (so the tests do not depend on a committed sdk/tiktrue). `CASES` says how to call every operation
with valid arguments (bodies are the spec's own request examples); `documented_errors()` lists every
(operationId, status) the spec documents as 4xx/5xx.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import yaml

from generator.build import build_into
from generator.registry import load_registry
from tests.http_library import SELECTED

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "tiktrue.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
PACKAGE = "tiktrue_sdk"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")

MODEL = "llama-3.1-8b-instruct-q4"
CREDENTIALS = {
    "username": "ada.lovelace",
    "password": "correct-horse-battery-staple",
    "hardware_fingerprint": "8c76b3175e2eb32d597e8cd41b5e2abdbdbd17aa1fa02166202ccb8638e804ae",
}
WEBHOOK_SECRET = b"whsec_example_only_not_a_real_secret"


# --- generation ------------------------------------------------------------------------------------------


@attrs.frozen
class BuiltSdk:
    """The generated package and where its project was generated (build_into refuses any generator warning)."""

    package: ModuleType
    project_dir: Path


def build_sdk(scratch: Path) -> BuiltSdk:
    """Generate the SDK from openapi/tiktrue.yaml into `scratch` with `build_into` and import it from there.

    It runs on the HTTP library of this test run (`tests/http_library.py`): httpx2 on `make test`'s httpx2 pass.
    """
    project_dir = scratch / "sdk"
    # The registry's own entry: the scratch package has everything the committed one has (the hand-written
    # modules too), since it replaces it in sys.modules for the rest of the session.
    entry = attrs.evolve(load_registry()["tiktrue"], http=SELECTED.name)
    build_into(entry, project_dir)  # raises SpecRejected on any generator warning
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]  # a committed copy on sys.path must not shadow the fresh generation
    sys.path.insert(0, str(project_dir))
    return BuiltSdk(importlib.import_module(PACKAGE), project_dir)


# --- the spec -------------------------------------------------------------------------------------------


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s until a real object is reached."""
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operations() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (operationId, operation object)."""
    for item in SPEC["paths"].values():
        for method in HTTP_METHODS:
            if method in item:
                yield item[method]["operationId"], item[method]


def operation(operation_id: str) -> dict[str, Any]:
    return dict(operations())[operation_id]


def documented_errors() -> list[tuple[str, int]]:
    """Every (operationId, status) documented with a 4xx or 5xx response."""
    return [
        (operation_id, int(status))
        for operation_id, op in operations()
        for status in op["responses"]
        if int(status) >= 400
    ]


def first_example(media: dict[str, Any]) -> Any:
    """A media type's `example`, or the first of its `examples` (what Prism serves by default)."""
    if "example" in media:
        return media["example"]
    return next(iter(media["examples"].values()))["value"]


def request_example(operation_id: str) -> dict[str, Any]:
    body: dict[str, Any] = first_example(operation(operation_id)["requestBody"]["content"]["application/json"])
    return body


def success(operation_id: str) -> tuple[int, dict[str, Any] | None]:
    """The documented success status and its media type object (None for an empty 2xx)."""
    for status, response in operation(operation_id)["responses"].items():
        if 200 <= int(status) < 300:
            content = resolve(response).get("content")
            return int(status), None if content is None else next(iter(content.values()))
    raise AssertionError(f"{operation_id} documents no success")


def named_examples() -> list[tuple[str, int, str]]:
    """Every (operationId, status, example name) of responses that offer several named examples."""
    found = []
    for operation_id, op in operations():
        for status, response in op["responses"].items():
            for media in resolve(response).get("content", {}).values():
                found += [(operation_id, int(status), name) for name in media.get("examples", {})]
    return found


def named_example(operation_id: str, status: int, name: str) -> Any:
    media = next(iter(resolve(operation(operation_id)["responses"][str(status)])["content"].values()))
    return media["examples"][name]["value"]


@attrs.frozen
class DocumentedError:
    """What the spec's example says an error response carries."""

    problem: dict[str, Any]
    request_id: str | None
    retry_after_s: float | None
    headers: dict[str, Any]


def documented_error(operation_id: str, status: int) -> DocumentedError:
    response = resolve(operation(operation_id)["responses"][str(status)])
    headers = {name.lower(): resolve(header).get("example") for name, header in response.get("headers", {}).items()}
    retry_after = headers.get("retry-after")
    return DocumentedError(
        problem=first_example(response["content"]["application/problem+json"]),
        request_id=headers.get("x-request-id"),
        retry_after_s=None if retry_after is None else float(retry_after),
        headers=headers,
    )


def webhook_signature() -> str:
    """The example `X-TikTrue-Signature` header of the webhook."""
    [header] = [p for p in operation("receivePaymentWebhook")["parameters"] if p["name"] == "X-TikTrue-Signature"]
    return str(header["example"])


# --- how to call each operation -------------------------------------------------------------------------

Call = Callable[[ModuleType, Any, Any], Any]
"""``call(models, client, request_options)``: the result for `TikTrue`, an awaitable for `AsyncTikTrue`."""


@attrs.frozen
class Case:
    operation_id: str
    call: Call

    @property
    def id(self) -> str:
        return self.operation_id


def _body(model: str, operation_id: str) -> Callable[[ModuleType], Any]:
    return lambda m: getattr(m, model).from_dict(request_example(operation_id))


CASES = [
    Case("login", lambda m, c, o: c.auth.login(body=_body("LoginRequest", "login")(m), request_options=o)),
    Case(
        "refreshToken",
        lambda m, c, o: c.auth.refresh(body=_body("RefreshRequest", "refreshToken")(m), request_options=o),
    ),
    Case("logout", lambda m, c, o: c.auth.logout(request_options=o)),
    Case(
        "validateLicense",
        lambda m, c, o: c.licenses.validate(
            body=_body("LicenseValidationRequest", "validateLicense")(m), request_options=o
        ),
    ),
    Case("getLicenseInfo", lambda m, c, o: c.licenses.info(request_options=o)),
    Case(
        "renewLicense",
        lambda m, c, o: c.licenses.renew(body=_body("LicenseRenewRequest", "renewLicense")(m), request_options=o),
    ),
    Case("listAvailableModels", lambda m, c, o: c.models.list_available(request_options=o)),
    Case("getModelMetadata", lambda m, c, o: c.models.metadata(MODEL, request_options=o)),
    Case("getModelDownload", lambda m, c, o: c.models.get_download_url(MODEL, request_options=o)),
    Case("downloadModelFile", lambda m, c, o: c.models.download_file(MODEL, request_options=o)),
    Case(
        "createPayment",
        lambda m, c, o: c.payments.create(body=_body("PaymentCreateRequest", "createPayment")(m), request_options=o),
    ),
    Case(
        "receivePaymentWebhook",
        lambda m, c, o: c.payments.receive_webhook(
            body=_body("PaymentEvent", "receivePaymentWebhook")(m),
            x_tik_true_signature=webhook_signature(),
            request_options=o,
        ),
    ),
    Case("listPaymentHistory", lambda m, c, o: c.payments.history(limit=20, request_options=o)),
    Case("getHealth", lambda m, c, o: c.health.check(request_options=o)),
]


def assert_matches_example(package: ModuleType, operation_id: str, result: Any) -> None:
    """The typed result holds exactly the spec's success example, parsed by the same model."""
    _, media = success(operation_id)
    if media is None:
        assert result is None
        return
    example = first_example(media)
    if isinstance(result, package.types.File):
        assert result.payload.read() == example.encode()
        return
    schema = resolve(media["schema"])
    name = media["schema"]["$ref"].rsplit("/", 1)[-1]
    assert type(result).__name__ == name, f"{operation_id} returned {type(result).__name__}, not {name}"
    assert result.to_dict() == type(result).from_dict(example).to_dict()
    for field in schema.get("required", []):
        assert field in result.to_dict()

"""The TikTrue SDK as its Prism tests see it: generated into a scratch folder, the spec read as a reader would.

Not a test module: tests/sdk/test_tiktrue_prism.py imports it as ``tests.sdk.tiktrue_harness``. The SDK is
generated afresh for the tests: `build_sdk()` runs `build_into` into a scratch folder and imports it from
there (so the tests do not depend on a committed sdk/tiktrue). `CASES` says how to call every operation
with valid arguments (bodies are the spec's own request examples); `SPEC` is the spec as every SDK's tests
read it (`tests.support.spec_kit`).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from generator.build import build_into
from generator.registry import load_registry
from tests.http_library import SELECTED
from tests.support.spec_kit import first_example, spec_kit

SPEC = spec_kit("tiktrue")
PACKAGE = "tiktrue_sdk"

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


def webhook_signature() -> str:
    """The example `X-TikTrue-Signature` header of the webhook."""
    [header] = [p for p in SPEC.operation("receivePaymentWebhook")["parameters"] if p["name"] == "X-TikTrue-Signature"]
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
    return lambda m: getattr(m, model).from_dict(SPEC.request_example(operation_id))


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
    _, media = SPEC.success(operation_id)
    if media is None:
        assert result is None
        return
    example = first_example(media)
    if isinstance(result, bytes):  # a StreamedFile the async test has read with aread()
        assert result == example.encode()
        return
    if isinstance(result, package.types.File):
        assert isinstance(result, package.types.StreamedFile), "a binary answer streams"
        assert result.read() == example.encode()
        return
    schema = SPEC.resolve(media["schema"])
    name = media["schema"]["$ref"].rsplit("/", 1)[-1]
    assert type(result).__name__ == name, f"{operation_id} returned {type(result).__name__}, not {name}"
    assert result.to_dict() == type(result).from_dict(example).to_dict()
    for field in schema.get("required", []):
        assert field in result.to_dict()

"""The generated SDKs' public surface: what a caller needs is importable without the private `_runtime`."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from generator.registry import load_registry

PACKAGES = sorted(entry.package for entry in load_registry().values())


@pytest.mark.parametrize("package", PACKAGES)
def test_errors_module_exports_the_whole_error_tree(package: str) -> None:
    """Every class below SDKError that the SDK's runtime defines is exported by `<package>.errors`."""
    runtime = importlib.import_module(f"{package}._runtime")
    errors = importlib.import_module(f"{package}.errors")
    tree = {
        name
        for name in runtime.__all__
        if isinstance(value := getattr(runtime, name), type) and issubclass(value, runtime.SDKError)
    }
    assert {"OutboxError", "OutboxFullError", "RealtimeError", "RealtimeAuthError"} <= tree
    assert tree - set(errors.__all__) == set()
    assert all(getattr(errors, name) is getattr(runtime, name) for name in tree)


@pytest.mark.parametrize("package", ["myrvm_sdk", "xoohoox_sdk"])
def test_realtime_url_follows_the_client_not_a_mock(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without url= or <PREFIX>_WS_URL, a production client gets the production server, a local one the mock's."""
    realtime = importlib.import_module(f"{package}.realtime")
    for name in ("MYRVM_WS_URL", "XOOHOOX_WS_URL"):
        monkeypatch.delenv(name, raising=False)
    production = next(url for url in realtime.SERVERS if url.startswith("wss://"))
    host = production.split("/")[2]
    assert realtime._url(None, f"https://{host}/api/v1") == production
    assert realtime._url(None, "http://127.0.0.1:4010").startswith("ws://127.0.0.1:")
    assert realtime._url(None, "https://rvm.example.org") == "wss://rvm.example.org/ws"


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "openapi" / "examples").glob("*/*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_examples_import_public_names_only(example: Path) -> None:
    """An example is what users copy: it never imports a private module (`_runtime`, `_resources`...)."""
    tree = ast.parse(example.read_text(encoding="utf-8"))
    modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    private = [m for m in modules if any(p.startswith("_") and not p.startswith("__") for p in m.split("."))]
    assert private == []

"""What `import <sdk>` costs a sync user: which modules it loads, and which runtime wings the package carries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator.build import SDK_ROOT
from generator.registry import SdkEntry, load_registry
from tests.generator.test_wings import registry_wings

# Loaded only by what uses them: the outbox (sqlite3), async code and the fast transports (asyncio, whose
# import pulls in subprocess), the WebSocket client (websockets; importlib.metadata, which pulls in zipfile)
# and a TOML config file (tomllib).
UNUSED_BY_A_SYNC_IMPORT = (
    "sqlite3",
    "asyncio",
    "subprocess",
    "zipfile",
    "tomllib",
    "websockets",
    "aiohttp",
    "httptools",
)

ENTRIES = list(load_registry().values())


def loaded_after_import(entry: SdkEntry) -> set[str]:
    """The module names in `sys.modules` after `import <package>` in a fresh interpreter."""
    code = f"import json, sys, {entry.package}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(SDK_ROOT / entry.name)},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_a_sync_import_loads_nothing_it_does_not_use(entry: SdkEntry) -> None:
    """`import <sdk>` loads no sqlite3, asyncio, subprocess, zipfile, tomllib, websockets or fast transport, and
    none of the runtime's WebSocket client, outbox store, download code or policies (the facade is lazy; each
    loads where first used: `download`'s defaults are UNSET in a client's signature, not a `RetryPolicy`)."""
    loaded = loaded_after_import(entry)
    assert sorted(set(UNUSED_BY_A_SYNC_IMPORT) & loaded) == []
    modules = ("fast.", "realtime._ws", "outbox._outbox_store", "download.", "policies.")
    heavy = tuple(f"{entry.package}._runtime.{module}" for module in modules)
    assert sorted(name for name in loaded if name.startswith(heavy)) == []


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_each_package_carries_exactly_the_wings_its_documents_need(entry: SdkEntry) -> None:
    """TikTrue (no AsyncAPI document, nothing deferrable) holds no realtime or outbox code, and so on for each."""
    runtime = SDK_ROOT / entry.name / entry.package / "_runtime"
    carried = {path.parent.name for path in runtime.glob("*/__init__.py")}
    assert carried == set(registry_wings(entry).names)


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_a_plain_import_loads_no_model_and_no_resource(entry: SdkEntry) -> None:
    """`import <sdk>` loads no generated model, no operation module and no resource class: `models/__init__.py`
    imports a model where its name is first used, and a client imports its resources when it is made."""
    loaded = loaded_after_import(entry)
    unwanted = tuple(f"{entry.package}.{module}" for module in ("models.", "api.", "_resources", "realtime.models."))
    assert sorted(name for name in loaded if name.startswith(unwanted)) == []
    assert f"{entry.package}._clients" in loaded  # the clients themselves are imported

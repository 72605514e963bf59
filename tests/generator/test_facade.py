"""generator/facade.py: the runtime's public names load on first use, and a slim SDK offers only its wings'."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.facade import FACADE, FacadeError, exports, render, wing_of, wings_in
from generator.wings import BASE_WINGS, OPTIONAL_WINGS

SOURCE = FACADE.read_text(encoding="utf-8")
RUNTIME = FACADE.parent


def test_the_runtime_facade_is_its_own_full_rendering() -> None:
    """The committed facade is what `python -m generator.facade` writes for every wing (run it after adding a
    name to the TYPE_CHECKING block)."""
    assert wings_in(RUNTIME) == {*BASE_WINGS, *OPTIONAL_WINGS}
    assert ast.dump(ast.parse(render(SOURCE, wings_in(RUNTIME)))) == ast.dump(ast.parse(SOURCE))


def slim_runtime(tmp_path: Path, wings: set[str]) -> Path:
    """A copy of the runtime as the package `slimrt`, holding only `wings`, with the facade the build writes."""
    package = tmp_path / "slimrt"
    shutil.copytree(RUNTIME, package, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    for wing in OPTIONAL_WINGS:
        if wing not in wings:
            shutil.rmtree(package / wing)
    (package / "__init__.py").write_text(render(SOURCE, wings), encoding="utf-8")
    return tmp_path


PROBE = """
import json, sys
import {package} as runtime
before = sorted(m for m in sys.modules if m.startswith("{package}."))
values = {{name: getattr(runtime, name) for name in runtime.__all__}}
try:
    getattr(runtime, "{absent}")
    missing = False
except AttributeError:
    missing = True
print(json.dumps({{"before": before, "all": runtime.__all__, "dir": dir(runtime), "missing": missing}}))
"""


def probe(path: Path, package: str, absent: str) -> dict[str, Any]:
    """Import `package` from `path` in a fresh interpreter: what loaded at once, what it offers."""
    code = PROBE.format(package=package, absent=absent)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=path, capture_output=True, text=True, check=True, env={"PYTHONPATH": "."}
    )
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_the_full_facade_imports_nothing_until_a_name_is_used() -> None:
    """`import runtime` loads no submodule; every name of `__all__` then resolves, and `dir()` lists them."""
    seen = probe(RUNTIME.parent, "runtime", absent="NoSuchName")
    assert seen["before"] == []
    assert seen["missing"] is True
    names = seen["all"]
    assert {"Outbox", "RealtimeClient", "download", "AiohttpTransport"} <= set(names)
    assert set(names) <= set(seen["dir"])


def test_a_slim_facade_offers_only_the_wings_it_carries(tmp_path: Path) -> None:
    """Without outbox, download, realtime and fast, their names are neither in `__all__`, nor in `dir()`, nor
    reachable as attributes; every name it does offer imports."""
    seen = probe(slim_runtime(tmp_path, set(BASE_WINGS)), "slimrt", absent="Outbox")
    assert seen["before"] == []
    assert seen["missing"] is True
    names = set(seen["all"])
    for module, module_names in exports(SOURCE):
        offered = set(module_names) <= names
        assert offered == (wing_of(module) in BASE_WINGS), module
    absent = {"Outbox", "Deferral", "ClientOptions", "download", "RealtimeClient", "HttptoolsTransport"}
    assert not absent & set(seen["dir"])
    assert {"SyncConnection", "ConnectionOptions", "no_deferral", "RetryPolicy"} <= names


def test_only_imports_of_the_runtime_belong_in_the_type_checking_block() -> None:
    """Anything else there would be lost from the rendering: refused, naming the line."""
    with pytest.raises(FacadeError, match="line 4"):
        exports('"""Doc."""\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\n')
    with pytest.raises(FacadeError, match="no `if TYPE_CHECKING:`"):
        exports('"""Doc."""\n')


def test_a_wing_imported_first_does_not_hide_the_public_name_it_shares() -> None:
    """`download` is a wing and a function: importing the wing before the name still gives the function."""
    code = (
        "from runtime.download import _download as module\nimport runtime\n"
        "from runtime import download\n"
        "assert runtime.download is download is module.download, runtime.download\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=RUNTIME.parent, check=True, env={"PYTHONPATH": "."})


def test_a_runtime_without_the_fast_wing_refuses_its_transports(tmp_path: Path) -> None:
    """`transport="httptools"` in an SDK generated without the `fast` extra is a ConfigurationError naming
    the extra, not an ImportError from inside the runtime."""
    code = (
        "import slimrt\n"
        "try:\n"
        "    slimrt.build_async_client(slimrt.ClientSettings(base_url='https://api.example.com'), auth=None,\n"
        "                              hooks=slimrt.Hooks(), logger_name='t', transport='httptools')\n"
        "except slimrt.ConfigurationError as exc:\n"
        "    print(exc.setting, exc)\n"
    )
    path = slim_runtime(tmp_path, set(BASE_WINGS))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=path, capture_output=True, text=True, check=True, env={"PYTHONPATH": "."}
    )
    assert result.stdout.startswith("transport transport='httptools' is not available")
    assert "`fast` extra" in result.stdout

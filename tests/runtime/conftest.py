"""Runtime tests import `generator/runtime/` as the package `runtime`, exactly as the SDKs carry it.

On an httpx2 run (``SDK_TEST_HTTP=httpx2``, `tests/http_library.py`) the package is a copy of the runtime
whose seam the build's `write_seam` wrote for httpx2, as an httpx2 SDK carries it. ``SDK_TEST_SYNC_POOL=httpx``
runs the sync clients on httpx's pool wherever they would take their default (httptools').
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from generator.http_library import SEAM_FILE, write_seam
from tests.http_library import SELECTED

_GENERATOR = Path(__file__).resolve().parents[2] / "generator"


def _runtime_root() -> Path:
    """The folder holding the package `runtime`: generator/ itself, or a copy with the seam rewritten."""
    library = SELECTED
    if library.name == "httpx":
        return _GENERATOR
    root = Path(tempfile.mkdtemp(prefix=f"runtime-{library.name}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    shutil.copytree(_GENERATOR / "runtime", root / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    seam = root / "runtime" / SEAM_FILE
    seam.write_text(write_seam(seam.read_text(encoding="utf-8"), library), encoding="utf-8")
    return root


sys.path.insert(0, str(_runtime_root()))


# ``SDK_TEST_SYNC_POOL=httpx``: the whole suite with httpx's pool as the sync clients' default instead of
# httptools' (`pipeline/_default_transport.py`), so both pools a sync client may run on pass every test.
# Async defaults and explicitly named backends are left alone.
if os.environ.get("SDK_TEST_SYNC_POOL") == "httpx":

    @pytest.fixture(autouse=True)
    def _sync_clients_on_httpx_pool(monkeypatch: pytest.MonkeyPatch) -> None:
        from runtime.pipeline import _factory

        chosen = _factory.default_backend
        original = _factory._sync_pool

        def on_httpx(settings, transport):  # type: ignore[no-untyped-def]
            if transport is None:
                _, proxy = chosen(settings.base_url)
                return _factory.httpx.HTTPTransport(
                    limits=settings.pool.to_httpx(), verify=_factory._verify(settings), proxy=proxy
                )
            return original(settings, transport)

        monkeypatch.setattr(_factory, "_sync_pool", on_httpx)

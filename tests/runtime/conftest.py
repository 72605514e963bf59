"""Runtime tests import `generator/runtime/` as the package `runtime`, exactly as the SDKs carry it.

On an httpx2 run (``SDK_TEST_HTTP=httpx2``, `tests/http_library.py`) the package is a copy of the runtime
whose seam the build's `write_seam` wrote for httpx2, as an httpx2 SDK carries it.
"""

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

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

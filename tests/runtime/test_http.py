"""The seam (`_http.py`): the runtime runs on the library this test run selected, through one module."""

from __future__ import annotations

from pathlib import Path

import httpx
from runtime.core import _http
from runtime.core._http import LIBRARY, is_client_default

from tests.http_library import SELECTED


def test_the_runtime_runs_on_the_selected_library() -> None:
    """On an httpx2 run the seam imports httpx2 by name (as the build writes it), not httpx aliased to it."""
    assert f"\nimport {SELECTED.name} as httpx  #" in Path(_http.__file__).read_text(encoding="utf-8")
    assert SELECTED.name == LIBRARY
    assert _http.httpx.__spec__ is not None and _http.httpx.__spec__.name == SELECTED.name
    assert _http.httpx.Client is httpx.Client  # the tests' `import httpx` is the same library


def test_the_client_default_sentinel_is_recognised_and_nothing_else() -> None:
    """`is_client_default` tells httpx's "use the client's setting" apart from a timeout or None."""
    assert is_client_default(httpx.USE_CLIENT_DEFAULT)
    assert not is_client_default(None)
    assert not is_client_default(httpx.Timeout(1.0))

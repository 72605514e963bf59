"""Which HTTP library this test run is on: httpx by default, httpx2 with ``SDK_TEST_HTTP=httpx2``.

`make test` runs the runtime's tests a second time with ``SDK_TEST_HTTP=httpx2``. The tests are written
against the API httpx and httpx2 share and say ``import httpx``; on an httpx2 run importing this module
makes that import resolve to httpx2 (`httpx2.alias_httpx()`), and `tests/runtime/conftest.py` loads the
runtime with its seam written for httpx2 by the build's own `write_seam`, as an httpx2 SDK carries it.

The alias must come before anything imports httpx, and a pytest plugin (respx's) does so while pytest
starts: an httpx2 run loads this module first, as a plugin: ``pytest -p tests.http_library``.
"""

from __future__ import annotations

import os
from typing import Final

from generator.http_library import DEFAULT_HTTP_LIBRARY, HTTP_LIBRARIES, HttpLibrary

ENV_VAR: Final = "SDK_TEST_HTTP"


def selected() -> HttpLibrary:
    """The library named by ``SDK_TEST_HTTP`` (default httpx); an unknown name stops the run, naming the choices."""
    name = os.environ.get(ENV_VAR, "").strip() or DEFAULT_HTTP_LIBRARY
    if name not in HTTP_LIBRARIES:
        raise SystemExit(f"{ENV_VAR}={name!r}: must be one of {', '.join(HTTP_LIBRARIES)}")
    return HTTP_LIBRARIES[name]


def select() -> HttpLibrary:
    """Make ``import httpx`` give the selected library for the rest of this process; returns it."""
    library = selected()
    if library.name == "httpx2":
        import httpx2

        try:
            httpx2.alias_httpx()
        except RuntimeError:
            raise SystemExit(
                f"{ENV_VAR}=httpx2 needs `pytest -p tests.http_library ...`: httpx was imported first"
            ) from None
    return library


SELECTED: Final = select()

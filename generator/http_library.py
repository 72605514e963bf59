"""The HTTP libraries an SDK may run on, and how the build writes the runtime's seam for one.

An SDK names its library in ``generator/sdks.toml`` (``http = "httpx"`` by default, or ``"httpx2"``).
The runtime takes the library from one module, ``_runtime/core/_http.py``, whose import line the build rewrites
here; nothing else in the runtime or the templates names it.

Each SDK depends on the library's whole current major version. The runtime uses only the library's
public API, so a minor release cannot break it, and an application whose other dependencies need another
minor version can still install the SDK beside them. The lower bound is the oldest release the runtime's
test suite was run on: httpx 0.28 (0.x releases may break their API, hence ``<1``), httpx2 2.12.0 (the
tests run on httpx2 through `httpx2.alias_httpx`, which 2.8 lacks and 2.12 has).
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["DEFAULT_HTTP_LIBRARY", "HTTP_LIBRARIES", "SEAM_FILE", "HttpLibrary", "write_seam"]

SEAM_FILE: Final = "core/_http.py"  # relative to the runtime folder
_SEAM_LINE: Final = (
    'import httpx as httpx  # the build rewrites this line for the SDK\'s library; "as httpx" re-exports it'
)


@attrs.frozen(kw_only=True)
class HttpLibrary:
    """One HTTP library: its import (and distribution) name and the SDK's dependency on it."""

    name: str
    requirement: str


HTTP_LIBRARIES: Final = {
    "httpx": HttpLibrary(name="httpx", requirement="httpx>=0.28,<1"),
    "httpx2": HttpLibrary(name="httpx2", requirement="httpx2>=2.12,<3"),
}
DEFAULT_HTTP_LIBRARY: Final = "httpx"


def write_seam(source: str, library: HttpLibrary) -> str:
    """The runtime's `core/_http.py` (`source`) importing `library` under the runtime's name for it, ``httpx``.

    Raises:
        ValueError: `source` lost the import line this rewrites (it must stay exactly as written).
    """
    if source.count(_SEAM_LINE) != 1:
        raise ValueError(f"runtime {SEAM_FILE} must hold this line exactly once: {_SEAM_LINE}")
    if library.name == "httpx":
        return source
    return source.replace(_SEAM_LINE, f"import {library.name} as httpx  # written by the build for this SDK")

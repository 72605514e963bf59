"""The HTTP library the runtime runs on: the one module that names it.

Every other runtime module, and every module the templates generate, takes the library from here through
the core wing, as ``from ..core import httpx`` (generated modules import it from their runtime's core the
same way): the local name `httpx` stands for the library family, whose releases share one API. An SDK
declares which distribution it depends on in ``generator/sdks.toml`` (``http = "httpx"``, the default,
or ``"httpx2"``, Pydantic's maintained continuation of httpx), and the build writes that name into the
import line below (`generator/http_library.py`), and nowhere else.

Only the library's public API is used anywhere in the runtime: a private attribute would tie every SDK
to one minor version of the library, and an application whose other dependencies need another version
could not install the SDK beside them. So the SDK's dependency range spans the library's whole current
major version (see the runtime README).
"""

from __future__ import annotations

from typing import Final, Protocol

import httpx as httpx  # the build rewrites this line for the SDK's library; "as httpx" re-exports it

__all__ = ["LIBRARY", "UseClientDefault", "httpx", "is_client_default"]

LIBRARY: Final = httpx.__name__
"""The distribution's import name (``httpx`` or ``httpx2``): its request log lines go to the logger of that name."""


class UseClientDefault(Protocol):
    """Stands for the type of ``httpx.USE_CLIENT_DEFAULT`` in annotations: the library exports the sentinel
    but not its class, and the class's module is private. Test a value with `is_client_default`."""


def is_client_default(value: object) -> bool:
    """Whether `value` is the library's "use the client's setting" sentinel."""
    return value is httpx.USE_CLIENT_DEFAULT

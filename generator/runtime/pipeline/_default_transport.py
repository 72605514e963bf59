"""The pool a client does its I/O with when the caller names none: httptools' wherever it can serve.

`SyncHttptoolsTransport` and `HttptoolsTransport` (the `fast` wing: HTTP/1.1 with httptools' C parser, on
blocking sockets or asyncio) cost a fraction of httpx's own pool per request (`make bench` measures both),
and httptools is a regular dependency of every SDK, so a plain ``Client(...)`` or ``AsyncClient(...)``
gets it. Where it cannot serve, httpx's pool does, as it did before httptools became the default:

- httptools cannot be imported (a platform without its wheel, an install that left it out);
- the environment names a proxy for the base URL (``HTTPS_PROXY``, ``HTTP_PROXY`` or ``ALL_PROXY``, in
  either case, unless ``NO_PROXY`` exempts the host, by the standard library's rules): httptools speaks to
  hosts directly, so httpx's pool takes the request through that proxy, as an ``httpx.AsyncClient`` built
  without a transport would.

The choice is made once, when the client is built, for its base URL: an SDK client talks to one API.
Naming a backend (``transport="httpx"``, ``"httptools"``, or ``"aiohttp"`` for async) skips this choice. This module
only decides; the factory builds (the pipeline never imports the `fast` wing statically).
"""

from __future__ import annotations

import importlib.util
import urllib.request
from collections.abc import Callable, Mapping
from typing import Literal

from ..core import httpx
from ..core._env import environment

__all__ = ["default_backend", "environment_proxy", "proxies_from"]


def proxies_from(environ: Mapping[str, str]) -> dict[str, str]:
    """Scheme -> proxy (and ``no`` -> the exemptions) from ``*_proxy`` variables, lower case winning, as
    `urllib.request.getproxies_environment` reads them (but from the mapping given)."""
    proxies: dict[str, str] = {}
    for upper_first in (True, False):  # lower-case names are read last, so they win
        for name, value in environ.items():
            if (name.isupper() if upper_first else not name.isupper()) and name.lower().endswith("_proxy") and value:
                proxies[name.lower()[: -len("_proxy")]] = value
    return proxies


def environment_proxy(url: httpx.URL, proxies: Mapping[str, str]) -> str | None:
    """The proxy URL `proxies` names for `url`, or None (no proxy, or ``no`` exempts the host)."""
    proxy = proxies.get(url.scheme) or proxies.get("all")
    # The standard library's own NO_PROXY rules (typeshed leaves this public helper out, hence the ignore).
    if not proxy or urllib.request.proxy_bypass_environment(url.host, proxies):  # type: ignore[attr-defined]
        return None
    return proxy if "://" in proxy else f"http://{proxy}"  # a bare host:port means an HTTP proxy, as for httpx


def _httptools_installed() -> bool:
    return importlib.util.find_spec("httptools") is not None


def default_backend(
    base_url: str,
    *,
    environ: Mapping[str, str] | None = None,
    httptools_installed: Callable[[], bool] = _httptools_installed,
) -> tuple[Literal["httptools", "httpx"], str | None]:
    """("httptools", None), or ("httpx", the proxy or None) where httptools cannot serve (module docstring).

    Args:
        base_url: the client's base URL.
        environ: the environment (default: the process's, `core._env.environment`).
        httptools_installed: whether httptools can be imported (tests pass their own).
    """
    proxy = environment_proxy(httpx.URL(base_url), proxies_from(environment() if environ is None else environ))
    if proxy is None and httptools_installed():
        return "httptools", None
    return "httpx", proxy

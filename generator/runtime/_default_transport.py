"""The pool an async client does its I/O with when the caller names none: httptools' wherever it can serve.

`HttptoolsTransport` (HTTP/1.1 on asyncio with httptools' C parser) costs a fraction of httpx's own pool
per request when many requests are in flight (`make bench` measures both), and httptools is a regular
dependency of every SDK, so a plain ``AsyncClient(...)`` gets it. Where it cannot serve, httpx's pool
does, as it did before httptools became the default:

- httptools cannot be imported (a platform without its wheel, an install that left it out);
- the environment names a proxy for the base URL (``HTTPS_PROXY``, ``HTTP_PROXY`` or ``ALL_PROXY``, in
  either case, read by the standard library's `urllib.request.getproxies_environment`, unless
  ``NO_PROXY`` exempts the host): httptools speaks to hosts directly, so httpx's pool takes the request
  through that proxy, as an ``httpx.AsyncClient`` built without a transport would.

The choice is made once, when the client is built, for its base URL: an SDK client talks to one API.
Naming a backend (``transport="httpx"``, ``"httptools"``, ``"aiohttp"``) skips this choice.
"""

from __future__ import annotations

import importlib.util
import ssl
import urllib.request
from collections.abc import Callable, Mapping

import httpx

from ._httptools_transport import HttptoolsTransport

__all__ = ["default_async_transport", "environment_proxy"]


def environment_proxy(url: httpx.URL, proxies: Mapping[str, str]) -> str | None:
    """The proxy URL the environment names for `url`, or None (no proxy, or ``no_proxy`` exempts the host).

    Args:
        url: the client's base URL.
        proxies: what `urllib.request.getproxies_environment` returns (scheme -> proxy, and ``no``).
    """
    proxy = proxies.get(url.scheme) or proxies.get("all")
    # The standard library's own NO_PROXY rules (typeshed leaves this public helper out, hence the ignore).
    if not proxy or urllib.request.proxy_bypass_environment(url.host, proxies):  # type: ignore[attr-defined]
        return None
    return proxy if "://" in proxy else f"http://{proxy}"  # a bare host:port means an HTTP proxy, as for httpx


def _httptools_installed() -> bool:
    return importlib.util.find_spec("httptools") is not None


def default_async_transport(
    base_url: str,
    *,
    limits: httpx.Limits,
    verify: ssl.SSLContext | bool,
    proxies: Callable[[], Mapping[str, str]] = urllib.request.getproxies_environment,
    httptools_installed: Callable[[], bool] = _httptools_installed,
) -> httpx.AsyncBaseTransport:
    """`HttptoolsTransport`, or httpx's pool where it cannot serve (see the module docstring).

    Args:
        base_url: the client's base URL (user info already taken off).
        limits: the pool limits, from the settings' `PoolLimits`.
        verify: the TLS context (or False), from the settings.
        proxies: reads the environment's proxies (tests pass their own).
        httptools_installed: whether httptools can be imported (tests pass their own).
    """
    proxy = environment_proxy(httpx.URL(base_url), proxies())
    if proxy is None and httptools_installed():
        return HttptoolsTransport(limits=limits, verify=verify)
    return httpx.AsyncHTTPTransport(limits=limits, verify=verify, proxy=proxy)

"""The one rule for credentials on unencrypted connections, shared by the HTTP auth and the real-time client.

A token travels over plain ``http://`` or ``ws://`` only to a loopback host (``localhost``, ``*.localhost``,
127.0.0.0/8, ``::1``): anywhere else anyone on the path could read it. The caller may lift the rule for
a trusted network with ``require_https=False``, the same setting on `TokenRefreshAuth` and on the
real-time client.
"""

from __future__ import annotations

import functools
import ipaddress

from ..core import httpx
from ..core._errors import ConfigurationError

__all__ = ["ENCRYPTED_SCHEMES", "is_loopback", "refuse_token_in_clear"]

ENCRYPTED_SCHEMES = frozenset({"https", "wss"})


@functools.lru_cache(maxsize=64)  # asked on every request with a token; a client talks to a host or two
def is_loopback(host: str) -> bool:
    """True for a name or address that never leaves this machine."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_token_in_clear(url: httpx.URL, *, require_https: bool, setting: str, fix: str) -> None:
    """Raise unless a token may be sent to `url` (see the module docstring).

    Args:
        url: where the token would go.
        require_https: the caller's setting; False allows any host.
        setting: the setting to fix, named by the error (``base_url``, ``url``).
        fix: what to use instead, e.g. "Use an https:// base URL".

    Raises:
        ConfigurationError: plain text to a host that is not loopback while `require_https` is set.
    """
    if not require_https or url.scheme in ENCRYPTED_SCHEMES or is_loopback(url.host):
        return
    raise ConfigurationError(
        f"Refusing to send a token over plain {url.scheme}:// to {url.host}. {fix}, or pass require_https=False "
        "(to TokenRefreshAuth, or to the real-time client) for a trusted network.",
        setting=setting,
    )

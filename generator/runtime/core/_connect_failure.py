"""Connect failures that no retry can fix: a host name that does not resolve, a certificate that fails.

Every transport (httpx's pool, aiohttp, httptools) raises `httpx.ConnectError` for both, chained
(``raise ... from exc``) to the operating system's error: `socket.gaierror` from the resolver, or
`ssl.SSLCertVerificationError` from the handshake. Walking the chain finds them whatever the transport.
A resolver answer of ``EAI_AGAIN`` ("temporary failure in name resolution") is the one DNS failure that
may pass by itself, so it stays retryable like any other connect error.
"""

from __future__ import annotations

import enum
import socket
import ssl

__all__ = ["PermanentConnectFailure", "permanent_connect_failure"]

_MAX_CHAIN = 16  # a chain longer than this is not one a transport built


class PermanentConnectFailure(enum.Enum):
    """Why connecting can never succeed on a retry."""

    NAME_NOT_RESOLVED = "the host name does not resolve (DNS)"
    CERTIFICATE_REJECTED = "the server's TLS certificate failed verification"


def permanent_connect_failure(exc: BaseException) -> PermanentConnectFailure | None:
    """Which permanent failure caused `exc` (searched along ``__cause__`` / ``__context__``), or None."""
    current: BaseException | None = exc
    for _ in range(_MAX_CHAIN):
        if current is None:
            return None
        if isinstance(current, socket.gaierror) and current.errno != socket.EAI_AGAIN:
            return PermanentConnectFailure.NAME_NOT_RESOLVED
        if isinstance(current, ssl.SSLCertVerificationError):
            return PermanentConnectFailure.CERTIFICATE_REJECTED
        current = current.__cause__ or current.__context__
    return None

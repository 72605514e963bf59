"""`SyncHttptoolsConnection`: one HTTP/1.1 connection of `SyncHttptoolsTransport`, a blocking socket whose
bytes go straight into httptools' C parser (`Exchange`).

A connection carries one exchange at a time. The transport calls `begin`, writes the request with `send`,
waits for the status line and headers with `receive_head`, then takes the body with `read_body`; the pool
decides reuse from `reusable`. Each socket operation is bounded by its own timeout (httpx's ``write`` for a
send, ``read`` for each receive), set on the socket only when it differs from the last one.

The body is read on demand, one ``recv`` at a time, so a large download holds at most one read
(`READ_BYTES`) beyond what its reader keeps. A connection the server closed while it was idle shows up as
a send that fails or an end of stream before any byte of the answer: `answered` stays False, and for a
`reused` connection the transport may then send again on a new one (`_httptools_sync_transport.py`).
"""

from __future__ import annotations

import select
import socket
import ssl
from typing import Final

from ..core import httpx
from ._httptools_exchange import Exchange

__all__ = ["READ_BYTES", "Origin", "SyncHttptoolsConnection", "open_connection"]

Origin = tuple[str, bytes, int]
"""Where a connection goes, the pool's key: scheme, host (ASCII, as in the URL) and port."""

READ_BYTES: Final = 64 * 1024
"""The most one ``recv`` asks for."""

_POLL: Final = hasattr(select, "poll")  # not on Windows


def open_connection(
    origin: Origin, request: httpx.Request, ssl_context: ssl.SSLContext | None, timeout_s: float | None
) -> SyncHttptoolsConnection:
    """A new connection to `origin`: TCP, then TLS for https, both within `timeout_s`.

    Raises:
        httpx.ConnectTimeout: connecting or the handshake took longer.
        httpx.ConnectError: refused, unresolvable, TLS failure, or the server chose another protocol than
            HTTP/1.1 (the OS error is the cause, so permanent failures are told apart).
    """
    scheme, raw_host, port = origin
    host = raw_host.decode("ascii")
    try:
        sock = socket.create_connection((host, port), timeout=timeout_s)
    except TimeoutError:
        raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}", request=request) from None
    except OSError as exc:
        raise httpx.ConnectError(f"cannot connect to {host}:{port}: {exc}", request=request) from exc
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # the head and a small body go out at once
        if scheme == "https":
            assert ssl_context is not None, "the transport gives https a context"
            sni = request.extensions.get("sni_hostname") or host
            sock = ssl_context.wrap_socket(sock, server_hostname=sni)  # the handshake, under the same timeout
            protocol = sock.selected_alpn_protocol()
            if protocol not in (None, "http/1.1"):  # the context offered h2 and the server took it
                raise httpx.ConnectError(f"{host}:{port} chose {protocol}", request=request)
    except TimeoutError:
        sock.close()
        raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port} (TLS)", request=request) from None
    except OSError as exc:
        sock.close()
        raise httpx.ConnectError(f"cannot connect to {host}:{port}: {exc}", request=request) from exc
    except BaseException:
        sock.close()
        raise
    return SyncHttptoolsConnection(origin, sock)


class SyncHttptoolsConnection:
    """One HTTP/1.1 connection over a blocking socket (see the module docstring).

    The transport reads the answer from `exchange`; `reused` (taken from the idle pool for this exchange)
    and `answered` (a byte of the answer arrived) tell a stale connection apart. `origin`, `idle`,
    `holds_slot` and `expires_at` belong to the pool.
    """

    __slots__ = (
        "_poller",
        "_sock",
        "_timeout_s",
        "answered",
        "closed",
        "exchange",
        "expires_at",
        "holds_slot",
        "idle",
        "origin",
        "reused",
    )

    def __init__(self, origin: Origin, sock: socket.socket) -> None:
        self.origin = origin
        self.exchange = Exchange()
        self.idle = False
        self.holds_slot = False
        self.reused = False
        self.answered = False
        self.expires_at = 0.0
        self.closed = False
        self._sock = sock
        self._poller: select.poll | None = None  # made by the first `readable`
        self._timeout_s = sock.gettimeout()  # set again only when an operation needs another

    def __repr__(self) -> str:
        scheme, host, port = self.origin
        state = "closed" if self.closed else "idle" if self.idle else "active"
        return f"<SyncHttptoolsConnection {scheme}://{host.decode('ascii')}:{port} {state}>"

    @property
    def reusable(self) -> bool:
        """Whether another exchange may follow: the answer is whole and neither side asked to close."""
        exchange = self.exchange
        return exchange.complete and exchange.keep_alive and not self.closed

    def readable(self) -> bool:
        """Whether the idle socket has something to read: the server closed it, or sent bytes nobody asked for
        (a stray answer, which the next request would otherwise take for its own)."""
        if self.closed:
            return True
        try:
            if _POLL:  # poll, unlike select, takes any descriptor number
                poller = self._poller
                if poller is None:  # registered once: every reuse of the connection asks
                    poller = self._poller = select.poll()
                    poller.register(self._sock, select.POLLIN)
                return bool(poller.poll(0))
            return bool(select.select([self._sock], [], [], 0)[0])
        except (OSError, ValueError):  # closed under us
            return True

    def begin(self, request: httpx.Request, *, head_only: bool) -> None:
        """Start an exchange (`head_only` for a HEAD)."""
        self.exchange.begin(request, head_only=head_only)
        self.answered = False

    def send(self, data: bytes, timeout_s: float | None) -> None:
        """Write request bytes, waiting at most `timeout_s` each time the socket takes no more."""
        if timeout_s != self._timeout_s:
            self._sock.settimeout(timeout_s)
            self._timeout_s = timeout_s
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise httpx.WriteTimeout("timed out sending the request", request=self.exchange.request) from None
        except OSError as exc:
            message = f"the connection broke while the request was being sent: {exc}"
            raise httpx.WriteError(message, request=self.exchange.request) from exc

    def receive_head(self, timeout_s: float | None) -> None:
        """Read until the status line and headers are in; each read is bounded by the read timeout."""
        exchange = self.exchange
        while not exchange.head_ready:
            self._receive(timeout_s)

    def read_body(self, timeout_s: float | None) -> bytes:
        """The next body bytes, b"" once the body is complete; each read is bounded by the read timeout."""
        exchange = self.exchange
        while not exchange.buffered:
            if exchange.complete:
                return b""
            self._receive(timeout_s)
        return exchange.take_body()

    def end(self) -> None:
        """Forget the finished exchange before the connection idles."""
        self.exchange.end()

    def close(self) -> None:
        """Close the socket (safe to call twice)."""
        if not self.closed:
            self.closed = True
            self._sock.close()

    def _receive(self, timeout_s: float | None) -> None:
        """One ``recv``, fed to the parser; the end of the stream ends a close-delimited body or fails."""
        if timeout_s != self._timeout_s:
            self._sock.settimeout(timeout_s)
            self._timeout_s = timeout_s
        exchange = self.exchange
        try:
            data = self._sock.recv(READ_BYTES)
        except TimeoutError:
            what = "the response body" if exchange.head_ready else "the response"
            raise httpx.ReadTimeout(f"timed out waiting for {what}", request=exchange.request) from None
        except OSError as exc:
            raise httpx.ReadError(f"the connection broke: {exc}", request=exchange.request) from exc
        if data:
            self.answered = True
            exchange.feed(data)
            return
        self.close()
        if exchange.head_ready and exchange.ends_at_close():
            exchange.complete = True
            exchange.keep_alive = False
            return
        message = "the server closed the connection before the response was complete"
        raise httpx.RemoteProtocolError(message, request=exchange.request)

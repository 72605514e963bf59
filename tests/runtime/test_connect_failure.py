"""A host name that does not resolve and a certificate that fails verification raise at once, typed.

Each case runs the SDK's stack (sync, and async on httpx's pool, aiohttp and httptools) with retries on
and a fake clock: no retry means no backoff sleep and one connection attempt.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import trustme
from runtime import (
    CertificateError,
    ClientSettings,
    ConnectError,
    FakeClock,
    Hooks,
    NameResolutionError,
    RetryPolicy,
    build_async_client,
    build_sync_client,
    translate_transport_errors,
)
from runtime.core._connect_failure import PermanentConnectFailure, permanent_connect_failure

BACKENDS = ["sync", "httpx", "aiohttp", "httptools"]


def _call(base_url: str, backend: str, clock: FakeClock) -> None:
    """One GET through the SDK's stack with three attempts allowed, errors translated as generated code does."""
    settings = ClientSettings(base_url=base_url, retry=RetryPolicy(max_attempts=3))
    options: dict[str, Any] = {"auth": None, "hooks": Hooks(), "logger_name": "sdk.connect_test", "clock": clock}
    if backend == "sync":
        with build_sync_client(settings, **options) as client, translate_transport_errors():
            client.get("/items")
        return

    async def send() -> None:
        async with build_async_client(settings, transport=backend, **options) as client:  # type: ignore[arg-type]
            with translate_transport_errors():
                await client.get("/items")

    asyncio.run(send())


@pytest.fixture
def unresolvable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names under ``.invalid`` fail to resolve with EAI_NONAME (as RFC 6761 promises), without asking DNS."""
    real: Callable[..., Any] = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: object, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.endswith(".invalid"):
            asked.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked


@pytest.mark.parametrize("backend", BACKENDS)
def test_unresolvable_host_raises_name_resolution_error_at_once(unresolvable: list[str], backend: str) -> None:
    """DNS failure: NameResolutionError (a ConnectError) saying so, after one lookup and no backoff sleep."""
    clock = FakeClock()
    with pytest.raises(NameResolutionError) as caught:
        _call("http://api.example.invalid", backend, clock)
    assert isinstance(caught.value, ConnectError)
    assert "does not resolve (DNS)" in str(caught.value) and "not sent or retried" in str(caught.value)
    assert clock.sleeps == []
    assert len(unresolvable) == 1


@pytest.fixture
def untrusted_tls_server() -> Iterator[tuple[str, list[int]]]:
    """A TLS server on 127.0.0.1 whose certificate comes from a CA nobody trusts; counts handshakes."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1", "localhost").configure_cert(context)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    handshakes: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            handshakes.append(1)
            raw.settimeout(2)
            try:
                with context.wrap_socket(raw, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass  # the client refuses the certificate: that is the point
            finally:
                raw.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}", handshakes
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_rejected_certificate_raises_certificate_error_at_once(
    untrusted_tls_server: tuple[str, list[int]], backend: str
) -> None:
    """TLS verification failure: CertificateError (a ConnectError) saying so, after one handshake, no sleep."""
    url, handshakes = untrusted_tls_server
    clock = FakeClock()
    with pytest.raises(CertificateError) as caught:
        _call(url, backend, clock)
    assert isinstance(caught.value, ConnectError)
    assert "certificate failed verification" in str(caught.value)
    assert clock.sleeps == []
    assert len(handshakes) == 1


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (socket.gaierror(socket.EAI_NONAME, "unknown"), PermanentConnectFailure.NAME_NOT_RESOLVED),
        (socket.gaierror(socket.EAI_AGAIN, "try again"), None),
        (ssl.SSLCertVerificationError("bad cert"), PermanentConnectFailure.CERTIFICATE_REJECTED),
        (ConnectionRefusedError(111, "refused"), None),
    ],
)
def test_classification_follows_the_exception_chain(cause: BaseException, expected: object) -> None:
    """The OS error behind an httpx.ConnectError decides; a temporary DNS failure stays retryable."""
    try:
        try:
            raise cause
        except BaseException as exc:
            raise httpx.ConnectError("wrapped") from exc
    except httpx.ConnectError as wrapped:
        assert permanent_connect_failure(wrapped) is expected

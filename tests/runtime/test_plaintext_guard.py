"""The rule for tokens on unencrypted connections, shared by the HTTP auth and the real-time client."""

from __future__ import annotations

import httpx
import pytest
from runtime.core._errors import ConfigurationError
from runtime.pipeline._plaintext_guard import is_loopback, refuse_token_in_clear


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True), ("api.localhost", True), ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
        ("example.com", False), ("localhost.example.com", False), ("10.0.0.1", False), ("2001:db8::1", False),
    ],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    """Names under localhost and addresses in 127.0.0.0/8 or ::1 never leave the machine; others do."""
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("url", ["http://api.example.com/v1", "ws://api.example.com/ws"])
def test_plain_text_to_a_remote_host_is_refused_unless_allowed(url: str) -> None:
    """http:// and ws:// to another machine raise, naming the setting to fix and the switch that allows it."""
    with pytest.raises(ConfigurationError) as caught:
        refuse_token_in_clear(httpx.URL(url), require_https=True, setting="url", fix="Use TLS")
    assert caught.value.setting == "url" and "Use TLS, or pass require_https=False" in str(caught.value)
    refuse_token_in_clear(httpx.URL(url), require_https=False, setting="url", fix="Use TLS")


@pytest.mark.parametrize("url", ["https://api.example.com", "wss://api.example.com/ws", "ws://127.0.0.1:4011/ws"])
def test_encrypted_or_loopback_urls_pass(url: str) -> None:
    """TLS anywhere, or plain text to this machine, is allowed."""
    refuse_token_in_clear(httpx.URL(url), require_https=True, setting="url", fix="Use TLS")

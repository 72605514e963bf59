"""The Token value and reading token endpoint answers."""

from __future__ import annotations

import pytest
from runtime.auth._token import Token, token_from_payload
from runtime.core._defaults import DEFAULT_REFRESH_SKEW_S
from runtime.core._errors import TokenRefreshError
from runtime.core._secret import Secret

NOW = 1_700_000_000.0


def test_expiry_checks() -> None:
    """expires_within compares against expires_at minus the margin; no expiry never expires."""
    token = Token(access_token=Secret("a"), expires_at=NOW + 100)
    assert not token.expires_within(60, now=NOW)
    assert token.expires_within(60, now=NOW + 40)
    assert not token.is_expired(now=NOW + 99.9) and token.is_expired(now=NOW + 100)
    assert not Token(access_token=Secret("a")).expires_within(1e9, now=NOW)


@pytest.mark.parametrize(("lifetime_s", "margin_s"), [(30, 15.0), (60, 30.0), (120, 60.0), (3600, 60.0), (0, 0.0)])
def test_renewal_margin_is_the_smaller_of_the_skew_and_half_the_lifetime(lifetime_s: float, margin_s: float) -> None:
    """The renewal margin scales with the lifetime, so a short-lived token is not due as soon as it arrives."""
    token = Token(access_token=Secret("a"), issued_at=NOW, expires_at=NOW + lifetime_s)
    assert token.renewal_margin_s(DEFAULT_REFRESH_SKEW_S) == margin_s
    assert not token.renewal_due(DEFAULT_REFRESH_SKEW_S, now=NOW) or lifetime_s == 0
    assert token.renewal_due(DEFAULT_REFRESH_SKEW_S, now=NOW + lifetime_s - margin_s)


def test_renewal_margin_without_a_known_lifetime_is_the_whole_skew() -> None:
    """A token whose issue time is unknown (stored by an older SDK) is renewed the full skew before expiry."""
    token = Token(access_token=Secret("a"), expires_at=NOW + 30)
    assert token.renewal_margin_s(DEFAULT_REFRESH_SKEW_S) == DEFAULT_REFRESH_SKEW_S
    assert token_from_payload({"access_token": "t", "expires_in": 30}, now=NOW, source="Login").issued_at == NOW


def test_authorization_header_and_bearer_normalised() -> None:
    """OAuth2's lowercase 'bearer' becomes 'Bearer'; other schemes are kept."""
    assert Token(access_token=Secret("abc"), token_type="bearer").authorization() == "Bearer abc"
    assert Token(access_token=Secret("abc"), token_type="MAC").authorization() == "MAC abc"


def test_plain_string_secret_is_refused() -> None:
    """A token must hold Secret values, so a raw string can never reach a repr."""
    with pytest.raises(TypeError):
        Token(access_token="raw")  # type: ignore[arg-type]


def test_payload_with_expires_in_and_nested_fields() -> None:
    """expires_in counts from `now`; dotted field names reach nested objects; refresh token kept if absent."""
    token = token_from_payload(
        {"data": {"jwt": "tok", "ttl": "30"}},
        now=NOW,
        source="Login",
        access_token_field="data.jwt",
        expires_in_field="data.ttl",
        previous_refresh_token=Secret("old-refresh"),
    )
    assert token.access_token == Secret("tok")
    assert token.expires_at == NOW + 30
    assert token.refresh_token == Secret("old-refresh")


@pytest.mark.parametrize("payload", [[], "x", {"access_token": 5}, {"token": "x"}, {"access_token": ""}])
def test_payload_without_access_token_raises(payload: object) -> None:
    """A body without a string access token raises TokenRefreshError naming the source."""
    with pytest.raises(TokenRefreshError, match="Login"):
        token_from_payload(payload, now=NOW, source="Login")

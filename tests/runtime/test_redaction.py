"""Redaction rules: allowlisted headers and query keys, secret-named body fields masked at any depth."""

from __future__ import annotations

import json

import httpx
import pytest
from runtime.core._redaction import REDACTED, Redaction, is_secret_name

POLICY = Redaction()


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True), ("Password", True), ("user_password", True), ("PASSWD", True),
        ("token", True), ("access_token", True), ("refreshToken", True), ("id-token", True),
        ("client_secret", True), ("clientSecret", True), ("api_key", True), ("apiKey", True),
        ("X-Api-Key", True), ("apikey", True), ("Authorization", True), ("session_id", True),
        ("private_key", True), ("credentials", True),
        ("name", False), ("limit", False), ("email", False), ("status", False), ("id", False),
    ],
)  # fmt: skip
def test_secret_names(name: str, secret: bool) -> None:
    """Names containing a credential word are secret in any case and with any separators."""
    assert is_secret_name(name) is secret


def test_target_keeps_keys_and_allowlisted_values_only() -> None:
    """Query values show only for allowlisted keys; keys are always kept."""
    url = httpx.URL("https://x.test/v1/pets?limit=10&cursor=abc&q=john&token=t0ps3cret&page=2")
    assert POLICY.target(url) == "/v1/pets?limit=10&cursor=abc&q=REDACTED&token=REDACTED&page=2"
    assert POLICY.target(httpx.URL("https://x.test/v1/pets")) == "/v1/pets"


def test_target_keeps_the_path_percent_encoded_so_no_line_can_be_forged() -> None:
    """A path parameter with a newline (quoted by the generated code) must not split a log line."""
    url = httpx.URL("https://x.test/v1/pets/evil%0AINFO%20forged%20line/toys?limit=1")
    assert POLICY.target(url) == "/v1/pets/evil%0AINFO%20forged%20line/toys?limit=1"
    assert "\n" not in POLICY.target(httpx.URL("https://x.test/a%0Db%0Ac"))


def test_allowlisting_a_secret_looking_key_does_not_expose_it() -> None:
    """A secret-looking key stays masked even if allowlisted by mistake."""
    policy = Redaction(safe_query_keys=frozenset({"page_token"}))
    assert policy.target(httpx.URL("https://x.test/p?page_token=abc")) == "/p?page_token=REDACTED"


def test_headers_allowlist() -> None:
    """Unknown headers and the credential headers show REDACTED; allowlisted ones show their value."""
    headers = httpx.Headers(
        {
            "Authorization": "Bearer abc",
            "Cookie": "sid=1",
            "X-Api-Key": "k",
            "Proxy-Authorization": "Basic x",
            "X-Custom": "hello",
            "Content-Type": "application/json",
            "X-Request-ID": "req-1",
        }
    )
    assert POLICY.headers(headers) == {
        "authorization": REDACTED,
        "cookie": REDACTED,
        "x-api-key": REDACTED,
        "proxy-authorization": REDACTED,
        "x-custom": REDACTED,
        "content-type": "application/json",
        "x-request-id": "req-1",
    }
    forced = Redaction(safe_headers=frozenset({"Authorization", "Set-Cookie"}))
    assert forced.headers(httpx.Headers({"authorization": "a", "set-cookie": "b"})) == {
        "authorization": REDACTED,
        "set-cookie": REDACTED,
    }


def test_json_body_masks_nested_fields_and_lists() -> None:
    """Secret-named fields are masked at any depth, including inside lists."""
    body = {
        "user": "ann",
        "Password": "p1",
        "nested": {"client_secret": "s", "deeper": [{"refresh_token": "r"}, {"ok": 1}]},
        "tokens": ["a", "b"],
        "apiKey": {"value": "k"},
    }
    shown = json.loads(POLICY.body(json.dumps(body).encode(), "application/json"))
    assert shown == {
        "user": "ann",
        "Password": REDACTED,
        "nested": {"client_secret": REDACTED, "deeper": [{"refresh_token": REDACTED}, {"ok": 1}]},
        "tokens": REDACTED,
        "apiKey": REDACTED,
    }


def test_problem_json_and_known_values() -> None:
    """application/problem+json is parsed too, and known request secrets are cut out of its text."""
    body = json.dumps({"title": "Unauthorized", "detail": "token abcd1234efgh expired"}).encode()
    shown = POLICY.body(body, "application/problem+json", ["abcd1234efgh"])
    assert "abcd1234efgh" not in shown and "token REDACTED expired" in shown


def test_unparseable_or_capped_json_is_never_shown_raw() -> None:
    """JSON that does not parse (or was cut at the capture cap) is described, not shown."""
    assert POLICY.body(b'{"password": "x', "application/json") == "<15 bytes of JSON that does not parse>"
    assert "too large" in POLICY.body(b'{"a": 1}', "application/json", complete=False)
    deep = b"[" * 100_000  # past Python's recursion limit: described, never a RecursionError out of a log call
    assert POLICY.body(deep, "application/json") == "<100000 bytes of JSON nested too deeply to log>"
    assert (
        POLICY.known_secrets(
            httpx.Request("POST", "https://api.test/x", content=deep, headers={"Content-Type": "application/json"})
        )
        == []
    )


def test_form_body_masks_secret_fields() -> None:
    """Form bodies (OAuth2 token requests) have secret-named fields masked."""
    shown = POLICY.body(
        b"grant_type=client_credentials&client_id=app&client_secret=s3cr3t",
        "application/x-www-form-urlencoded",
    )
    assert shown == "grant_type=client_credentials&client_id=app&client_secret=REDACTED"


def test_text_body_masks_pairs_and_truncates_after_masking() -> None:
    """Free text gets name=value pairs masked, then is truncated; binary shows only its size."""
    policy = Redaction(max_body_chars=40)
    shown = policy.body(b"error: password=hunter2 is wrong " + b"x" * 100, "text/plain")
    assert "hunter2" not in shown and shown.startswith("error: password=REDACTED")
    assert shown.endswith("more chars)")
    assert POLICY.body(b"\xff\xfe\x00", "application/octet-stream") == "<3 bytes of application/octet-stream>"
    assert POLICY.body(b"", "text/plain") == "(empty)"


def test_known_secrets_come_from_auth_cookies_query_and_body() -> None:
    """The request's credentials are collected (long enough ones only) for scrubbing other text."""
    request = httpx.Request(
        "POST",
        "https://x.test/p?api_key=query-secret-1&limit=100000000",
        headers={"Authorization": "Bearer header;secret=1", "Cookie": "a=cookie-secret-1; b=short"},
        json={"user": "ann-the-user", "credentials": {"password": "body-secret-1"}},
    )
    found = Redaction().known_secrets(request)
    for value in ("query-secret-1", "header;secret=1", "cookie-secret-1", "body-secret-1"):
        assert value in found
    assert "short" not in found and "100000000" not in found and "ann-the-user" not in found


FINGERPRINT = "8c76b3175e2eb32d597e8cd41b5e2abd"
SPEC_POLICY = Redaction(secret_fields=frozenset({"hardware_fingerprint"}))


@pytest.mark.parametrize("spelling", ["hardware_fingerprint", "hardwareFingerprint", "Hardware-Fingerprint"])
def test_spec_password_fields_are_masked_in_every_spelling(spelling: str) -> None:
    """A policy's secret_fields (a spec's format: password / writeOnly fields) are masked like password in
    JSON, form and text bodies, headers and query values, in any case or separator style."""
    assert SPEC_POLICY.is_secret_field(spelling) and not POLICY.is_secret_field(spelling)
    as_json = SPEC_POLICY.body(json.dumps({"user": "ann", "m": {spelling: FINGERPRINT}}).encode(), "application/json")
    as_form = SPEC_POLICY.body(f"user=ann&{spelling}={FINGERPRINT}".encode(), "application/x-www-form-urlencoded")
    as_text = SPEC_POLICY.body(f"refused: {spelling}={FINGERPRINT} (bound elsewhere)".encode(), "text/plain")
    as_pair = SPEC_POLICY.text(f'{{"{spelling}": "{FINGERPRINT}"}}')
    headers = SPEC_POLICY.headers(httpx.Headers({spelling: FINGERPRINT}))
    for shown in (as_json, as_form, as_text, as_pair, str(headers)):
        assert FINGERPRINT not in shown and REDACTED in shown
    assert FINGERPRINT in POLICY.body(f"{spelling}={FINGERPRINT}".encode(), "text/plain")  # only the spec says so


def test_known_secrets_include_the_spec_password_fields() -> None:
    """The request's values of a policy's secret_fields are cut out of any other text shown for it."""
    request = httpx.Request(
        "POST", f"https://x.test/v?hardware_fingerprint={FINGERPRINT}2", json={"hardwareFingerprint": FINGERPRINT}
    )
    assert {FINGERPRINT, f"{FINGERPRINT}2"} <= set(SPEC_POLICY.known_secrets(request))
    assert POLICY.known_secrets(request) == []

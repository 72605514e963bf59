"""What a generated client's connection derives from its identity and options: here, the API version."""

from __future__ import annotations

import httpx
import pytest
from runtime import AuthSpec, ConfigurationError, Deferral, SdkIdentity, SyncConnection

IDENTITY = SdkIdentity(
    package="acme_sdk", env_prefix="ACME", user_agent="acme/1", auth=AuthSpec(), api_versions=("1.0", "1.1.0")
)


def connect(**options: object) -> SyncConnection[Deferral]:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    return SyncConnection(
        IDENTITY,
        base_url="https://api.example.com",
        options=options,  # type: ignore[arg-type]
        deferral=Deferral.for_connection,
        transport=transport,
    )


@pytest.mark.parametrize(("given", "kept"), [(None, None), ("1.0", "1.0"), ("1.0.0", "1.0.0"), ("1.1", "1.1")])
def test_known_api_versions_are_accepted(given: str | None, kept: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version the SDK's specs describe is kept (numerically: 1.0.0 is 1.0); None means the newest."""
    monkeypatch.delenv("ACME_API_VERSION", raising=False)
    connection = connect(api_version=given)
    try:
        assert connection.api_version == kept
    finally:
        connection.close()


def test_an_unknown_api_version_names_the_setting_and_the_known_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """api_version="2.0" fails at construction with a ConfigurationError listing 1.0 and 1.1.0."""
    monkeypatch.delenv("ACME_API_VERSION", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        connect(api_version="2.0")
    assert caught.value.setting == "api_version"
    assert "'2.0'" in str(caught.value) and "1.0, 1.1.0" in str(caught.value)


def test_the_environment_version_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """ACME_API_VERSION goes through the same check as the argument."""
    monkeypatch.setenv("ACME_API_VERSION", "0.9")
    with pytest.raises(ConfigurationError, match=r"known versions: 1\.0, 1\.1\.0"):
        connect()

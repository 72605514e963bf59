"""A design document's names over the SDK's own: keyword aliases, setting aliases, spread hooks, delegation."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from runtime import AliasedClient, ConfigurationError, RetryPolicy, keyword_aliases, rename_settings, spread_event


def test_keyword_aliases_rename_the_documents_keywords() -> None:
    """The alias calls the target with its own keyword names; unaliased keywords pass through."""
    make = keyword_aliases(RetryPolicy.from_retries, {"retry_codes": "statuses"}, name="RetryPolicy")
    policy = make(max_retries=2, retry_codes=[503])
    assert policy == RetryPolicy.from_retries(max_retries=2, statuses=[503])
    assert make.__name__ == "RetryPolicy" and "retry_codes (= statuses)" in (make.__doc__ or "")


def test_an_argument_under_both_names_is_refused() -> None:
    """Passing a keyword and its alias is a TypeError naming both, never a silent pick."""
    make = keyword_aliases(RetryPolicy.from_retries, {"retry_codes": "statuses"}, name="RetryPolicy")
    with pytest.raises(TypeError, match="same argument"):
        make(retry_codes=[503], statuses=[500])


def test_an_unknown_keyword_is_the_targets_error() -> None:
    """A keyword neither alias nor target knows fails like any wrong argument, naming it."""
    make = keyword_aliases(RetryPolicy.from_retries, {}, name="RetryPolicy")
    with pytest.raises(TypeError, match="retry_on"):
        make(retry_on=[503])


def test_rename_settings_maps_the_documents_setting_names() -> None:
    """api_url becomes base_url; a setting given under both names is a ConfigurationError naming it."""
    aliases = {"api_url": "base_url", "retry_policy": "retry"}
    assert rename_settings({"api_url": "https://x", "timeout": 3}, aliases) == {"base_url": "https://x", "timeout": 3}
    with pytest.raises(ConfigurationError) as caught:
        rename_settings({"api_url": "https://x", "base_url": "https://y"}, aliases)
    assert caught.value.setting == "base_url"


@attrs.frozen
class Event:
    error: Exception
    request: str
    response: str | None


def test_spread_event_passes_the_fields_as_arguments() -> None:
    """A hook `fn(error, request, response)` receives the event's fields in the named order."""
    seen: list[tuple[Any, ...]] = []

    def report(error: Exception, request: str, response: str | None) -> None:
        seen.append((error, request, response))

    hook = spread_event(report, ("error", "request", "response"))
    problem = ValueError("x")
    hook(Event(problem, "GET /x", None))
    assert seen == [(problem, "GET /x", None)]
    assert hook.__qualname__.endswith("report")  # a HookError names the user's function


class Sdk:
    def __init__(self) -> None:
        self.closed = False
        self.settings = "the settings"

    def close(self) -> None:
        self.closed = True


def test_aliased_client_reaches_the_sdk_client_and_closes_it() -> None:
    """Members not defined on the design client are the SDK client's; `with` closes the SDK client."""
    sdk = Sdk()
    with AliasedClient(sdk) as client:
        assert client.settings == "the settings"
        with pytest.raises(AttributeError):
            client.missing_member  # noqa: B018
    assert sdk.closed

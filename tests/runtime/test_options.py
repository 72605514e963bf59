"""Per-call options: RequestOptions, request_extensions and idempotency keys."""

from __future__ import annotations

import uuid

import httpx
import pytest
from runtime import (
    RETRY_DISABLED,
    UNSET,
    RequestOptions,
    RetryPolicy,
    Timeouts,
    Unset,
    apply_request_options,
    new_idempotency_key,
    request_extensions,
)


def test_defaults_keep_client_settings() -> None:
    """No options: only the operation id travels; no retry override, httpx's client-default timeout."""
    extensions, headers = request_extensions("listPets", None, idempotent=False)
    assert extensions == {"sdk.operation_id": "listPets"}
    assert headers == {}
    assert RequestOptions().httpx_timeout() is httpx.USE_CLIENT_DEFAULT


def test_retry_none_means_disabled_and_a_policy_overrides() -> None:
    """retry=None puts RETRY_DISABLED in sdk.retry; a RetryPolicy goes there as is; UNSET puts nothing."""
    assert request_extensions("op", RequestOptions(retry=None), idempotent=False)[0]["sdk.retry"] is RETRY_DISABLED
    policy = RetryPolicy(max_attempts=7)
    assert request_extensions("op", RequestOptions(retry=policy), idempotent=False)[0]["sdk.retry"] is policy
    assert "sdk.retry" not in request_extensions("op", RequestOptions(retry=UNSET), idempotent=False)[0]


def test_idempotent_operations_get_a_fresh_key_or_the_callers() -> None:
    """Idempotent operations carry Idempotency-Key: the caller's, else a fresh uuid4 per call."""
    _, first = request_extensions("createPet", None, idempotent=True)
    _, second = request_extensions("createPet", None, idempotent=True)
    assert uuid.UUID(first["Idempotency-Key"]).version == 4
    assert first["Idempotency-Key"] != second["Idempotency-Key"]
    _, mine = request_extensions("createPet", RequestOptions(idempotency_key="k-1"), idempotent=True)
    assert mine["Idempotency-Key"] == "k-1"


def test_callers_key_is_sent_even_for_other_operations() -> None:
    """A key the caller gives is sent even when the operation is not marked idempotent."""
    _, headers = request_extensions("op", RequestOptions(idempotency_key="k-2"), idempotent=False)
    assert headers == {"Idempotency-Key": "k-2"}


def test_extra_headers_are_copied_and_frozen() -> None:
    """Extra headers reach the result; the options' own mapping cannot be changed."""
    options = RequestOptions(headers={"X-Tenant": "a"})
    _, headers = request_extensions("op", options, idempotent=False)
    headers["X-Other"] = "b"
    assert dict(options.headers) == {"X-Tenant": "a"}
    with pytest.raises(TypeError):
        options.headers["X-Tenant"] = "z"  # type: ignore[index]


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (Timeouts(read_s=90), httpx.Timeout(connect=5, read=90, write=30, pool=10)),
        (2.5, httpx.Timeout(2.5)),
        (None, None),
    ],
)
def test_per_call_timeout_for_httpx(timeout: Timeouts | float | None, expected: httpx.Timeout | None) -> None:
    """A Timeouts, a number of seconds (every phase) or None (no timeout) become httpx's timeout= value."""
    assert RequestOptions(timeout=timeout).httpx_timeout() == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": -1.0},
        {"idempotency_key": ""},
        {"headers": {"a": 1}},
        {"deadline_s": 0},
        {"deadline_s": True},
        {"deadline_s": float("inf")},
    ],
)
def test_bad_options_are_rejected(kwargs: dict[str, object]) -> None:
    """Options validate when built."""
    with pytest.raises((ValueError, TypeError)):
        RequestOptions(**kwargs)  # type: ignore[arg-type]


def test_new_idempotency_key_is_uuid4() -> None:
    """new_idempotency_key returns a random uuid4 string."""
    assert uuid.UUID(new_idempotency_key()).version == 4


class TestApplyRequestOptions:
    """apply_request_options folds one call's options into httpx's request keyword arguments."""

    def test_operation_id_always_travels_in_extensions(self) -> None:
        """Every request carries its operation id for hooks and logging, options or not."""
        from runtime import apply_request_options

        kwargs = apply_request_options(
            {"method": "get", "url": "/x"}, operation_id="op", options=None, sends_idempotency_key=False
        )
        assert kwargs["extensions"]["sdk.operation_id"] == "op"
        assert "headers" not in kwargs and "timeout" not in kwargs

    def test_idempotent_write_gets_a_fresh_key(self) -> None:
        """An operation marked x-idempotent sends a generated Idempotency-Key when nobody gave one."""
        from runtime import apply_request_options

        kwargs = apply_request_options(
            {"headers": {"Content-Type": "application/json"}},
            operation_id="op",
            options=None,
            sends_idempotency_key=True,
        )
        assert len(kwargs["headers"]["Idempotency-Key"]) == 36
        assert kwargs["headers"]["Content-Type"] == "application/json"

    def test_own_header_argument_beats_a_generated_key(self) -> None:
        """A key passed as the operation's Idempotency-Key parameter is kept, not replaced."""
        from runtime import apply_request_options

        kwargs = apply_request_options(
            {"headers": {"Idempotency-Key": "mine"}}, operation_id="op", options=None, sends_idempotency_key=True
        )
        assert kwargs["headers"] == {"Idempotency-Key": "mine"}

    def test_options_key_beats_the_header_argument(self) -> None:
        """RequestOptions.idempotency_key is the most specific choice and wins."""
        from runtime import RequestOptions, apply_request_options

        kwargs = apply_request_options(
            {"headers": {"Idempotency-Key": "param"}},
            operation_id="op",
            options=RequestOptions(idempotency_key="opt"),
            sends_idempotency_key=True,
        )
        assert kwargs["headers"]["Idempotency-Key"] == "opt"

    def test_per_call_timeout_and_retry_off(self) -> None:
        """A per-call timeout goes to httpx's timeout argument; retry=None disables retries for the call."""
        from runtime import RETRY_DISABLED, RequestOptions, apply_request_options

        kwargs = apply_request_options(
            {}, operation_id="op", options=RequestOptions(timeout=2.5, retry=None), sends_idempotency_key=False
        )
        assert kwargs["timeout"].read == 2.5
        assert kwargs["extensions"]["sdk.retry"] is RETRY_DISABLED


@pytest.mark.parametrize(("deadline_s", "carried"), [(UNSET, False), (None, True), (2.5, True)])
def test_per_call_deadline_travels_as_an_extension(deadline_s: float | Unset | None, carried: bool) -> None:
    """RequestOptions(deadline_s=...) puts the call's deadline (None: none) under sdk.deadline_s; UNSET keeps
    the client's."""
    kwargs = apply_request_options(
        {}, operation_id="op", options=RequestOptions(deadline_s=deadline_s), sends_idempotency_key=False
    )
    assert ("sdk.deadline_s" in kwargs["extensions"]) is carried
    if carried:
        assert kwargs["extensions"]["sdk.deadline_s"] == deadline_s


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"headers": None}, "headers must be a mapping of str to str, not NoneType"),
        ({"retry": 3}, r"retry must be a RetryPolicy, None or UNSET, not int \(3\)"),
    ],
)
def test_wrong_option_types_are_type_errors_naming_the_option(kwargs: dict[str, object], message: str) -> None:
    """`headers=None` and `retry=3` raise TypeError naming the option, instead of an AttributeError or nothing."""
    with pytest.raises(TypeError, match=message):
        RequestOptions(**kwargs)  # type: ignore[arg-type]


def test_request_options_that_are_not_request_options_are_a_type_error() -> None:
    """A dict passed as request_options is a TypeError naming it (it used to fail as an AttributeError)."""
    with pytest.raises(TypeError, match="request_options must be a RequestOptions or None, not dict"):
        apply_request_options(
            {},
            operation_id="op",
            options={"timeout": 1},
            sends_idempotency_key=False,  # type: ignore[arg-type]
        )


def test_merge_options_lets_the_call_win_field_by_field() -> None:
    """A derived client's options (with_options) fill what the call leaves UNSET; headers merge, the call's win."""
    from runtime import merge_options

    client = RequestOptions(timeout=5.0, retry=None, headers={"X-Trace": "client", "X-App": "a"})
    call = RequestOptions(timeout=1.0, headers={"X-Trace": "call"})
    merged = merge_options(client, call)
    assert merged is not None
    assert (merged.timeout, merged.retry) == (1.0, None)
    assert dict(merged.headers) == {"X-Trace": "call", "X-App": "a"}
    assert merge_options(None, call) is call and merge_options(client, None) is client
    with pytest.raises(TypeError, match="request_options must be a RequestOptions or None, not dict"):
        merge_options(client, {"timeout": 1})  # type: ignore[arg-type]

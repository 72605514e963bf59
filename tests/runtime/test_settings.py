"""load_settings: precedence explicit > env > TOML > defaults, and errors that name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime import (
    UNSET,
    CircuitBreaker,
    ClientSettings,
    ConfigurationError,
    RetryPolicy,
    Secret,
    Timeouts,
    load_settings,
)
from runtime.core._defaults import DEFAULT_DEADLINE_S, DEFAULT_MAX_RESPONSE_BYTES

TOKEN = "tok-super-secret"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sdk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def toml_file(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        '[myrvm]\nbase_url = "https://toml.example.com"\ntimeout_s = 11\nuser_agent = "from-toml"\ncache = true\n',
    )


def test_precedence_explicit_env_toml_defaults(toml_file: Path) -> None:
    """Each setting comes from the highest layer that gives it: explicit > env > TOML > defaults."""
    defaults = ClientSettings(base_url="https://default.example.com", user_agent="default-ua", client_id="dflt")
    env = {"MYRVM_BASE_URL": "https://env.example.com", "MYRVM_TIMEOUT_S": "22"}
    settings = load_settings(
        "MYRVM",
        {"base_url": "https://explicit.example.com"},
        toml_path=toml_file,
        environ=env,
        defaults=defaults,
    )
    assert settings.base_url == "https://explicit.example.com"  # explicit beats env
    assert settings.timeouts == Timeouts.uniform(22)  # env beats TOML
    assert settings.user_agent == "from-toml"  # TOML beats defaults
    assert settings.cache is True
    assert settings.client_id == "dflt"  # defaults fill the rest
    assert settings.retry == RetryPolicy()  # and the runtime defaults under them


def test_config_file_named_by_the_environment(toml_file: Path) -> None:
    """Without toml_path, <PREFIX>_CONFIG_FILE names the TOML file."""
    settings = load_settings("MYRVM", {}, environ={"MYRVM_CONFIG_FILE": str(toml_file)})
    assert settings.base_url == "https://toml.example.com"


def test_top_level_keys_when_there_is_no_prefix_table(tmp_path: Path) -> None:
    """A file without a [<prefix>] table is read from its top-level keys, tables included."""
    path = write(
        tmp_path,
        'base_url = "https://top.example.com"\nlog_level = "debug"\n'
        '[headers]\nX-Tenant = "t1"\n[credentials]\npassword = "hunter2"\n',
    )
    settings = load_settings("MYRVM", {}, toml_path=path, environ={})
    assert settings.base_url == "https://top.example.com"
    assert settings.log_level == "DEBUG"
    assert dict(settings.headers) == {"X-Tenant": "t1"}
    assert settings.credentials["password"] == Secret("hunter2")
    assert "hunter2" not in repr(settings)


def test_prefix_table_wins_and_other_tables_are_ignored(tmp_path: Path) -> None:
    """With a [<prefix>] table only that table is read, so the file may hold other tools' settings."""
    path = write(tmp_path, '[tool]\nwhatever = 1\n[myrvm]\nbase_url = "https://t.example.com"\n')
    assert load_settings("MYRVM", {}, toml_path=path, environ={}).base_url == "https://t.example.com"


def test_unknown_toml_key_is_named(tmp_path: Path) -> None:
    """A typo in the file is an error naming the key and the file."""
    path = write(tmp_path, '[myrvm]\nbase_url = "https://t.example.com"\ntimeout_ms = 3\n')
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {}, toml_path=path, environ={})
    assert caught.value.setting == "timeout_ms"
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("text", [None, "not = [valid"])
def test_missing_or_broken_config_file(tmp_path: Path, text: str | None) -> None:
    """A named config file that is missing or not TOML is a ConfigurationError."""
    path = tmp_path / "sdk.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example"}, toml_path=path, environ={})
    assert caught.value.setting == "config_file"


def test_malformed_env_value_names_setting_and_origin() -> None:
    """A bad value names the variable, shows the (non-secret) value and says where it came from."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example"}, environ={"MYRVM_TIMEOUT_S": "abc"})
    assert str(caught.value) == "MYRVM_TIMEOUT_S='abc' from the environment is not a number of seconds"
    assert caught.value.setting == "timeout_s"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"MYRVM_BASE_URL": "ftp://x.example"}, "base_url"),
        ({"MYRVM_MAX_RETRIES": "-1"}, "max_retries"),
        ({"MYRVM_MAX_RETRIES": "two"}, "max_retries"),
        ({"MYRVM_LOG": "loud"}, "log_level"),
        ({"MYRVM_CACHE": "maybe"}, "cache"),
        ({"MYRVM_VERIFY": "/no/such/ca.pem"}, "verify"),
        ({"MYRVM_TIMEOUT_S": "0"}, "timeout_s"),
        ({"MYRVM_DEADLINE_S": "0"}, "deadline_s"),
        ({"MYRVM_DEADLINE_S": "soon"}, "deadline_s"),
        ({"MYRVM_MAX_RESPONSE_BYTES": "1.5"}, "max_response_bytes"),
        ({"MYRVM_MAX_RESPONSE_BYTES": "-1"}, "max_response_bytes"),
    ],
)
def test_malformed_values_name_the_setting(env: dict[str, str], setting: str) -> None:
    """Every malformed value raises ConfigurationError naming its setting."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example"} if "MYRVM_BASE_URL" not in env else {}, environ=env)
    assert caught.value.setting == setting


def test_secret_values_are_never_shown() -> None:
    """A malformed secret is reported without its value; a loaded token never shows in repr."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example", "api_token": 12345}, environ={})
    assert "12345" not in str(caught.value)
    assert caught.value.setting == "api_token"
    settings = load_settings(
        "MYRVM",
        {"headers": {"X-Api-Key": TOKEN}},
        environ={
            "MYRVM_BASE_URL": "https://x.example",
            "MYRVM_API_TOKEN": TOKEN,
            "MYRVM_CLIENT_SECRET": TOKEN,
        },
    )
    assert settings.api_token == Secret(TOKEN)
    assert settings.client_secret is not None and settings.client_secret.reveal() == TOKEN
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


def test_missing_base_url_says_how_to_set_it() -> None:
    """Without a base_url anywhere, the error names the setting and every way to give it."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {}, environ={})
    assert caught.value.setting == "base_url"
    assert "MYRVM_BASE_URL" in str(caught.value)


def test_max_retries_adjusts_the_policy_below_it() -> None:
    """MAX_RETRIES=n keeps the lower layer's policy with max_attempts n+1; 0 switches retries off."""
    defaults = ClientSettings(base_url="https://x.example", retry=RetryPolicy(initial_delay_s=0.1))
    settings = load_settings("MYRVM", {}, environ={"MYRVM_MAX_RETRIES": "4"}, defaults=defaults)
    assert settings.retry == RetryPolicy(initial_delay_s=0.1, max_attempts=5)
    assert load_settings("MYRVM", {}, environ={"MYRVM_MAX_RETRIES": "0"}, defaults=defaults).retry is None


def test_explicit_unset_is_skipped_and_none_disables() -> None:
    """UNSET means not given (the env applies); None switches retry/circuit/log off."""
    env = {"MYRVM_BASE_URL": "https://env.example", "MYRVM_LOG": "info"}
    settings = load_settings(
        "MYRVM", {"base_url": UNSET, "retry": None, "circuit": None, "log_level": None}, environ=env
    )
    assert settings.base_url == "https://env.example"
    assert settings.retry is None
    assert settings.circuit is None
    assert settings.log_level is None


def test_explicit_value_objects() -> None:
    """Explicit args may carry the value objects themselves."""
    breaker = CircuitBreaker(failure_threshold=10, recovery_timeout_s=300)
    settings = load_settings(
        "MYRVM",
        {
            "base_url": "https://x.example",
            "circuit": breaker,
            "timeouts": Timeouts(read_s=60),
            "verify": False,
        },
        environ={"MYRVM_TIMEOUT_S": "5"},
    )
    assert settings.circuit is breaker
    assert settings.timeouts == Timeouts(read_s=60)
    assert settings.verify is False


@pytest.mark.parametrize(
    ("explicit", "setting"),
    [
        ({"base_url": "https://x.example", "timeout_ms": 3}, "timeout_ms"),
        ({"base_url": "https://x.example", "timeouts": Timeouts(), "timeout_s": 3}, "timeouts"),
        ({"base_url": "https://x.example", "circuit": "on"}, "circuit"),
    ],
)
def test_bad_explicit_arguments(explicit: dict[str, object], setting: str) -> None:
    """Unknown keys, conflicting pairs and wrong types are named."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", explicit, environ={})
    assert caught.value.setting == setting


@pytest.mark.parametrize(("word", "expected"), [("true", True), ("0", False), ("off", False)])
def test_verify_and_cache_words(tmp_path: Path, word: str, expected: bool) -> None:
    """Flags accept true/false/1/0/yes/no/on/off; verify also accepts an existing CA path."""
    env = {"MYRVM_BASE_URL": "https://x.example", "MYRVM_VERIFY": word, "MYRVM_CACHE": word}
    settings = load_settings("MYRVM", {}, environ=env)
    assert settings.verify is expected
    assert settings.cache is expected
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    assert load_settings("MYRVM", {"verify": str(bundle)}, environ=env).verify == str(bundle)


def test_empty_environment_variables_count_as_unset() -> None:
    """MYRVM_API_TOKEN='' does not clear a lower layer nor fail."""
    defaults = ClientSettings(base_url="https://x.example", api_token=Secret("t"))
    assert load_settings("MYRVM", {}, environ={"MYRVM_API_TOKEN": ""}, defaults=defaults).api_token == Secret("t")


def test_bad_prefix_and_bad_base_url_in_value_object() -> None:
    """The prefix must be upper-case; ClientSettings itself validates base_url."""
    with pytest.raises(ConfigurationError):
        load_settings("my-rvm", {}, environ={})
    with pytest.raises(ValueError):
        ClientSettings(base_url="api.example.com")


@pytest.mark.parametrize(("word", "expected"), [("debug", "DEBUG"), ("Warning", "WARNING"), ("off", "OFF")])
def test_log_words(word: str, expected: str) -> None:
    """<PREFIX>_LOG takes a level name in any case, or off (the factory then silences the SDK logger)."""
    env = {"MYRVM_BASE_URL": "https://x.example", "MYRVM_LOG": word}
    assert load_settings("MYRVM", {}, environ=env).log_level == expected


@pytest.mark.parametrize(
    ("timeout", "connect_s", "read_s"),
    [(7, 7.0, 7.0), (2.5, 2.5, 2.5), ((5, 30), 5.0, 30.0), ([5, 30], 5.0, 30.0)],
)
def test_timeout_is_seconds_or_a_connect_read_pair(timeout: object, connect_s: float, read_s: float) -> None:
    """`timeout` takes seconds for every phase, or a (connect, read) pair that leaves write and pool at defaults."""
    settings = load_settings("MYRVM", {"base_url": "https://x.example", "timeout": timeout}, environ={})
    assert (settings.timeouts.connect_s, settings.timeouts.read_s) == (connect_s, read_s)
    if isinstance(timeout, tuple | list):
        assert settings.timeouts.write_s == Timeouts().write_s and settings.timeouts.pool_s == Timeouts().pool_s


@pytest.mark.parametrize("timeout", [(5,), (5, 30, 60), (0, 30), ("5", 30), (True, 3), -1, "soon"])
def test_malformed_timeout_names_the_setting(timeout: object) -> None:
    """A timeout that is neither seconds nor a (connect, read) pair of positive seconds names `timeout`."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example", "timeout": timeout}, environ={})
    assert caught.value.setting == "timeout"
    assert "(connect, read)" in str(caught.value) or "seconds" in str(caught.value)


def test_timeout_and_timeouts_together_are_refused() -> None:
    """Two ways of giving the same timeouts at once is an error naming both."""
    with pytest.raises(ConfigurationError, match="timeouts or timeout"):
        load_settings("MYRVM", {"base_url": "https://x.example", "timeout": 3, "timeouts": Timeouts()}, environ={})


def test_timeout_pair_and_api_version_come_from_the_config_file(tmp_path: Path) -> None:
    """A config file may give `timeout = [5, 30]` and `api_version = "1.0"`; the environment may give the version."""
    path = write(tmp_path, '[myrvm]\nbase_url = "https://t.example.com"\ntimeout = [5, 30]\napi_version = "1.0"\n')
    settings = load_settings("MYRVM", {}, toml_path=path, environ={})
    assert (settings.timeouts.connect_s, settings.timeouts.read_s, settings.api_version) == (5.0, 30.0, "1.0")
    from_env = load_settings("MYRVM", {"base_url": "https://x.example"}, environ={"MYRVM_API_VERSION": "1.1.0"})
    assert from_env.api_version == "1.1.0"


@pytest.mark.parametrize("version", ["latest", "v1", "1.x", 1.0])
def test_malformed_api_version_names_the_setting(version: object) -> None:
    """An api_version that is not dotted numbers in a string is refused, naming the setting."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example", "api_version": version}, environ={})
    assert caught.value.setting == "api_version"


def test_a_password_in_the_base_url_never_shows_in_repr_or_errors() -> None:
    """`https://user:pass@host`: repr(settings) shows the user info as REDACTED, and so does the error for a
    base URL that is refused (from the arguments or the environment)."""
    password = "pw-in-base-url-0042"
    settings = load_settings("MYRVM", {"base_url": f"https://ann:{password}@api.example.com/v1"}, environ={})
    assert settings.base_url == f"https://ann:{password}@api.example.com/v1"  # still used as given
    assert password not in repr(settings) and "https://REDACTED@api.example.com/v1" in repr(settings)
    for explicit, environ in (
        ({"base_url": f"ftp://ann:{password}@api.example.com"}, {}),
        ({}, {"MYRVM_BASE_URL": f"ftp://ann:{password}@api.example.com"}),
    ):
        with pytest.raises(ConfigurationError) as caught:
            load_settings("MYRVM", explicit, environ=environ)
        assert caught.value.setting == "base_url"
        assert password not in str(caught.value) and "ftp://REDACTED@api.example.com" in str(caught.value)


@pytest.mark.parametrize(
    ("env", "deadline_s", "max_response_bytes"),
    [
        ({}, DEFAULT_DEADLINE_S, DEFAULT_MAX_RESPONSE_BYTES),
        ({"MYRVM_DEADLINE_S": "2.5", "MYRVM_MAX_RESPONSE_BYTES": "1024"}, 2.5, 1024),
        ({"MYRVM_DEADLINE_S": "none", "MYRVM_MAX_RESPONSE_BYTES": "None"}, None, None),
    ],
)
def test_deadline_and_response_size_limit(
    env: dict[str, str], deadline_s: float | None, max_response_bytes: int | None
) -> None:
    """deadline_s and max_response_bytes default to _defaults.py, read the environment, and "none" switches
    either off."""
    settings = load_settings("MYRVM", {"base_url": "https://x.example"}, environ=env)
    assert (settings.deadline_s, settings.max_response_bytes) == (deadline_s, max_response_bytes)


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        ({}, {}, True),
        ({}, {"MYRVM_VALIDATE_RESPONSES": "false"}, False),
        ({"validate_responses": True}, {"MYRVM_VALIDATE_RESPONSES": "off"}, True),
        ({"validate_responses": False}, {}, False),
    ],
)
def test_validate_responses_is_on_unless_switched_off(
    explicit: dict[str, object], env: dict[str, str], expected: bool
) -> None:
    """Response validation is on by default; MYRVM_VALIDATE_RESPONSES or the argument (which wins) switch it."""
    settings = load_settings("MYRVM", {"base_url": "https://x.example", **explicit}, environ=env)
    assert settings.validate_responses is expected


def test_a_malformed_validate_responses_names_the_setting() -> None:
    """MYRVM_VALIDATE_RESPONSES=maybe raises ConfigurationError naming validate_responses."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings("MYRVM", {"base_url": "https://x.example"}, environ={"MYRVM_VALIDATE_RESPONSES": "maybe"})
    assert caught.value.setting == "validate_responses"

"""generator/registry.py: sdks.toml becomes SdkEntry values, and every mistake names its entry and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.registry import REGISTRY_FILE, ROOT, RegistryError, SdkEntry, load_registry, select

GOOD = {
    "spec": "openapi/myrvm.yaml",
    "distribution": "demo-sdk",
    "package": "demo_sdk",
    "client_class": "Demo",
    "env_prefix": "DEMO",
    "mock_port": 4020,
}


UNIQUE = {"distribution": "two-sdk", "package": "two_sdk", "mock_port": 4021}


def toml_value(value: object) -> str:
    return str(value) if isinstance(value, int) else f'"{value}"'


def write_registry(path: Path, entries: dict[str, dict[str, object]]) -> Path:
    lines = []
    for name, table in entries.items():
        lines.append(f"[sdk.{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in table.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def entry(name: str) -> SdkEntry:
    return SdkEntry(
        name=name,
        spec=ROOT / "openapi" / "myrvm.yaml",
        distribution=f"{name}-sdk",
        package=f"{name}_sdk",
        client_class=name.capitalize(),
        env_prefix=name.upper(),
        mock_port=4020,
    )


def test_the_repository_registry_loads() -> None:
    """generator/sdks.toml itself is valid, and every spec it names exists."""
    registry = load_registry()
    assert "myrvm" in registry
    for sdk in registry.values():
        assert sdk.spec.is_file()
        assert sdk.async_client_class == f"Async{sdk.client_class}"


def test_a_valid_registry_resolves_paths_from_the_repository_root(tmp_path: Path) -> None:
    """spec and examples are relative to the repository root; entries keep file order; examples is optional."""
    path = write_registry(
        tmp_path / "sdks.toml",
        {
            "zeta": GOOD,
            "alpha": {
                **GOOD,
                "package": "alpha_sdk",
                "distribution": "alpha-sdk",
                "mock_port": 4021,
                "examples": "openapi/examples/myrvm",
            },
        },
    )
    registry = load_registry(path)
    assert list(registry) == ["zeta", "alpha"]
    assert registry["zeta"] == SdkEntry(
        name="zeta",
        spec=ROOT / "openapi" / "myrvm.yaml",
        distribution="demo-sdk",
        package="demo_sdk",
        client_class="Demo",
        env_prefix="DEMO",
        mock_port=4020,
        examples=None,
    )
    assert registry["alpha"].examples == ROOT / "openapi" / "examples" / "myrvm"


@pytest.mark.parametrize("key", ["package", "distribution", "mock_port"])
def test_two_sdks_may_not_share_a_package_distribution_or_port(tmp_path: Path, key: str) -> None:
    """Two entries with the same package, distribution or mock port would overwrite each other: refused."""
    other = {**GOOD, "package": "other_sdk", "distribution": "other-sdk", "mock_port": 4099, key: GOOD[key]}
    path = write_registry(tmp_path / "sdks.toml", {"one": GOOD, "two": other})
    with pytest.raises(RegistryError, match=f"share the {key}"):
        load_registry(path)


def test_select_returns_the_named_entries_or_all() -> None:
    """No names selects every entry in registry order; names select those entries in the order given."""
    registry = {"one": entry("one"), "two": entry("two")}
    assert select([], registry) == [registry["one"], registry["two"]]
    assert select(["two", "one"], registry) == [registry["two"], registry["one"]]


def test_select_unknown_name_lists_the_known_ones() -> None:
    """An unknown SDK name is a RegistryError naming it and listing every known SDK."""
    registry = {"one": entry("one"), "two": entry("two")}
    with pytest.raises(RegistryError) as caught:
        select(["one", "three"], registry)
    message = str(caught.value)
    assert "unknown SDK three" in message
    assert "known SDKs are one, two" in message


def test_select_from_an_empty_registry_says_none_are_known() -> None:
    """With no entries at all, the error says so instead of listing nothing."""
    with pytest.raises(RegistryError, match="known SDKs are none"):
        select(["any"], {})


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"spec": None}, "spec"),
        ({"distribution": None}, "distribution"),
        ({"package": None}, "package"),
        ({"client_class": None}, "client_class"),
        ({"env_prefix": None}, "env_prefix"),
        ({"mock_port": None}, "mock_port"),
        ({"package": "Demo-SDK"}, "package"),
        ({"package": "demo-sdk"}, "package"),
        ({"distribution": "Demo_SDK"}, "distribution"),
        ({"client_class": "demo"}, "client_class"),
        ({"env_prefix": "demo"}, "env_prefix"),
        ({"package": ""}, "package"),
        ({"mock_port": 80}, "mock_port"),
        ({"mock_port": 70000}, "mock_port"),
        ({"mock_port": "4010"}, "mock_port"),
        ({"spec": "openapi/does-not-exist.yaml"}, "spec"),
        ({"http": "requests"}, "http"),
        ({"http": "HTTPX"}, "http"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else str(value),
)
def test_bad_entry_names_the_entry_and_key(tmp_path: Path, changes: dict[str, object], key: str) -> None:
    """A missing key, a malformed name, a port outside 1024-65535 or a missing spec is a RegistryError."""
    table = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    path = write_registry(tmp_path / "sdks.toml", {"fine": GOOD, "demo": table})
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert "[sdk.demo]" in message
    assert key in message
    if changes.get(key) and key != "mock_port":  # the port message gives the allowed range instead
        assert str(changes[key]) in message


def test_the_http_library_defaults_to_httpx_and_may_be_httpx2(tmp_path: Path) -> None:
    """`http` names the SDK's HTTP library: httpx unless the entry says httpx2."""
    path = write_registry(tmp_path / "sdks.toml", {"plain": GOOD, "two": {**GOOD, **UNIQUE, "http": "httpx2"}})
    entries = load_registry(path)
    assert (entries["plain"].http, entries["two"].http) == ("httpx", "httpx2")


def test_a_wrong_http_library_names_the_setting_and_the_choices(tmp_path: Path) -> None:
    """The error says which setting is wrong and what it may be."""
    path = write_registry(tmp_path / "sdks.toml", {"demo": {**GOOD, "http": "aiohttp"}})
    with pytest.raises(RegistryError, match=r"\[sdk\.demo\] http='aiohttp' must be \"httpx\" or \"httpx2\""):
        load_registry(path)


# --- Registry bugs found by these tests (fixed; kept as regression tests) ---


def test_missing_absolute_spec_is_a_registry_error(tmp_path: Path) -> None:
    """A spec given as an absolute path that does not exist is a RegistryError like a relative one."""
    path = write_registry(tmp_path / "sdks.toml", {"demo": {**GOOD, "spec": str(tmp_path / "gone.yaml")}})
    with pytest.raises(RegistryError, match=r"\[sdk\.demo\] spec .*gone\.yaml does not exist"):
        load_registry(path)


def test_error_names_the_file_that_was_loaded(tmp_path: Path) -> None:
    """load_registry(path) errors name `path`, so a second registry file is not mistaken for sdks.toml."""
    path = write_registry(tmp_path / "staging.toml", {"demo": {**GOOD, "mock_port": 1}})
    assert path.name != REGISTRY_FILE.name
    with pytest.raises(RegistryError, match=r"staging\.toml"):
        load_registry(path)


def test_an_entry_named_for_a_spec_outside_the_registry_derives_its_names() -> None:
    """SdkEntry.named("pet_store", spec): pet-store-sdk, pet_store_sdk, PetStore, PET_STORE; any field may be set."""
    entry = SdkEntry.named("pet_store", ROOT / "openapi" / "myrvm.yaml", mock_port=4321)
    assert (entry.distribution, entry.package, entry.client_class, entry.env_prefix, entry.mock_port) == (
        "pet-store-sdk",
        "pet_store_sdk",
        "PetStore",
        "PET_STORE",
        4321,
    )

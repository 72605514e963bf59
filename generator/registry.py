"""The list of SDKs to generate, read from generator/sdks.toml into value objects."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_FILE = ROOT / "generator" / "sdks.toml"

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_DISTRIBUTION = re.compile(r"^[a-z][a-z0-9-]*$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]*$")


class RegistryError(Exception):
    """generator/sdks.toml names something that cannot work; the message says which entry and key."""


@attrs.frozen(kw_only=True)
class SdkEntry:
    """One SDK to generate: where its spec is and what its package is called."""

    name: str
    spec: Path
    distribution: str
    package: str
    client_class: str
    env_prefix: str
    mock_port: int
    examples: Path | None = None

    @property
    def async_client_class(self) -> str:
        return f"Async{self.client_class}"


def _field(name: str, table: dict[str, object], key: str, pattern: re.Pattern[str] | None = None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise RegistryError(f"{REGISTRY_FILE.name}: [sdk.{name}] needs a string '{key}'")
    if pattern is not None and not pattern.match(value):
        raise RegistryError(f"{REGISTRY_FILE.name}: [sdk.{name}] {key}={value!r} must match {pattern.pattern}")
    return value


def _entry(name: str, table: dict[str, object]) -> SdkEntry:
    spec = ROOT / _field(name, table, "spec")
    if not spec.is_file():
        raise RegistryError(f"{REGISTRY_FILE.name}: [sdk.{name}] spec {spec.relative_to(ROOT)} does not exist")
    port = table.get("mock_port")
    if not isinstance(port, int) or not 1024 <= port <= 65535:
        raise RegistryError(f"{REGISTRY_FILE.name}: [sdk.{name}] mock_port must be an integer 1024-65535")
    examples = table.get("examples")
    return SdkEntry(
        name=name,
        spec=spec,
        distribution=_field(name, table, "distribution", _DISTRIBUTION),
        package=_field(name, table, "package", _IDENTIFIER),
        client_class=_field(name, table, "client_class", _CLASS),
        env_prefix=_field(name, table, "env_prefix", _PREFIX),
        mock_port=port,
        examples=ROOT / examples if isinstance(examples, str) else None,
    )


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, SdkEntry]:
    """Every SDK entry, by name, in file order."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    tables = data.get("sdk", {})
    return {name: _entry(name, table) for name, table in tables.items()}


def select(names: list[str], registry: dict[str, SdkEntry]) -> list[SdkEntry]:
    """The entries named (all when none are); an unknown name is an error listing the known ones."""
    if not names:
        return list(registry.values())
    unknown = [name for name in names if name not in registry]
    if unknown:
        known = ", ".join(registry) or "none"
        raise RegistryError(f"unknown SDK {', '.join(unknown)}: known SDKs are {known} (see generator/sdks.toml)")
    return [registry[name] for name in names]


if __name__ == "__main__":
    # `python -m generator.registry`: the generated package folders, for tools that take paths (mypy).
    for sdk in load_registry().values():
        print(f"sdk/{sdk.name}/{sdk.package}")

"""The list of SDKs to generate, read from generator/sdks.toml into value objects."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_FILE = ROOT / "generator" / "sdks.toml"

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_DISTRIBUTION = re.compile(r"^[a-z][a-z0-9-]*$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]*$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


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
    version: str | None = None  # the SDK's own semantic version; None: the spec's info.version (see release.py)
    # Hand-written modules of this API's own shape (openapi/modules/<name>/*.py), copied into the package.
    modules: Path | None = None
    asyncapi: Path | None = None  # the real-time events document, if the API has one
    other_versions: tuple[tuple[Path, int], ...] = ()  # older API versions' specs, each mocked on its port
    # JSON pointers (`#/paths/~1x/get`) of operations the spec author accepts to leave out; printed by every build.
    skip: tuple[str, ...] = ()

    @classmethod
    def named(cls, name: str, spec: Path, **settings: Any) -> SdkEntry:
        """An entry whose names all follow from `name` (`widget`: widget-sdk, widget_sdk, Widget, WIDGET), for
        building a spec outside sdks.toml (tests, the corpus); `settings` sets any other field."""
        defaults: dict[str, Any] = {
            "distribution": f"{name.replace('_', '-')}-sdk",
            "package": f"{name}_sdk",
            "client_class": "".join(part.capitalize() for part in name.split("_")),
            "env_prefix": name.upper(),
            "mock_port": 4099,
        }
        return cls(name=name, spec=spec, **{**defaults, **settings})

    @property
    def async_client_class(self) -> str:
        return f"Async{self.client_class}"


def _field(where: str, name: str, table: dict[str, object], key: str, pattern: re.Pattern[str] | None = None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise RegistryError(f"{where}: [sdk.{name}] needs a string '{key}'")
    if pattern is not None and not pattern.match(value):
        raise RegistryError(f"{where}: [sdk.{name}] {key}={value!r} must match {pattern.pattern}")
    return value


def _entry(where: str, name: str, table: object) -> SdkEntry:
    if not isinstance(table, dict):
        raise RegistryError(f"{where}: [sdk.{name}] must be a table of settings")
    if not _IDENTIFIER.match(name):
        raise RegistryError(f"{where}: [sdk.{name}] the name must match {_IDENTIFIER.pattern} (it names sdk/<name>/)")
    spec = ROOT / _field(where, name, table, "spec")
    if not spec.is_file():
        raise RegistryError(f"{where}: [sdk.{name}] spec {_field(where, name, table, 'spec')} does not exist")
    port = table.get("mock_port")
    if not isinstance(port, int) or not 1024 <= port <= 65535:
        raise RegistryError(f"{where}: [sdk.{name}] mock_port must be an integer 1024-65535")
    examples = table.get("examples")
    if isinstance(examples, str) and not (ROOT / examples).is_dir():
        raise RegistryError(f"{where}: [sdk.{name}] examples folder {examples} does not exist")
    sdk_version = table.get("version")
    if sdk_version is not None and not (isinstance(sdk_version, str) and _SEMVER.match(sdk_version)):
        raise RegistryError(f"{where}: [sdk.{name}] version={sdk_version!r} must be a semantic version like 1.4.0")
    modules = table.get("modules")
    if isinstance(modules, str) and not (ROOT / modules).is_dir():
        raise RegistryError(f"{where}: [sdk.{name}] modules folder {modules} does not exist")
    asyncapi = table.get("asyncapi")
    if isinstance(asyncapi, str) and not (ROOT / asyncapi).is_file():
        raise RegistryError(f"{where}: [sdk.{name}] asyncapi {asyncapi} does not exist")
    versions = table.get("other_versions", [])
    if not isinstance(versions, list) or not all(
        isinstance(v, dict) and isinstance(v.get("spec"), str) and isinstance(v.get("mock_port"), int) for v in versions
    ):
        raise RegistryError(f"{where}: [sdk.{name}] other_versions must be a list of {{spec, mock_port}} tables")
    for version in versions:
        if not (ROOT / version["spec"]).is_file():
            raise RegistryError(f"{where}: [sdk.{name}] other_versions spec {version['spec']} does not exist")
    skip = table.get("skip", [])
    if not isinstance(skip, list) or not all(isinstance(p, str) and p.startswith("#/paths/") for p in skip):
        raise RegistryError(f"{where}: [sdk.{name}] skip must be a list of JSON pointers like '#/paths/~1items/get'")
    return SdkEntry(
        skip=tuple(skip),
        other_versions=tuple((ROOT / v["spec"], int(v["mock_port"])) for v in versions),
        name=name,
        spec=spec,
        distribution=_field(where, name, table, "distribution", _DISTRIBUTION),
        package=_field(where, name, table, "package", _IDENTIFIER),
        client_class=_field(where, name, table, "client_class", _CLASS),
        env_prefix=_field(where, name, table, "env_prefix", _PREFIX),
        mock_port=port,
        examples=ROOT / examples if isinstance(examples, str) else None,
        modules=ROOT / modules if isinstance(modules, str) else None,
        version=sdk_version,
        asyncapi=ROOT / asyncapi if isinstance(asyncapi, str) else None,
    )


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, SdkEntry]:
    """Every SDK entry, by name, in file order."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"{path.name}: cannot be read as TOML: {exc}") from None
    tables = data.get("sdk", {})
    if not isinstance(tables, dict):
        raise RegistryError(f"{path.name}: [sdk] must hold one table per SDK")
    entries = {name: _entry(path.name, name, table) for name, table in tables.items()}
    for key in ("package", "distribution", "mock_port"):
        values = [getattr(entry, key) for entry in entries.values()]
        if key == "mock_port":
            values += [port for entry in entries.values() for _, port in entry.other_versions]
        clashes = sorted({str(v) for v in values if values.count(v) > 1})
        if clashes:
            raise RegistryError(f"{path.name}: two SDKs share the {key} {', '.join(clashes)}")
    return entries


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

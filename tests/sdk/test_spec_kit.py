"""The shared spec kit over every SDK in generator/sdks.toml: what the SDKs' table tests rely on holds for each."""

from __future__ import annotations

import pytest

from generator.registry import load_registry
from tests.support.spec_kit import SpecKit, spec_kits

KITS = [(name, kit) for name in load_registry() for kit in spec_kits(name)]


@pytest.mark.parametrize(("name", "kit"), KITS, ids=[f"{name}:{kit.path.name}" for name, kit in KITS])
def test_every_documented_error_has_an_example_body(name: str, kit: SpecKit) -> None:
    """Each 4xx/5xx the spec documents carries an example: the typed-error tests compare the SDK's error to it."""
    assert kit.documented_errors(), f"{name} documents no error"
    for operation_id, status in kit.documented_errors():
        assert kit.documented_error(operation_id, status).body is not None, (operation_id, status)


@pytest.mark.parametrize(("name", "kit"), KITS, ids=[f"{name}:{kit.path.name}" for name, kit in KITS])
def test_every_operation_is_named_once_and_documents_a_success(name: str, kit: SpecKit) -> None:
    """Operation ids are unique (the kit looks operations up by id) and each has a 2xx for the success tests."""
    ids = kit.operation_ids()
    assert len(ids) == len(set(ids)), name
    for operation_id in ids:
        status, _ = kit.success(operation_id)
        assert 200 <= status < 300, operation_id


def test_a_spec_of_another_version_is_its_own_kit() -> None:
    """`spec_kits` gives the entry's spec first, then each `other_versions` spec, each parsed once."""
    current, *older = spec_kits("cloudconnexa")
    assert current.path == load_registry()["cloudconnexa"].spec
    assert [kit.path for kit in older] == [spec for spec, _ in load_registry()["cloudconnexa"].other_versions]
    assert spec_kits("cloudconnexa")[0] is current

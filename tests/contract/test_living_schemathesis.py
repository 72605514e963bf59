"""Schemathesis against the living (stateful) mock of every API: it survives, and every answer passes.

Prism sits between schemathesis and the state store, so an answer that broke the spec would come back
as a 500 (`not_a_server_error` fails) and be marked in the journal; neither may happen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.registry import load_registry
from tests.conftest import LivingFactory, served_specs
from tests.contract.run import ContractRun, run

pytestmark = pytest.mark.prism


# Every spec of openapi/ that `make mock` serves with state, older API versions (cloudconnexa-v1.0) too;
# the benchmark's fixture API in tests/bench has no examples to seed state from.
SERVED = {name: spec for name, spec in served_specs().items() if spec.parent.name == "openapi"}


def test_every_api_version_is_fuzzed() -> None:
    """Each SDK's spec and each of its other_versions is in the run (a version added later is not forgotten)."""
    versions = [spec for entry in load_registry().values() for spec, _ in entry.other_versions]
    assert versions and all(spec in SERVED.values() for spec in versions)
    assert {"myrvm", "xoohoox", "cloudconnexa", "cloudconnexa-v1.0", "tiktrue"} <= set(SERVED)


@pytest.mark.parametrize("name", sorted(SERVED))
def test_the_living_mock_survives_fuzzing_and_its_answers_pass(living_mock: LivingFactory, name: str) -> None:
    """All mock-applicable checks, stateful phase included, pass against the living mock; no mock bug logged."""
    mock = living_mock(name)
    spec = SERVED[name]
    config = Path(__file__).with_name("living.schemathesis.toml")
    result = run(
        ContractRun(
            spec=spec,
            url=mock.url,
            mock=True,
            max_examples=5,
            phases="examples,coverage,fuzzing,stateful",
            config_file=config,
        )
    )
    assert result.exit_code == 0, result.output[-6000:]
    bugs = [entry for entry in mock.control("requests") if entry.get("mock_bug")]
    assert mock.http.mock_bugs == 0, bugs[:5]
    assert mock.alive(), "the living mock died under fuzzing"

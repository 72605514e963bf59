"""Schemathesis over the whole MyRVM spec against Prism, with response conformance checks on.

The same run, with every check on, is what `make contract URL=...` points at a real server.
"""

from __future__ import annotations

import pytest

from generator.registry import load_registry
from generator.spec_walk import load, operations
from mock.prism import PrismServer
from tests.contract.run import MOCK_EXCLUDED_CHECKS, ContractRun, run

pytestmark = pytest.mark.prism

SPEC = load_registry()["myrvm"].spec


def spec_operations() -> set[str]:
    return {operation.key for operation in operations(load(SPEC))}


def test_every_operation_conforms_under_fuzzing(myrvm_mock: PrismServer) -> None:
    """Schemathesis exercises every operation with the conformance checks on, finds nothing, and Prism lives."""
    result = run(ContractRun(spec=SPEC, url=myrvm_mock.url, mock=True, max_examples=15))
    assert result.exit_code == 0, result.output[-6000:]
    missing = spec_operations() - set(result.cases_per_operation)
    assert not missing, f"schemathesis did not exercise: {sorted(missing)}"
    assert all(count > 0 for count in result.cases_per_operation.values())
    for check in (
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "not_a_server_error",
    ):
        assert check in result.checks_seen, f"{check} did not run"
    assert myrvm_mock.alive(), "the mock died under fuzzing"
    print("\n".join(f"{count:5d} cases  {op}" for op, count in result.cases_per_operation.items()))
    print("checks:", ", ".join(result.checks_seen))


def test_mock_only_exclusions_are_explained() -> None:
    """Every check switched off for the mock carries its reason, and the real-server run switches none off."""
    assert all(len(reason) > 40 for reason in MOCK_EXCLUDED_CHECKS.values())
    real = ContractRun(spec=SPEC, url="https://api.example.invalid", mock=False)
    assert real.excluded_checks() == {}
    assert "--exclude-checks" not in real.command()


def test_mock_run_excludes_the_documented_checks_and_sends_a_token() -> None:
    """Against the mock, exactly MOCK_EXCLUDED_CHECKS are off and a bearer token Prism accepts is sent."""
    command = ContractRun(spec=SPEC, url="http://127.0.0.1:4010", mock=True).command()
    assert command[command.index("--exclude-checks") + 1] == ",".join(sorted(MOCK_EXCLUDED_CHECKS))
    assert command[command.index("--header") + 1] == "Authorization: Bearer mock-token"

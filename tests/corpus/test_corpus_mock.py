"""The hardened Prism (mock/prism.py) over corpus specs: it starts, survives a call per operation, answers each.

A few specs of each kind (Swagger 2.0, OpenAPI 3.0, 3.1, a 640 KB real API) keep the run short;
`python -m tests.corpus.corpus_mock [--large]` prints the table for the whole corpus.
"""

from __future__ import annotations

import pytest

from tests.corpus.corpus import SPECS
from tests.corpus.corpus_mock import run_one, table

pytestmark = [pytest.mark.corpus, pytest.mark.prism]

CHOSEN = ("2.0/petstore", "3.0/star-trek", "3.1/train-travel", "adyen.com/ManagementService")


@pytest.mark.parametrize("name", CHOSEN)
def test_prism_starts_and_answers_every_operation_without_failing(name: str) -> None:
    """No operation gets a 5xx from Prism itself or no answer, and Prism is alive after the last call."""
    [spec] = [s for s in SPECS if s.name == name]
    outcome = run_one(spec, ready_timeout_s=120)
    print("\n" + table([outcome]))
    assert outcome.failure is None, outcome.failure
    assert outcome.answered == outcome.operations, outcome.answers

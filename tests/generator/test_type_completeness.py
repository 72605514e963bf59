"""type_completeness: what keeps pyright's --verifytypes report of an SDK from 100 % (make lint fails on it)."""

from __future__ import annotations

from typing import Any

from generator.type_completeness import problems


def _report(score: float, *symbols: dict[str, Any]) -> dict[str, Any]:
    return {"typeCompleteness": {"completenessScore": score, "symbols": list(symbols)}}


def _symbol(name: str, *messages: tuple[str, str]) -> dict[str, Any]:
    return {"name": name, "diagnostics": [{"severity": severity, "message": text} for severity, text in messages]}


def test_a_complete_report_has_no_problems() -> None:
    """Score 1 and no error on any symbol (a warning, such as a missing docstring, does not count)."""
    report = _report(1.0, _symbol("pkg.Client"), _symbol("pkg.f", ("warning", "No docstring found")))
    assert problems(report) == []


def test_an_error_on_a_referenced_symbol_counts_even_at_full_score() -> None:
    """An ambiguous attribute reached only through an exported class leaves the score at 100 % but is named."""
    ambiguous = _symbol(
        "pkg._resources.ThingsWithRawResponse.get",
        ("error", "Type is missing type annotation and could be inferred differently\n    Inferred type is ..."),
    )
    assert problems(_report(1.0, ambiguous)) == [
        "pkg._resources.ThingsWithRawResponse.get: Type is missing type annotation and could be inferred differently"
    ]


def test_a_low_score_without_named_symbols_is_still_a_problem() -> None:
    """A score below 1 with no symbol error (or no report at all) fails rather than passing silently."""
    assert problems(_report(0.989)) == ["completeness score 98.9% (no symbol named; run pyright --verifytypes by hand)"]
    assert problems({}) == ["completeness score 0.0% (no symbol named; run pyright --verifytypes by hand)"]

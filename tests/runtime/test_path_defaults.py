"""PathDefaults: a value given once to the client fills a bound path parameter; a call's own value wins."""

from __future__ import annotations

import pytest
from runtime import ConfigurationError, PathDefaults


def test_the_calls_value_wins_over_the_bound_one() -> None:
    """resolve() answers the call's value when there is one, else the client's."""
    defaults = PathDefaults({"rvm_id": "rvm-0042"})
    assert defaults.resolve("rvm_id", "rvm-0007", parameter="id", operation_id="getRvmConfig") == "rvm-0007"
    assert defaults.resolve("rvm_id", None, parameter="id", operation_id="getRvmConfig") == "rvm-0042"
    assert defaults.get("rvm_id") == "rvm-0042"


def test_nothing_bound_names_both_ways_to_give_it() -> None:
    """Without either value the error names the call's parameter, the client's argument and the setting."""
    with pytest.raises(ConfigurationError, match=r"getRvmConfig needs id: pass id=\.\.\. .* rvm_id=\.\.\.") as caught:
        PathDefaults({"rvm_id": None}).resolve("rvm_id", None, parameter="id", operation_id="getRvmConfig")
    assert caught.value.setting == "rvm_id"

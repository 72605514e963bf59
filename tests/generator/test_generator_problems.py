"""openapi-python-client's warning texts are read back into the JSON pointer of what it dropped."""

from __future__ import annotations

from generator.generator_problems import problem_pointer


def test_a_model_named_by_its_key_or_by_its_pointer_points_at_that_schema() -> None:
    """ "Unable to process schema X" names a key or (inline models) a pointer: either is one pointer, not nested."""
    assert problem_pointer("Unable to process schema Thing: bad", "") == "/components/schemas/Thing"
    header = "Unable to process schema /components/schemas/Outer: Attempted to generate duplicate models"
    assert problem_pointer(header, "") == "/components/schemas/Outer"

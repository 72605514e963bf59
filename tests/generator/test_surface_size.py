"""surface_size: generated lines per operation, models and the runtime left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.surface_size import main, measure


def _write(path: Path, lines: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n" * lines, encoding="utf-8")


def test_models_runtime_and_hand_written_modules_are_not_counted(tmp_path: Path) -> None:
    """Every .py file counts except those under models/ (any depth) and _runtime/, bodies.py (the models as
    TypedDicts) and the API's hand-written modules; operations are api/<tag>/ modules."""
    package = tmp_path / "pkg"
    _write(package / "_resources.py", 100)
    _write(package / "api" / "pets" / "get_pet.py", 30)
    _write(package / "api" / "pets" / "list_pets.py", 50)
    _write(package / "api" / "pets" / "__init__.py", 2)
    _write(package / "models" / "pet.py", 1000)
    _write(package / "realtime" / "models" / "tick.py", 1000)
    _write(package / "_runtime" / "_retry.py", 1000)
    _write(package / "bodies.py", 1000)
    _write(package / "pets_client.py", 1000)
    _write(tmp_path / "hand" / "pets_client.py", 1000)
    size = measure("pets", package, tmp_path / "hand")
    assert (size.lines, size.operations, size.per_operation) == (182, 2, 91.0)


def test_the_command_prints_one_row_per_sdk(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m generator.surface_size myrvm` prints the header and MyRVM's row."""
    assert main(["myrvm"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("sdk") and out[1].split()[0] == "myrvm"

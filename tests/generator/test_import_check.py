"""A generated package whose module does not import is refused, naming the module and the operation's pointer."""

from __future__ import annotations

import textwrap
from pathlib import Path

import attrs
import jinja2
import pytest

from generator import build
from generator.build import BuildError, build_into
from generator.import_check import ImportCheck, broken_modules, describe, endpoint_pointers
from tests.generator.test_build import WIDGET_SPEC, widget_entry, write_spec


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_broken_endpoint_is_named_even_though_it_breaks_the_package_import(tmp_path: Path) -> None:
    """The facade imports every endpoint, so one NameError fails every import: the endpoint module is charged."""
    write(tmp_path / "pkg" / "__init__.py", "from ._resources import Things\n")
    write(tmp_path / "pkg" / "_resources.py", "from .api.things import add_thing, list_things\nThings = 1\n")
    write(tmp_path / "pkg" / "api" / "__init__.py", "")
    write(tmp_path / "pkg" / "api" / "things" / "__init__.py", "")
    write(tmp_path / "pkg" / "api" / "things" / "list_things.py", "X = 1\n")
    write(tmp_path / "pkg" / "api" / "things" / "add_thing.py", "def f(body: Unset) -> None: ...\n")
    broken = broken_modules(tmp_path, "pkg")
    assert broken == {"pkg.api.things.add_thing": "NameError: name 'Unset' is not defined"}
    pointers = endpoint_pointers("pkg", {"things": [("add_thing", "post", "/things/{id}")]})
    assert describe(broken, pointers, "spec.yaml") == [
        "spec.yaml#/paths/~1things~1{id}/post: [import] pkg.api.things.add_thing does not import: "
        "NameError: name 'Unset' is not defined"
    ]


def test_a_clean_package_has_no_broken_modules(tmp_path: Path) -> None:
    """Nothing to report when every module imports."""
    write(tmp_path / "pkg" / "__init__.py", "from .api import x\n")
    write(tmp_path / "pkg" / "api" / "__init__.py", "")
    write(tmp_path / "pkg" / "api" / "x.py", "X = 1\n")
    assert broken_modules(tmp_path, "pkg") == {}


def test_build_refuses_a_package_with_a_module_that_does_not_import(tmp_path: Path) -> None:
    """The build imports every module of what it generated and refuses, naming the spec and the module."""
    modules = tmp_path / "modules"
    write(modules / "extras.py", "from .models import NoSuchModel\n\nNAME = NoSuchModel.__name__\n")
    entry = attrs.evolve(widget_entry(write_spec(tmp_path, WIDGET_SPEC)), modules=modules)
    with pytest.raises(BuildError, match=r"^spec\.yaml: \[import\] widget_sdk\.extras does not import: ImportError"):
        build_into(entry, tmp_path / "out")


def test_the_check_reads_a_snapshot_so_the_build_may_rewrite_files_meanwhile(tmp_path: Path) -> None:
    """Started before ruff formats the files, the check sees the package as it was when it started."""
    write(tmp_path / "pkg" / "__init__.py", "from .api import x\n")
    write(tmp_path / "pkg" / "api" / "__init__.py", "")
    write(tmp_path / "pkg" / "api" / "x.py", "X = 1\n")
    with ImportCheck.start(tmp_path, "pkg") as check:
        write(tmp_path / "pkg" / "api" / "x.py", "X = (\n")  # a half-written file, as a rewrite in progress
        assert check.result() == {}
    assert "pkg.api.x" in broken_modules(tmp_path, "pkg")  # the same check on the files as they are now


def test_second_build_compiles_no_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled templates are cached under .tmp/jinja: a later build loads them instead of compiling (~1 s)."""
    monkeypatch.setattr(build, "TEMPLATE_CACHE", tmp_path / "jinja")
    entry = widget_entry(write_spec(tmp_path, WIDGET_SPEC))
    build_into(entry, tmp_path / "first")
    compiled: list[str | None] = []
    real_compile = jinja2.Environment.compile

    def counting_compile(self: jinja2.Environment, source: object, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return real_compile(self, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    build_into(entry, tmp_path / "second")
    assert [name for name in compiled if name and name.endswith(".py.jinja")] == []

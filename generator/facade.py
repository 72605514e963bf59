"""The runtime's lazy public facade (`_runtime/__init__.py`), written for the wings an SDK carries.

The source of truth is the `if TYPE_CHECKING:` block of `generator/runtime/__init__.py`: one `from .<wing>.<module>
import ...` per module, which is what mypy and pyright read. The rest of the file (the table `__getattr__`
imports from on first use, `__all__`) follows from that block, so it is rendered here rather than kept by hand:
`python -m generator.facade` rewrites the runtime's own facade (every wing) after a name is added, and the
build writes each SDK's from the same block with the absent wings' imports left out, so a slim SDK neither
offers nor type-checks a name it cannot import.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Collection, Sequence
from pathlib import Path

from generator.registry import ROOT

FACADE = ROOT / "generator" / "runtime" / "__init__.py"

_TEMPLATE = '''{docstring}

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
{imports}

_MODULES: dict[str, tuple[str, ...]] = {{
{modules}
}}
"""Submodule (relative to this package) -> the public names it defines; imported on first use of one."""

_MODULE_OF = {{name: module for module, names in _MODULES.items() for name in names}}

__all__ = [
{names}
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562), so `import` costs only what is used."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    value = getattr(importlib.import_module(f"{{__name__}}.{{module}}"), name)
    globals()[name] = value  # later lookups find it directly
    return value


def __dir__() -> list[str]:
    return sorted({{*globals(), *__all__}})


class _Facade(types.ModuleType):
    """This package, keeping a public name when a wing of the same name is imported.

    Python binds a sub-package as an attribute of its parent when it is first imported: importing the
    `download` wing would hide the `download()` function behind the module, for good, whichever came first.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _MODULE_OF and isinstance(value, types.ModuleType):
            return  # the wing stays reachable in sys.modules; the name keeps resolving through __getattr__
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
'''


class FacadeError(Exception):
    """The facade's source does not have the shape this module reads."""


def exports(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """(module relative to the runtime, names) for each import of the `if TYPE_CHECKING:` block, in order."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            table: list[tuple[str, tuple[str, ...]]] = []
            for statement in node.body:
                if not (isinstance(statement, ast.ImportFrom) and statement.level == 1 and statement.module):
                    raise FacadeError(f"line {statement.lineno}: only `from .<wing>.<module> import ...` belongs here")
                table.append((statement.module, tuple(alias.name for alias in statement.names)))
            return table
    raise FacadeError("no `if TYPE_CHECKING:` block of the runtime's public imports")


def wing_of(module: str) -> str:
    """`outbox._outbox` -> `outbox`: the sub-package a facade module lives in."""
    return module.split(".", 1)[0]


def render(source: str, wings: Collection[str]) -> str:
    """The facade `source` rewritten for a runtime that carries only `wings` (the other modules' names dropped)."""
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    if docstring is None:
        raise FacadeError("the facade needs its docstring")
    table = [(module, names) for module, names in exports(source) if wing_of(module) in wings]
    return _TEMPLATE.format(
        docstring=f'"""{docstring}"""',
        imports="\n".join(_import_lines(table)),
        modules="\n".join(f'    "{module}": ({_quoted(names)}),' for module, names in table),
        names="\n".join(
            f'    "{name}",' for name in sorted((name for _, names in table for name in names), key=_isort_key)
        ),
    )


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's order for `__all__` (RUF022): CONSTANTS, then Classes, then functions and the rest."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def _quoted(names: Sequence[str]) -> str:
    return " ".join(f'"{name}",' for name in names)


def _import_lines(table: Sequence[tuple[str, tuple[str, ...]]]) -> list[str]:
    lines: list[str] = []
    for module, names in table:
        lines.append(f"    from .{module} import (")
        lines.extend(f"        {name}," for name in names)
        lines.append("    )")
    return lines


def wings_in(runtime: Path) -> set[str]:
    """The wings (sub-packages) a runtime folder holds."""
    return {path.parent.name for path in runtime.glob("*/__init__.py")}


def main(argv: Sequence[str]) -> int:
    """`python -m generator.facade`: rewrite the runtime's own facade (every wing) from its TYPE_CHECKING block."""
    if argv:
        print("usage: python -m generator.facade", file=sys.stderr)
        return 2
    source = FACADE.read_text(encoding="utf-8")
    FACADE.write_text(render(source, wings_in(FACADE.parent)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The seam (`_http.py`): the runtime runs on the library this test run selected, through one module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import httpx
from runtime.core import _http
from runtime.core._http import LIBRARY, is_client_default

from tests.http_library import SELECTED


def test_the_runtime_runs_on_the_selected_library() -> None:
    """On an httpx2 run the seam imports httpx2 by name (as the build writes it), not httpx aliased to it."""
    assert f"\nimport {SELECTED.name} as httpx  #" in Path(_http.__file__).read_text(encoding="utf-8")
    assert SELECTED.name == LIBRARY
    assert _http.httpx.__spec__ is not None and _http.httpx.__spec__.name == SELECTED.name
    assert _http.httpx.Client is httpx.Client  # the tests' `import httpx` is the same library


def test_the_client_default_sentinel_is_recognised_and_nothing_else() -> None:
    """`is_client_default` tells httpx's "use the client's setting" apart from a timeout or None."""
    assert is_client_default(httpx.USE_CLIENT_DEFAULT)
    assert not is_client_default(None)
    assert not is_client_default(httpx.Timeout(1.0))


RUNTIME = Path(_http.__file__).resolve().parents[1]
# A private attribute read through a dot: `x._y`; a private module (`httpx._models`) counts too.
_PRIVATE_ACCESS = re.compile(r"\._[a-z]")


def test_no_runtime_line_reaches_a_private_attribute_where_it_names_the_library() -> None:
    """Issue #15's check, as written: `git grep -n '\\._[a-z]' generator/runtime | grep -i httpx` finds nothing.

    Our own private attributes annotated with the library's types are declared at class level, so a line
    that names the library never holds a `._` at all and the check needs no judgement to read.
    """
    hits = [
        f"{path.relative_to(RUNTIME)}:{number}: {line.strip()}"
        for path in sorted(RUNTIME.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _PRIVATE_ACCESS.search(line) and "httpx" in line.lower()
    ]
    assert hits == []


def _library_names(tree: ast.Module) -> set[str]:
    """Local names bound to the library: `from ..core import httpx`, `import httpx as h`."""
    names = {"httpx"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names if alias.name in ("httpx", "httpx2"))
    return names


def test_no_runtime_module_uses_a_private_name_of_the_library() -> None:
    """No `httpx._x` attribute (private classes, private modules) anywhere in the runtime, whatever the line."""
    found = []
    for path in sorted(RUNTIME.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        library = _library_names(tree)
        found += [
            f"{path.relative_to(RUNTIME)}:{node.lineno}: {node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.endswith("__")  # dunders (`__name__`) are public
            and isinstance(node.value, ast.Name)
            and node.value.id in library
        ]
    assert found == []

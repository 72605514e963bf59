"""After generation, every module of the package must import; a module that does not is a refusal naming its source.

openapi-python-client can emit a module that fails at import time (a model it dropped but still imports,
a name it did not import). One such module breaks `import <package>` through the resource facade, so the
build refuses instead: the error names the module, the import error and, for an endpoint module, the JSON
pointer of the operation, which the spec author can fix or list in `skip` (generator/sdks.toml).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.spec_check import json_pointer

# Run in a fresh interpreter so nothing the generator imported can hide a failure. It first reads every module's
# source into memory and prints "ready", then imports each from there (the build may rewrite the files meanwhile:
# ruff formats them, and formatting changes no import). Each failure is charged to the innermost generated file
# in its traceback (a broken endpoint module also breaks the package's __init__ through the resource facade: the
# endpoint is the one to name). Prints one JSON line {origin: error}.
_IMPORT_EVERY_MODULE = """
import importlib, importlib.abc, importlib.util, json, pathlib, sys, traceback
root = pathlib.Path(sys.argv[1]).resolve()
package = root.name
sources = {}
for path in sorted(root.rglob("*.py")):
    parts = path.relative_to(root.parent).with_suffix("").parts
    is_package = parts[-1] == "__init__"
    sources[".".join(parts[:-1] if is_package else parts)] = (str(path), is_package, path.read_bytes())
by_path = {path: source for path, _, source in sources.values()}
print("ready", flush=True)

class Snapshot(importlib.abc.MetaPathFinder, importlib.abc.SourceLoader):
    def find_spec(self, name, path=None, target=None):
        if name != package and not name.startswith(package + "."):
            return None
        if name not in sources:
            return None
        file, is_package, _ = sources[name]
        where = [str(pathlib.Path(file).parent)] if is_package else None
        return importlib.util.spec_from_file_location(name, file, loader=self, submodule_search_locations=where)
    def get_filename(self, fullname):
        return sources[fullname][0]
    def get_data(self, path):
        return by_path[path]

sys.meta_path.insert(0, Snapshot())
broken = {}
for module in sources:
    try:
        importlib.import_module(module)
    except Exception as exc:
        files = [f.filename for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(str(root))]
        origin = pathlib.Path(files[-1]) if files else pathlib.Path(sources[module][0])
        parts = origin.resolve().relative_to(root.parent).with_suffix("").parts
        broken.setdefault(".".join(parts[:-1] if parts[-1] == "__init__" else parts), f"{type(exc).__name__}: {exc}")
print(json.dumps(broken))
"""


def broken_modules(project_dir: Path, package: str) -> dict[str, str]:
    """{module: "ErrorType: message"} for every module of `package` under `project_dir` that breaks an import."""
    with ImportCheck.start(project_dir, package) as check:
        return check.result()


class ImportCheck:
    """The import check running in the background, so the build can go on.

    The build formats the files with ruff while this runs (the two take about as long as each other, and
    formatting changes no import): `start` returns once the check has read every module's source, so it never
    reads a file ruff is rewriting (and no copy of the package is written for it).
    """

    def __init__(self, package: str, process: subprocess.Popen[bytes]) -> None:
        self._package = package
        self._process = process

    @classmethod
    def start(cls, project_dir: Path, package: str) -> ImportCheck:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        process = subprocess.Popen(
            # -P: nothing on the path but the interpreter's own, so every module of the package comes from memory
            [sys.executable, "-P", "-c", _IMPORT_EVERY_MODULE, str(project_dir / package)],
            cwd=project_dir,
            env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered: reading "ready" reads nothing beyond it, which communicate() would not see
        )
        if process.stdout is not None:
            process.stdout.readline()  # "ready": every source is in memory (or the check failed: result() says so)
        return cls(package, process)

    def result(self) -> dict[str, str]:
        """Wait for the check: {module: "ErrorType: message"} for each module that does not import."""
        raw_stdout, raw_stderr = self._process.communicate(timeout=600)
        stdout, stderr = raw_stdout.decode(errors="replace"), raw_stderr.decode(errors="replace")
        if self._process.returncode != 0 or not stdout.strip():
            last = (stderr.strip().splitlines() or ["no output"])[-1]
            return {self._package: last}
        report: dict[str, str] = json.loads(stdout.strip().splitlines()[-1])
        return report

    def __enter__(self) -> ImportCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.poll() is None:  # the build stopped before asking for the result
            self._process.kill()
            self._process.communicate()


def endpoint_pointers(package: str, endpoints: Mapping[str, Sequence[tuple[str, object, object]]]) -> dict[str, str]:
    """{endpoint module: operation pointer} from {tag: [(module name, method, path)]} (str or UntrustedString)."""
    return {
        f"{package}.api.{tag}.{module}": json_pointer(("paths", _plain(path), _plain(method)))
        for tag, modules in endpoints.items()
        for module, method, path in modules
    }


def _plain(value: object) -> str:
    reveal = getattr(value, "get_untrusted_value", None)
    return str(reveal() if callable(reveal) else value)


def describe(broken: Mapping[str, str], pointers: Mapping[str, str], spec: str) -> list[str]:
    """One line per broken module: `spec#/paths/...: [import] module: error` for endpoints, the module otherwise."""
    lines = []
    for module, error in sorted(broken.items()):
        pointer = pointers.get(module)
        where = f"{spec}#{pointer}" if pointer else spec
        lines.append(f"{where}: [import] {module} does not import: {error}")
    return lines

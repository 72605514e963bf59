"""The committed SDK installs into a clean virtualenv and imports with only its declared dependencies.

This installs sdk/myrvm with pip (hatchling and the dependencies come from the package index), so it
needs the index and takes a few seconds to a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator.registry import ROOT

BOOTSTRAP = frozenset({"pip", "setuptools", "wheel"})  # what `python -m venv` itself may put in
DECLARED = frozenset({"httpx", "attrs", "python-dateutil", "sniffio", "httptools"})
DEV_TOOLS = frozenset({"schemathesis", "pytest", "openapi-python-client", "hypothesis", "respx", "pyyaml", "mypy"})

LIST_DISTRIBUTIONS = """
import importlib.metadata, json
print(json.dumps({d.metadata["Name"]: d.requires or [] for d in importlib.metadata.distributions()}))
"""


def run(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def closure(root: str, requires: dict[str, list[str]]) -> set[str]:
    """Every distribution `root` needs, transitively, on this interpreter and without extras."""
    needed: set[str] = set()
    pending = [canonicalize_name(root)]
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed.add(name)
        for text in requires.get(name, []):
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(canonicalize_name(requirement.name))
    return needed


def test_sdk_installs_and_imports_with_only_its_dependencies(tmp_path: Path) -> None:
    """pip install sdk/myrvm into a fresh venv pulls exactly its dependency closure, and the SDK imports."""
    source = tmp_path / "myrvm"  # a copy, so the build can never leave anything in sdk/
    shutil.copytree(ROOT / "sdk" / "myrvm", source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, timeout=120)
    python = str(venv / "bin" / "python")

    run([python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", str(source)], tmp_path, 180)

    imported = run(
        [
            python,
            "-I",  # isolated: neither PYTHONPATH nor the user site can lend it a package
            "-c",
            "import myrvm_sdk, myrvm_sdk.api, myrvm_sdk.models; from myrvm_sdk import MyRVM, AsyncMyRVM; "
            "print(myrvm_sdk.__file__)",
        ],
        cwd=tmp_path,
        timeout=60,
    )
    assert Path(imported.stdout.strip()).is_relative_to(venv)

    dumped = run([python, "-I", "-c", LIST_DISTRIBUTIONS], cwd=tmp_path, timeout=60)
    requires: dict[str, list[str]] = {canonicalize_name(name): reqs for name, reqs in json.loads(dumped.stdout).items()}
    installed = set(requires) - BOOTSTRAP
    assert "myrvm-sdk" in installed
    assert installed.isdisjoint(DEV_TOOLS)
    hard = [Requirement(text) for text in requires["myrvm-sdk"]]
    hard = [r for r in hard if r.marker is None or r.marker.evaluate({"extra": ""})]  # extras are opt-in
    assert {canonicalize_name(r.name) for r in hard} == DECLARED
    needed = closure("myrvm-sdk", requires)
    assert needed >= DECLARED | {"myrvm-sdk"}
    assert installed == needed

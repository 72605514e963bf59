"""The bench's own SDK (`bench_sdk`, from tests/bench/bench.yaml), generated at bench time into a scratch folder.

It is a measurement fixture, not an SDK we ship, so it is neither listed in generator/sdks.toml nor
committed under sdk/: `make bench` builds it with the generator exactly as `make generate` builds a real
one (the spec's lint included, so the bench measures the code our users get), and tests that need it
build it into their own temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from generator.build import build_into
from generator.registry import SdkEntry

SPEC = Path(__file__).resolve().parent / "bench.yaml"
BENCH_ENTRY = SdkEntry.named("bench", SPEC, client_class="Bench", mock_port=4019)
"""Its names: distribution bench-sdk, package bench_sdk, clients Bench / AsyncBench, prefix BENCH."""


def build_bench_sdk(folder: Path) -> Path:
    """Generate the bench SDK into `folder`/bench (which must not exist); returns the folder holding `bench_sdk`."""
    project = folder / BENCH_ENTRY.name
    build_into(BENCH_ENTRY, project)
    return project

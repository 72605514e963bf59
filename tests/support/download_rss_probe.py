"""Measure what `runtime.download` costs in memory, in a process of its own (run by tests/runtime/test_download.py).

    python -m tests.support.download_rss_probe <mode> <base url> <warm-up path> <big path> <sha256> <size> <dir>

It downloads the small warm-up file first (imports, the connection pool and the chunk buffers all exist
afterwards), reads the peak resident set size (``ru_maxrss``, a high-water mark), downloads the big
file, and prints one JSON line: the peak before and after (bytes) and the seconds the big download
took. The growth of the peak is what streaming a file costs. Mode ``download`` uses `runtime.download`;
mode ``read`` reads the body into memory with plain httpx instead, the control that shows the probe
sees a body held in memory. ``tracemalloc`` is not used: it would slow every allocation of the transfer down.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import httpx


def peak_rss_bytes() -> int:
    """The process's peak resident set size (Linux reports kibibytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def main(argv: list[str]) -> int:
    mode, base_url, warm_path, big_path, sha256, size, directory = argv
    from runtime.download import _download  # imported here: the runtime is on PYTHONPATH only in the child

    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        _download.download(client, warm_path, Path(directory) / "warm.bin", expected_sha256=None)
        before = peak_rss_bytes()
        started = time.perf_counter()
        if mode == "read":
            received = len(client.get(big_path).content)
        else:
            result = _download.download(
                client, big_path, Path(directory) / "big.bin", expected_sha256=sha256, expected_size=int(size)
            )
            received = result.size_bytes
            Path(result.path).unlink()
        seconds = time.perf_counter() - started
        after = peak_rss_bytes()
    print(json.dumps({"before": before, "after": after, "seconds": seconds, "size": received}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

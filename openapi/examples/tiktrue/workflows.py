"""TikTrue desktop workflows, async-first: log in on this machine, check the licence, download a model, log out.

Run against the mock:  make mock  (in another terminal), then
    TIKTRUE_BASE_URL=http://127.0.0.1:4030 python examples/workflows.py [download folder]

The mock serves a 62-byte placeholder instead of real weights; the download ticket's size and SHA-256
describe that placeholder, so the download verifies. Against the real API set TIKTRUE_BASE_URL,
TIKTRUE_USERNAME and TIKTRUE_PASSWORD. The progress bar uses tqdm or rich when one is installed
(``pip install tqdm``), plain text otherwise.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import os
import platform
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from tiktrue_sdk import AsyncTikTrue
from tiktrue_sdk.errors import ChecksumMismatchError, PermissionDeniedError
from tiktrue_sdk.models import LicenseValidationRequest

Progress = Callable[[float, int, "int | None"], None]


def hardware_fingerprint() -> str:
    """The machine's fingerprint as the API wants it: the SHA-256 of stable machine identifiers, in hex.

    A real app reads CPU, board and disk serials; the example hashes what the standard library knows.
    """
    identifiers = [platform.system(), platform.machine(), platform.node(), str(uuid.getnode())]
    return hashlib.sha256("|".join(identifiers).encode()).hexdigest()


def progress_bar(label: str) -> tuple[Progress, Callable[[], None]]:
    """A progress callback for downloads and a function that closes the bar: tqdm, rich or plain text."""
    try:
        tqdm = importlib.import_module("tqdm").tqdm  # optional, and untyped: imported by name
    except ImportError:
        pass
    else:
        bar = tqdm(desc=label, unit="B", unit_scale=True, unit_divisor=1024)

        def with_tqdm(fraction: float, done: int, total: int | None) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return with_tqdm, bar.close
    try:
        from rich.progress import Progress as RichProgress  # optional
    except ImportError:
        pass
    else:
        rich = RichProgress()
        task = rich.add_task(label, total=None)
        rich.start()

        def with_rich(fraction: float, done: int, total: int | None) -> None:
            rich.update(task, completed=done, total=total)

        return with_rich, rich.stop
    shown: list[int] = [-1]

    def as_text(fraction: float, done: int, total: int | None) -> None:
        percent = int(fraction * 100)
        if percent != shown[0]:  # one line per percent, not per chunk
            shown[0] = percent
            of = f" of {total:,}" if total is not None else ""
            print(f"\r  {label}: {percent:3d}% ({done:,}{of} bytes)", end="", flush=True)

    return as_text, lambda: print()


async def main(folder: Path) -> None:
    base_url = os.environ.get("TIKTRUE_BASE_URL", "http://127.0.0.1:4030")
    credentials = {
        "username": os.environ.get("TIKTRUE_USERNAME", "ada.lovelace"),
        "password": os.environ.get("TIKTRUE_PASSWORD", "demo-password-for-the-mock"),
        "hardware_fingerprint": hardware_fingerprint(),
    }

    # The client logs in with these credentials on the first call, refreshes the token before it
    # expires, and sends it only to the API's own host (never to a download host).
    async with AsyncTikTrue(base_url, credentials=credentials) as client:
        health = await client.health.check()
        print(f"API {health.version} is {health.status}")

        verdict = await client.licenses.validate(
            body=LicenseValidationRequest(hardware_fingerprint=credentials["hardware_fingerprint"])
        )
        print(f"logged in: {client.is_authenticated()}; licence valid here: {verdict.valid} ({verdict.reason})")

        licence = await client.licenses.info()
        print(
            f"licence {licence.license_key}: {licence.plan} plan, {licence.status} until "
            f"{licence.expires_at:%Y-%m-%d}, {licence.active_clients} of {licence.max_clients} machines"
        )

        models = (await client.models.list_available()).items
        for model in models:
            print(f"  {model.model_id}: {model.name}, {model.size_mb:,} MiB in {model.blocks_count} blocks")
        chosen = models[0].model_id

        try:
            ticket = await client.models.get_download_url(chosen)
        except PermissionDeniedError as exc:  # e.g. LICENSE_EXPIRED, MODEL_NOT_ALLOWED, HARDWARE_MISMATCH
            print(f"cannot download {chosen}: {exc.problem.code if exc.problem else exc.status_code}")
        else:
            target = folder / f"{chosen}.gguf"
            update, close = progress_bar(chosen)
            try:
                # Streams to a partial file beside the target, resumes after a dropped connection, and
                # moves the file into place only once its SHA-256 matches the ticket's.
                result = await client.download(
                    ticket.url,
                    target,
                    expected_sha256=ticket.sha256,
                    expected_size=ticket.size_bytes,
                    progress=update,
                )
            except ChecksumMismatchError as exc:
                close()
                print(f"download corrupted, nothing kept: expected {exc.expected}, got {exc.actual}")
            else:
                close()
                print(f"saved {result.path}: {result.size_bytes} bytes, sha256 {result.sha256[:12]}..., verified")

        await client.logout()
        print(f"logged out: {not client.is_authenticated()}")


def run(argv: list[str]) -> None:
    if argv:
        asyncio.run(main(Path(argv[0])))
        return
    with tempfile.TemporaryDirectory(prefix="tiktrue-") as scratch:
        asyncio.run(main(Path(scratch)))


if __name__ == "__main__":
    run(sys.argv[1:])

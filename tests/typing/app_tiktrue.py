"""An application written against the TikTrue SDK (cursor pagination): type-checked by `make lint`, never run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import assert_type

from tiktrue_sdk import AsyncTikTrue, TikTrue
from tiktrue_sdk.errors import PermissionDeniedError
from tiktrue_sdk.models import PaymentSession
from tiktrue_sdk.types import StreamedFile


def payments(client: TikTrue) -> list[PaymentSession]:
    """history_all() yields PaymentSession items, fetching cursor pages as needed."""
    sessions = client.payments.history_all(page_size=50)
    assert_type(sessions, Iterator[PaymentSession])
    try:
        return list(sessions)
    except PermissionDeniedError:
        return []


def checkout(client: TikTrue) -> PaymentSession:
    """The body as a dict of PaymentCreateRequestDict: enum values as Literals."""
    return client.payments.create(body={"plan": "pro", "duration_months": 12})


async def first_payment(client: AsyncTikTrue) -> PaymentSession | None:
    async for session in client.payments.history_all(max_items=1):
        return session
    return None


def save_model(client: TikTrue, path: Path) -> Path:
    """A binary answer is a StreamedFile: saved atomically, or read chunk by chunk."""
    with client.models.download_file("model-1") as file:
        assert_type(file, StreamedFile)
        assert_type(file.iter_bytes(), Iterator[bytes])
        return file.save(path)


async def read_model(client: AsyncTikTrue) -> bytes:
    """The async client's StreamedFile is read with aread() (or asave(), aiter_bytes())."""
    async with await client.models.download_file("model-1") as file:
        assert_type(file.aiter_bytes(), AsyncIterator[bytes])
        return await file.aread()
